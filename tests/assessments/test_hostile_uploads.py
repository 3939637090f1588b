"""Hostile files are refused quickly and cheaply: a 2 KB workbook declaring
A1:XFD20000, a CSV of a million junk rows, a zip bomb, a header of 100,000 columns.
Each is read in a fresh process, whose peak memory is compared with the same process
reading a tiny file; a refusal names the row and says why, and nothing is written. A
file with many errors lists the first 100 and says how many more."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.exchange.importer import MAX_ERRORS, ImportRejected, import_responses
from assessments.models import Answer, Assessment, TransitionLog
from bench.hostile import HEADER, make_files, measure

MAX_EXTRA_MB = 100
MAX_SECONDS = 5


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return make_files(tmp_path_factory.mktemp("hostile"))


HOSTILE = [
    # (file, as read by, the refusal's first line)
    (
        "declared.xlsx",
        "page",
        "row 1001, column -: the file goes on past row 1,000: this upload is for one "
        "assessment, whose framework has 122 indicators",
    ),
    ("declared.xlsx", "file", "row 20000, column -: 16384 cells where the header has 5"),
    (
        "junk.csv",
        "page",
        "row 174, column -: more than 172 rows: this upload is for one assessment, whose "
        "framework has 122 indicators",
    ),
    (
        "junk.csv",
        "file",
        "row 250002, column -: more than 250,000 rows: split the file into files of at "
        "most 250,000 rows",
    ),
    (
        "bomb.xlsx",
        "page",
        "row 1, column -: the workbook unpacks to 300 MB, where at most 20 MB is read",
    ),
    (
        "bomb.xlsx",
        "file",
        "row 1, column -: the workbook unpacks to 300 MB, where at most 256 MB is read",
    ),
    (
        "strings.xlsx",
        "page",
        "row 1, column -: the workbook unpacks to 18 MB besides its sheets (shared strings, "
        "styles, pictures), where at most 4 MB is read",
    ),
    (
        "moved-strings.xlsx",
        "page",
        "row 1, column -: the workbook unpacks to 18 MB besides its sheets (shared strings, "
        "styles, pictures), where at most 4 MB is read",
    ),
    ("wide.csv", "page", "row 1, column -: 100000 columns, where a responses file has at most 50"),
    ("wide.csv", "file", "row 1, column -: 100000 columns, where a responses file has at most 50"),
]


@pytest.mark.parametrize("name, mode, refusal", HOSTILE)
def test_a_hostile_file_is_refused_in_bounded_memory_and_time(files, name, mode, refusal):
    tiny = measure(files["tiny" + Path(name).suffix], mode)
    assert tiny["outcome"] == "read 1 rows"

    hostile = measure(files[name], mode)

    assert hostile["outcome"] == refusal
    assert hostile["extra_mb"] - tiny["extra_mb"] < MAX_EXTRA_MB, hostile
    assert hostile["seconds"] < MAX_SECONDS, hostile


# --- The page upload ------------------------------------------------------------------------


def written() -> tuple:
    return (
        list(Assessment.objects.values_list("id", "state", "version", "perspective")),
        list(Answer.objects.values_list("id", "value", "na", "evidence")),
        Answer.history.count(),
        TransitionLog.objects.count(),
    )


def upload(client, users, assessment, path_or_bytes, name):
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    client.force_login(users["focal_phl"])
    return client.post(
        reverse("assessments:upload", args=[assessment.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def page_errors(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r"<td>(row \d+, column [^<]*)</td>", html.replace("&#x27;", "'"))


@pytest.mark.django_db
@pytest.mark.parametrize("name, row", [("declared.xlsx", 1001), ("junk.csv", None)])
def test_a_hostile_upload_is_refused_with_its_row_and_nothing_written(
    client, users, assessment, files, name, row
):
    before = written()

    response = upload(client, users, assessment, files[name], name)

    assert response.status_code == 200
    assert "Upload refused: nothing was saved" in response.content.decode()
    errors = page_errors(response)
    assert len(errors) == 1
    # the test catalogue's framework is small: the limit follows its indicators
    expected = row or 1 + 1 + assessment.framework.indicators.count() + 50
    assert errors[0].startswith(f"row {expected}, column -: ")
    assert "this upload is for one assessment, whose framework has" in errors[0]
    assert written() == before


# --- Many errors --------------------------------------------------------------------------


def bad_rows(count: int) -> bytes:
    """Rows with only a value: each has an empty country, cycle and actor (3 errors)."""
    return (",".join(HEADER) + "\n" + ",,,,yes\n" * count).encode()


@pytest.mark.django_db
def test_a_refusal_lists_the_first_100_errors_and_counts_the_rest(catalogue):
    with pytest.raises(ImportRejected) as caught:
        import_responses(bad_rows(150), filename="responses.csv")

    refusal = caught.value
    assert len(refusal.errors) == MAX_ERRORS == 100
    assert refusal.total == 450 and refusal.left_out == 350
    assert [str(e) for e in refusal.errors[:4]] == [
        "row 2, column country: the country is empty",
        "row 2, column cycle: the cycle is empty",
        "row 2, column actor: the actor is empty",
        "row 3, column country: the country is empty",
    ]
    lines = str(refusal).splitlines()
    assert len(lines) == 101 and lines[-1] == "… and 350 more errors"


@pytest.mark.django_db
def test_the_command_prints_the_first_100_errors_and_how_many_more(catalogue, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(bad_rows(150))
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"bad.csv was rejected \(450 errors\)"):
        call_command("import_responses", str(path), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert len(lines) == 101
    assert lines[0] == "row 2, column country: the country is empty"
    assert lines[-1] == "… and 350 more errors"
    assert Assessment.objects.count() == 0


@pytest.mark.django_db
def test_the_upload_page_lists_the_first_100_errors_and_counts_the_rest(client, users, assessment):
    before = written()

    response = upload(client, users, assessment, bad_rows(50), "bad.csv")

    html = response.content.decode()
    assert len(page_errors(response)) == 100
    assert "bad.csv has 150 errors" in html
    assert "… and 50 more errors, not listed: correct these first." in html
    assert written() == before
