"""A real Celery worker on Redis recomputes scores after a save and after a validation,
survives being killed mid-recompute, and gives the same scores when a task runs twice.
Runs in CI (DATABASE_URL and REDIS_URL set); skipped on the embedded defaults."""

import os
import signal

import pytest

from assessments import services, tasks
from assessments.models import AssessmentScore, ConsolidatedScore, IndicatorConsolidation
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def fresh_score(assessment_id):
    score = AssessmentScore.objects.filter(assessment_id=assessment_id, stale=False).first()
    return score


def answer(assessment, user, **values):
    return services.save_answers(
        assessment,
        by=user,
        version=assessment.version,
        answers={code: services.AnswerInput(value=v) for code, v in values.items()},
    )


def test_worker_recomputes_after_a_save(celery_worker_process, assessment, users):
    # H-INS-01 yes (w1) and H-LAB-01 5/10 (w1): horizontal = 100 × (1 + 0.5) / 2 = 75.
    answer(assessment, users["focal_phl"], **{"H-INS-01": 1.0, "H-LAB-01": 5.0})
    assert AssessmentScore.objects.get(assessment=assessment).stale is True

    score = wait_for(lambda: fresh_score(assessment.pk))
    assert score.horizontal == 75.0
    assert score.vertical is None
    assert score.overall == 75.0
    assert score.band == "advanced"


def test_worker_consolidates_after_a_validation(celery_worker_process, assessment, users):
    answer(assessment, users["focal_phl"], **{"H-INS-01": 1.0, "V-SUB-01": 0.0})
    assessment.refresh_from_db()
    services.submit(assessment, by=users["focal_phl"])
    services.validate(assessment, by=users["reviewer"])

    score = wait_for(
        lambda: ConsolidatedScore.objects.filter(country_id="PHL", cycle=2026, stale=False).first()
    )
    assert (score.horizontal, score.vertical, score.overall) == (100.0, 0.0, 50.0)
    assert score.band == "established"
    assert score.assessments == 1

    # Reopening takes it out of `validated`: the consolidation disappears.
    assessment.refresh_from_db()
    services.reopen(assessment, by=users["reviewer"], reason="Evidence missing for V-SUB-01")
    wait_for(lambda: not ConsolidatedScore.objects.filter(country_id="PHL", cycle=2026).exists())


def test_a_task_run_twice_gives_the_same_scores(celery_worker_process, assessment, users):
    answer(assessment, users["focal_phl"], **{"H-INS-01": 1.0, "V-INT-01": 40.0})
    assessment.refresh_from_db()
    services.submit(assessment, by=users["focal_phl"])
    services.validate(assessment, by=users["reviewer"])
    wait_for(lambda: ConsolidatedScore.objects.filter(country_id="PHL", stale=False).first())

    def snapshot():
        score = ConsolidatedScore.objects.get(country_id="PHL", cycle=2026)
        rows = sorted(IndicatorConsolidation.objects.values_list("indicator__code", "value", "n"))
        return (score.overall, score.horizontal, score.vertical, score.areas, score.links, rows)

    before = snapshot()
    tasks.recompute_consolidation.delay("PHL", 2026).get(timeout=30)
    tasks.recompute_consolidation.delay("PHL", 2026).get(timeout=30)
    assert snapshot() == before
    assert before[0] == 70.0  # horizontal 100, vertical 40 → overall 70


def test_a_worker_killed_mid_recompute_keeps_the_old_scores_then_redelivery_fixes_them(
    celery_worker_process, assessment, users
):
    answer(assessment, users["focal_phl"], **{"H-INS-01": 1.0})
    assessment.refresh_from_db()
    services.submit(assessment, by=users["focal_phl"])
    services.validate(assessment, by=users["reviewer"])
    old = wait_for(lambda: ConsolidatedScore.objects.filter(country_id="PHL", stale=False).first())
    assert old.overall == 100.0

    # Change the stored answer behind the scores' back (as a weight change would), then
    # ask for a full recompute that the worker is killed in the middle of.
    from assessments.models import Answer

    Answer.objects.filter(assessment=assessment, indicator__code="H-INS-01").update(value=0.0)
    celery_worker_process.pause()
    result = tasks.recompute_all.delay()
    celery_worker_process.wait_paused()  # in the chunk, its scores written, not committed
    for pid in celery_worker_process.child_pids():
        os.kill(pid, signal.SIGKILL)

    # Killed before commit: the old scores are still there, marked stale.
    still = ConsolidatedScore.objects.get(country_id="PHL", cycle=2026)
    assert (still.overall, still.stale) == (100.0, True)
    assert result.get(timeout=60) == {"assessments": 1, "countries": 1, "chunks": 1}

    # The chunk was rejected on worker loss and redelivered: it ends with correct scores.
    wait_for(
        lambda: ConsolidatedScore.objects.filter(
            country_id="PHL", overall=0.0, stale=False
        ).exists(),
        timeout=90,
    )
    assert AssessmentScore.objects.get(assessment=assessment).overall == 0.0
