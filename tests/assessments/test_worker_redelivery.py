"""A real Celery worker on Redis: a worker killed whole in the middle of a chunk of the
full recompute has that chunk redelivered once the visibility timeout has passed (the
test worker's: 25 s; production's: 90 s, seconds not the 23 minutes of one long task);
every score is stale while the full recompute is pending and fresh after; and a score
whose recompute was lost (the broker down at the save) catches up by the periodic task
and when a worker starts. Runs in CI (DATABASE_URL and REDIS_URL set)."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.core.cache import cache

from assessments import catchup, services, tasks
from assessments.models import Answer, AssessmentScore, ConsolidatedScore
from coherence.celery import app
from tests.dead_redis import without_redis
from tests.worker import ROOT, VISIBILITY_TIMEOUT, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def validated(catalogue, users, actor, focal, **values):
    assessment = services.create_assessment(
        actor=catalogue["actors"][actor], cycle=2026, by=users[focal]
    )
    services.save_answers(
        assessment,
        by=users[focal],
        version=assessment.version,
        answers={code: services.AnswerInput(value=v) for code, v in values.items()},
    )
    assessment.refresh_from_db()
    services.submit(assessment, by=users[focal])
    services.validate(assessment, by=users["reviewer"])
    return assessment


def all_fresh() -> bool:
    return not (
        AssessmentScore.objects.filter(stale=True).exists()
        or ConsolidatedScore.objects.filter(stale=True).exists()
    )


def consolidated(country: str) -> float | None:
    return ConsolidatedScore.objects.get(country_id=country, cycle=2026).overall


def test_a_killed_workers_chunk_is_redelivered_after_the_visibility_timeout(
    celery_worker_process, catalogue, users
):
    validated(catalogue, users, "PHL-DMW", "focal_phl", **{"H-INS-01": 1.0})
    wait_for(all_fresh)
    assert consolidated("PHL") == 100.0
    # The answer changes behind the scores' back; then a chunk of the full recompute runs
    # and its worker dies whole — parent and children — before the chunk commits.
    Answer.objects.filter(indicator__code="H-INS-01").update(value=0.0)
    worker = celery_worker_process
    worker.pause()
    chunk = tasks.recompute_country_cycles.delay([["PHL", 2026]])
    worker.wait_paused()
    worker.kill()
    killed = time.monotonic()
    assert consolidated("PHL") == 100.0  # nothing of the chunk committed

    worker.start()  # the replacement, which finds the message unacknowledged
    assert chunk.get(timeout=VISIBILITY_TIMEOUT + 30) == {"assessments": 1, "countries": 1}
    redelivered = time.monotonic() - killed
    print(f"\nchunk redelivered and done {redelivered:.1f} s after its worker was killed")
    # Not at once (nobody rejected it: its worker was dead), and within the timeout plus
    # the restore interval and the chunk's own run.
    assert VISIBILITY_TIMEOUT - 12 <= redelivered <= VISIBILITY_TIMEOUT + 10
    assert consolidated("PHL") == 0.0


def test_production_redelivery_is_a_matter_of_minutes():
    # The settings read with no variable set, as in docker-compose.yml.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CELERY_", "SCORES_")) and k != "DATABASE_URL"
    }
    env["DJANGO_SETTINGS_MODULE"] = "coherence.settings"
    code = (
        "import django, json; django.setup(); from coherence.celery import app;"
        "o = app.conf.broker_transport_options;"
        "print(json.dumps([app.conf.task_time_limit, o['visibility_timeout'],"
        " o['unacked_restore_interval'], o['unacked_restore_throttle']]))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    hard_limit, visibility, interval, throttle = json.loads(done.stdout.strip())
    assert hard_limit < visibility  # a running task is never handed to a second worker
    assert visibility + interval * throttle <= 180  # was 1,320 s + up to 100 s


def test_scores_are_stale_while_a_full_recompute_is_pending_and_fresh_after(
    celery_worker_process, catalogue, users
):
    validated(catalogue, users, "PHL-DMW", "focal_phl", **{"H-INS-01": 1.0, "V-SUB-01": 0.0})
    validated(catalogue, users, "MDA-BMA", "focal_mda", **{"H-INS-01": 0.0, "H-LAB-01": 10.0})
    wait_for(all_fresh)
    assert (consolidated("PHL"), consolidated("MDA")) == (50.0, 50.0)
    Answer.objects.filter(indicator__code="H-INS-01").update(value=0.0)

    worker = celery_worker_process
    worker.pause()
    tasks.request_full_recompute(chunk=1)  # two chunks: MDA, then PHL
    # Stale from the request on: the two assessments' scores and the two consolidations.
    stale = list(AssessmentScore.objects.values_list("stale", flat=True)) + list(
        ConsolidatedScore.objects.values_list("stale", flat=True)
    )
    assert stale == [True] * 4
    worker.wait_paused()  # the first chunk has written, not committed
    assert not AssessmentScore.objects.filter(stale=False).exists()
    assert not ConsolidatedScore.objects.filter(stale=False).exists()
    assert (consolidated("PHL"), consolidated("MDA")) == (50.0, 50.0)  # the old figures

    worker.release()
    wait_for(all_fresh)
    # PHL: H-INS-01 now no, V-SUB-01 no → 0; MDA: H-INS-01 no, H-LAB-01 10 → 50 (horizontal).
    assert (consolidated("PHL"), consolidated("MDA")) == (0.0, 50.0)
    assert ConsolidatedScore.objects.get(country_id="MDA").horizontal == 50.0


SAVE_WITH_THE_BROKER_DOWN = """
import django
django.setup()
from django.contrib.auth import get_user_model
from assessments import services
from assessments.models import Assessment
user = get_user_model().objects.get(username="focal-phl")
assessment = Assessment.objects.get(pk={pk})
services.save_answers(assessment, by=user, version=assessment.version,
                      answers={{"H-INS-01": services.AnswerInput(value=1.0)}})
