"""The reviewer's page: scores, evidence and instruments, the comparison with the other
actors of the same country and cycle, and the return / validate / reopen actions —
exactly those allowed_transitions offers, each refusal shown with nothing changed."""

import re

import pytest
from django.urls import reverse

from assessments import recompute, services
from assessments.models import Answer, Assessment, TransitionLog
from assessments.services import AnswerInput
from coherence.numbers import score_text
from tests.pages.conftest import answer_values

pytestmark = pytest.mark.django_db

BUTTONS = {
    "submit": "submit-assessment",
    "return": "return-assessment",
    "validate": "validate-assessment",
    "reopen": "reopen-assessment",
}


def url(name, assessment):
    return reverse(f"assessments:{name}", args=[assessment.pk])


def offered(html: str) -> set[str]:
    return {action for action, button in BUTTONS.items() if f'id="{button}"' in html}


@pytest.mark.parametrize(
    "user, state, expected",
    [
        ("focal_phl", "draft", {"submit"}),
        ("focal_phl", "submitted", set()),
        ("focal_phl", "returned", {"submit"}),
        ("focal_phl", "validated", set()),
        ("reviewer", "submitted", {"return", "validate"}),
        ("reviewer", "returned", set()),
        ("reviewer", "validated", {"reopen"}),
        ("reviewer_phl", "submitted", {"return"}),  # tied to the Philippine government
        ("reviewer_phl", "validated", {"reopen"}),
    ],
)
def test_the_buttons_offered_are_exactly_the_allowed_transitions(
    client_of, in_state, users, user, state, expected
):
    assessment = in_state(state)
    html = client_of(user).get(url("detail", assessment)).content.decode()
    assert offered(html) == expected == set(services.allowed_transitions(users[user], assessment))


def test_the_reviewer_reads_scores_evidence_and_instruments(client_of, in_state):
    assessment = in_state("submitted")
    client = client_of("reviewer")
    html = client.get(url("detail", assessment)).content.decode()
    assert "Scores are being computed." in html
    recompute.recompute_assessment(assessment.pk)
    html = client.get(url("detail", assessment)).content.decode()
    assert "Scores are being computed." not in html
    score = Assessment.objects.get(pk=assessment.pk).score
    assert f'id="assessment-overall">{score_text(score.overall)}<' in html
    assert "Promote institutional coherence" in html  # a dimension, labelled
    assert "Inter-ministerial committee decree 2024" in html  # evidence
    assert "PHL-LMP — Instrument PHL-LMP" in html  # an instrument, with its name


def test_the_comparison_puts_the_widest_divergence_first(client_of, in_state, catalogue, users):
    assessment = in_state("submitted")
    health = services.create_assessment(
        actor=catalogue["actors"]["PHL-DOH"], cycle=2026, by=users["focal_phl_health"]
    )
    services.save_answers(
        health,
        by=users["focal_phl_health"],
        version=health.version,
        answers={
            "H-INS-01": AnswerInput(value=0.0),  # vs yes: spread 100
            "H-LAB-01": AnswerInput(value=10.0),  # vs 5: spread 50
            "H-DIA-01": AnswerInput(value=40.0),  # vs 40: spread 0
        },
    )
    client = client_of("reviewer")
    html = client.get(url("detail", assessment)).content.decode()
    assert "Compared with the other actors" not in html  # a draft is not shown
    services.submit(health, by=users["focal_phl_health"])
    html = client.get(url("detail", assessment)).content.decode()
    table = html.split('<table class="data compare">')[1].split("</table>")[0]
    rows = re.findall(r'<span class="code">([A-Z0-9-]+)</span>', table)
    assert rows == ["H-INS-01", "H-LAB-01", "H-DIA-01"]
    spreads = re.findall(r'<td class="num">([^<]+)</td>', table)
    assert spreads == ["100.0", "50.0", "0.0"]
    assert "Department of Health: no" in table and "PHL-DOH" not in table


def test_a_focal_point_sees_no_other_actors_answers(client_of, in_state):
    assessment = in_state("submitted")
    html = client_of("focal_phl").get(url("detail", assessment)).content.decode()
    assert "Compared with the other actors" not in html


