"""`python manage.py import_responses FILE [--status …]`: a one-line summary on success;
on a bad file every error line on stderr, a non-zero exit and nothing written."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.choices import State
from assessments.models import Answer, Assessment, TransitionLog

HEADER = "country,cycle,actor,indicator,value,evidence\n"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_responses", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_success_prints_a_one_line_summary(catalogue, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,Law 1\nPHL,2026,PHL-DMW,V-INT-01,40,\n")

    out, err = run(str(path), "--status", "submitted")

    assert out.strip().splitlines() == [
        "Imported responses.csv: 1 assessments created, 0 changed, 2 answers changed, "
        "1 transitions, 0 untouched."
    ]
    assert err == ""
    assert Assessment.objects.get().state == State.SUBMITTED
    assert Answer.objects.count() == 2
    assert TransitionLog.objects.get().by.username == "importer"


def test_running_it_again_reports_the_assessment_untouched(catalogue, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\n")
    run(str(path), "--status", "validated")

    out, _err = run(str(path), "--status", "validated")

    assert "0 assessments created, 0 changed, 0 answers changed, 0 transitions, 1 untouched" in out
    assert TransitionLog.objects.count() == 2


def test_a_bad_file_prints_every_error_and_exits_non_zero(catalogue, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(
        HEADER
        + "PHL,2026,PHL-DMW,H-INS-01,yes,\n"
        + "PHL,1999,PHL-DMW,H-INS-01,yes,\n"
        + "PHL,2026,PHL-DMW,V-BIL-01,3,\n"
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_responses", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "row 3, column cycle: 1999 is not a cycle from 2000 to 2100",
        "row 4, column value: 3 is not one of 0, 5, 10",
    ]
    assert "nothing was imported" in str(caught.value)
    assert not Assessment.objects.exists()
    assert not Answer.objects.exists()


def test_an_unknown_status_is_refused(catalogue, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(HEADER + "PHL,2026,PHL-DMW,H-INS-01,yes,\n")

    with pytest.raises(CommandError, match="invalid choice"):
        run(str(path), "--status", "returned")

    assert not Assessment.objects.exists()


def test_a_missing_file(catalogue, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nowhere.csv"))
