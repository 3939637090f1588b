"""A cached score body is not served after its score was marked stale, even when the write
could not reach Redis: a reader that cannot reach Redis keeps no body in its process either,
and one that can sees the write once the generation's lease runs out (never 5 minutes on).
The writer runs in a process of its own whose REDIS_URL names a closed port."""

import time

from assessments import generation
from assessments.models import ConsolidatedScore
from assessments.services import reopen
from tests.api.conftest import assert_error, client_for
from tests.dead_redis import dead_redis, needs_shared_database, without_redis

pytestmark = needs_shared_database

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


def test_a_reopening_redis_never_heard_of_is_not_served_past_the_lease(world, users, settings):
    settings.API_SCORES_GENERATION_SECONDS = 2
    generation.replace_generation()  # under the short lease
    partner = client_for(users["partner"])
    assert partner.get(ONE).json()["stale"] is False
    assert partner.get(SCORES).json()["count"] == 1
    warmed = time.monotonic()
    assert partner.get(ONE).json()["stale"] is False  # from the process's own copy

    done = without_redis(REOPEN, str(world["validated"].pk))
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
