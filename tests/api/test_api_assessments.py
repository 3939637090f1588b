"""Assessments through the API: a focal point starts one, saves answers against the
version it read (409 with what changed when someone saved first), submits it; a reviewer
returns, validates, reopens — each answer telling the new state and what the caller may
do next, every refusal in the error shape with the service's reason."""

import pytest

from actors.models import Membership
from assessments.models import Answer, Assessment, TransitionLog
from coherence.choices import Role
from tests.api.conftest import assert_error, client_for
from tests.factories import make_user

API = "/api/v1/assessments/"


@pytest.fixture
def focal(users):
    return client_for(users["focal_phl"])


@pytest.fixture
def reviewer(users):
    return client_for(users["reviewer"])


def put_answers(client, assessment_id, version, *answers, method="put"):
    call = getattr(client, method)
    return call(
        f"{API}{assessment_id}/answers/",
        {"version": version, "answers": list(answers)},
        format="json",
    )


def detail(client, assessment_id) -> dict:
    response = client.get(f"{API}{assessment_id}/")
    assert response.status_code == 200, response.content[:300]
    return response.json()


# --- Starting one ----------------------------------------------------------------------------


def test_a_focal_point_starts_its_actors_assessment(focal, catalogue):
    response = focal.post(API, {"cycle": 2027, "perspective": "origin"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "country": "PHL",
        "cycle": 2027,
        "actor": "PHL-DMW",
        "framework": "2026.1",
        "perspective": "origin",
        "state": "draft",
        "version": 1,
        "allowed_transitions": ["submit"],
        "unread_comments": 0,
        "return_reason": "",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "answers": [],
    }
    assert response["Location"].endswith(f"{API}{body['id']}/")
    assert Assessment.objects.get(pk=body["id"]).created_by.username == "focal-phl"


def test_starting_a_second_one_for_the_same_cycle_is_a_409(focal, assessment):
    error = assert_error(focal.post(API, {"cycle": 2026}, format="json"), 409)
    assert "already has an assessment" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cycle": 1999}, "cycle"),
        ({"cycle": "2027"}, "cycle"),
        ({"cycle": 2027.5}, "cycle"),
        ({}, "cycle"),
        ({"cycle": 2027, "perspective": "sideways"}, "perspective"),
    ],
)
def test_a_malformed_start_is_a_400_naming_the_field(focal, catalogue, body, field):
    error = assert_error(focal.post(API, body, format="json"), 400, "invalid")
    assert list(error["details"]) == [field]
    assert Assessment.objects.count() == 0


def test_a_reviewer_cannot_start_one(reviewer, catalogue):
    error = assert_error(reviewer.post(API, {"cycle": 2027}, format="json"), 403)
    assert error["message"] == "Only a focal point may start an assessment."


# --- Reading ---------------------------------------------------------------------------------


def test_the_list_is_sorted_by_id_and_scoped_to_the_callers_actor(world, focal, reviewer):
    mine = focal.get(API).json()
    assert [a["id"] for a in mine["results"]] == [world["draft"].pk]
    seen = reviewer.get(API).json()["results"]
    assert [a["id"] for a in seen] == sorted([world["submitted"].pk, world["validated"].pk])
    assert {a["state"] for a in seen} == {"submitted", "validated"}  # never a draft
    by_id = {a["id"]: a for a in seen}
    assert by_id[world["submitted"].pk]["allowed_transitions"] == ["return", "validate"]
    assert by_id[world["validated"].pk]["allowed_transitions"] == ["reopen"]
    assert "answers" not in seen[0]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("state=validated", ["validated"]),
        ("cycle=2026", ["submitted"]),
        ("country=PHL&cycle=2025", ["validated"]),
        ("actor=PHL-DOH", ["submitted", "validated"]),
        ("country=MDA", []),
    ],
)
def test_the_list_filters(world, reviewer, query, names):
    got = [a["id"] for a in reviewer.get(f"{API}?{query}").json()["results"]]
    assert got == sorted(world[name].pk for name in names)


