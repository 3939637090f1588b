"""The importer's checks, each run alone on the columns it reads (DESIGN §5), and the
workflow rules they share with the services (assessments.rules)."""

import numpy as np
import pandas as pd
import pytest

from assessments import rules
from assessments.exchange import importer
from assessments.exchange.importer import ImportRejected, Rows
from assessments.services import (
    AnswerInput,
    create_assessment,
    editable_indicators,
    framework_for,
    return_for_correction,
    save_answers,
    submit,
)


def table(**columns) -> Rows:
    """Rows numbered from 2 (the header being row 1) with the given columns."""
    n = len(next(iter(columns.values())))
    return Rows(pd.DataFrame({"row": np.arange(2, n + 2), **columns}))


def errors(t: Rows) -> list[str]:
    return [str(e) for e in sorted(t.errors, key=importer.RowError.sort_key)]


# --- checks alone, without a database ----------------------------------------------------


def test_check_columns_names_each_missing_column_on_the_header_row():
    frame = pd.DataFrame({"country": ["PHL"], "value": ["yes"]}, index=[4])
    frame.attrs["header_row"] = 3
    with pytest.raises(ImportRejected) as caught:
        importer.check_columns(frame)
    assert [str(e) for e in caught.value.errors] == [
        "row 3, column cycle: missing column",
        "row 3, column actor: missing column",
        "row 3, column indicator: missing column",
    ]


def test_check_columns_refuses_a_header_without_rows():
    frame = pd.DataFrame(columns=list(importer.REQUIRED))
    with pytest.raises(ImportRejected, match="row 1, column -: the file has a header but no rows"):
        importer.check_columns(frame)


def test_check_cycles_reads_years_and_says_why_others_are_not():
    t = table(cycle_text=["2026", "2026.0", "", "20x6", "1999"])
    importer.check_cycles(t)
    assert t.rows["cycle"].tolist() == [2026, 2026, -1, -1, -1]
    assert t.rows["cycle_ok"].tolist() == [True, True, False, False, False]
    assert errors(t) == [
        "row 4, column cycle: the cycle is empty",
        "row 5, column cycle: '20x6' is not a year",
        "row 6, column cycle: 1999 is not a cycle from 2000 to 2100",
    ]


def test_check_values_parses_by_answer_type_and_leaves_unknown_indicators_alone():
    t = table(
        answer_type=["yes_no", "three_level", "percent", "scale", "", "yes_no"],
        allow_na=[False, False, True, False, "", False],
        raw=["Yes", "5.0", "12,5", "7", "whatever", "n/a"],
    )
    importer.check_values(t)
    assert t.rows["value"].tolist()[:3] == [1.0, 5.0, 12.5]
    assert t.rows["value_ok"].tolist() == [True, True, True, False, True, False]
    assert errors(t) == [
        "row 5, column value: 7 is not a whole number from 0 to 4",
        "row 7, column value: n/a is not allowed for this indicator",
    ]


def test_check_scope_refuses_values_and_evidence_outside_the_perspective():
    t = table(
        indicator=["H-LAB-01", "H-LAB-01", "H-LAB-02", "H-INS-01"],
        key_ok=[True, True, True, True],
        indicator_at=[1, 1, 2, 0],
        scope=["origin", "origin", "destination", "both"],
        assessment_perspective=["destination", "destination", "both", "origin"],
        value=[5.0, np.nan, 2.0, 1.0],
        na=[False, False, False, False],
        evidence=["", "a report", "", ""],
    )
    importer.check_scope(t)
    assert t.rows["in_scope"].tolist() == [False, False, True, True]
    outside = (
        "H-LAB-01 is an indicator for countries of origin, outside this assessment's "
        "perspective (destination)"
    )
    assert errors(t) == [f"row 2, column value: {outside}", f"row 3, column evidence: {outside}"]


def test_check_duplicates_points_at_the_first_row_of_the_pair():
    t = table(
        indicator=["H-INS-01", "H-INS-01", "H-INS-01", "H-LAB-01"],
        group=[0, 0, 1, 0],
        indicator_at=[0, 0, 0, 1],
        key_ok=[True, True, True, True],
    )
    importer.check_duplicates(t)
    assert errors(t) == [
        "row 3, column indicator: a second row for H-INS-01 of this assessment: see row 2"
    ]


def test_check_locked_places_a_change_on_its_value_or_its_evidence():
    t = table(
        state=["submitted", "validated", "draft", "returned", "submitted"],
        changed=[True, True, True, True, False],
        value_changed=[True, False, True, True, True],
    )
    importer.check_locked(t)
    assert errors(t) == [
        "row 2, column value: assessment is submitted: answers are locked",
        "row 3, column evidence: assessment is validated: answers are locked",
    ]


