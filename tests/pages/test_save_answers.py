"""Saving the fill-in form: what changed is written through save_answers; a conflict
keeps the user's own input and shows what the other person changed; a refusal shows
each reason beside its field, keeps the input and writes nothing."""

import re

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Assessment
from assessments.services import AnswerInput
from coherence.choices import Role
from tests.factories import make_user
from tests.pages.conftest import answer_values, read_form, signed_in

pytestmark = pytest.mark.django_db


def url(name, assessment):
    return reverse(f"assessments:{name}", args=[assessment.pk])


def the_form(client, assessment) -> dict:
    """The whole form: every section on one page."""
    return read_form(client.get(url("detail", assessment) + "?section=all"))


def test_a_save_writes_the_changed_answers_only(client_of, assessment):
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    data["v-H-INS-01"] = ["yes"]
    data["e-H-INS-01"] = ["Decree 14/2024\r\nsecond line"]
    data["i-H-INS-01"] = ["PHL-LMP", "MIGOF"]
    data["v-H-DIA-01"] = ["12,5"]
    response = client.post(url("save", assessment), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.version == 2
    assert answer_values(assessment) == {
        "H-INS-01": (1.0, False, "Decree 14/2024\nsecond line", ["MIGOF", "PHL-LMP"]),
        "H-DIA-01": (12.5, False, "", []),
    }
    assert Answer.history.filter(assessment_id=assessment.pk).count() == 2
    page = client.get(response.url).content.decode()
    assert "Saved: 2 answers changed (version 2)." in page


def test_saving_an_unchanged_form_writes_nothing(client_of, in_state):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    before = Answer.history.count()
    response = client.post(url("save", assessment), the_form(client, assessment), follow=True)
    assert "Nothing had changed" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version
    assert Answer.history.count() == before


def test_na_and_unanswered_stay_distinct(client_of, in_state):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    data["na-H-DIA-01"], data["v-H-DIA-01"] = ["1"], [""]
    data["v-V-BIL-01"] = ["n/a"]
    data["v-H-LAB-01"] = [""]  # was 5: now unanswered
    assert client.post(url("save", assessment), data).status_code == 302
    stored = answer_values(assessment)
    assert stored["H-DIA-01"][:2] == (None, True)
    assert stored["V-BIL-01"][:2] == (None, True)
    assert stored["H-LAB-01"][:2] == (None, False)
    html = client.get(url("detail", assessment) + "?section=all").content.decode()
    assert re.search(r'name="na-H-DIA-01" value="1" id="na-H-DIA-01" checked', html)
    assert re.search(r'id="v-H-LAB-01-none" name="v-H-LAB-01" value="" checked', html)


def test_a_conflict_keeps_the_users_input_and_shows_the_other_change(
    client_of, in_state, catalogue
):
    assessment = in_state("draft")
    colleague = make_user("focal-phl-2", Role.FOCAL_POINT, catalogue["actors"]["PHL-DMW"])
    client = client_of("focal_phl")
    data = the_form(client, assessment)  # read at version 2
    # Meanwhile a colleague of the same ministry saves two answers.
    services.save_answers(
        assessment,
        by=colleague,
        version=assessment.version,
        answers={"H-INS-01": AnswerInput(value=0.0), "H-LAB-01": AnswerInput(value=10.0)},
    )
    data["v-H-LAB-01"] = ["0"]  # 5 when read; the colleague made it 10: the user's 0 is kept
    data["v-H-DIA-01"] = ["30"]
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved meanwhile" in html
    assert "focal-phl-2 set the answer to “no”" in html
    assert "focal-phl-2 set the answer to “10”" in html
    # Nothing of the user's was written.
    stored = answer_values(assessment)
    assert (stored["H-LAB-01"][0], stored["H-DIA-01"][0]) == (10.0, 40.0)
    again = read_form(response)
    assert again["version"] == ["3"]
    assert again["v-H-LAB-01"] == ["0"]  # the user's own input, not overwritten
    assert again["v-H-DIA-01"] == ["30"]
    assert again["v-H-INS-01"] == ["no"]  # untouched by the user: the colleague's value
    assert 'aria-describedby="conflict-H-LAB-01' in html
    # Saving again goes through, and does not undo the colleague's other change.
    assert client.post(url("save", assessment), again).status_code == 302
    stored = answer_values(assessment)
    assert (stored["H-INS-01"][0], stored["H-DIA-01"][0], stored["H-LAB-01"][0]) == (0, 30, 0)


def test_a_value_out_of_range_is_shown_beside_its_field_and_nothing_is_written(client_of, in_state):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    data["v-H-DIA-01"] = ["150"]
    data["v-H-INS-01"] = ["no"]  # a good change in the same post: not written either
    before = answer_values(assessment)
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="error" id="err-H-DIA-01">150 is out of range 0–100</p>' in html
    assert re.search(
        r'name="v-H-DIA-01"[^>]*value="150" aria-invalid="true" '
        r'aria-describedby="err-H-DIA-01"',
        html,
    )
    assert read_form(response)["v-H-INS-01"] == ["no"]
    assert answer_values(assessment) == before


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("v-H-LAB-02", "7", "7 is not a whole number from 0 to 4"),
        ("v-H-LAB-01", "3", "3 is not one of 0, 5, 10"),
        ("v-H-INS-01", "n/a", "n/a is not allowed for this indicator"),
        ("v-H-INS-01", "maybe", "is not yes or no"),
        ("v-V-INT-01", "-1", "-1 is out of range 0–100"),
    ],
)
def test_tampered_values_are_refused(client_of, assessment, field, value, reason):
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    data[field] = [value]
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Answer.objects.exists()