def test_a_reviewer_belonging_to_the_government_may_not_validate_it(world, users):
    client = client_for(users["reviewer_phl"])
    got = detail(client, world["submitted"].pk)
    assert got["allowed_transitions"] == ["return"]
    error = assert_error(client.post(f"{API}{world['submitted'].pk}/validate/"), 403)
    assert "own government" in error["message"]


def test_answers_read_as_json_numbers_with_na_apart(world, reviewer):
    answers = {a["indicator"]: a for a in detail(reviewer, world["validated"].pk)["answers"]}
    assert [code for code in answers] == [
        "H-INS-01",
        "H-LAB-01",
        "H-LAB-02",
        "H-DIA-01",
        "V-SUB-01",
        "V-BIL-01",
        "V-INT-01",
    ]  # framework order
    assert answers["H-INS-01"] == {
        "indicator": "H-INS-01",
        "value": 1,
        "na": False,
        "evidence": "",
        "instruments": [],
        "flagged": False,
        "flag_comment": "",
        "documents": [],
    }
    assert answers["H-DIA-01"]["value"] is None and answers["H-DIA-01"]["na"] is True
    assert answers["V-INT-01"]["value"] == 40


# --- Saving answers --------------------------------------------------------------------------


def test_saving_answers_answers_the_new_version(focal, assessment, catalogue):
    response = put_answers(
        focal,
        assessment.pk,
        1,
        {"indicator": "H-INS-01", "value": 1, "evidence": "Decree 12.", "instruments": ["MIGOF"]},
        {"indicator": "H-LAB-01", "value": 5},
        {"indicator": "H-DIA-01", "na": True},
        {"indicator": "H-LAB-02", "value": 2.0},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": assessment.pk,
        "state": "draft",
        "version": 2,
        "changed": ["H-INS-01", "H-LAB-01", "H-DIA-01", "H-LAB-02"],
    }
    got = {a["indicator"]: a for a in detail(focal, assessment.pk)["answers"]}
    assert got["H-INS-01"]["instruments"] == ["MIGOF"]
    assert got["H-INS-01"]["evidence"] == "Decree 12."
    assert got["H-DIA-01"]["na"] is True
    assert got["H-LAB-02"]["value"] == 2
    assert detail(focal, assessment.pk)["version"] == 2


def test_saving_the_same_answers_again_keeps_the_version(focal, assessment):
    put_answers(focal, assessment.pk, 1, {"indicator": "H-INS-01", "value": 1})
    again = put_answers(focal, assessment.pk, 2, {"indicator": "H-INS-01", "value": 1})
    assert again.json()["version"] == 2 and again.json()["changed"] == []


def test_patch_of_evidence_alone_keeps_the_value(focal, assessment):
    put_answers(focal, assessment.pk, 1, {"indicator": "H-LAB-01", "value": 10})
    response = put_answers(
        focal, assessment.pk, 2, {"indicator": "H-LAB-01", "evidence": "Law 3."}, method="patch"
    )
    assert response.status_code == 200
    answer = Answer.objects.get(assessment=assessment, indicator__code="H-LAB-01")
    assert (answer.value, answer.evidence) == (10.0, "Law 3.")


def test_patch_of_evidence_alone_keeps_an_na_answer_na(focal, assessment):
    put_answers(focal, assessment.pk, 1, {"indicator": "H-DIA-01", "na": True})
    response = put_answers(
        focal, assessment.pk, 2, {"indicator": "H-DIA-01", "evidence": "None yet."}, method="patch"
    )
    assert response.status_code == 200 and response.json()["changed"] == ["H-DIA-01"]
    answer = Answer.objects.get(assessment=assessment, indicator__code="H-DIA-01")
    assert (answer.value, answer.na, answer.evidence) == (None, True, "None yet.")