def test_return_selected_indicators_with_comments(client_of, in_state, users):
    assessment = in_state("submitted")
    response = client_of("reviewer").post(
        url("return", assessment),
        {
            "reason": "Two answers lack evidence",
            "flag": ["H-INS-01", "H-DIA-01"],
            "comment-H-INS-01": "Name the decree",
            "comment-H-DIA-01": "Source of the 40%?",
            "comment-H-LAB-01": "",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "returned"
    assert assessment.return_reason == "Two answers lack evidence"
    flagged = dict(
        Answer.objects.filter(flagged=True).values_list("indicator__code", "flag_comment")
    )
    assert flagged == {"H-INS-01": "Name the decree", "H-DIA-01": "Source of the 40%?"}
    log = TransitionLog.objects.get(action="return")
    assert (log.by, log.from_state, log.to_state) == (users["reviewer"], "submitted", "returned")
    # The log is on the page: who, from, to, reason, the indicators.
    html = client_of("reviewer").get(url("detail", assessment)).content.decode()
    log_html = html.split('<table class="data log">')[1]
    assert "cochair" in log_html and "Two answers lack evidence" in log_html
    assert "<strong>H-INS-01</strong>: Name the decree" in log_html


def test_a_return_needs_a_reason_tied_to_its_field(client_of, in_state):
    assessment = in_state("submitted")
    response = client_of("reviewer").post(url("return", assessment), {"reason": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert re.search(r'<textarea[^>]*aria-describedby="id_reason_error"[^>]*id="id_reason"', html)
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    assert not TransitionLog.objects.filter(action="return").exists()


def test_each_returned_indicator_needs_a_comment(client_of, in_state):
    assessment = in_state("submitted")
    response = client_of("reviewer").post(
        url("return", assessment),
        {"reason": "Check these", "flag": ["H-INS-01", "H-LAB-01"], "comment-H-LAB-01": "why 5?"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<p class="error" id="comment-H-INS-01-error">Say what to correct in H-INS-01.</p>' in html
    )
    assert 'aria-describedby="comment-H-INS-01-error"' in html
    # What the reviewer typed is still there.
    assert re.search(r'name="flag" value="H-LAB-01" id="flag-H-LAB-01" checked', html)
    assert "why 5?</textarea>" in html
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    assert not Answer.objects.filter(flagged=True).exists()


def test_return_the_whole_assessment(client_of, in_state):
    assessment = in_state("submitted")
    response = client_of("reviewer").post(url("return", assessment), {"reason": "Start over"})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).state == "returned"
    assert not Answer.objects.filter(flagged=True).exists()


def test_validate_asks_for_confirmation_first(client_of, in_state):
    assessment = in_state("submitted")
    client = client_of("reviewer")
    # One click on Validate (the form's POST, as a browser without JavaScript sends it)
    # only asks, saying what validating will do; nothing changes.
    response = client.post(url("validate", assessment))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Validate this assessment?" in html
    assert "Validating locks the answers of Department of Migrant Workers for good" in html
    assert "consolidated scores of Philippines for 2026" in html
    assert 'name="confirm" value="yes"' in html
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    assert not TransitionLog.objects.filter(action="validate").exists()
    # Anything but "yes" is no confirmation.
    client.post(url("validate", assessment), {"confirm": "1"})
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    response = client.post(url("validate", assessment), {"confirm": "yes"})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).state == "validated"
    assert TransitionLog.objects.filter(action="validate").count() == 1


def test_the_review_page_offers_the_confirmation_dialogs(client_of, in_state):
    assessment = in_state("submitted")
    html = client_of("reviewer").get(url("detail", assessment)).content.decode()
    assert re.search(r'<form [^>]*data-confirm-with="confirm-validate"', html)
    assert '<dialog class="confirm" id="confirm-validate"' in html
    assert "Validating locks the answers" in html
    assert 'id="confirm-reopen"' not in html  # only what may be done now


@pytest.mark.parametrize("confirm", ["", "yes"])
def test_a_reviewer_of_the_countrys_government_cannot_validate(client_of, in_state, confirm):
    assessment = in_state("submitted")
    response = client_of("reviewer_phl").post(url("validate", assessment), {"confirm": confirm})
    assert response.status_code == 200
    assert "may not validate an assessment of its own government" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    assert not TransitionLog.objects.filter(action="validate").exists()


def test_reopen_needs_a_reason(client_of, in_state):
    assessment = in_state("validated")
    client = client_of("reviewer")
    response = client.post(url("reopen", assessment), {"reopen-reason": ""})
    assert response.status_code == 200
    assert 'id="id_reopen-reason_error"' in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).state == "validated"
    response = client.post(url("reopen", assessment), {"reopen-reason": "New data arrived"})
    assert response.status_code == 200  # asked to confirm, with what reopening will do
    html = response.content.decode()
    assert "Reopen this assessment?" in html and "leave the consolidated scores" in html
    assert 'name="reopen-reason" value="New data arrived"' in html
    assert Assessment.objects.get(pk=assessment.pk).state == "validated"
    response = client.post(
        url("reopen", assessment), {"reopen-reason": "New data arrived", "confirm": "yes"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.state, assessment.return_reason) == ("returned", "New data arrived")


def test_a_refused_transition_changes_nothing(client_of, in_state):
    assessment = in_state("validated")
    before = (assessment.state, assessment.version, answer_values(assessment))
    response = client_of("reviewer").post(url("validate", assessment), {"confirm": "yes"})
    assert response.status_code == 200
    assert "Cannot validate an assessment that is validated" in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.state, assessment.version, answer_values(assessment)) == before


def test_an_unknown_indicator_cannot_be_returned(client_of, in_state):
    assessment = in_state("submitted")
    response = client_of("reviewer").post(
        url("return", assessment),
        {"reason": "x", "flag": ["X-NONE-01"], "comment-X-NONE-01": "?"},
    )
    assert response.status_code == 200
    assert "X-NONE-01 is not an indicator of this assessment." in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"


def test_the_focal_point_sees_the_comments_of_a_return(client_of, in_state):
    assessment = in_state("returned", flag=("H-LAB-01",))
    html = client_of("focal_phl").get(url("detail", assessment)).content.decode()
    assert "Reviewer's reason" in html and "Evidence missing" in html
    assert '<p class="flag" id="flag-H-LAB-01">' in html
    assert "Please check H-LAB-01" in html
