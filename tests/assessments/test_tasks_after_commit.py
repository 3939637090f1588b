"""Follow-up work runs only for what was committed (DESIGN §4, STYLE "State changes go
through services"): a recompute queued inside a transaction that rolls back never runs;
and a broker that is down never undoes a save — the score stays marked stale until a
later recompute catches up."""

import logging

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from assessments import recompute, services, tasks
from assessments.choices import State
from assessments.models import Answer, Assessment, AssessmentScore, ConsolidatedScore
from assessments.services import AnswerInput

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


class Boom(Exception):
    """Whatever fails after the save, in the same transaction."""


@pytest.fixture
def recomputes(monkeypatch) -> list:
    """The assessment ids the recompute task actually ran for."""
    ran = []
    real = recompute.recompute_assessment

    def spy(assessment_id):
        ran.append(assessment_id)
        real(assessment_id)

    monkeypatch.setattr(recompute, "recompute_assessment", spy)
    return ran


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    for task in (tasks.recompute_assessment, tasks.recompute_consolidation):
        monkeypatch.setattr(type(task._get_current_object()), "delay", refuse)


def score_of(assessment) -> AssessmentScore:
    return AssessmentScore.objects.get(assessment=assessment)


def save_yes(assessment, by):
    return services.save_answers(
        assessment, by=by, version=1, answers={"H-INS-01": AnswerInput(value=1)}
    )


# --- A rolled-back transaction queues nothing -------------------------------------------


def test_a_recompute_queued_in_a_rolled_back_transaction_never_runs(
    assessment, users, recomputes, django_capture_on_commit_callbacks
):
    recompute.recompute_assessment(assessment.pk)
    before = score_of(assessment)
    recomputes.clear()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        save_yes(assessment, users["focal_phl"])
        raise Boom

    assert callbacks == []
    assert recomputes == []
    # The save itself is gone with its transaction ...
    assert not Answer.objects.filter(assessment=assessment).exists()
    assert Answer.history.count() == 0
    assert Assessment.objects.get(pk=assessment.pk).version == 1
    # ... and the score is as it was: computed, not stale, no value.
    after = score_of(assessment)
    assert (after.stale, after.overall, after.computed_at) == (False, None, before.computed_at)


def test_the_same_save_committed_runs_its_recompute_once(
    assessment, users, recomputes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        save_yes(assessment, users["focal_phl"])
    assert recomputes == [assessment.pk]
    score = score_of(assessment)
    assert (score.stale, score.overall) == (False, 100.0)


def test_a_validation_rolled_back_recomputes_no_consolidation(
    assessment, users, django_capture_on_commit_callbacks
):
    submitted = services.submit(assessment, by=users["focal_phl"])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        services.validate(submitted, by=users["reviewer"])
        raise Boom
    assert callbacks == []
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED
    assert not ConsolidatedScore.objects.filter(country_id="PHL", cycle=2026).exists()


# --- The broker is down -------------------------------------------------------------------


def test_a_save_stands_when_the_broker_is_down(
    assessment, users, broker_down, caplog, django_capture_on_commit_callbacks
):
    recompute.recompute_assessment(assessment.pk)
    with (
        caplog.at_level(logging.WARNING, logger="assessments.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = save_yes(assessment, users["focal_phl"])

    assert result.version == 2
    assert Answer.objects.get(assessment=assessment, indicator__code="H-INS-01").value == 1
    assert score_of(assessment).stale is True
    assert "stale" in caplog.text

    # A later recompute (the nightly run, `recompute_scores`) catches up.
    recompute.recompute_assessment(assessment.pk)
    score = score_of(assessment)
    assert (score.stale, score.overall, score.horizontal) == (False, 100.0, 100.0)


def test_a_validation_stands_when_the_broker_is_down(
    assessment, users, broker_down, django_capture_on_commit_callbacks
):
    submitted = services.submit(assessment, by=users["focal_phl"])
    with django_capture_on_commit_callbacks(execute=True):
        services.validate(submitted, by=users["reviewer"])
    assert Assessment.objects.get(pk=assessment.pk).state == State.VALIDATED

    recompute.recompute_consolidation("PHL", 2026)
    score = ConsolidatedScore.objects.get(country_id="PHL", cycle=2026)
    assert (score.stale, score.assessments) == (False, 1)


def test_a_first_validation_with_the_broker_down_leaves_a_stale_consolidated_score(
    assessment, users, broker_down, django_capture_on_commit_callbacks
):
    # PHL 2026 now has a validated assessment whose consolidation has not been computed:
    # DESIGN §4 wants such a score marked stale, not missing (a missing one reads as
    # "no validated assessment", a 404 in the API, until some recompute runs).
    submitted = services.submit(assessment, by=users["focal_phl"])
    with django_capture_on_commit_callbacks(execute=True):
        services.validate(submitted, by=users["reviewer"])
    score = ConsolidatedScore.objects.filter(country_id="PHL", cycle=2026).first()
    assert score is not None, "no consolidated score row: nothing tells readers it is stale"
    assert score.stale is True