def test_check_flagged_only_lets_flagged_answers_change_in_a_returned_assessment():
    t = table(group=[0, 0, 1], changed=[True, True, True], flagged=[True, False, False])
    t.groups = pd.DataFrame({"flagged_only": [True, False]})
    importer.check_flagged_only(t)
    assert errors(t) == [
        "row 3, column value: assessment is returned: only the indicators returned for "
        "correction may change"
    ]


# --- checks alone, against the catalogue ------------------------------------------------


def test_check_countries_and_actors_tell_which_assessment_a_row_names(catalogue):
    t = table(
        country=["PHL", "", "XXX", "MDA", "PHL"],
        actor=["PHL-DMW", "PHL-DMW", "PHL-DMW", "PHL-DMW", "NOPE"],
        cycle_ok=[True] * 5,
    )
    importer.check_countries(t)
    importer.check_actors(t)
    assert t.rows["key_ok"].tolist() == [True, False, False, False, False]
    assert t.rows["actor_id"].iloc[0] == catalogue["actors"]["PHL-DMW"].pk
    assert errors(t) == [
        "row 3, column country: the country is empty",
        "row 4, column country: no country XXX: give its ISO 3166-1 alpha-3 code",
        "row 5, column actor: PHL-DMW is an actor of PHL, not of MDA",
        "row 6, column actor: no actor NOPE in the catalogue",
    ]


def test_check_framework_version_takes_the_version_of_the_first_assessment(
    catalogue, users, assessment
):
    t = importer.rows_of(
        importer.read_table(
            b"country,cycle,actor,indicator,value\n"
            b"PHL,2026,PHL-DOH,H-INS-01,yes\nPHL,2031,PHL-DOH,H-INS-01,yes\n",
            "r.csv",
        )
    )
    for check in importer.CHECKS[:5]:
        check(t)
    importer.check_framework_version(t)
    assert t.errors == []
    assert t.groups["framework_id"].tolist() == [
        framework_for("PHL", 2026).pk,
        framework_for("PHL", 2031).pk,
    ]
    assert t.groups["framework_id"].iloc[0] == assessment.framework_id


# --- the rules the services and the importer share -------------------------------------


def test_in_scope_is_the_same_for_one_value_and_for_arrays():
    indicator = ["both", "origin", "origin", "destination"]
    assessment = ["origin", "both", "destination", "destination"]
    one_by_one = [rules.in_scope(i, a) for i, a in zip(indicator, assessment, strict=True)]
    assert one_by_one == [True, True, False, True]
    assert rules.in_scope(np.array(indicator, object), np.array(assessment, object)).tolist() == (
        one_by_one
    )


def test_answers_locked_for_one_state_and_for_arrays():
    states = ["draft", "submitted", "returned", "validated", ""]
    assert [bool(rules.answers_locked(s)) for s in states] == [False, True, False, True, False]
    assert rules.answers_locked(np.array(states, object)).tolist() == [
        False,
        True,
        False,
        True,
        False,
    ]


def test_frameworks_of_asks_for_the_current_version_only_when_a_pair_needs_it():
    asked = []

    def current():
        asked.append(1)
        return 9

    existing = [("PHL", 2026, 3), ("PHL", 2026, 4), ("MDA", 2026, 5)]
    assert rules.frameworks_of({("PHL", 2026)}, existing, current) == {("PHL", 2026): 3}
    assert asked == []
    assert rules.frameworks_of({("PHL", 2027)}, existing, current) == {("PHL", 2027): 9}
    assert rules.frameworks_of({("PHL", 2027)}, existing, lambda: None) == {}


def test_a_returned_assessment_with_flags_lets_only_those_change_in_services_and_importer(
    assessment, users
):
    save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-INS-01": AnswerInput(value=1.0), "H-LAB-01": AnswerInput(value=5.0)},
    )
    submit(assessment, by=users["focal_phl"])
    return_for_correction(
        assessment, by=users["reviewer"], reason="check", indicators={"H-INS-01": "source?"}
    )
    assessment.refresh_from_db()
    assert editable_indicators(assessment) == {"H-INS-01"}
    with pytest.raises(ImportRejected) as caught:
        importer.import_responses(
            b"country,cycle,actor,indicator,value\n"
            b"PHL,2026,PHL-DMW,H-INS-01,no\nPHL,2026,PHL-DMW,H-LAB-01,10\n",
            filename="r.csv",
        )
    assert [str(e) for e in caught.value.errors] == [
        "row 3, column value: assessment is returned: only the indicators returned for "
        "correction may change"
    ]


def test_a_new_assessment_of_a_country_and_cycle_uses_the_version_of_the_first(
    catalogue, users, assessment
):
    second = create_assessment(
        actor=catalogue["actors"]["PHL-DOH"], cycle=2026, by=users["focal_phl_health"]
    )
    assert second.framework_id == assessment.framework_id
