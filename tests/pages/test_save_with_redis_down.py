"""Redis gone (the cache and the broker), the pages still serve and a save still stands: it
answers in well under a second, the answer is stored, and its score is left marked stale
for a later recompute to find. The pages run in a process of their own whose REDIS_URL
names a closed port: a real dead Redis, not a mock."""

import json

from assessments.models import Answer, Assessment, AssessmentScore
from tests.dead_redis import needs_shared_database, without_redis

pytestmark = needs_shared_database

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


def test_a_page_save_answers_at_once_and_leaves_its_score_stale(assessment, users):
    done = without_redis(SAVE, str(assessment.pk))
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["pages"] == {"/": 200, f"/assessments/{assessment.pk}/": 200}
    assert outcome["status"] == 302  # saved, back to the page
    assert outcome["seconds"] < 1, "a save must not wait on a dead broker"
    assert "scores stay stale" in done.stderr  # the recompute could not be queued

    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version + 1
    assert Answer.objects.get(assessment=assessment, indicator__code="H-INS-01").value == 1.0
    assert AssessmentScore.objects.get(assessment=assessment).stale is True
