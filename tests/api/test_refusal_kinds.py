"""Each kind of refusal has its own status, whatever the service that raises it: the
service raises a refusal of one kind, and the API answers the kind's status — not found
404, forbidden 403, wrong state and stale 409, invalid 400 — in the error shape, with the
service's code, message and details, and nothing written."""

import pytest

from assessments import errors, services
from assessments.api import assessments as api_views
from assessments.models import Answer, Assessment, TransitionLog
from assessments.services import AnswerInput
from assessments.stocktake.errors import StockRefused
from coherence import errors as kinds
from tests.api.conftest import assert_error, client_for

API = "/api/v1/assessments/"

STATUS = {
    kinds.NotFound: 404,
    kinds.Forbidden: 403,
    kinds.WrongState: 409,
    kinds.Stale: 409,
    kinds.Invalid: 400,
}


def refusal_classes(base=errors.WorkflowError) -> set[type]:
    found = set()
    for cls in base.__subclasses__():
        found |= {cls} | refusal_classes(cls)
    return found


def kind_of(cls: type) -> type:
    (kind,) = [kind for kind in STATUS if issubclass(cls, kind)]
    return kind


def test_every_refusal_a_service_raises_is_of_exactly_one_kind():
    # A family (the error `code`: transitions, answers, stock-taking) is of no kind itself;
    # only its members are raised.
    families = {errors.TransitionRefused, errors.AnswersRefused, StockRefused}
    assert {cls for cls in refusal_classes() if cls.__subclasses__()} == families
    for cls in refusal_classes() - families:
        assert cls.http_status == STATUS[kind_of(cls)], cls
        assert cls.kind == kind_of(cls).kind, cls


def answers(client, assessment, version, **answer):
    body = {"version": version, "answers": [{"indicator": "H-INS-01", **answer}]}
    return client.put(f"{API}{assessment.pk}/answers/", body, format="json")


def written(assessment) -> tuple:
    """What a refused request must leave as it was."""
    assessment = Assessment.objects.get(pk=assessment.pk)
    return (
        assessment.state,
        assessment.version,
        sorted(
            Answer.objects.filter(assessment=assessment).values_list("indicator__code", "value")
        ),
        TransitionLog.objects.filter(assessment=assessment).count(),
    )


def refused_alike(service_call, response, cls, status, code):
    """The service raises `cls`; the API answers the same refusal with `status`."""
    with pytest.raises(cls) as refused:
        service_call()
    assert STATUS[kind_of(cls)] == status
    error = assert_error(response(), status, code)
    assert error["message"] == refused.value.message
    assert error["details"] == refused.value.details
    return error


def test_forbidden_by_role_is_a_403(world, users):
    submitted = world["submitted"]
    before = written(submitted)
    error = refused_alike(
        lambda: services.save_answers(
            submitted, by=users["reviewer"], version=submitted.version, answers={}
        ),
        lambda: answers(client_for(users["reviewer"]), submitted, submitted.version, value=0),
        errors.AnswersForbidden,
        403,
        "invalid_answers",
    )
    assert error["message"] == "Only the assessment's own focal point may change answers."
    error = refused_alike(
        lambda: services.validate(submitted, by=users["reviewer_phl"]),
        lambda: client_for(users["reviewer_phl"]).post(f"{API}{submitted.pk}/validate/"),
        errors.TransitionForbidden,
        403,
        "transition_refused",
    )
    assert error["details"] == {"role": "reviewer"}
    assert written(submitted) == before


def test_a_role_that_may_never_act_is_a_403_even_from_the_wrong_state(world, users):
    draft = world["draft"]
    with pytest.raises(errors.TransitionWrongState):  # the service names the state first
        services.validate(draft, by=users["focal_phl"])
    error = assert_error(
        client_for(users["focal_phl"]).post(f"{API}{draft.pk}/validate/"),
        403,
        "transition_refused",
    )
    assert error["message"] == (
        "Only a reviewer or importer (built-in) may validate an assessment."
    )
    assert error["details"] == {"role": "focal_point", "allowed_roles": ["reviewer", "importer"]}


