"""The workflow of DESIGN §7, as a table: every action from every state by every kind of
user. An allowed transition moves the state and writes exactly one log row; a refused one
changes nothing and says which state or role would allow it; `allowed_transitions` offers
exactly what would succeed."""

import pytest
from django.db import transaction

from assessments import services
from assessments.choices import State
from assessments.models import Answer, Assessment, TransitionLog
from assessments.services import AnswerInput, TransitionRefused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

ACTIONS = ["submit", "return", "validate", "reopen"]
STATES = [State.DRAFT, State.SUBMITTED, State.RETURNED, State.VALIDATED]
# The assessment is the Philippine Department of Migrant Workers' (PHL-DMW).
PEOPLE = [
    "focal_phl",  # its own focal point
    "focal_phl_health",  # another ministry of the same country
    "focal_mda",  # another country
    "reviewer",
    "reviewer_phl",  # a reviewer belonging to the Philippine government
    "partner",
    "importer",
]
REASON = "  Please cite the decree that set up the committee.  "

# The rules of DESIGN §7 and §5, written out independently of services.TRANSITIONS.
SOURCES = {
    "submit": {State.DRAFT, State.RETURNED},
    "return": {State.SUBMITTED},
    "validate": {State.SUBMITTED},
    "reopen": {State.VALIDATED},
}
TARGET = {
    "submit": State.SUBMITTED,
    "return": State.RETURNED,
    "validate": State.VALIDATED,
    "reopen": State.RETURNED,
}
MAY = {
    "submit": {"focal_phl", "importer"},
    "return": {"reviewer", "reviewer_phl"},
    # reviewer_phl may not validate its own government's work.
    "validate": {"reviewer", "importer"},
    "reopen": {"reviewer", "reviewer_phl"},
}
# What a refusal for the wrong role must name: who could do it.
ROLE_WORDS = {
    "submit": "focal point",
    "return": "reviewer",
    "validate": "reviewer",
    "reopen": "reviewer",
}


def expected_allowed(action: str, state: str, who: str) -> bool:
    return state in SOURCES[action] and who in MAY[action]


@pytest.fixture
def people(users, importer) -> dict:
    return {**users, "importer": importer}


def bring_to(assessment: Assessment, state: str, people: dict) -> Assessment:
    """Reach a starting state the way users do: through the services."""
    if state != State.DRAFT:
        assessment = services.submit(assessment, by=people["focal_phl"])
    if state == State.RETURNED:
        assessment = services.return_for_correction(
            assessment, by=people["reviewer"], reason="Start again."
        )
    if state == State.VALIDATED:
        assessment = services.validate(assessment, by=people["reviewer"])
    fresh = Assessment.objects.get(pk=assessment.pk)
    assert fresh.state == state
    return fresh


def act(action: str, assessment: Assessment, by) -> Assessment:
    if action == "submit":
        return services.submit(assessment, by=by)
    if action == "return":
        return services.return_for_correction(assessment, by=by, reason=REASON)
    if action == "validate":
        return services.validate(assessment, by=by)
    return services.reopen(assessment, by=by, reason=REASON)


def log_rows(assessment) -> list[TransitionLog]:
    return list(TransitionLog.objects.filter(assessment=assessment).order_by("id"))


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_transition_matrix(assessment, people, action, state, who):
    start = bring_to(assessment, state, people)
    before_log = log_rows(start)
    by = people[who]

    if expected_allowed(action, state, who):
        act(action, start, by)
        after = Assessment.objects.get(pk=start.pk)
        assert after.state == TARGET[action]
        assert after.version == start.version + 1
        new_rows = log_rows(start)[len(before_log) :]
        assert len(new_rows) == 1
        row = new_rows[0]
        assert (row.action, row.by, row.from_state, row.to_state) == (
            action,
            by,
            state,
            TARGET[action],
        )
        if action in ("return", "reopen"):
            assert row.reason == REASON.strip()
            assert after.return_reason == REASON.strip()
        else:
            assert row.reason == ""
    else:
        with pytest.raises(TransitionRefused) as refused:
            act(action, start, by)
        after = Assessment.objects.get(pk=start.pk)
        assert (after.state, after.version) == (state, start.version)
        assert log_rows(start) == before_log
        message = refused.value.message
        if state not in SOURCES[action]:
            for source in SOURCES[action]:
                assert source in message, message
        else:
            assert ROLE_WORDS[action] in message, message


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("state", STATES)
def test_allowed_transitions_offer_exactly_what_succeeds(assessment, people, state, who):
    start = bring_to(assessment, state, people)
    by = people[who]
    offered = set(services.allowed_transitions(by, start))
    succeeded = set()
    for action in ACTIONS:
        # Try each action from the same starting point, then roll it back.
        with transaction.atomic():
            try:
                act(action, Assessment.objects.get(pk=start.pk), by)
            except TransitionRefused:
                pass
            else:
                succeeded.add(action)
            transaction.set_rollback(True)
    assert offered == succeeded
    assert offered == {a for a in ACTIONS if expected_allowed(a, state, who)}
    assert offered <= {"submit", "return", "validate", "reopen"}


# --- Reasons -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
@pytest.mark.parametrize(
    ("action", "state"), [("return", State.SUBMITTED), ("reopen", State.VALIDATED)]
)
def test_return_and_reopen_need_a_reason(assessment, people, action, state, reason):
    start = bring_to(assessment, state, people)
    before_log = log_rows(start)
    call = services.return_for_correction if action == "return" else services.reopen
    with pytest.raises(TransitionRefused) as refused:
        call(start, by=people["reviewer"], reason=reason)
    assert "reason" in refused.value.message.lower()
    after = Assessment.objects.get(pk=start.pk)
    assert (after.state, after.version) == (state, start.version)
    assert log_rows(start) == before_log


