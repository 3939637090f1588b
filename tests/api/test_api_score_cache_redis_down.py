"""A cached score body is not served after its score was marked stale, even when the write
could not reach Redis: a reader that cannot reach Redis keeps no body in its process either,
and one that can sees the write once the generation's lease runs out (never 5 minutes on).
The writer runs in a process of its own whose REDIS_URL names a closed port."""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.db import connection

from assessments import generation
from assessments.models import ConsolidatedScore
from assessments.services import reopen
from tests.api.conftest import assert_error, client_for
from tests.worker import ROOT, database_url

pytestmark = [
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
        reason="needs DATABASE_URL and REDIS_URL: a second process shares the database",
    ),
    pytest.mark.django_db(transaction=True),
]

ONE = "/api/v1/scores/PHL/2025/"
SCORES = "/api/v1/scores/"

REOPEN = """
import django, sys
django.setup()
from django.contrib.auth import get_user_model
from assessments.models import Assessment
from assessments.services import reopen
reviewer = get_user_model().objects.get(username="cochair")
reopen(Assessment.objects.get(pk=int(sys.argv[1])), by=reviewer, reason="New evidence.")
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dead_redis() -> str:
    return f"redis://127.0.0.1:{closed_port()}/0"


def test_a_reopening_redis_never_heard_of_is_not_served_past_the_lease(world, users, settings):
    settings.API_SCORES_GENERATION_SECONDS = 2
    generation.replace_generation()  # under the short lease
    partner = client_for(users["partner"])
    assert partner.get(ONE).json()["stale"] is False
    assert partner.get(SCORES).json()["count"] == 1
    warmed = time.monotonic()
    assert partner.get(ONE).json()["stale"] is False  # from the process's own copy

    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REOPEN, str(world["validated"].pk)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coherence.settings",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": dead_redis(),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Could not replace the scores generation" in done.stderr
    assert ConsolidatedScore.objects.get(country_id="PHL", cycle=2025).stale is True

    time.sleep(max(0.0, warmed + 2.1 - time.monotonic()))
    assert_error(partner.get(ONE), 404)  # reopened: no validated assessment behind it
    assert partner.get(SCORES).json()["count"] == 0


def test_a_reader_without_redis_keeps_no_body_of_its_own(world, users, settings):
    partner = client_for(users["partner"])
    assert partner.get(ONE).json()["stale"] is False  # kept in the process and in Redis
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead_redis(),
        }
    }
    reopen(world["validated"], by=users["reviewer"], reason="New evidence.")
    assert_error(partner.get(ONE), 404)
    assert partner.get(SCORES).json()["count"] == 0