def test_the_wrong_state_is_a_409(world, users):
    submitted = world["submitted"]
    focal = client_for(users["focal_phl_health"])
    before = written(submitted)
    error = refused_alike(
        lambda: services.save_answers(
            submitted, by=users["focal_phl_health"], version=submitted.version, answers={}
        ),
        lambda: answers(focal, submitted, submitted.version, value=0),
        errors.AnswersLocked,
        409,
        "invalid_answers",
    )
    assert error["details"] == {"state": "submitted"}
    error = refused_alike(
        lambda: services.submit(submitted, by=users["focal_phl_health"]),
        lambda: focal.post(f"{API}{submitted.pk}/submit/"),
        errors.TransitionWrongState,
        409,
        "transition_refused",
    )
    assert error["details"] == {"state": "submitted", "allowed_from": ["draft", "returned"]}
    assert written(submitted) == before


def test_an_assessment_that_exists_already_is_a_409(world, users, catalogue):
    with pytest.raises(errors.AssessmentExists):
        services.create_assessment(
            actor=catalogue["actors"]["PHL-DMW"], cycle=2026, by=users["focal_phl"]
        )
    response = client_for(users["focal_phl"]).post(API, {"cycle": 2026}, format="json")
    assert_error(response, 409, "refused")


def test_a_stale_version_is_a_409(world, users):
    draft = world["draft"]
    focal = client_for(users["focal_phl"])
    services.save_answers(
        draft, by=users["focal_phl"], version=draft.version, answers={"H-LAB-01": AnswerInput(5)}
    )
    draft.refresh_from_db()
    before = written(draft)
    error = refused_alike(
        lambda: services.save_answers(
            draft, by=users["focal_phl"], version=draft.version - 1, answers={}
        ),
        lambda: answers(focal, draft, draft.version - 1, value=0),
        errors.Conflict,
        409,
        "conflict",
    )
    assert error["details"]["version"] == draft.version
    assert list(error["details"]["changed"]) == ["H-LAB-01"]
    assert written(draft) == before


def test_invalid_input_is_a_400(world, users):
    draft, submitted = world["draft"], world["submitted"]
    focal = client_for(users["focal_phl"])
    before = written(draft)
    error = refused_alike(
        lambda: services.save_answers(
            draft,
            by=users["focal_phl"],
            version=draft.version,
            answers={"H-INS-01": AnswerInput(7)},
        ),
        lambda: answers(focal, draft, draft.version, value=7),
        errors.AnswersInvalid,
        400,
        "invalid_answers",
    )
    assert set(error["details"]) == {"H-INS-01"}
    assert written(draft) == before
    reviewer = client_for(users["reviewer"])
    error = refused_alike(
        lambda: services.return_for_correction(
            submitted, by=users["reviewer"], reason="Check", indicators={"H-XXX-99": "why"}
        ),
        lambda: reviewer.post(
            f"{API}{submitted.pk}/return/",
            {"reason": "Check", "indicators": {"H-XXX-99": "why"}},
            format="json",
        ),
        errors.NotReturnable,
        400,
        "transition_refused",
    )
    assert set(error["details"]) == {"H-XXX-99"}
    assert Assessment.objects.get(pk=submitted.pk).state == "submitted"


def test_an_assessment_deleted_meanwhile_is_a_404(world, users, monkeypatch):
    """Read by the view, then deleted (in the admin) before the service locks it."""
    draft = world["draft"]
    save = api_views.save_answers

    def deleted_first(assessment, **kwargs):
        Assessment.objects.filter(pk=assessment.pk).delete()
        return save(assessment, **kwargs)

    monkeypatch.setattr(api_views, "save_answers", deleted_first)
    response = answers(client_for(users["focal_phl"]), draft, draft.version, value=1)
    error = assert_error(response, 404, "not_found")
    assert error["message"] == f"No assessment {draft.pk}."
    assert not Answer.objects.filter(assessment_id=draft.pk).exists()