def test_a_stale_version_is_a_409_with_the_current_version_and_what_changed(
    focal, assessment, catalogue
):
    colleague = client_for(
        make_user("focal-phl-2", Role.FOCAL_POINT, catalogue["actors"]["PHL-DMW"])
    )
    assert (
        put_answers(colleague, assessment.pk, 1, {"indicator": "H-INS-01", "value": 0}).json()[
            "version"
        ]
        == 2
    )
    error = assert_error(
        put_answers(focal, assessment.pk, 1, {"indicator": "H-INS-01", "value": 1}),
        409,
        "conflict",
    )
    assert error["details"]["version"] == 2
    assert error["details"]["changed"]["H-INS-01"]["value"] == "no"
    assert error["details"]["changed"]["H-INS-01"]["changed_by"] == "focal-phl-2"
    assert "Someone else saved" in error["message"]
    answer = Answer.objects.get(assessment=assessment, indicator__code="H-INS-01")
    assert answer.value == 0.0  # the second save wrote nothing
    assert (
        put_answers(focal, assessment.pk, 2, {"indicator": "H-INS-01", "value": 1}).json()[
            "version"
        ]
        == 3
    )


@pytest.mark.parametrize(
    ("answer", "where"),
    [
        ({"indicator": "H-LAB-01", "value": 3}, "H-LAB-01"),  # three_level is 0/5/10
        ({"indicator": "H-INS-01", "na": True}, "H-INS-01"),  # n/a not allowed
        ({"indicator": "H-DIA-01", "value": 120}, "H-DIA-01"),
        ({"indicator": "NOPE-01", "value": 1}, "NOPE-01"),
        ({"indicator": "H-INS-01", "value": 1, "instruments": ["NOPE"]}, "H-INS-01"),
    ],
)
def test_an_answer_that_does_not_fit_is_a_400_naming_its_indicator(
    focal, assessment, answer, where
):
    error = assert_error(put_answers(focal, assessment.pk, 1, answer), 400, "invalid_answers")
    assert list(error["details"]) == [where]
    assert not Answer.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"version": 1, "answers": [{"indicator": "H-INS-01", "value": "yes"}]},
        {"version": 1, "answers": [{"indicator": "H-INS-01", "value": True}]},
        {"version": 1, "answers": [{"indicator": "H-INS-01", "na": "true"}]},
        {"version": "1", "answers": []},
        {"answers": []},
        {"version": 1, "answers": {"H-INS-01": 1}},
        {"version": 1, "answers": [{"indicator": "H-INS-01"}, {"indicator": "H-INS-01"}]},
    ],
)
def test_a_malformed_save_is_a_400(focal, assessment, body):
    response = focal.put(f"{API}{assessment.pk}/answers/", body, format="json")
    assert_error(response, 400, "invalid")


def test_a_reviewer_never_edits_answers(world, reviewer):
    submitted = world["submitted"]
    error = assert_error(
        put_answers(
            reviewer, submitted.pk, submitted.version, {"indicator": "H-INS-01", "value": 0}
        ),
        403,
    )
    assert error["message"] == "Only the assessment's own focal point may change answers."


def test_a_submitted_assessment_is_locked(world, users):
    submitted = world["submitted"]
    client = client_for(users["focal_phl_health"])
    error = assert_error(
        put_answers(client, submitted.pk, submitted.version, {"indicator": "H-INS-01", "value": 0}),
        409,
    )
    assert "locked" in error["message"]


# --- Transitions -----------------------------------------------------------------------------


def test_the_whole_workflow_answers_each_new_state(world, users, reviewer):
    focal = client_for(users["focal_phl"])
    draft = world["draft"]
    put_answers(focal, draft.pk, 1, {"indicator": "H-INS-01", "value": 1})

    submitted = focal.post(f"{API}{draft.pk}/submit/")
    assert submitted.status_code == 200
    assert submitted.json() == {
        "id": draft.pk,
        "state": "submitted",
        "version": 3,
        "allowed_transitions": [],
    }

    returned = reviewer.post(
        f"{API}{draft.pk}/return/",
        {"reason": "Evidence missing.", "indicators": {"H-INS-01": "Cite the decree."}},
        format="json",
    )
    assert returned.json() == {
        "id": draft.pk,
        "state": "returned",
        "version": 4,
        "allowed_transitions": [],
    }
    got = detail(focal, draft.pk)
    assert got["allowed_transitions"] == ["submit"] and got["return_reason"] == "Evidence missing."
    flagged = {a["indicator"]: a for a in got["answers"]}["H-INS-01"]
    assert flagged["flagged"] is True and flagged["flag_comment"] == "Cite the decree."
    # Only the flagged indicator is editable now.
    assert_error(put_answers(focal, draft.pk, 4, {"indicator": "H-LAB-01", "value": 5}), 400)
    assert put_answers(focal, draft.pk, 4, {"indicator": "H-INS-01", "value": 0}).status_code == 200

    assert focal.post(f"{API}{draft.pk}/submit/").json()["state"] == "submitted"
    validated = reviewer.post(f"{API}{draft.pk}/validate/")
    assert validated.json()["state"] == "validated"
    assert validated.json()["allowed_transitions"] == ["reopen"]

    reopened = reviewer.post(f"{API}{draft.pk}/reopen/", {"reason": "New law."}, format="json")
    assert reopened.json()["state"] == "returned"
    log = list(TransitionLog.objects.filter(assessment=draft).values_list("action", flat=True))
    assert log == ["submit", "return", "submit", "validate", "reopen"]


