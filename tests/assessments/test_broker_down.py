"""With the broker unreachable, a save still stands, its scores say stale, and the next
recompute catches up. The save runs in a process of its own whose REDIS_URL points at a
closed port: a real dead broker, not a mock."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.db import connection

from assessments.models import Answer, AssessmentScore
from tests.worker import ROOT, database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SAVE = """
import django, json, time
django.setup()
from django.contrib.auth import get_user_model
from assessments import services
from assessments.models import Assessment
user = get_user_model().objects.get(username="focal-phl")
assessment = Assessment.objects.get(pk={pk})
started = time.monotonic()
result = services.save_answers(assessment, by=user, version=assessment.version,
                               answers={{"H-INS-01": services.AnswerInput(value=1.0)}})
print(json.dumps({{"version": result.version, "seconds": time.monotonic() - started}}))
"""


def test_save_is_kept_and_scores_catch_up(assessment, users):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coherence.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SAVE.format(pk=assessment.pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert "scores stay stale" in done.stderr  # the failed queueing is logged, not raised

    assert outcome["version"] == assessment.version + 1
    assert outcome["seconds"] < 20, "a save must not hang on a dead broker"
    assert time.monotonic() - started < 60
    assert Answer.objects.get(assessment=assessment, indicator__code="H-INS-01").value == 1.0
    assert AssessmentScore.objects.get(assessment=assessment).stale is True

    call_command("recompute_scores")
    score = AssessmentScore.objects.get(assessment=assessment)
    assert (score.stale, score.overall) == (False, 100.0)
