"""Bad rows reject the whole file (DESIGN §5): every error is reported as
`row N, column C: why` (the header being row 1), sorted, and nothing is written."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from assessments import services
from assessments.exchange.importer import ImportRejected, import_responses
from assessments.models import Answer, Assessment, TransitionLog
from assessments.services import (
    AnswerInput,
    create_assessment,
    return_for_correction,
    save_answers,
    submit,
    validate,
)

HEADER = "country,cycle,actor,indicator,value,evidence\n"


def written() -> tuple:
    """Everything an import could write."""
    return (
        list(Assessment.objects.values_list("id", "state", "version", "perspective")),
        list(Answer.objects.values_list("id", "value", "na", "evidence")),
        Answer.history.count(),
        TransitionLog.objects.count(),
    )


def rejected(data, filename="responses.csv", **options) -> list[str]:
    """The error lines of a rejected file; asserts that nothing was written."""
    if isinstance(data, str):
        data = data.encode()
    before = written()
    with pytest.raises(ImportRejected) as caught:
        import_responses(data, filename=filename, **options)
    assert written() == before
    assert str(caught.value) == "\n".join(str(e) for e in caught.value.errors)
    return [str(error) for error in caught.value.errors]


def where(lines: list[str]) -> list[str]:
    """Only the `row N, column C` of each error line."""
    return [line.split(":", 1)[0] for line in lines]


@pytest.fixture
def submitted(catalogue, users):
    """A submitted Philippine assessment: H-INS-01 yes, with evidence."""
    assessment = create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2026, by=users["focal_phl"]
    )
    save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-INS-01": AnswerInput(value=1.0, evidence="Law 1")},
    )
    return submit(assessment, by=users["focal_phl"])


def test_a_missing_column_is_the_only_error(catalogue):
    lines = rejected("country,cycle,actor,value\nXXX,1999,NOBODY,maybe\n")

    assert lines == ["row 1, column indicator: missing column"]


def test_every_missing_column_is_named_in_column_order(catalogue):
    lines = rejected("Value,Country,notes\nyes,PHL,x\n")

    assert lines == [
        "row 1, column cycle: missing column",
        "row 1, column actor: missing column",
        "row 1, column indicator: missing column",
    ]


def test_unknown_country(catalogue):
    lines = rejected(HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\nABC,2026,PHL-DMW,H-INS-01,yes,\n")

    assert where(lines) == ["row 3, column country"]
    assert "ABC" in lines[0]


def test_unknown_actor(catalogue):
    lines = rejected(HEADER + "PHL,2026,PHL-XYZ,H-INS-01,yes,\n")

    assert where(lines) == ["row 2, column actor"]
    assert "PHL-XYZ" in lines[0]


def test_an_actor_of_another_country(catalogue):
    lines = rejected(HEADER + "PHL,2026,MDA-BMA,H-INS-01,yes,\nPHL,2026,IOM,H-INS-01,yes,\n")

    assert lines == [
        "row 2, column actor: MDA-BMA is an actor of MDA, not of PHL",
        "row 3, column actor: IOM is an actor of no country, not of PHL",
    ]


def test_unknown_indicator(catalogue):
    lines = rejected(HEADER + "PHL,2026,PHL-DMW,H-XYZ-99,yes,\n")

    assert lines == ["row 2, column indicator: no indicator H-XYZ-99 in framework 2026.1"]


@pytest.mark.parametrize(
    ("indicator", "value"),
    [
        ("H-INS-01", "maybe"),  # yes_no
        ("H-INS-01", "2"),
        ("V-BIL-01", "3"),  # three_level
        ("H-LAB-02", "5"),  # scale
        ("H-LAB-02", "2.5"),
        ("H-DIA-01", "101"),  # percent
        ("H-DIA-01", "abc"),
        ("V-INT-01", "-1"),
    ],
)
def test_a_value_that_does_not_fit_the_answer_type(catalogue, indicator, value):
    lines = rejected(HEADER + f"PHL,2026,PHL-DMW,{indicator},{value},\n")

    assert where(lines) == ["row 2, column value"]
    assert value in lines[0]


def test_na_where_the_indicator_does_not_allow_it(catalogue):
    lines = rejected(HEADER + "PHL,2026,PHL-DMW,V-BIL-01,n/a,\nPHL,2026,PHL-DMW,H-INS-01,N/A,\n")

    assert lines == ["row 3, column value: n/a is not allowed for this indicator"]


def test_a_value_outside_the_perspective_of_a_new_assessment(catalogue):
    lines = rejected(
        "country,cycle,actor,indicator,value,perspective\n"
        "PHL,2026,PHL-DMW,H-LAB-01,10,origin\n"
        "PHL,2026,PHL-DMW,H-LAB-02,3,\n"
        "PHL,2026,PHL-DMW,V-REG-01,n/a,\n"
    )

    assert where(lines) == ["row 3, column value", "row 4, column value"]
    assert "outside this assessment's perspective (origin)" in lines[0]


def test_a_value_outside_the_perspective_of_an_existing_assessment(catalogue, users):
    create_assessment(
        actor=catalogue["actors"]["PHL-DMW"],
        cycle=2026,
        by=users["focal_phl"],
        perspective="origin",
    )

    lines = rejected(HEADER + "PHL,2026,PHL-DMW,H-LAB-02,3,\nPHL,2026,PHL-DMW,V-REG-01,,note\n")

    assert where(lines) == ["row 2, column value", "row 3, column evidence"]


def test_two_perspectives_for_one_assessment(catalogue):
    lines = rejected(
        "country,cycle,actor,indicator,value,perspective\n"
        "PHL,2026,PHL-DMW,H-INS-01,yes,origin\n"
        "PHL,2026,PHL-DMW,V-SUB-01,yes,\n"
        "PHL,2026,PHL-DMW,V-INT-01,50,destination\n"
    )

    assert lines == [
        "row 4, column perspective: perspective destination differs from origin given on "
        "row 2 for this assessment"
    ]


def test_an_unknown_perspective(catalogue):
    lines = rejected(
        "country,cycle,actor,indicator,value,perspective\nPHL,2026,PHL-DMW,H-INS-01,yes,transit\n"
    )

    assert where(lines) == ["row 2, column perspective"]


def test_a_perspective_other_than_the_existing_assessments(catalogue, assessment):
    lines = rejected(
        "country,cycle,actor,indicator,value,perspective\n"
        "PHL,2026,PHL-DMW,H-INS-01,yes,destination\n"
    )

    assert lines == [
        "row 2, column perspective: the assessment's perspective is both, not destination"
    ]


def test_duplicate_rows(catalogue):
    lines = rejected(
        HEADER
        + "PHL,2026,PHL-DMW,H-INS-01,yes,\n"
        + "PHL,2026,PHL-DOH,H-INS-01,yes,\n"
        + "phl,2026.0,phl-dmw,h-ins-01,no,\n"
    )

    assert lines == [
        "row 4, column indicator: a second row for H-INS-01 of this assessment: see row 2"
    ]


@pytest.mark.parametrize("cycle", ["1999", "2101", "20x6", "2026.5", ""])
def test_a_cycle_that_is_not_a_year_from_2000_to_2100(catalogue, cycle):
    lines = rejected(HEADER + f"PHL,{cycle},PHL-DMW,H-INS-01,yes,\n")

    assert where(lines) == ["row 2, column cycle"]


def test_changing_an_answer_of_a_submitted_assessment(submitted):
    lines = rejected(HEADER + "PHL,2026,PHL-DMW,H-INS-01,no,Law 1\n")

    assert lines == ["row 2, column value: assessment is submitted: answers are locked"]


def test_changing_only_the_evidence_of_a_submitted_assessment(submitted):
    lines = rejected(HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,Law 2\n")

    assert lines == ["row 2, column evidence: assessment is submitted: answers are locked"]


def test_adding_an_answer_to_a_validated_assessment(submitted, users):
    validate(submitted, by=users["reviewer"])

    lines = rejected(
        HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,Law 1\nPHL,2026,PHL-DMW,V-INT-01,40,\n",
        status="validated",
    )

    assert lines == ["row 3, column value: assessment is validated: answers are locked"]


def test_changing_an_indicator_not_returned_for_correction(submitted, users):
    return_for_correction(
        submitted, by=users["reviewer"], reason="check", indicators={"V-INT-01": "source?"}
    )

    lines = rejected(HEADER + "PHL,2026,PHL-DMW,V-INT-01,40,\nPHL,2026,PHL-DMW,H-INS-01,no,\n")

    assert where(lines) == ["row 3, column value"]


def test_an_empty_file(catalogue):
    assert where(rejected(b"")) == ["row 1, column -"]
    assert where(rejected(b"\r\n \n")) == ["row 1, column -"]


def test_a_header_without_rows(catalogue):
    lines = rejected(HEADER + "\n,,,,,\n")

    assert lines == ["row 1, column -: the file has a header but no rows"]


def test_a_file_that_is_not_utf8(catalogue):
    data = (HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,Évaluation 2025\n").encode("latin-1")

    lines = rejected(data)

    assert where(lines) == ["row 1, column -"]
    assert "UTF-8" in lines[0]


def test_an_xlsx_that_is_not_a_workbook(catalogue):
    lines = rejected((HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\n").encode(), "responses.xlsx")

    assert lines == ["row 1, column -: the file is not an Excel workbook (.xlsx)"]


def test_a_zip_that_is_not_a_workbook(catalogue):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")

    lines = rejected(buffer.getvalue(), "responses.xlsx")

    assert where(lines) == ["row 1, column -"]


def test_a_row_with_more_cells_than_the_header(catalogue):
    lines = rejected(
        HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,Law,1,\nPHL,2026,PHL-DMW,V-SUB-01,1,,,\n"
    )

    assert lines == ["row 2, column -: 8 cells where the header has 6"]


def test_an_xlsx_row_is_numbered_as_the_sheet_shows_it(catalogue):
    book = Workbook()
    sheet = book.active
    sheet.append(["country", "cycle", "actor", "indicator", "value"])
    sheet.append(["PHL", 2026, "PHL-DMW", "H-INS-01", "yes"])
    sheet.append([])
    sheet.append(["PHL", 2026, "PHL-DMW", "V-BIL-01", 3])
    buffer = io.BytesIO()
    book.save(buffer)

    lines = rejected(buffer.getvalue(), "responses.xlsx")

    assert where(lines) == ["row 4, column value"]


def test_every_error_of_a_file_is_reported_sorted(catalogue, users):
    lines = rejected(
        "indicator,value,actor,cycle,country\n"
        "H-INS-01,yes,PHL-DMW,2026,PHL\n"  # good, but the file is rejected
        "V-BIL-01,3,PHL-DMW,2026,PHL\n"
        "H-INS-01,yes,NOBODY,20x6,XXX\n"
        "H-INS-01,no,PHL-DMW,2026,PHL\n"
        "H-NOPE-1,yes,MDA-BMA,2026,MDA\n"
        "H-DIA-01,n/a,MDA-BMA,2101,MDA\n"
    )

    assert where(lines) == [
        "row 3, column value",
        "row 4, column country",
        "row 4, column cycle",
        "row 4, column actor",
        "row 5, column indicator",
        "row 6, column indicator",
        "row 7, column cycle",
    ]


def test_a_row_of_another_assessment_in_a_one_assessment_upload(catalogue, users, assessment):
    lines = rejected(
        HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\nPHL,2026,PHL-DOH,H-INS-01,yes,\n",
        by=users["focal_phl"],
        only_assessment=assessment,
    )

    assert lines == [
        "row 3, column actor: this upload is for the assessment of PHL 2026 by PHL-DMW only"
    ]


def test_a_refusal_while_writing_rolls_everything_back(catalogue, monkeypatch):
    check = services._check_transition

    def refuse_mda(principal, action, assessment, reason):
        if assessment.country_id == "MDA":
            raise services.TransitionRefused("Cannot submit this one.")
        return check(principal, action, assessment, reason)

    monkeypatch.setattr(services, "_check_transition", refuse_mda)

    lines = rejected(
        HEADER
        + "PHL,2026,PHL-DMW,H-INS-01,yes,\n"
        + "MDA,2026,MDA-BMA,V-SUB-01,yes,\n"
        + "MDA,2026,MDA-BMA,H-INS-01,yes,\n",
        status="submitted",
    )

    assert lines == ["row 3, column -: Cannot submit this one."]
    assert not Assessment.objects.exists()  # PHL-DMW's, created and submitted, rolled back
