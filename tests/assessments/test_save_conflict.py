"""Saving answers (DESIGN §7): every real change bumps the version and leaves a history
row (who, before, after); saving the same again changes nothing; a save made on a stale
version is a conflict that tells the second person what the first changed and loses
nothing; a bad value, an indicator out of reach or a locked assessment writes nothing;
a save makes the assessment's score stale until its recompute runs after commit."""

import pytest

from assessments import recompute, services
from assessments.choices import State
from assessments.models import Answer, Assessment, AssessmentScore, Indicator
from assessments.services import KEEP, AnswerInput, AnswersRefused, Conflict
from coherence.choices import Role
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def colleague(catalogue):
    """A second focal point of the same ministry (PHL-DMW)."""
    return make_user("focal-phl-2", Role.FOCAL_POINT, catalogue["actors"]["PHL-DMW"])


def save(assessment, by, version, **answers):
    return services.save_answers(assessment, by=by, version=version, answers=answers)


def stored(assessment) -> dict:
    """code → (value, na, evidence) of what is in the database."""
    return {
        a.indicator.code: (a.value, a.na, a.evidence)
        for a in Answer.objects.filter(assessment=assessment).select_related("indicator")
    }


def version_of(assessment) -> int:
    return Assessment.objects.get(pk=assessment.pk).version


# --- Versions and history --------------------------------------------------------------


def test_a_save_bumps_the_version(assessment, users):
    result = save(assessment, users["focal_phl"], 1, **{"H-INS-01": AnswerInput(value=1)})
    assert result.version == 2
    assert result.changed == ["H-INS-01"]
    assert version_of(assessment) == 2
    result = save(assessment, users["focal_phl"], 2, **{"H-INS-01": AnswerInput(value=0)})
    assert (result.version, version_of(assessment)) == (3, 3)
    assert stored(assessment) == {"H-INS-01": (0.0, False, "")}


def test_saving_the_same_answers_again_changes_nothing(assessment, users):
    answers = {
        "H-INS-01": AnswerInput(value=1, evidence="Decree 12/2024", instruments=["PHL-LMP"]),
        "H-DIA-01": AnswerInput(na=True),
    }
    first = services.save_answers(assessment, by=users["focal_phl"], version=1, answers=answers)
    history = Answer.history.count()
    again = services.save_answers(
        assessment, by=users["focal_phl"], version=first.version, answers=answers
    )
    assert (again.version, again.changed) == (first.version, [])
    assert version_of(assessment) == first.version
    assert Answer.history.count() == history


def test_every_change_is_kept_with_who_before_and_after(assessment, users, colleague):
    save(assessment, users["focal_phl"], 1, **{"H-DIA-01": AnswerInput(value=40, evidence="A")})
    save(assessment, colleague, 2, **{"H-DIA-01": AnswerInput(value=65)})
    answer = Answer.objects.get(assessment=assessment, indicator__code="H-DIA-01")
    records = list(answer.history.order_by("history_date", "history_id"))
    assert len(records) == 2
    created, changed = records
    assert (created.history_type, created.history_user, created.value) == (
        "+",
        users["focal_phl"],
        40,
    )
    assert (changed.history_type, changed.history_user, changed.value) == ("~", colleague, 65)
    assert changed.prev_record == created
    delta = changed.diff_against(created)
    diffs = {c.field: (c.old, c.new) for c in delta.changes}
    assert diffs["value"] == (40, 65)
    assert "evidence" not in diffs  # evidence None = kept


# --- Conflicts ---------------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_that_loses_nothing(assessment, users, colleague):
    # Both open version 1; the colleague saves first, twice.
    save(assessment, colleague, 1, **{"H-INS-01": AnswerInput(value=1, evidence="Decree")})
    save(assessment, colleague, 2, **{"V-SUB-01": AnswerInput(value=0)})
    before = stored(assessment)
    history = Answer.history.count()

    with pytest.raises(Conflict) as conflict:
        save(
            assessment,
            users["focal_phl"],
            1,
            **{"H-INS-01": AnswerInput(value=0), "H-DIA-01": AnswerInput(value=80)},
        )

    details = conflict.value.details
    assert details["version"] == 3
    changed = details["changed"]
    assert set(changed) == {"H-INS-01", "V-SUB-01"}
    assert changed["H-INS-01"]["value"] == "yes"
    assert changed["H-INS-01"]["evidence"] == "Decree"
    assert changed["V-SUB-01"]["value"] == "no"
    assert {c["changed_by"] for c in changed.values()} == {"focal-phl-2"}
    assert "3" in conflict.value.message
    # Nothing of the refused save is written.
    assert stored(assessment) == before
    assert version_of(assessment) == 3
    assert Answer.history.count() == history


