"""Good files import as DESIGN §5 says: every accepted spelling lands as the same
stored answer, and the assessments reach the requested state as the user `importer`."""

import io

import pytest
from openpyxl import Workbook

from assessments.choices import State
from assessments.exchange.importer import import_responses
from assessments.models import Answer, Assessment, TransitionLog
from assessments.services import (
    AnswerInput,
    create_assessment,
    return_for_correction,
    save_answers,
    submit,
)

HEADER = "country,cycle,actor,indicator,value,evidence\n"


def answers(actor="PHL-DMW", cycle=2026) -> dict:
    """code → (value, na, evidence) of one assessment."""
    return {
        a.indicator.code: (a.value, a.na, a.evidence)
        for a in Answer.objects.filter(
            assessment__actor__code=actor, assessment__cycle=cycle
        ).select_related("indicator")
    }


def write(tmp_path, text: str, name="responses.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def history_count() -> int:
    return Answer.history.count()


def test_csv_with_a_byte_order_mark(catalogue, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,Law 1\n").encode())

    result = import_responses(path)

    assert answers() == {"H-INS-01": (1.0, False, "Law 1")}
    assessment = Assessment.objects.get()
    assert (assessment.state, assessment.perspective, assessment.created_by.username) == (
        State.DRAFT,
        "both",
        "importer",
    )
    assert (result.assessments_created, result.answers_changed, result.transitions) == (1, 1, 0)


def test_semicolon_separators_and_a_decimal_comma(catalogue, tmp_path):
    path = write(
        tmp_path,
        "country;cycle;actor;indicator;value;evidence\n"
        'PHL;2026;PHL-DMW;H-DIA-01;12,5;"survey; 2025"\n'
        "PHL;2026;PHL-DMW;V-INT-01;40;\n",
    )

    import_responses(path)

    assert answers()["H-DIA-01"] == (12.5, False, "survey; 2025")
    assert answers()["V-INT-01"] == (40.0, False, "")


def test_decimal_comma_in_a_quoted_comma_separated_field(catalogue, tmp_path):
    path = write(tmp_path, HEADER + 'PHL,2026,PHL-DMW,H-DIA-01,"12,5","a, b"\n')

    import_responses(path)

    assert answers() == {"H-DIA-01": (12.5, False, "a, b")}


def test_whole_numbers_written_with_a_decimal_point(catalogue, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "PHL,2026.0,PHL-DMW,V-BIL-01,5.0,\n"
        + "PHL,2026,PHL-DMW,V-SUB-01,1.0,\n"
        + "PHL,2026,PHL-DMW,H-LAB-02,4.00,\n",
    )

    import_responses(path)

    assert answers() == {
        "V-BIL-01": (5.0, False, ""),
        "V-SUB-01": (1.0, False, ""),
        "H-LAB-02": (4.0, False, ""),
    }
    assert Assessment.objects.get().cycle == 2026


def test_values_are_trimmed_and_case_insensitive(catalogue, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "PHL,2026,PHL-DMW,H-INS-01,Yes,\n"
        + "PHL,2026,PHL-DMW,V-SUB-01,  NO ,\n"
        + "PHL,2026,PHL-DMW,H-DIA-01, N/A ,\n"
        + "PHL,2026,PHL-DMW,V-BIL-01,n/a,\n",
    )

    import_responses(path)

    assert answers() == {
        "H-INS-01": (1.0, False, ""),
        "V-SUB-01": (0.0, False, ""),
        "H-DIA-01": (None, True, ""),
        "V-BIL-01": (None, True, ""),
    }


def test_extra_columns_are_ignored(catalogue, tmp_path):
    path = write(
        tmp_path,
        "note,country,cycle,actor,indicator,value,question\n"
        "checked,PHL,2026,PHL-DMW,H-INS-01,no,Is there a plan?\n",
    )

    import_responses(path)

    assert answers() == {"H-INS-01": (0.0, False, "")}


def test_columns_in_another_order_with_upper_case_names(catalogue, tmp_path):
    path = write(
        tmp_path,
        " VALUE ,Indicator,ACTOR,Cycle,COUNTRY, Evidence\n10,V-BIL-01,PHL-DOH,2026,PHL,Decree 7\n",
    )

    import_responses(path)

    assert answers("PHL-DOH") == {"V-BIL-01": (10.0, False, "Decree 7")}


def test_xlsx_reads_the_responses_sheet(catalogue, tmp_path):
    path = tmp_path / "responses.xlsx"
    path.write_bytes(
        workbook(
            {
                "read me": [["this sheet is not the data"]],
                "responses": [
                    ["Country", "Cycle", "Actor", "Indicator", "Value", "Evidence"],
                    ["PHL", 2026, "PHL-DMW", "V-BIL-01", 5.0, "Plan"],
                    ["PHL", 2026.0, "PHL-DMW", "H-DIA-01", 12.5, None],
                    ["PHL", "2026", "PHL-DMW", "H-INS-01", "Yes", ""],
                ],
            }
        )
    )

    import_responses(path)

    assert answers() == {
        "V-BIL-01": (5.0, False, "Plan"),
        "H-DIA-01": (12.5, False, ""),
        "H-INS-01": (1.0, False, ""),
    }


def test_xlsx_without_a_responses_sheet_reads_the_first(catalogue):
    data = workbook(
        {
            "Sheet A": [
                ["country", "cycle", "actor", "indicator", "value"],
                ["MDA", 2027, "MDA-BMA", "V-INT-01", 75],
            ],
            "Sheet B": [["nothing", "here"]],
        }
    )

    import_responses(data, filename="upload.xlsx")

    assert answers("MDA-BMA", 2027) == {"V-INT-01": (75.0, False, "")}


def test_xlsx_is_recognised_by_its_content_without_an_extension(catalogue):
    data = workbook(
        {
            "responses": [
                ["country", "cycle", "actor", "indicator", "value"],
                ["PHL", 2026, "PHL-DMW", "H-INS-01", "yes"],
            ]
        }
    )

    import_responses(io.BytesIO(data))

    assert answers() == {"H-INS-01": (1.0, False, "")}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_na_and_empty_stay_distinct(catalogue, tmp_path, kind):
    rows = [
        ["country", "cycle", "actor", "indicator", "value", "evidence"],
        ["PHL", "2026", "PHL-DMW", "H-DIA-01", "n/a", ""],
        ["PHL", "2026", "PHL-DMW", "V-BIL-01", "", ""],
        ["PHL", "2026", "PHL-DMW", "V-INT-01", "", "asked the ministry"],
        ["PHL", "2026", "PHL-DMW", "H-INS-01", "0", ""],
    ]
    if kind == "csv":
        path = write(tmp_path, "\n".join(",".join(row) for row in rows) + "\n")
    else:
        path = tmp_path / "responses.xlsx"
        path.write_bytes(workbook({"responses": [[c or None for c in r] for r in rows]}))

    import_responses(path)

    assert answers() == {
        "H-DIA-01": (None, True, ""),  # not applicable
        "V-INT-01": (None, False, "asked the ministry"),  # unanswered, with a note
        "H-INS-01": (0.0, False, ""),  # "no", not unanswered
    }  # V-BIL-01 left empty: unanswered, no row at all


def test_status_submitted_submits_as_the_importer(catalogue, tmp_path):
    path = write(
        tmp_path, HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\nMDA,2026,MDA-BMA,H-INS-01,no,\n"
    )

    result = import_responses(path, status="submitted")

    assert set(Assessment.objects.values_list("state", flat=True)) == {State.SUBMITTED}
    logs = TransitionLog.objects.all()
    assert [(t.from_state, t.to_state, t.by.username) for t in logs] == [
        (State.DRAFT, State.SUBMITTED, "importer"),
        (State.DRAFT, State.SUBMITTED, "importer"),
    ]
    assert (result.assessments_created, result.transitions) == (2, 2)


def test_status_validated_submits_then_validates(catalogue, tmp_path):
    path = write(tmp_path, HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\n")

    import_responses(path, status="validated")

    assert Assessment.objects.get().state == State.VALIDATED
    assert [(t.action, t.to_state, t.by.username) for t in TransitionLog.objects.all()] == [
        ("submit", State.SUBMITTED, "importer"),
        ("validate", State.VALIDATED, "importer"),
    ]


def test_validated_target_validates_an_already_submitted_assessment(
    catalogue, users, assessment, tmp_path
):
    save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-INS-01": AnswerInput(value=1.0)},
    )
    submit(assessment, by=users["focal_phl"])
    path = write(tmp_path, HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\n")

    result = import_responses(path, status="validated")

    assessment.refresh_from_db()
    assert assessment.state == State.VALIDATED
    assert TransitionLog.objects.filter(by__username="importer").count() == 1
    assert (result.assessments_changed, result.answers_changed, result.transitions) == (1, 0, 1)


@pytest.mark.parametrize("status", ["draft", "submitted", "validated"])
def test_reimporting_the_same_file_changes_nothing(catalogue, tmp_path, status):
    path = write(
        tmp_path,
        HEADER
        + "PHL,2026,PHL-DMW,H-INS-01,yes,Law 1\n"
        + "PHL,2026,PHL-DMW,H-DIA-01,n/a,\n"
        + "PHL,2026,PHL-DMW,V-INT-01,12.5,\n"
        + "PHL,2026,PHL-DMW,V-BIL-01,,\n"
        + "MDA,2026,MDA-BMA,H-INS-01,no,\n",
    )
    import_responses(path, status=status)
    before = (
        list(Assessment.objects.values_list("id", "version", "state", "updated_at")),
        list(Answer.objects.values_list("id", "value", "na", "evidence", "updated_at")),
        history_count(),
        TransitionLog.objects.count(),
    )

    result = import_responses(path, status=status)

    after = (
        list(Assessment.objects.values_list("id", "version", "state", "updated_at")),
        list(Answer.objects.values_list("id", "value", "na", "evidence", "updated_at")),
        history_count(),
        TransitionLog.objects.count(),
    )
    assert after == before
    assert (result.assessments_created, result.assessments_changed, result.untouched) == (0, 0, 2)
    assert (result.answers_changed, result.transitions) == (0, 0)


def test_a_validated_assessment_is_not_moved_back_by_a_draft_import(catalogue, tmp_path):
    path = write(tmp_path, HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\n")
    import_responses(path, status="validated")
    logs = TransitionLog.objects.count()

    result = import_responses(path)

    assert Assessment.objects.get().state == State.VALIDATED
    assert TransitionLog.objects.count() == logs
    assert result.untouched == 1


def test_a_changed_answer_of_a_draft_is_updated_with_history(catalogue, tmp_path):
    import_responses(write(tmp_path, HEADER + "PHL,2026,PHL-DMW,V-INT-01,10,old\n"))
    version = Assessment.objects.get().version

    result = import_responses(write(tmp_path, HEADER + "PHL,2026,PHL-DMW,V-INT-01,20,\n"))

    assert answers() == {"V-INT-01": (20.0, False, "")}  # an empty evidence cell clears it
    assert Assessment.objects.get().version == version + 1
    assert [h.value for h in Answer.history.order_by("history_id")] == [10.0, 20.0]
    assert (result.assessments_changed, result.answers_changed) == (1, 1)


def test_without_an_evidence_column_evidence_is_kept(catalogue, tmp_path):
    import_responses(write(tmp_path, HEADER + "PHL,2026,PHL-DMW,V-INT-01,10,Survey\n"))

    import_responses(
        write(tmp_path, "country,cycle,actor,indicator,value\nPHL,2026,PHL-DMW,V-INT-01,30\n")
    )

    assert answers() == {"V-INT-01": (30.0, False, "Survey")}


def test_the_perspective_column_sets_a_new_assessments_perspective(catalogue, tmp_path):
    path = write(
        tmp_path,
        "country,cycle,actor,indicator,value,perspective\n"
        "PHL,2026,PHL-DMW,H-LAB-01,10,origin\n"
        "PHL,2026,PHL-DMW,H-INS-01,yes,\n"
        "PHL,2026,PHL-DOH,H-LAB-02,3, Destination \n",
    )

    import_responses(path)

    perspectives = dict(Assessment.objects.values_list("actor__code", "perspective"))
    assert perspectives == {"PHL-DMW": "origin", "PHL-DOH": "destination"}
    assert answers() == {"H-LAB-01": (10.0, False, ""), "H-INS-01": (1.0, False, "")}


def test_an_absent_perspective_keeps_an_existing_assessments_own(catalogue, users, tmp_path):
    create_assessment(
        actor=catalogue["actors"]["PHL-DMW"],
        cycle=2026,
        by=users["focal_phl"],
        perspective="origin",
    )
    path = write(tmp_path, HEADER + "PHL,2026,PHL-DMW,H-LAB-01,5,\nPHL,2026,PHL-DMW,H-LAB-02,,\n")

    import_responses(path)

    assert Assessment.objects.get().perspective == "origin"
    # the empty row for the destination-only indicator is no answer, and no error
    assert answers() == {"H-LAB-01": (5.0, False, "")}


def test_a_new_assessment_joins_the_framework_of_its_country_and_cycle(catalogue, tmp_path):
    import_responses(
        write(tmp_path, HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\nPHL,2026,PHL-DOH,H-INS-01,no,\n")
    )

    assert set(Assessment.objects.values_list("framework__code", flat=True)) == {"2026.1"}


def test_an_upload_for_one_assessment_leaves_its_state(catalogue, users, assessment):
    result = import_responses(
        (HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\n").encode(),
        filename="template.csv",
        by=users["focal_phl"],
        only_assessment=assessment,
    )

    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT
    assert Answer.objects.get().updated_by == users["focal_phl"]
    assert (result.assessments_changed, result.answers_changed) == (1, 1)


def test_blank_lines_and_trailing_separators_are_tolerated(catalogue, tmp_path):
    path = write(
        tmp_path,
        "\r\ncountry,cycle,actor,indicator,value,\r\n"
        "PHL,2026,PHL-DMW,H-INS-01,yes,,\r\n"
        "\r\n"
        "PHL,2026,PHL-DMW,V-SUB-01,no\r\n",
    )

    import_responses(path)

    assert answers() == {"H-INS-01": (1.0, False, ""), "V-SUB-01": (0.0, False, "")}


def test_a_percent_formatted_xlsx_cell_reads_as_shown(catalogue):
    book = Workbook()
    sheet = book.active
    sheet.append(["country", "cycle", "actor", "indicator", "value"])
    sheet.append(["PHL", 2026, "PHL-DMW", "H-DIA-01", 0.125])
    sheet["E2"].number_format = "0.0%"  # typed as 12.5%
    buffer = io.BytesIO()
    book.save(buffer)

    import_responses(buffer.getvalue(), filename="responses.xlsx")

    assert answers() == {"H-DIA-01": (12.5, False, "")}


def test_a_returned_assessment_is_corrected_and_submitted_again(
    catalogue, users, assessment, tmp_path
):
    save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-INS-01": AnswerInput(value=1.0), "V-INT-01": AnswerInput(value=10.0)},
    )
    submit(assessment, by=users["focal_phl"])
    return_for_correction(
        assessment, by=users["reviewer"], reason="check", indicators={"V-INT-01": "source?"}
    )
    path = write(
        tmp_path, HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\nPHL,2026,PHL-DMW,V-INT-01,15,\n"
    )

    import_responses(path, status="submitted")

    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED
    assert answers() == {"H-INS-01": (1.0, False, ""), "V-INT-01": (15.0, False, "")}
    assert TransitionLog.objects.last().from_state == State.RETURNED
