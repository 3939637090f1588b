"""Who may do what, in which state: role × state × action, with the status code each
answers and whether anything was written (state, version, answers, transition log).

Each action runs inside a savepoint rolled back afterwards, so every cell starts from the
same assessment. 404 (never 403) for what a user may not see; 302 after a write; a refused
action on an assessment the user sees shows the page again (200) with the reason in an
error message; anonymous users are sent to sign in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from assessments.models import Assessment, TransitionLog
from tests.pages.conftest import answer_values

pytestmark = pytest.mark.django_db

STATES = ("draft", "submitted", "returned", "validated")
ACTIONS = (
    "view",
    "save",
    "submit",
    "return",
    "validate",
    "reopen",
    "upload",
    "history",
    "stock_history",
)

# H-LAB-01 is the indicator `returned` flags: saving or uploading it is allowed then.
CSV = b"country,cycle,actor,indicator,value\nPHL,2026,PHL-DMW,H-LAB-01,10\n"


def perform(client, action: str, assessment: Assessment):
    pk = assessment.pk
    if action == "view":
        return client.get(reverse("assessments:detail", args=[pk]))
    if action == "history":
        return client.get(reverse("assessments:history", args=[pk, "H-LAB-01"]))
    if action == "stock_history":
        return client.get(reverse("assessments:stocktake_history", args=[pk]))
    if action == "save":
        data = {"version": assessment.version, "codes": "H-LAB-01", "v-H-LAB-01": "10"}
        return client.post(reverse("assessments:save", args=[pk]), data)
    if action == "upload":
        upload = SimpleUploadedFile("answers.csv", CSV, content_type="text/csv")
        return client.post(reverse("assessments:upload", args=[pk]), {"file": upload})
    # Validating and reopening are confirmed (test_review_confirmation: unconfirmed, they
    # only ask); the matrix checks who may confirm them.
    data = {"reason": "a reason", "reopen-reason": "a reason", "confirm": "yes"}
    return client.post(reverse(f"assessments:{action}", args=[pk]), data)


def snapshot(pk: int):
    assessment = Assessment.objects.get(pk=pk)
    return (
        assessment.state,
        assessment.version,
        answer_values(assessment),
        TransitionLog.objects.filter(assessment_id=pk).count(),
    )


def expected(role: str, state: str, action: str) -> int:
    if role == "anonymous":
        return 302
    if role in ("focal_phl_health", "focal_mda", "partner"):
        return 404  # another actor's, another country's, or no assessments at all
    if role.startswith("reviewer") and state == "draft":
        return 404
    if action in ("view", "history", "stock_history"):
        return 200
    allowed = {
        "focal_phl": {
            "draft": {"save", "submit", "upload"},
            "returned": {"save", "submit", "upload"},
        },
        "reviewer": {"submitted": {"return", "validate"}, "validated": {"reopen"}},
        "reviewer_phl": {"submitted": {"return"}, "validated": {"reopen"}},
    }
    return 302 if action in allowed[role].get(state, set()) else REFUSED


REFUSED = "refused"  # 200, the page again, with an error message


ROLES = (
    "focal_phl",
    "focal_phl_health",
    "focal_mda",
    "reviewer",
    "reviewer_phl",
    "partner",
    "anonymous",
)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_role_state_action_matrix(client_of, in_state, role, state):
    assessment = in_state(state)
    client = client_of(role)
    mismatches = []
    for action in ACTIONS:
        savepoint = transaction.savepoint()
        before = snapshot(assessment.pk)
        response = perform(client, action, assessment)
        after = snapshot(assessment.pk)
        want = expected(role, state, action)
        got = response.status_code
        if got == 200 and '<li class="error">' in response.content.decode():
            got = REFUSED
        wrote = before != after
        should_write = want == 302 and role != "anonymous"
        if got != want or wrote != should_write:
            mismatches.append((action, got, want, wrote, should_write))
        if role == "anonymous":
            assert response.url.startswith("/accounts/login/")
        transaction.savepoint_rollback(savepoint)
    assert mismatches == [], "(action, got, expected, wrote, should write)"