def test_a_conflict_shows_only_what_changed_since_the_callers_version(assessment, colleague):
    save(assessment, colleague, 1, **{"H-INS-01": AnswerInput(value=1)})
    save(assessment, colleague, 2, **{"V-SUB-01": AnswerInput(value=1)})
    with pytest.raises(Conflict) as conflict:
        save(assessment, colleague, 2, **{"H-DIA-01": AnswerInput(value=10)})
    assert set(conflict.value.details["changed"]) == {"V-SUB-01"}


# --- Values refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "given"),
    [
        ("H-LAB-02", AnswerInput(value=7)),  # scale 0–4
        ("H-LAB-01", AnswerInput(value=3)),  # three_level 0 / 5 / 10
        ("H-DIA-01", AnswerInput(value=120)),  # percent 0–100
        ("H-INS-01", AnswerInput(na=True)),  # allow_na is False
        ("X-NOPE-01", AnswerInput(value=1)),  # no such indicator
        ("H-INS-01", AnswerInput(value=1, instruments=["NO-SUCH-TOOL"])),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_written(assessment, users, code, given):
    with pytest.raises(AnswersRefused) as refused:
        save(assessment, users["focal_phl"], 1, **{"V-SUB-01": AnswerInput(value=1), code: given})
    assert set(refused.value.details) == {code}
    assert stored(assessment) == {}
    assert version_of(assessment) == 1
    assert Answer.history.count() == 0


def test_an_unknown_instrument_is_named(assessment, users):
    with pytest.raises(AnswersRefused) as refused:
        save(
            assessment,
            users["focal_phl"],
            1,
            **{"H-INS-01": AnswerInput(value=1, instruments=["PHL-LMP", "NO-SUCH-TOOL"])},
        )
    assert "NO-SUCH-TOOL" in refused.value.details["H-INS-01"]
    assert "PHL-LMP" not in refused.value.details["H-INS-01"]


def test_an_indicator_outside_the_perspective_is_refused(catalogue, users):
    origin = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"],
        cycle=2027,
        by=users["focal_phl"],
        perspective="origin",
    )
    with pytest.raises(AnswersRefused) as refused:
        save(origin, users["focal_phl"], origin.version, **{"H-LAB-02": AnswerInput(value=2)})
    assert set(refused.value.details) == {"H-LAB-02"}
    assert stored(origin) == {}
    # An origin indicator is in scope for it.
    save(origin, users["focal_phl"], origin.version, **{"H-LAB-01": AnswerInput(value=5)})
    assert stored(origin) == {"H-LAB-01": (5.0, False, "")}


# --- Keeping the stored value ------------------------------------------------------------


def test_keep_changes_the_evidence_and_leaves_the_value_and_na(assessment, users):
    focal = users["focal_phl"]
    save(
        assessment,
        focal,
        1,
        **{"H-LAB-01": AnswerInput(value=10), "H-DIA-01": AnswerInput(na=True)},
    )
    result = save(
        assessment,
        focal,
        2,
        **{
            "H-LAB-01": AnswerInput(value=KEEP, evidence="Law 3."),
            "H-DIA-01": AnswerInput(value=KEEP, na=False, evidence="No diaspora policy."),
        },
    )
    assert (result.version, sorted(result.changed)) == (3, ["H-DIA-01", "H-LAB-01"])
    assert stored(assessment) == {
        "H-LAB-01": (10.0, False, "Law 3."),
        "H-DIA-01": (None, True, "No diaspora policy."),
    }


def test_keep_on_an_unanswered_indicator_writes_only_what_is_given(assessment, users):
    focal = users["focal_phl"]
    nothing = save(assessment, focal, 1, **{"H-INS-01": AnswerInput(value=KEEP)})
    assert (nothing.version, nothing.changed, stored(assessment)) == (1, [], {})
    save(assessment, focal, 1, **{"H-INS-01": AnswerInput(value=KEEP, evidence="Decree 4.")})
    assert stored(assessment) == {"H-INS-01": (None, False, "Decree 4.")}


def test_keep_outside_the_perspective_is_refused_only_with_something_to_write(catalogue, users):
    focal = users["focal_phl"]
    origin = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2027, by=focal, perspective="origin"
    )
    assert save(origin, focal, 1, **{"H-LAB-02": AnswerInput(value=KEEP)}).changed == []
    with pytest.raises(AnswersRefused) as refused:
        save(origin, focal, 1, **{"H-LAB-02": AnswerInput(value=KEEP, evidence="Law 3.")})
    assert set(refused.value.details) == {"H-LAB-02"}
    assert stored(origin) == {}


def test_keep_checks_the_stored_value_again_against_the_framework(assessment, users):
    focal = users["focal_phl"]
    save(assessment, focal, 1, **{"H-DIA-01": AnswerInput(na=True)})
    # The (unpublished) framework changed since: n/a is no longer allowed there.
    Indicator.objects.filter(code="H-DIA-01").update(allow_na=False)
    with pytest.raises(AnswersRefused) as refused:
        save(assessment, focal, 2, **{"H-DIA-01": AnswerInput(value=KEEP, evidence="Law 3.")})
    assert set(refused.value.details) == {"H-DIA-01"}
    assert stored(assessment) == {"H-DIA-01": (None, True, "")}