"""


def save_with_the_broker_down(assessment) -> None:
    """A save in a process whose broker is a closed port: it stands, its task is lost."""
    done = without_redis(SAVE_WITH_THE_BROKER_DOWN.format(pk=assessment.pk))
    assert "scores stay stale" in done.stderr


def test_the_periodic_task_requeues_a_score_whose_recompute_was_lost(
    celery_worker_process, assessment, users
):
    cache.delete(catchup.SEEN)
    save_with_the_broker_down(assessment)
    time.sleep(2)
    assert AssessmentScore.objects.get(assessment=assessment).stale is True  # nobody came

    # As beat runs it, every minute (here with a grace of 2 s instead of 60).
    first = tasks.requeue_stale_scores.delay(2).get(timeout=30)
    assert first == {"stale": 1, "queued": 0}  # just seen stale: its task may be on its way
    time.sleep(2.5)
    assert tasks.requeue_stale_scores.delay(2).get(timeout=30) == {"stale": 1, "queued": 1}
    score = wait_for(
        lambda: AssessmentScore.objects.filter(assessment=assessment, stale=False).first()
    )
    assert score.overall == 100.0
    assert tasks.requeue_stale_scores.delay(2).get(timeout=30) == {"stale": 0, "queued": 0}


def test_a_starting_worker_requeues_a_score_whose_recompute_was_lost(
    celery_worker_process, assessment, users
):
    wait_for(lambda: AssessmentScore.objects.filter(assessment=assessment, stale=False).exists())
    celery_worker_process.stop()
    save_with_the_broker_down(assessment)
    assert AssessmentScore.objects.get(assessment=assessment).stale is True

    # While a recompute waits in a queue, the catch-up leaves the stale score alone: what
    # waits may be its own recompute.
    tasks.recompute_consolidation.delay("PHL", 2026)
    assert catchup.waiting_recomputes() == 1
    assert catchup.requeue_stale_scores(0) == {"stale": 1, "queued": 0}
    app.control.purge()  # that message lost too
    assert catchup.waiting_recomputes() == 0

    celery_worker_process.start()
    score = wait_for(
        lambda: AssessmentScore.objects.filter(assessment=assessment, stale=False).first()
    )
    assert score.overall == 100.0
