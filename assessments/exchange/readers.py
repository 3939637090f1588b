"""Reading a responses file (DESIGN §5) a row at a time, bounded by design.

A CSV is read through the csv module over a text stream, an XLSX through openpyxl's
read-only mode; neither is ever held whole, and each stops — refusing the file with the
row it reached — as soon as the file goes past what it may hold: a number of rows, a
number of columns, a line's length, an XLSX's unpacked size. A sheet's declared dimension
is ignored (a 2 KB workbook may declare A1:XFD1048576), and rows past the limit are
neither read nor made up. Only the known columns are kept, column by column, so memory
follows the rows a file really has, not its cells.
"""

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from os import PathLike
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from django.utils.translation import gettext as _

FILE_LEVEL = "-"  # the column named by problems of a row or of the file as a whole
MAX_COLUMNS = 50  # the 7 columns of §5, the template's helper columns and room for notes
MAX_PROBLEMS = 100  # a reader stops at this many; the file is refused with "and more"
MAX_LINE_CHARS = 1_000_000  # one CSV line; a field is capped at 131,072 by the csv module
_INTERNED = 65_536  # distinct texts of a column shared between rows, beyond: not looked up


@dataclass(frozen=True)
class Limits:
    """How far a file is read. `rows`: rows with something in them under the header;
    `last_row`: the last row number read at all, blank or not; `unpacked_bytes`: an XLSX's
    members together, uncompressed; `loaded_bytes`: its members other than the sheets, which
    openpyxl loads whole even in read-only mode (the shared strings, the styles); `advice`:
    said with a refusal for size."""

    rows: int
    last_row: int
    unpacked_bytes: int
    loaded_bytes: int
    advice: str


class Refused(Exception):
    """The file cannot be read as a table: (row, column, why) for each problem met;
    `more` when reading stopped at MAX_PROBLEMS with more to find."""

    def __init__(self, problems: list[tuple[int, str, str]], *, more: bool = False):
        self.problems = problems
        self.more = more
        super().__init__("\n".join(f"row {r}, column {c}: {m}" for r, c, m in problems))


def _refused(message: str, row: int = 1) -> Refused:
    return Refused([(row, FILE_LEVEL, message)])


# --- Opening ------------------------------------------------------------------------------


@contextmanager
def opened(file) -> Iterator[BinaryIO]:
    """A path, bytes or a binary file object as a seekable binary stream."""
    if isinstance(file, str | PathLike):
        with open(file, "rb") as stream:
            yield stream
        return
    if isinstance(file, bytes | bytearray | memoryview):
        yield io.BytesIO(file)
        return
    if not isinstance(file.read(0), bytes):
        raise TypeError("import_responses reads a path, bytes or a binary file object")
    if not file.seekable():
        file = io.BytesIO(file.read())  # a pipe: callers cap its size (the form: 5 MB)
    yield file


def _all_blank(stream: BinaryIO) -> bool:
    stream.seek(0)
    while chunk := stream.read(65_536):
        if chunk.strip():
            return False
    return True


def read_table(
    file, filename: str, *, columns: Iterable[str], limits: Limits, sheet: str | None = None
) -> pd.DataFrame | None:
    """The file as an all-string DataFrame of its known `columns` in the order they come:
    cells trimmed, names lower-case, index = the row number a spreadsheet shows, the header
    being row 1 in a file that starts with it, attrs["header_row"] its own. Blank rows are
    left out but keep their numbers. Raises Refused. `sheet`: read that sheet of an XLSX
    only — None where the file has no such sheet (a CSV has none)."""
    with opened(file) as stream:
        start = stream.tell()
        head = stream.read(4)
        stream.seek(start)
        suffix = Path(filename or "").suffix.lower()
        if suffix == ".xls" or head == b"\xd0\xcf\x11\xe0":
            raise _refused(_("old Excel (.xls) files are not read: save it as .xlsx or CSV"))
        if suffix in (".xlsx", ".xlsm") or (suffix not in (".csv", ".txt") and head[:2] == b"PK"):
            with _xlsx_rows(stream, limits, sheet) as rows:
                return None if rows is None else _table(rows, tuple(columns), limits)
        if sheet is not None:
            return None
        rows = _csv_rows(stream)
        try:
            return _table(rows, tuple(columns), limits)
        finally:
            rows.close()  # before the stream closes: the text wrapper lets go of it


