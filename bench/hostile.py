"""Hostile uploads and how to measure one: each file is read in a fresh
process, as the page upload reads it (one assessment) or as the command does (a whole
file), and the peak memory it added and the seconds it took are printed. The tests assert
on them; `make bench` reports them."""

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["country", "cycle", "actor", "indicator", "value"]

# Reads one file as the page upload (one assessment of a 122-indicator framework) or as
# the command does, and prints the peak memory it added and the seconds it took.
MEASURE = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coherence.settings")
import django
django.setup()
import openpyxl, openpyxl.reader.excel  # loaded by either kind of file: not counted
from assessments.exchange import importer
mode, path = sys.argv[1:]
limits = importer.limits_for_one(122) if mode == "page" else importer.file_limits()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    frame = importer.read_table(path, os.path.basename(path), limits)
    outcome = f"read {len(frame)} rows"
except importer.ImportRejected as exc:
    outcome = str(exc).splitlines()[0]
seconds = time.perf_counter() - started
extra = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"extra_mb": extra / 1024, "seconds": seconds, "outcome": outcome}))
"""


def measure(path: Path, mode: str) -> dict:
    done = subprocess.run(  # noqa: S603 — this interpreter, our own script
        [sys.executable, "-c", MEASURE, mode, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "responses"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def declaring(data: bytes, dimension: str, cell: str) -> bytes:
    """The workbook with its sheet declaring `dimension` and a cell at `cell` (XML patched,
    as a hand-made file would be)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    row = re.match(r"[A-Z]+(\d+)", cell).group(1)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(
                    r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', content.decode()
                )
                text = text.replace(
                    "</sheetData>",
                    f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
                    "</sheetData>",
                )
                content = text.encode()
            target.writestr(item.filename, content)
    return out.getvalue()


def bombed(data: bytes, megabytes: int) -> bytes:
    """The workbook with `megabytes` MB of blanks in its sheet's XML: a few hundred KB
    zipped, which a reader that opens the sheet holds or wades through."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, content)
                continue
            before, after = content.split(b"</sheetData>")
            with target.open(item.filename, "w", force_zip64=True) as member:
                member.write(before)
                for _ in range(megabytes):
                    member.write(b" " * 2**20)
                member.write(b"</sheetData>" + after)
    return out.getvalue()


def with_strings(data: bytes, count: int) -> bytes:
    """The workbook with a table of `count` shared strings, which openpyxl loads whole."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdS" Type="{kind}" Target="sharedStrings.xml"/>'
                    "</Relationships>".encode(),
                )
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{mime}"/>'
                    "</Types>".encode(),
                )
            target.writestr(item.filename, content)
        strings = b"".join(b"<si><t>s%07d</t></si>" % n for n in range(count))
        target.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + strings
            + b"</sst>",
        )
    return out.getvalue()


def moved_strings(data: bytes) -> bytes:
    """The workbook with its shared strings moved among the sheets (xl/worksheets/), the
    manifest and the links edited to match: a reader that judged parts by their folder
    would stream what openpyxl loads whole."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            name = item.filename
            if name == "xl/sharedStrings.xml":
                name = "xl/worksheets/sharedStrings.xml"
            elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                content = content.replace(b"sharedStrings.xml", b"worksheets/sharedStrings.xml")
            target.writestr(name, content)
    return out.getvalue()


def make_files(folder: Path) -> dict[str, Path]:
    """The hostile files and a tiny good one of each kind, written to `folder`."""
    tiny = workbook_bytes([HEADER, ["PHL", 2026, "PHL-DMW", "H-INS-01", "yes"]])
    made = {
        "tiny.csv": ",".join(HEADER).encode() + b"\nPHL,2026,PHL-DMW,H-INS-01,yes\n",
        "tiny.xlsx": tiny,
        # 1.6 KB: the whole grid of 20,000 rows x 16,384 columns is declared
        "declared.xlsx": declaring(workbook_bytes([HEADER]), "A1:XFD20000", "XFD20000"),
        # 2 MB: a million rows of junk under a good header
        "junk.csv": ",".join(HEADER).encode() + b"\n" + b"x\n" * 1_000_000,
        "bomb.xlsx": bombed(tiny, 300),
        # 2 MB: 800,000 shared strings, 18 MB unpacked
        "strings.xlsx": with_strings(tiny, 800_000),
        "moved-strings.xlsx": moved_strings(with_strings(tiny, 800_000)),
        "wide.csv": ",".join(f"c{n}" for n in range(100_000)).encode() + b"\n1\n",
    }
    paths = {}
    for name, data in made.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    assert paths["declared.xlsx"].stat().st_size < 10_000
    assert paths["junk.csv"].stat().st_size < 5 * 2**20  # under the page's cap
    return paths
