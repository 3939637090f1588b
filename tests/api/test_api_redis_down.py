"""Redis gone, the API answers as it does with Redis: token auth reads the database, the
throttle lets requests through (and says so in the log once, not once a request), and no
cached body is used. The requests run in a process of their own whose REDIS_URL names a
closed port: a real dead Redis, not a mock."""

import json

from django.test import Client

from assessments.models import Answer, AssessmentScore
from tests.api.conftest import token_key
from tests.dead_redis import needs_shared_database, without_redis

pytestmark = needs_shared_database

API = "/api/v1/"

REQUESTS = """
import django, json, sys, time
django.setup()
from django.test import Client
Client().get("/api/v1/levels/")  # the first request loads the URLs and the views: untimed
answers = []
for method, path, key, body in json.loads(sys.argv[1]):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    started = time.monotonic()
    if method == "get":
        response = Client().get(path, **headers)
    else:
        response = getattr(Client(), method)(
            path, json.dumps(body), content_type="application/json", **headers)
    answers.append([response.status_code, response.content.decode(),
                    time.monotonic() - started])
print(json.dumps(answers))
"""


def reads(world, users) -> list[tuple[str, str, str | None, None]]:
    """A GET of every endpoint, as whoever reads it (and as who may not)."""
    partner, focal, reviewer = (token_key(users[n]) for n in ("partner", "focal_phl", "reviewer"))
    draft, submitted, mda = world["draft"].pk, world["submitted"].pk, world["mda_draft"].pk
    paths = [
        (partner, path)
        for path in (
            "levels/",
            "tool-types/",
            "areas/",
            "actors/",
            "instruments/?level=national",
            "interactions/",
            "indicators/",
            "grid/?country=PHL",
            "scores/",
            "scores/?format=csv",
            "scores/PHL/2025/",
            "scores/PHL/2026/",  # 404: nothing validated
            "assessments/",  # 404 for a partner
            "levels/?colour=red",  # 400: an unknown parameter
            "no-such-thing/",
        )
    ]
    paths += [
        (focal, "assessments/"),
        (focal, f"assessments/{draft}/"),
        (focal, f"assessments/{draft}/scores/"),
        (focal, f"assessments/{mda}/"),  # another country's: 404
        (focal, "scores/PHL/2025/"),
        (reviewer, f"assessments/{submitted}/"),
        (reviewer, "scores/"),
        (None, "levels/"),  # anonymous: 401
        ("f" * 40, "levels/"),  # no such token: 401
    ]
    return [("get", API + path, key, None) for key, path in paths] + [
        ("get", "/api/schema/", None, None)
    ]


def live(requests) -> list[list]:
    answers = []
    for method, path, key, body in requests:
        headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
        if method == "get":
            response = Client().get(path, **headers)
        else:
            response = getattr(Client(), method)(
                path, json.dumps(body), content_type="application/json", **headers
            )
        answers.append([response.status_code, response.content.decode()])
    return answers


def test_every_endpoint_answers_as_with_redis(world, users):
    requests = reads(world, users)
    with_redis = live(requests)
    done = without_redis(REQUESTS, json.dumps(requests))
    without = json.loads(done.stdout.strip().splitlines()[-1])

    statuses = [status for status, _, _ in without]
    assert 500 not in statuses
    assert set(statuses) == {200, 400, 401, 404}
    for (_, path, key, _), (status, body, _), (expected, expected_body) in zip(
        requests, without, with_redis, strict=True
    ):
        assert (status, body) == (expected, expected_body), (path, key and key[:6])
    slowest = max(zip((seconds for _, _, seconds in without), requests, strict=True))
    assert slowest[0] < 1, slowest  # no request waits on Redis


def test_the_throttle_lets_requests_through_and_warns_once(world, users):
    key = token_key(users["partner"])
    requests = [("get", API + "levels/", key, None)] * 5
    done = without_redis(REQUESTS, json.dumps(requests), API_THROTTLE_USER="2/minute")
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    assert [status for status, _, _ in answers] == [200] * 5
    assert done.stderr.count("API throttling is off") == 1


def test_an_answer_saved_through_the_api_stands_and_its_score_is_stale(world, users):
    draft = world["draft"]
    key = token_key(users["focal_phl"])
    body = {"version": draft.version, "answers": [{"indicator": "H-INS-01", "value": 1}]}
    done = without_redis(
        REQUESTS, json.dumps([("put", f"{API}assessments/{draft.pk}/answers/", key, body)])
    )
    [(status, answer, seconds)] = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 200, answer
    assert json.loads(answer)["version"] == draft.version + 1
    assert seconds < 1, "a save must not wait on a dead broker"
    assert Answer.objects.get(assessment=draft, indicator__code="H-INS-01").value == 1.0
    assert AssessmentScore.objects.get(assessment=draft).stale is True
    assert "scores stay stale" in done.stderr
