"""Redis gone (the cache and the broker), the pages still serve and a save still stands: it
answers in well under a second, the answer is stored, and its score is left marked stale
for a later recompute to find. The pages run in a process of their own whose REDIS_URL
names a closed port: a real dead Redis, not a mock."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.db import connection

from assessments.models import Answer, Assessment, AssessmentScore
from tests.worker import ROOT, database_url

pytestmark = [
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
        reason="needs DATABASE_URL and REDIS_URL: a second process shares the database",
    ),
    pytest.mark.django_db(transaction=True),
]

SAVE = """
import django, json, sys, time
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from tests.pages.conftest import read_form
pk = int(sys.argv[1])
client = Client()
client.force_login(get_user_model().objects.get(username="focal-phl"))
pages = {path: client.get(path).status_code for path in ("/", f"/assessments/{pk}/")}
form = read_form(client.get(f"/assessments/{pk}/"))
form["v-H-INS-01"] = ["yes"]
started = time.monotonic()
saved = client.post(f"/assessments/{pk}/save/", form)
seconds = time.monotonic() - started
print(json.dumps({"pages": pages, "status": saved.status_code, "seconds": seconds}))
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_page_save_answers_at_once_and_leaves_its_score_stale(assessment, users):
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SAVE, str(assessment.pk)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coherence.settings",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["pages"] == {"/": 200, f"/assessments/{assessment.pk}/": 200}
    assert outcome["status"] == 302  # saved, back to the page
    assert outcome["seconds"] < 1, "a save must not wait on a dead broker"
    assert "scores stay stale" in done.stderr  # the recompute could not be queued

    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version + 1
    assert Answer.objects.get(assessment=assessment, indicator__code="H-INS-01").value == 1.0
    assert AssessmentScore.objects.get(assessment=assessment).stale is True
