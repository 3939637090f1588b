"""A body nested far deeper than any request needs is a 400 in the error shape — not a
500 from Python's recursion limit — and nothing is written."""

import time

import pytest

from assessments.models import Answer, Assessment
from tests.api.conftest import assert_error, client_for

API = "/api/v1/assessments/"
DEPTH = 1_000


def deep(depth: int = DEPTH) -> str:
    return "[" * depth + "]" * depth  # 2 KB nested 1,000 deep


@pytest.fixture
def focal(users):
    return client_for(users["focal_phl"])


def send(client, method, url, body: str):
    return getattr(client, method)(url, data=body, content_type="application/json")


def test_a_deeply_nested_start_is_a_400_and_starts_nothing(focal, catalogue):
    before = Assessment.objects.count()
    body = '{"cycle": 2027, "perspective": ' + deep() + "}"
    assert 2_000 <= len(body) <= 2_100
    error = assert_error(send(focal, "post", API, body), 400, "parse_error")
    assert error["details"] == {"max_depth": 32}
    assert Assessment.objects.count() == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_deeply_nested_answers_are_a_400_and_change_nothing(focal, assessment, method):
    answers = {a.pk: (a.value, a.evidence) for a in Answer.objects.filter(assessment=assessment)}
    body = '{"version": 1, "answers": [{"indicator": "H-LAB-01", "value": ' + deep() + "}]}"
    url = f"{API}{assessment.pk}/answers/"
    assert_error(send(focal, method, url, body), 400, "parse_error")
    assessment.refresh_from_db()
    assert assessment.version == 1
    after = {a.pk: (a.value, a.evidence) for a in Answer.objects.filter(assessment=assessment)}
    assert after == answers


def test_brackets_inside_strings_do_not_count(focal, assessment):
    evidence = "[" * 200 + '\\"{' * 100
    body = (
        '{"version": 1, "answers": [{"indicator": "H-LAB-01", "value": 5, '
        f'"evidence": "{evidence}"'
        "}]}"
    )
    response = send(focal, "patch", f"{API}{assessment.pk}/answers/", body)
    assert response.status_code == 200, response.content[:300]
    answer = Answer.objects.get(assessment=assessment, indicator__code="H-LAB-01")
    assert answer.evidence == "[" * 200 + '"{' * 100


def test_a_body_just_inside_the_limit_is_parsed(focal, catalogue):
    body = '{"cycle": 2027, "perspective": ' + deep(31) + "}"
    error = assert_error(send(focal, "post", API, body), 400, "invalid")
    assert "perspective" in error["details"]


@pytest.mark.parametrize(
    "body", ['"\\' * 100_000, '"' + '\\"' * 100_000], ids=["backslashes", "quotes"]
)
def test_an_unclosed_string_is_read_once_not_once_per_quote(focal, catalogue, body):
    """200 KB of unclosed strings cost one pass: a 400 at once, where each quote used to
    start a scan to the end of the body (seconds per 30 KB, growing with its square)."""
    started = time.perf_counter()
    assert_error(send(focal, "post", API, body), 400, "parse_error")
    assert time.perf_counter() - started < 2
    assert not Assessment.objects.exists()


def test_an_unknown_charset_is_a_400_not_a_500(focal, catalogue):
    response = focal.post(
        API, data=b'{"cycle": 2027}', content_type="application/json; charset=base64"
    )
    assert_error(response, 400, "parse_error")
    assert not Assessment.objects.exists()


def test_a_body_larger_than_the_server_reads_is_refused_unparsed(focal, catalogue, settings):
    """Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) holds for the API's bodies too."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = '{"cycle": 2027, "perspective": "' + "x" * 20_000 + '"}'
    assert_error(send(focal, "post", API, body), 400, "bad_request")
    assert not Assessment.objects.exists()
