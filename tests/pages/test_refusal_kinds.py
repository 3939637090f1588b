"""A page answers a service's refusal by its kind: what no longer exists is a 404, as any
page the user may not see; a refusal for the caller's role, the assessment's state, a
stale version or invalid input comes back as the page (200) saying why, nothing written."""

import pytest
from django.urls import reverse

from assessments import services
from assessments import views as pages
from assessments.models import Assessment, TransitionLog
from assessments.services import AnswerInput
from tests.pages.conftest import answer_values, read_form

pytestmark = pytest.mark.django_db


def url(name, assessment):
    return reverse(f"assessments:{name}", args=[assessment.pk])


def unchanged(assessment) -> tuple:
    assessment = Assessment.objects.get(pk=assessment.pk)
    return (
        assessment.state,
        assessment.version,
        answer_values(assessment),
        TransitionLog.objects.filter(assessment=assessment).count(),
    )


def test_forbidden_by_role_is_shown_on_the_page(client_of, in_state):
    assessment = in_state("submitted")
    before = unchanged(assessment)
    response = client_of("reviewer_phl").post(url("validate", assessment))
    assert response.status_code == 200
    assert "A reviewer may not validate an assessment of its own government (PHL)" in (
        response.content.decode()
    )
    assert unchanged(assessment) == before


def test_the_wrong_state_is_shown_on_the_page(client_of, in_state):
    assessment = in_state("submitted")
    before = unchanged(assessment)
    response = client_of("focal_phl").post(url("submit", assessment))
    assert response.status_code == 200
    assert "Cannot submit an assessment that is submitted: only from draft or returned." in (
        response.content.decode()
    )
    assert unchanged(assessment) == before


def test_a_stale_version_is_shown_on_the_page_with_the_other_change(client_of, in_state, users):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    data = read_form(client.get(url("detail", assessment) + "?section=all"))
    services.save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-LAB-01": AnswerInput(value=10.0)},
    )
    before = unchanged(assessment)
    data["v-H-DIA-01"] = ["30"]
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this assessment since you opened it" in html
    assert 'aria-describedby="conflict-H-LAB-01' in html
    assert read_form(response)["version"] == [str(before[1])]
    assert unchanged(assessment) == before


def test_invalid_input_is_shown_beside_its_field(client_of, assessment):
    client = client_of("focal_phl")
    data = read_form(client.get(url("detail", assessment)))
    data["i-H-INS-01"] = ["NO-SUCH-TOOL"]
    before = unchanged(assessment)
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some answers cannot be saved." in html
    assert '<p class="error" id="err-H-INS-01">Unknown instruments: NO-SUCH-TOOL</p>' in html
    assert unchanged(assessment) == before


def test_an_assessment_deleted_meanwhile_is_a_404(client_of, assessment, monkeypatch):
    """Read by the page, then deleted (in the admin) before the service locks it."""
    client = client_of("focal_phl")
    data = read_form(client.get(url("detail", assessment)))
    data["v-H-INS-01"] = ["yes"]
    save = pages.save_answers

    def deleted_first(assessment, **kwargs):
        Assessment.objects.filter(pk=assessment.pk).delete()
        return save(assessment, **kwargs)

    monkeypatch.setattr(pages, "save_answers", deleted_first)
    assert client.post(url("save", assessment), data).status_code == 404
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