# --- Who may save, and when --------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["focal_phl_health", "focal_mda", "reviewer", "reviewer_phl", "partner"]
)
def test_only_the_own_focal_point_saves(assessment, users, who):
    with pytest.raises(AnswersRefused):
        save(assessment, users[who], 1, **{"H-INS-01": AnswerInput(value=1)})
    assert stored(assessment) == {}
    assert version_of(assessment) == 1


@pytest.mark.parametrize("state", [State.SUBMITTED, State.VALIDATED])
def test_a_submitted_or_validated_assessment_is_locked(assessment, users, state):
    current = services.submit(assessment, by=users["focal_phl"])
    if state == State.VALIDATED:
        current = services.validate(current, by=users["reviewer"])
    with pytest.raises(AnswersRefused) as refused:
        save(current, users["focal_phl"], current.version, **{"H-INS-01": AnswerInput(value=1)})
    assert state in refused.value.message
    assert stored(assessment) == {}


def test_a_returned_assessment_accepts_only_its_flagged_indicators(assessment, users):
    save(assessment, users["focal_phl"], 1, **{"H-INS-01": AnswerInput(value=0)})
    submitted = services.submit(Assessment.objects.get(pk=assessment.pk), by=users["focal_phl"])
    returned = services.return_for_correction(
        submitted,
        by=users["reviewer"],
        reason="Check the committee answer.",
        indicators={"H-INS-01": "The committee met in 2025: yes?"},
    )
    with pytest.raises(AnswersRefused) as refused:
        save(
            returned,
            users["focal_phl"],
            returned.version,
            **{"H-INS-01": AnswerInput(value=1), "V-SUB-01": AnswerInput(value=1)},
        )
    assert set(refused.value.details) == {"V-SUB-01"}
    assert stored(assessment) == {"H-INS-01": (0.0, False, "")}

    result = save(
        returned, users["focal_phl"], returned.version, **{"H-INS-01": AnswerInput(value=1)}
    )
    assert result.changed == ["H-INS-01"]
    assert stored(assessment) == {"H-INS-01": (1.0, False, "")}


def test_a_wholly_returned_assessment_accepts_any_indicator(assessment, users):
    submitted = services.submit(assessment, by=users["focal_phl"])
    returned = services.return_for_correction(submitted, by=users["reviewer"], reason="Incomplete.")
    result = save(
        returned,
        users["focal_phl"],
        returned.version,
        **{"H-INS-01": AnswerInput(value=1), "V-INT-01": AnswerInput(value=55)},
    )
    assert sorted(result.changed) == ["H-INS-01", "V-INT-01"]
    assert stored(assessment) == {"H-INS-01": (1.0, False, ""), "V-INT-01": (55.0, False, "")}


# --- Scores after a save -----------------------------------------------------------------


def score_of(assessment) -> AssessmentScore:
    return AssessmentScore.objects.get(assessment=assessment)


def test_a_save_makes_the_score_stale_until_its_recompute_runs(
    assessment, users, django_capture_on_commit_callbacks
):
    recompute.recompute_assessment(assessment.pk)
    assert (score_of(assessment).stale, score_of(assessment).overall) == (False, None)

    save(assessment, users["focal_phl"], 1, **{"H-INS-01": AnswerInput(value=1)})
    # Recomputes are batched per transaction and queued when it commits.
    batch = services._batch()
    assert assessment.pk in batch.assessments, "the recompute is queued on commit"
    assert score_of(assessment).stale is True

    batch.flush()
    score = score_of(assessment)
    # H-INS-01 yes is the only value: horizontal 100, no vertical value, overall 100.
    assert score.stale is False
    assert (score.horizontal, score.vertical, score.overall, score.band) == (
        100.0,
        None,
        100.0,
        "advanced",
    )


def test_the_recomputed_score_follows_the_method(
    assessment, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(
            assessment,
            users["focal_phl"],
            1,
            **{
                "H-INS-01": AnswerInput(value=1),  # s 1, w 1
                "H-LAB-02": AnswerInput(value=2),  # scale 2/4 = 0.5, w 2
                "H-DIA-01": AnswerInput(na=True),  # no value
                "V-SUB-01": AnswerInput(value=0),  # s 0, w 1
                "V-INT-01": AnswerInput(value=75),  # s 0.75, w 1
            },
        )
    score = score_of(assessment)
    # horizontal = 100 × (1 + 2 × 0.5) / 3 = 66.666… → 66.67
    # vertical = 100 × (0 + 0.75) / 2 = 37.5
    # overall = (66.666… + 37.5) / 2 = 52.0833… → 52.08, established
    assert score.stale is False
    assert (score.horizontal, score.vertical, score.overall, score.band) == (
        66.67,
        37.5,
        52.08,
        "established",
    )
