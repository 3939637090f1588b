"""What an uploaded file must be before it is stored (DESIGN §7): a sanitised name, a
size within the limits, and a type read from its content by a sniffing library
(`filetype`), never from its name. Every refusal names the file and says why.

Checks read the file from disk in bounded pieces: the sniffer reads its first 8 KB, the
text check 64 KB at a time, the zip check only the archive's directory (never a member).
"""

import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import BinaryIO

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from coherence.errors import Invalid

CSV = "text/csv"
ZIPPED = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.oasis.opendocument.presentation": "ODP",
}
# The types accepted, as the sniffer names them, and the label a person reads.
ACCEPTED = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/msword": "DOC",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.ms-powerpoint": "PPT",
    **ZIPPED,
    CSV: "CSV",
}
NAME_LENGTH = 200
CHUNK = 64 * 1024
# Text a CSV may hold: anything but control characters other than tab, CR, LF and FF.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class DocumentRefused(Invalid):
    """A file that cannot be attached; `details` maps its name to why."""

    code = "invalid_document"

    def __init__(self, name: str, why: str):
        super().__init__(
            _("“%(name)s” was not attached: %(why)s") % {"name": name, "why": why}, {name: why}
        )
        self.name, self.why = name, why


@dataclass(frozen=True)
class Checked:
    """A file that passed: its sanitised name, size and sniffed type."""

    name: str
    size: int
    content_type: str

    @property
    def label(self) -> str:
        return ACCEPTED.get(self.content_type, self.content_type)


def clean_name(given: str) -> str:
    """The file's own name without any folder, control or formatting character (a
    right-to-left override among them), trimmed to NAME_LENGTH keeping its extension.
    Refused when nothing is left."""
    name = str(given or "")
    name = PureWindowsPath(PurePosixPath(name.replace("\\", "/")).name).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(
        " " if unicodedata.category(c) == "Zs" else c
        for c in name
        if unicodedata.category(c)[0] not in "CZ" or unicodedata.category(c) == "Zs"
    )
    name = " ".join(name.split()).strip(" .")
    if len(name) > NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:16] if dot else ""
        name = (stem if dot else name)[: NAME_LENGTH - len(ext) - 1].rstrip(" .") + dot + ext
    if not name:
        raise DocumentRefused(repr(given)[:80], _("the name has no usable character"))
    return name


def check_file(given_name: str, stream: BinaryIO, size: int) -> Checked:
    """The file checked, or DocumentRefused naming it and why. `stream` is read from the
    start in bounded pieces and left at the start."""
    name = clean_name(given_name)
    limit = settings.EVIDENCE_MAX_BYTES
    if size <= 0:
        raise DocumentRefused(name, _("the file is empty"))
    if size > limit:
        raise DocumentRefused(
            name,
            _("it is %(size)s, larger than the %(max)s allowed for one file")
            % {"size": filesizeformat(size), "max": filesizeformat(limit)},
        )
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        content_type = kind.mime
    elif _is_text(stream):  # the sniffer knows no text format: CSV is text, no NUL byte
        content_type = CSV
    else:
        content_type = None
    if content_type not in ACCEPTED:
        found = kind.extension.upper() if kind else _("binary data of an unknown type")
        raise DocumentRefused(
            name,
            _(
                "its content is %(found)s; accepted are PDF, Word, Excel, PowerPoint and "
                "OpenDocument files, CSV, PNG and JPEG"
            )
            % {"found": found},
        )
    if content_type in ZIPPED:
        _check_zip(name, stream, size)
    return Checked(name=name, size=size, content_type=content_type)


def _is_text(stream: BinaryIO) -> bool:
    """Whether the content is text: no NUL or other control byte anywhere (read in
    pieces, never whole)."""
    stream.seek(0)
    try:
        while chunk := stream.read(CHUNK):
            if _CONTROL_BYTES.search(chunk):
                return False
        return True
    finally:
        stream.seek(0)


_EOCD = b"PK\x05\x06"


def _check_zip(name: str, stream: BinaryIO, size: int) -> None:
    """An Office or OpenDocument file is a zip: its member count is read from the end
    record before the directory is parsed (a directory of millions of entries would fill
    memory), then the sizes its members declare are summed. Nothing is unpacked."""
    tail_size = min(size, 65536 + 22)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise DocumentRefused(name, _("it is not a readable Office or OpenDocument file"))
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    most = settings.EVIDENCE_ZIP_MAX_MEMBERS
    if entries > most:  # 0xFFFF as well: a ZIP64 archive, never one of ours
        raise DocumentRefused(
            name,
            _("it holds %(n)s parts, more than the %(max)s an Office file is allowed")
            % {"n": entries, "max": most},
        )
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise DocumentRefused(name, _("it is not a readable Office or OpenDocument file")) from None
    finally:
        stream.seek(0)
    if any(m.filename.lower().endswith("vbaproject.bin") for m in members):
        raise DocumentRefused(name, _("it contains macros; save it without them"))
    expanded = sum(m.file_size for m in members)
    limit = settings.EVIDENCE_ZIP_MAX_EXPANDED
    if len(members) > most or expanded > limit:
        raise DocumentRefused(
            name,
            _(
                "it unpacks to %(size)s, more than the %(max)s an Office file is allowed "
                "(a zip bomb?)"
            )
            % {"size": filesizeformat(expanded), "max": filesizeformat(limit)},
        )
