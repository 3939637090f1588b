"""With the broker unreachable, a save still stands, its scores say stale, and the next
recompute catches up. A real Redis URL on a closed port, not a mock."""

import time

import pytest
from django.core.management import call_command

from assessments import services
from assessments.models import Answer, AssessmentScore

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker_down():
    from coherence.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.pool.force_close_all()
    yield
    app.conf.broker_url = previous
    app.pool.force_close_all()


def test_save_is_kept_and_scores_catch_up(broker_down, assessment, users):
    started = time.monotonic()
    result = services.save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-INS-01": services.AnswerInput(value=1.0)},
    )
    elapsed = time.monotonic() - started

    assert result.version == assessment.version + 1
    assert Answer.objects.get(assessment=assessment, indicator__code="H-INS-01").value == 1.0
    assert AssessmentScore.objects.get(assessment=assessment).stale is True
    assert elapsed < 20, "a save must not hang on a dead broker"

    call_command("recompute_scores")
    score = AssessmentScore.objects.get(assessment=assessment)
    assert (score.stale, score.overall) == (False, 100.0)
