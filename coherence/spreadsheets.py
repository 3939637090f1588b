"""CSV and XLSX files for download, and the one spreadsheet-formula guard of every export
(pages, the API's CSV, the XLSX template): text that a spreadsheet could run as a formula
is written so that none does (prefixed with a single quote, as OWASP advises)."""

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook

# What a spreadsheet skips before it decides a cell is a formula: spaces, tabs, line
# breaks, no-break and ideographic spaces, zero-width marks.
_BLANKS = " \t\r\n\v\f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
# = + - @ and their full-width forms, which some spreadsheets fold to the ASCII ones.
_TRIGGERS = "=+\\-@\uff1d\uff0b\uff0d\uff20"
_FORMULA_START = re.compile(f"[{_BLANKS}]*[{_TRIGGERS}]|[\t\r]")
# A formula after a separator: a spreadsheet that splits on `;` (or a leading `,`) reads
# what follows as a cell of its own, so the quote goes right after the separator.
_FORMULA_AFTER_SEPARATOR = re.compile(
    f"(?P<separator>^[{_BLANKS}]*[;,]|;)(?P<rest>[{_BLANKS}]*[{_TRIGGERS}][^;]*)"
)
_NUMBER = re.compile(f"[{_BLANKS}]*[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?[{_BLANKS}]*")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quote_after_separator(match: re.Match) -> str:
    rest = match["rest"]
    return match[0] if _NUMBER.fullmatch(rest) else f"{match['separator']}'{rest}"


def neutralise(value):
    """Text that a spreadsheet would read as a formula is quoted; numbers pass as numbers.

    A negative number, as a number or as the text of one (`-3`, `-2.5`), is not a formula
    and is left alone; any other text whose first character after blanks is = + - @ (or a
    full-width form), or that starts with a tab or a carriage return, gets a leading quote,
    and so does a formula after a `;` (a leading `;` or `,`) for spreadsheets that split
    cells there.
    """
    if not isinstance(value, str) or _NUMBER.fullmatch(value):
        return value
    if _FORMULA_START.match(value):
        value = "'" + value
    return _FORMULA_AFTER_SEPARATOR.sub(_quote_after_separator, value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]]) -> bytes:
    """sheets: title -> (header, rows). Strings are neutralised and stored as text."""
    workbook = Workbook(write_only=True)  # streams rows: several times faster on big sheets
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str) -> HttpResponse:
    content_type = XLSX_TYPE if filename.endswith(".xlsx") else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
