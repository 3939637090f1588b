"""Fixtures of the API tests: a client per role, and a small world of assessments in every
state, built through the services (the way every entry point writes)."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments import recompute
from assessments.discussion import post_comment
from assessments.generation import replace_generation
from assessments.services import (
    AnswerInput,
    create_assessment,
    save_answers,
    submit,
    validate,
)
from coherence.api.authentication import issue_token, stored_key
from coherence.api.caching import local_bodies

ROLES = ("anonymous", "partner", "focal_phl", "focal_mda", "reviewer")

# The validated Philippine assessment's answers, worked out in test_api_scores_contract.
VALIDATED_ANSWERS = {
    "H-INS-01": AnswerInput(value=1),
    "H-LAB-01": AnswerInput(value=5),
    "H-LAB-02": AnswerInput(value=2),
    "H-DIA-01": AnswerInput(na=True),
    "V-SUB-01": AnswerInput(value=0),
    "V-BIL-01": AnswerInput(value=10),
    "V-INT-01": AnswerInput(value=40),
}


@pytest.fixture(autouse=True)
def api_settings_for_tests(settings):
    """High throttle rates (the throttle test lowers them), a fast password hasher (every
    test makes its users) and a clean local cache."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        cache.clear()  # never on Redis: it holds the broker's queues too
    settings.API_CACHE_SCORES = True  # one process: its own cache is everyone's
    local_bodies.clear()
    replace_generation()  # bodies cached by an earlier test showed its rolled-back rows
    yield


# The keys this run issued, by what the database keeps of them: a key is shown only once.
_issued: dict[str, str] = {}


def token_key(user) -> str:
    """`user`'s API key: the one issued earlier in this test, else a new one."""
    stored = Token.objects.filter(user=user).values_list("key", flat=True).first()
    if stored not in _issued:
        key = issue_token(user)
        stored = stored_key(key)
        _issued[stored] = key
    return _issued[stored]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_key(user)}")
    return client


@pytest.fixture
def clients(users):
    """An API client per role of the matrix."""
    return {
        "anonymous": client_for(None),
        "partner": client_for(users["partner"]),
        "focal_phl": client_for(users["focal_phl"]),
        "focal_phl_health": client_for(users["focal_phl_health"]),
        "focal_mda": client_for(users["focal_mda"]),
        "reviewer": client_for(users["reviewer"]),
        "reviewer_phl": client_for(users["reviewer_phl"]),
    }


def validated(actor, cycle, *, focal, reviewer, answers, perspective="both"):
    """An assessment taken through the services to `validated`, scores recomputed."""
    assessment = create_assessment(actor=actor, cycle=cycle, by=focal, perspective=perspective)
    save_answers(assessment, by=focal, version=assessment.version, answers=answers)
    submit(assessment, by=focal)
    validate(assessment, by=reviewer)
    recompute.recompute_assessment(assessment.pk)
    recompute.recompute_consolidation(assessment.country_id, cycle)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def world(catalogue, users, assessment):
    """PHL 2026: the DMW's draft (`assessment`) and the DOH's submitted one, with a
    reviewer's comment on H-INS-01; PHL 2025: the DOH's validated one (so a consolidated
    score); MDA 2026: the BMA's draft."""
    actors = catalogue["actors"]
    submitted = create_assessment(actor=actors["PHL-DOH"], cycle=2026, by=users["focal_phl_health"])
    save_answers(
        submitted,
        by=users["focal_phl_health"],
        version=submitted.version,
        answers={"H-INS-01": AnswerInput(value=1)},
    )
    submit(submitted, by=users["focal_phl_health"])
    submitted.refresh_from_db()
    done = validated(
        actors["PHL-DOH"],
        2025,
        focal=users["focal_phl_health"],
        reviewer=users["reviewer"],
        answers=VALIDATED_ANSWERS,
    )
    mda = create_assessment(actor=actors["MDA-BMA"], cycle=2026, by=users["focal_mda"])
    comment = post_comment(submitted, by=users["reviewer"], indicator="H-INS-01", body="Which?")
    return {
        "draft": assessment,
        "submitted": submitted,
        "validated": done,
        "mda_draft": mda,
        "comment": comment,
    }


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is `status` in the error shape; returns its `error`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    if code is not None:
        assert error["code"] == code, error
    return error
