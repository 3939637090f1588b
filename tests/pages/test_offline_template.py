"""Working offline: the XLSX template is the assessment's answers in the import format,
so uploading it back changes nothing; an upload with errors lists them by row and column
and writes nothing; a clean one is saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.models import Answer, Assessment
from assessments.services import AnswerInput
from tests.pages.conftest import answer_values

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, assessment):
    response = client.get(reverse("assessments:template", args=[assessment.pk]))
    assert response.status_code == 200
    return response


def workbook_of(response):
    return load_workbook(io.BytesIO(response.content))


def as_upload(workbook, name="filled.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def upload(client, assessment, file):
    return client.post(reverse("assessments:upload", args=[assessment.pk]), {"file": file})


def rows_by_code(sheet) -> dict[str, dict]:
    header = [c.value for c in sheet[1]]
    return {
        row[3]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }


def test_the_template_holds_the_current_answers_in_the_import_format(client_of, in_state):
    assessment = in_state("draft")
    response = download(client_of("focal_phl"), assessment)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="coherence-PHL-2026-PHL-DMW.xlsx"'
    )
    book = workbook_of(response)
    assert book.sheetnames == ["responses", "instructions", "stocktake"]
    sheet = book["responses"]
    assert [c.value for c in sheet[1]] == [
        "country",
        "cycle",
        "actor",
        "indicator",
        "value",
        "evidence",
        "perspective",
        "question",
        "allowed values",
        "documents",
    ]
    rows = rows_by_code(sheet)
    # Page order: dimensions, then areas, then indicators.
    assert list(rows) == [
        "H-INS-01",
        "V-SUB-01",
        "H-LAB-01",
        "V-BIL-01",
        "H-LAB-02",
        "V-INT-01",
        "V-REG-01",
        "H-DIA-01",
    ]
    assert rows["H-INS-01"]["value"] == "yes"
    assert rows["H-INS-01"]["evidence"] == "Inter-ministerial committee decree 2024"
    assert rows["H-LAB-01"]["value"] == 5 and rows["H-DIA-01"]["value"] == 40
    assert rows["V-SUB-01"]["value"] is None
    assert rows["H-DIA-01"]["allowed values"] == (
        "a number from 0 to 100, or n/a; empty = unanswered"
    )
    assert rows["H-INS-01"]["question"] == "Question H-INS-01?"
    assert {r["country"] for r in rows.values()} == {"PHL"}
    assert {r["perspective"] for r in rows.values()} == {"both"}
    assert "Fill in the column 'value'" in book["instructions"]["A4"].value


def test_the_template_only_has_the_indicators_in_scope(client_of, catalogue, users):
    origin = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"],
        cycle=2027,
        by=users["focal_phl"],
        perspective="origin",
    )
    rows = rows_by_code(workbook_of(download(client_of("focal_phl"), origin))["responses"])
    assert "H-LAB-02" not in rows and "H-LAB-01" in rows and len(rows) == 6


def test_the_template_questions_follow_the_users_language(client_of, assessment):
    client = client_of("focal_phl")
    client.cookies["django_language"] = "es"
    rows = rows_by_code(workbook_of(download(client, assessment))["responses"])
    assert rows["H-INS-01"]["question"] == "¿Pregunta H-INS-01?"


def test_uploading_the_template_unchanged_changes_nothing(client_of, in_state):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    before = (assessment.version, answer_values(assessment), Answer.history.count())
    response = upload(client, assessment, as_upload(workbook_of(download(client, assessment))))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.version, answer_values(assessment), Answer.history.count()) == before


def test_text_that_looks_like_a_formula_is_kept_as_text(client_of, assessment, users):
    services.save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-INS-01": AnswerInput(value=1.0, evidence='=HYPERLINK("http://x")')},
    )
    client = client_of("focal_phl")
    book = workbook_of(download(client, assessment))
    cell = book["responses"]["F2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    response = upload(client, assessment, as_upload(book))
    assert response.status_code == 302
    assert answer_values(assessment)["H-INS-01"][2] == '=HYPERLINK("http://x")'


def test_an_upload_with_an_error_names_row_and_column_and_writes_nothing(client_of, in_state):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    book = workbook_of(download(client, assessment))
    sheet = book["responses"]
    sheet["E3"] = "yes"  # V-SUB-01: a good answer...
    sheet["E4"] = 7  # ...but H-LAB-01 is 0, 5 or 10
    before = answer_values(assessment)
    response = upload(client, assessment, as_upload(book))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Upload refused: nothing was saved" in html
    assert "row 4, column value: 7 is not one of 0, 5, 10" in html
    assert answer_values(assessment) == before
    # Corrected, it goes through.
    sheet["E4"] = 10
    response = upload(client, assessment, as_upload(book))
    assert response.status_code == 302
    stored = answer_values(assessment)
    assert stored["V-SUB-01"][0] == 1 and stored["H-LAB-01"][0] == 10


def test_an_upload_for_another_assessment_is_refused(client_of, in_state):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    csv = b"country,cycle,actor,indicator,value\nPHL,2026,PHL-DOH,H-INS-01,no\n"
    response = upload(client, assessment, SimpleUploadedFile("other.csv", csv))
    assert response.status_code == 200
    assert "this upload is for the assessment of PHL 2026 by PHL-DMW only" in (
        response.content.decode()
    )
    assert not Assessment.objects.filter(actor__code="PHL-DOH").exists()


def test_an_upload_without_a_file_is_tied_to_the_field(client_of, assessment):
    response = client_of("focal_phl").post(reverse("assessments:upload", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file_error"' in html and 'aria-describedby="id_file_error"' in html


def test_a_returned_assessment_takes_only_its_returned_indicators(client_of, in_state):
    assessment = in_state("returned", flag=("H-LAB-01",))
    client = client_of("focal_phl")
    book = workbook_of(download(client, assessment))
    book["responses"]["E2"] = "no"  # H-INS-01, not returned
    response = upload(client, assessment, as_upload(book))
    assert response.status_code == 200
    assert "row 2, column value" in response.content.decode()
    assert answer_values(assessment)["H-INS-01"][0] == 1.0
