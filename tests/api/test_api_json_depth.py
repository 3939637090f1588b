"""A body nested far deeper than any request needs is a 400 in the error shape — not a
500 from Python's recursion limit — and nothing is written."""

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