def test_percent_with_both_a_number_and_na_is_refused(client_of, assessment):
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    data["v-H-DIA-01"], data["na-H-DIA-01"] = ["20"], ["1"]
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert not Answer.objects.exists()


def test_an_indicator_outside_the_perspective_is_refused(client_of, catalogue, users):
    origin = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"],
        cycle=2027,
        by=users["focal_phl"],
        perspective="origin",
    )
    client = client_of("focal_phl")
    for tampered in ({"v-H-LAB-02": "2"}, {"e-H-LAB-02": "evidence only"}, {"v-X-NONE-1": "1"}):
        data = the_form(client, origin)
        data["v-H-INS-01"] = ["yes"]
        data.update({k: [v] for k, v in tampered.items()})
        response = client.post(url("save", origin), data)
        assert response.status_code == 200, tampered
        html = response.content.decode()
        assert "outside this assessment&#x27;s perspective" in html or "No indicator" in html
        assert not Answer.objects.filter(assessment=origin).exists()


def test_an_unknown_instrument_is_refused_beside_its_field(client_of, assessment):
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    data["i-H-INS-01"] = ["NO-SUCH-TOOL"]
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    assert '<p class="error" id="err-H-INS-01">Unknown instruments: NO-SUCH-TOOL</p>' in (
        response.content.decode()
    )
    assert not Answer.objects.exists()


def test_a_returned_assessment_opens_only_the_returned_indicators(client_of, in_state):
    assessment = in_state("returned", flag=("H-LAB-01", "V-SUB-01"))
    client = client_of("focal_phl")
    response = client.get(url("detail", assessment) + "?section=all")
    html = response.content.decode()
    assert "Evidence missing" in html  # the reviewer's reason
    assert "Please check H-LAB-01" in html and "Please check V-SUB-01" in html
    data = read_form(response)
    # Only the returned indicators are posted; the others are disabled.
    assert sorted(data["codes"]) == ["H-LAB-01", "V-SUB-01"]
    assert re.search(r'data-indicator="H-INS-01">\s*<fieldset disabled', html)
    data["v-H-LAB-01"], data["v-V-SUB-01"] = ["10"], ["yes"]
    assert client.post(url("save", assessment), data).status_code == 302
    stored = answer_values(assessment)
    assert stored["H-LAB-01"][0] == 10 and stored["V-SUB-01"][0] == 1


def test_a_locked_indicator_of_a_returned_assessment_is_refused(client_of, in_state):
    assessment = in_state("returned", flag=("H-LAB-01",))
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    data["v-H-LAB-01"] = ["10"]
    data["codes"] = ["H-LAB-01", "H-INS-01"]  # tampering: a locked indicator
    data["v-H-INS-01"] = ["no"]
    before = answer_values(assessment)
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    assert "Only the indicators returned for correction may change." in response.content.decode()
    assert answer_values(assessment) == before


def test_a_whole_return_opens_every_indicator(client_of, in_state):
    assessment = in_state("returned", flag=())
    response = client_of("focal_phl").get(url("detail", assessment) + "?section=all")
    assert len(read_form(response)["codes"]) == 8
    assert "The whole assessment is open for correction." in response.content.decode()


@pytest.mark.parametrize("state", ["submitted", "validated"])
def test_a_locked_assessment_cannot_be_saved(client_of, in_state, state, users):
    assessment = in_state(state)
    before = answer_values(assessment)
    client = client_of("focal_phl")
    # The page offers no form: post what a stale tab would.
    data = {"version": str(assessment.version), "codes": "H-INS-01", "v-H-INS-01": "no"}
    response = client.post(url("save", assessment), data)
    assert response.status_code == 200
    assert "answers are locked" in response.content.decode()
    assert answer_values(assessment) == before
    assert 'id="answers-form"' not in client.get(url("detail", assessment)).content.decode()


def test_a_reviewer_cannot_change_answers(client_of, in_state):
    assessment = in_state("submitted")
    before = answer_values(assessment)
    data = {"version": str(assessment.version), "codes": "H-INS-01", "v-H-INS-01": "no"}
    response = client_of("reviewer").post(url("save", assessment), data)
    assert response.status_code == 200
    assert "Only the assessment&#x27;s own focal point may change answers." in (
        response.content.decode()
    )
    assert answer_values(assessment) == before


def test_a_form_without_its_version_is_refused(client_of, assessment):
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    del data["version"]
    data["v-H-INS-01"] = ["yes"]
    assert client.post(url("save", assessment), data).status_code == 200
    assert not Answer.objects.exists()


def test_another_focal_point_cannot_save_by_tampering_the_url(client_of, assessment, users):
    for name in ("focal_phl_health", "focal_mda"):
        data = {"version": "1", "codes": "H-INS-01", "v-H-INS-01": "no"}
        assert client_of(name).post(url("save", assessment), data).status_code == 404
    assert not Answer.objects.exists()
    assert signed_in(users["partner"]).get(url("detail", assessment)).status_code == 404


def test_a_stale_form_with_no_change_just_shows_the_latest_answers(client_of, in_state, catalogue):
    assessment = in_state("draft")
    colleague = make_user("focal-phl-2", Role.FOCAL_POINT, catalogue["actors"]["PHL-DMW"])
    client = client_of("focal_phl")
    data = the_form(client, assessment)
    services.save_answers(
        assessment,
        by=colleague,
        version=assessment.version,
        answers={"H-INS-01": AnswerInput(value=0.0)},
    )
    response = client.post(url("save", assessment), data, follow=True)
    assert "You had changed nothing" in response.content.decode()
    assert read_form(response)["v-H-INS-01"] == ["no"]
    assert answer_values(assessment)["H-INS-01"][0] == 0.0