# --- Rows of cells --------------------------------------------------------------------------


def _lines(text: io.TextIOBase) -> Iterator[str]:
    number = 0
    while line := text.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            raise _refused(
                _("a line longer than %(n)s characters") % {"n": f"{MAX_LINE_CHARS:,}"}, number
            )
        yield line


def _csv_rows(stream: BinaryIO) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        lines = _lines(text)
        leading = []  # blank lines before the header, then the header line
        for line in lines:
            leading.append(line)
            if line.strip("\r\n"):
                break
        header_line = leading[-1] if leading else ""
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        reader = csv.reader(itertools.chain(leading, lines), delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise _refused(_("unreadable CSV: %(e)s") % {"e": exc}, reader.line_num) from None
    except UnicodeDecodeError:
        raise _refused(
            _("the file is not UTF-8 text: save it as CSV UTF-8 (or as .xlsx)")
        ) from None
    finally:
        text.detach()  # the caller closes the stream


@contextmanager
def _xlsx_rows(
    stream: BinaryIO, limits: Limits, named: str | None = None
) -> Iterator[Iterator[list[str]] | None]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        if _all_blank(stream):
            raise _refused(_("the file is empty")) from None
        raise _refused(_("the file is not an Excel workbook (.xlsx)")) from None
    unpacked = sum(member.file_size for member in members)
    streamed = _worksheet_parts(stream, members)
    loaded = sum(m.file_size for m in members if m.filename not in streamed)
    if unpacked > limits.unpacked_bytes or loaded > limits.loaded_bytes:
        raise _refused(
            _("the workbook unpacks to %(n)s MB, where at most %(max)s MB is read")
            % {"n": unpacked // 2**20, "max": limits.unpacked_bytes // 2**20}
            if unpacked > limits.unpacked_bytes
            else _(
                "the workbook unpacks to %(n)s MB besides its sheets (shared strings, styles, "
                "pictures), where at most %(max)s MB is read"
            )
            % {"n": loaded // 2**20, "max": limits.loaded_bytes // 2**20}
        )
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors, one per broken part
        raise _refused(_("the file is not an Excel workbook (.xlsx)")) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise _refused(_("the workbook has no sheet"))
        wanted = named or "responses"
        sheet = next((s for s in sheets if s.title.strip().lower() == wanted), None)
        if sheet is None and named is not None:
            yield None
            return
        sheet = sheet or sheets[0]
        sheet.reset_dimensions()  # rows as long as their own cells, not as the sheet says
        rows = _sheet_rows(sheet)
        try:
            yield rows
        finally:
            rows.close()
    finally:
        workbook.close()


_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_OVERRIDE = re.compile(rb"<Override\b[^>]*>")
_ATTRIBUTE = re.compile(rb'(PartName|ContentType)\s*=\s*"([^"]*)"')


def _worksheet_parts(stream: BinaryIO, members: list[zipfile.ZipInfo]) -> set[str]:
    """The parts openpyxl streams (worksheets, by the content types the workbook declares,
    wherever they lie); every other part it loads whole. By declared type, not by folder:
    a shared-strings part moved among the sheets is still loaded whole."""
    manifest = next((m for m in members if m.filename == "[Content_Types].xml"), None)
    if manifest is None or manifest.file_size > 2**20:
        return set()
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        text = archive.read(manifest)
    parts = set()
    for tag in _OVERRIDE.findall(text):
        attributes = {k.decode(): v.decode() for k, v in _ATTRIBUTE.findall(tag)}
        if attributes.get("ContentType") == _WORKSHEET_TYPE:
            parts.add(attributes.get("PartName", "").lstrip("/"))
    return parts


def _sheet_rows(sheet) -> Iterator[list[str]]:
    try:
        for row in sheet.iter_rows():
            yield [_cell_text(cell) for cell in row]
    except Exception as exc:  # a broken sheet part met while streaming it
        raise _refused(_("the file is not an Excel workbook (.xlsx)")) from exc


def _cell_text(cell) -> str:
    """A cell as the text a person reads in it: 5.0 is "5"; a percent-formatted 0.125
    (typed 12.5%) is "12.5"."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", None) or ""):
            value = value * 100
        text = f"{value:.15g}"
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# --- The table ------------------------------------------------------------------------------


def _table(rows: Iterable[list[str]], columns: tuple[str, ...], limits: Limits) -> pd.DataFrame:
    """Rows of cells (row 1 first) as the frame of their known columns, read no further
    than `limits`; a row with more non-empty cells than the header has is refused, since
    its cells may have shifted."""
    problems: list[tuple[int, str, str]] = []
    header_row = 0
    width = 0
    where: dict[str, int] = {}  # a known column's position in the header
    kept: dict[str, list[str]] = {}
    slots: list[tuple[int, dict[str, str], list[str]]] = []  # (position, texts, column)
    numbers: list[int] = []
    filled = 0
    for number, cells in enumerate(rows, 1):
        if number > limits.last_row:
            raise _refused(
                _("the file goes on past row %(n)s: %(advice)s")
                % {"n": f"{limits.last_row:,}", "advice": limits.advice},
                number,
            )
        texts = [cell.strip() for cell in cells]
        if not any(texts):
            continue
        filled += 1
        if filled > limits.rows + 1:
            raise _refused(
                _("more than %(n)s rows: %(advice)s")
                % {"n": f"{limits.rows:,}", "advice": limits.advice},
                number,
            )
        if not header_row:
            header_row, width, where = number, *_header(number, cells, texts, columns)
            kept = {name: [] for name in where}
            slots = [(at, {}, kept[name]) for name, at in where.items()]
            continue
        if len(cells) > width and any(texts[width:]):
            problems.append(
                (
                    number,
                    FILE_LEVEL,
                    _("%(n)s cells where the header has %(w)s") % {"n": len(cells), "w": width},
                )
            )
            if len(problems) >= MAX_PROBLEMS:
                raise Refused(problems, more=True)
            continue
        if problems:
            continue  # the file is refused: only its other problems matter now
        numbers.append(number)
        count = len(texts)
        for at, known, column in slots:
            text = texts[at] if at < count else ""
            # one string object for the texts a column repeats (codes, cycles, values)
            column.append(
                known.setdefault(text, text) if len(known) < _INTERNED else known.get(text, text)
            )
    if problems:
        raise Refused(problems)
    if not header_row:
        raise _refused(_("the file is empty"))
    frame = pd.DataFrame(kept, index=pd.Index(numbers, dtype="int64"), dtype=object)
    frame.attrs["header_row"] = header_row
    return frame


def _header(
    number: int, cells: list[str], texts: list[str], columns: tuple[str, ...]
) -> tuple[int, dict[str, int]]:
    """The header's width and where each known column is in it."""
    if len(cells) > MAX_COLUMNS and any(texts[MAX_COLUMNS:]):
        last = max(i for i, text in enumerate(texts) if text) + 1
        raise _refused(
            _("%(n)s columns, where a responses file has at most %(max)s")
            % {"n": last, "max": MAX_COLUMNS},
            number,
        )
    width = min(len(cells), MAX_COLUMNS)
    names = [text.lower() for text in texts[:width]]
    duplicated = [name for name in columns if names.count(name) > 1]
    if duplicated:
        raise Refused([(number, name, _("the column appears twice")) for name in duplicated])
    return width, {name: names.index(name) for name in names if name in columns}
