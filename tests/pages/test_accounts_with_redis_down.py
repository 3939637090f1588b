"""Redis gone (the cache and the broker), signing in and asking for a password reset still
answer as always: the sign-in lockout keeps its count in the database, and the reset's
hourly count is skipped with a warning (no mail can be queued without the broker anyway).
The pages run in a process of their own whose REDIS_URL names a closed port."""

import json

from tests.dead_redis import needs_shared_database, without_redis

pytestmark = needs_shared_database

ACCOUNTS = """
import django, json, time
django.setup()
from django.conf import settings
from django.test import Client
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the tests'

client = Client()
started = time.monotonic()
wrong = client.post("/accounts/login/", {"username": "focal-phl", "password": "wrong"})
signed = client.post("/accounts/login/", {"username": "focal-phl", "password": "demo-pass-2026"})
start = client.get("/")
reset = Client().post("/accounts/password_reset/", {"email": "focal-phl@example.org"})
print(json.dumps({
    "wrong": wrong.status_code, "signed": signed.status_code, "start": start.status_code,
    "reset": reset.status_code, "reset_to": reset.get("Location"),
    "seconds": time.monotonic() - started,
}))
"""


def test_sign_in_and_password_reset_answer_without_redis(users):
    user = users["focal_phl"]
    user.set_password("demo-pass-2026")
    user.email = "focal-phl@example.org"
    user.save()
    done = without_redis(ACCOUNTS)
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["wrong"] == 200  # the form again, with its error
    assert outcome["signed"] == 302 and outcome["start"] == 200
    assert outcome["reset"] == 302 and outcome["reset_to"].endswith("/password_reset/done/")
    assert outcome["seconds"] < 5
    assert "password reset not counted: the cache is unreachable" in done.stderr