def test_a_focal_point_cannot_validate_its_own_assessment(world, users):
    client = client_for(users["focal_phl_health"])
    error = assert_error(client.post(f"{API}{world['submitted'].pk}/validate/"), 403)
    assert error["details"]["role"] == "focal_point"
    assert Assessment.objects.get(pk=world["submitted"].pk).state == "submitted"


def test_a_reviewer_may_never_submit_whatever_the_state(world, reviewer):
    error = assert_error(reviewer.post(f"{API}{world['submitted'].pk}/submit/"), 403)
    assert error["message"].startswith("Only a government focal point")
    assert error["details"]["role"] == "reviewer"


def test_submitting_twice_is_a_409_with_the_services_reason(world, users):
    client = client_for(users["focal_phl_health"])
    error = assert_error(client.post(f"{API}{world['submitted'].pk}/submit/"), 409)
    assert error["message"] == (
        "Cannot submit an assessment that is submitted: only from draft or returned."
    )
    assert error["details"]["state"] == "submitted"


def test_validating_a_validated_assessment_is_a_409(world, reviewer):
    assert_error(reviewer.post(f"{API}{world['validated'].pk}/validate/"), 409)


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("return", {}, "reason"),
        ("return", {"reason": 5}, "reason"),
        ("return", {"reason": "x", "indicators": ["H-INS-01"]}, "indicators"),
    ],
)
def test_a_malformed_transition_is_a_400(world, reviewer, action, body, field):
    response = reviewer.post(f"{API}{world['submitted'].pk}/{action}/", body, format="json")
    assert field in assert_error(response, 400)["details"]


def test_a_blank_reason_is_refused_by_the_service(world, reviewer):
    response = reviewer.post(
        f"{API}{world['validated'].pk}/reopen/", {"reason": "  "}, format="json"
    )
    error = assert_error(response, 400)
    assert "reason" in error["details"]


def test_returning_an_unknown_indicator_is_a_400_naming_it(world, reviewer):
    response = reviewer.post(
        f"{API}{world['submitted'].pk}/return/",
        {"reason": "Fix.", "indicators": {"NOPE-01": "?"}},
        format="json",
    )
    assert list(assert_error(response, 400)["details"]) == ["NOPE-01"]


def test_a_user_without_a_role_is_answered_404(world, users):
    Membership.objects.filter(user=users["partner"]).delete()
    client = client_for(users["partner"])
    assert_error(client.get(API), 404)


# --- The assessment's own scores -----------------------------------------------------------


def test_an_assessments_scores_have_the_shape_of_design_6_without_country_fields(world, reviewer):
    body = reviewer.get(f"{API}{world['validated'].pk}/scores/").json()
    assert list(body) == [
        "assessment",
        "country",
        "cycle",
        "framework",
        "overall",
        "horizontal",
        "vertical",
        "band",
        "areas",
        "dimensions",
        "links",
        "stale",
        "computed_at",
    ]
    assert (body["assessment"], body["country"], body["cycle"]) == (
        world["validated"].pk,
        "PHL",
        2025,
    )
    assert body["overall"] == 54.58 and body["band"] == "established"
    assert body["stale"] is False


def test_a_new_draft_has_stale_scores_until_computed(focal, assessment):
    body = focal.get(f"{API}{assessment.pk}/scores/").json()
    assert body["stale"] is True and body["computed_at"] is None and body["overall"] is None