# --- A reviewer and its own government -----------------------------------------------


def test_a_reviewer_of_a_government_cannot_validate_its_work(assessment, people):
    start = bring_to(assessment, State.SUBMITTED, people)
    with pytest.raises(TransitionRefused) as refused:
        services.validate(start, by=people["reviewer_phl"])
    assert "PHL" in refused.value.message
    assert Assessment.objects.get(pk=start.pk).state == State.SUBMITTED
    assert "validate" not in services.allowed_transitions(people["reviewer_phl"], start)


def test_a_reviewer_of_a_government_validates_another_countrys_work(catalogue, people):
    mda = services.create_assessment(
        actor=catalogue["actors"]["MDA-BMA"], cycle=2026, by=people["focal_mda"]
    )
    mda = services.submit(mda, by=people["focal_mda"])
    assert "validate" in services.allowed_transitions(people["reviewer_phl"], mda)
    services.validate(mda, by=people["reviewer_phl"])
    assert Assessment.objects.get(pk=mda.pk).state == State.VALIDATED
    row = log_rows(mda)[-1]
    assert (row.by, row.to_state) == (people["reviewer_phl"], State.VALIDATED)


# --- Returning single indicators -----------------------------------------------------


@pytest.fixture
def answered_and_submitted(assessment, people) -> Assessment:
    services.save_answers(
        assessment,
        by=people["focal_phl"],
        version=assessment.version,
        answers={
            "H-INS-01": AnswerInput(value=1, evidence="Decree 12/2024"),
            "V-SUB-01": AnswerInput(value=0),
            "H-DIA-01": AnswerInput(value=40),
        },
    )
    return services.submit(Assessment.objects.get(pk=assessment.pk), by=people["focal_phl"])


def flags(assessment) -> dict[str, str]:
    return dict(
        Answer.objects.filter(assessment=assessment, flagged=True).values_list(
            "indicator__code", "flag_comment"
        )
    )


def test_returning_indicators_flags_only_those(answered_and_submitted, people):
    start = answered_and_submitted
    services.return_for_correction(
        start,
        by=people["reviewer"],
        reason="Two answers need evidence.",
        indicators={"H-INS-01": " Cite the decree's article. ", "V-INT-01": "Give the share."},
    )
    after = Assessment.objects.get(pk=start.pk)
    assert after.state == State.RETURNED
    assert flags(after) == {"H-INS-01": "Cite the decree's article.", "V-INT-01": "Give the share."}
    # The unanswered V-INT-01 is flagged without gaining a value; the others are untouched.
    v_int = Answer.objects.get(assessment=after, indicator__code="V-INT-01")
    assert (v_int.value, v_int.na) == (None, False)
    assert Answer.objects.get(assessment=after, indicator__code="H-INS-01").value == 1
    assert not Answer.objects.filter(
        assessment=after, indicator__code__in=["V-SUB-01", "H-DIA-01"], flagged=True
    ).exists()
    row = log_rows(after)[-1]
    assert row.indicators == {
        "H-INS-01": "Cite the decree's article.",
        "V-INT-01": "Give the share.",
    }
    assert services.editable_indicators(after) == {"H-INS-01", "V-INT-01"}


@pytest.mark.parametrize(
    ("indicators", "named"),
    [
        ({"H-INS-01": "Cite it.", "X-NOPE-99": "What is this?"}, "X-NOPE-99"),
        ({"H-INS-01": "Cite it.", "V-SUB-01": ""}, "V-SUB-01"),
        ({"H-INS-01": "Cite it.", "V-SUB-01": "   "}, "V-SUB-01"),
    ],
)
def test_a_bad_indicator_return_changes_nothing(answered_and_submitted, people, indicators, named):
    start = answered_and_submitted
    before_log = log_rows(start)
    answers_before = Answer.objects.filter(assessment=start).count()
    history_before = Answer.history.count()
    with pytest.raises(TransitionRefused) as refused:
        services.return_for_correction(
            start, by=people["reviewer"], reason="Fix these.", indicators=indicators
        )
    assert named in refused.value.details
    after = Assessment.objects.get(pk=start.pk)
    assert (after.state, after.version) == (State.SUBMITTED, start.version)
    assert flags(after) == {}
    assert Answer.objects.filter(assessment=start).count() == answers_before
    assert Answer.history.count() == history_before
    assert log_rows(start) == before_log


def test_submitting_again_clears_the_flags(answered_and_submitted, people):
    returned = services.return_for_correction(
        answered_and_submitted,
        by=people["reviewer"],
        reason="One answer needs evidence.",
        indicators={"H-INS-01": "Cite the decree's article."},
    )
    services.save_answers(
        returned,
        by=people["focal_phl"],
        version=returned.version,
        answers={"H-INS-01": AnswerInput(value=1, evidence="Decree 12/2024, art. 3")},
    )
    services.submit(Assessment.objects.get(pk=returned.pk), by=people["focal_phl"])
    after = Assessment.objects.get(pk=returned.pk)
    assert after.state == State.SUBMITTED
    assert flags(after) == {}
    assert not Answer.objects.filter(assessment=after).exclude(flag_comment="").exists()
