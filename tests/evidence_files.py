"""Files for the evidence tests, each made here from bytes: real types, renamed ones, a zip
bomb; and the fixture that points the "evidence" storage at a fresh folder."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
CSV_TEXT = b"country,cycle,value\nPHL,2026,1\n"
# The head of a Word 97-2003 file: a compound-file header, then Word's own signature.
LEGACY_DOC = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 512
)


def png(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00" * width) * height
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx(extra: list[tuple[str, bytes]] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(expanded_mb: int = 1024) -> bytes:
    """A .docx whose one extra part unpacks to `expanded_mb` MB of zeros (about 1 MB
    packed per GB), written in pieces so that the test never holds it unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as part:
            block = b"\x00" * 2**20
            for _ in range(expanded_mb):
                part.write(block)
    return buffer.getvalue()


def many_parts(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(count):
            archive.writestr(f"p/{n}", b"")
    return buffer.getvalue()


@pytest.fixture
def evidence_root(settings, tmp_path) -> Path:
    """The "evidence" storage in a fresh folder: what is stored can be counted on disk."""
    root = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def document_on(assessment, code: str = "H-INS-01", content: bytes = PDF):
    """A PDF on the answer to `code`, stored and recorded directly, whatever the
    assessment's state (the services attach only to editable answers)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from assessments.models import Answer, EvidenceDocument, Indicator

    indicator = Indicator.objects.get(version_id=assessment.framework_id, code=code)
    answer, _ = Answer.objects.get_or_create(assessment=assessment, indicator=indicator)
    name = storages["evidence"].save(f"{assessment.pk}/fixture", ContentFile(content))
    return EvidenceDocument.objects.create(
        answer=answer,
        name="decree.pdf",
        size=len(content),
        content_type="application/pdf",
        storage_name=name,
    )
