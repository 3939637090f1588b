"""The invariants the database itself keeps (a row that breaks one is never written, even
by code that skips validation) and the same rules seen through `full_clean()`, which the
admin and the forms run, naming the field at fault."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from actors.models import Interest, Membership
from assessments.models import Answer, Assessment, Indicator, TransitionLog
from coherence.choices import Role
from coherence.models import GovernanceLevel
from instruments.models import Instrument, Interaction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def refused_by_database(model, **fields) -> None:
    """Creating the row raises IntegrityError and writes nothing."""
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)
    assert model.objects.count() == before


def refused_by_validation(obj, field: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value


# --- Interactions --------------------------------------------------------------------


@pytest.fixture
def lmp(catalogue) -> Instrument:
    return catalogue["instruments"]["PHL-LMP"]


@pytest.fixture
def migof(catalogue) -> Instrument:
    return catalogue["instruments"]["MIGOF"]


def test_an_instrument_cannot_interact_with_itself(lmp):
    refused_by_database(Interaction, source=lmp, target=lmp, score=1, rationale="self")
    refused_by_validation(Interaction(source=lmp, target=lmp, score=1, rationale="x"), "target")


@pytest.mark.parametrize("score", [4, -4])
def test_an_interaction_score_stays_on_the_seven_point_scale(lmp, migof, score):
    refused_by_database(Interaction, source=lmp, target=migof, score=score, rationale="x")
    refused_by_validation(
        Interaction(source=lmp, target=migof, score=score, rationale="x"), "score"
    )


def test_an_ordered_pair_has_one_interaction_and_its_reverse_is_another(lmp, migof):
    Interaction.objects.create(source=lmp, target=migof, score=2, rationale="reinforces")
    refused_by_database(Interaction, source=lmp, target=migof, score=-2, rationale="again")
    refused_by_validation(
        Interaction(source=lmp, target=migof, score=-2, rationale="again"), NON_FIELD_ERRORS
    )
    reverse = Interaction(source=migof, target=lmp, score=-2, rationale="counteracts")
    reverse.full_clean()
    reverse.save()
    assert Interaction.objects.count() == 2


# --- Interests -----------------------------------------------------------------------


@pytest.mark.parametrize("priority", [0, 6])
def test_an_interest_priority_is_from_1_to_5(catalogue, priority):
    actor = catalogue["actors"]["PHL-DMW"]
    refused_by_database(Interest, actor=actor, area_id="health", priority=priority)
    refused_by_validation(Interest(actor=actor, area_id="health", priority=priority), "priority")


@pytest.mark.parametrize("priority", [1, 5])
def test_interest_priorities_at_the_bounds_are_kept(catalogue, priority):
    interest = Interest(actor=catalogue["actors"]["PHL-DMW"], area_id="health", priority=priority)
    interest.full_clean()
    interest.save()
    assert Interest.objects.get(pk=interest.pk).priority == priority


# --- Indicators ----------------------------------------------------------------------


def indicator_fields(catalogue, **overrides) -> dict:
    fields = {
        "version": catalogue["framework"],
        "code": "H-NEW-01",
        "dimension": "institutional",
        "coherence_type": "horizontal",
        "area_id": "institutional",
        "link": None,
        "perspective": "both",
        "stage": "input",
        "answer_type": "yes_no",
        "weight": 1.0,
        "question_en": "A new question?",
    }
    return {**fields, **overrides}


def test_a_vertical_indicator_without_link_is_refused_by_validation(catalogue):
    fields = indicator_fields(catalogue, code="V-NEW-01", coherence_type="vertical", link=None)
    refused_by_validation(Indicator(**fields), "link")


def test_a_vertical_indicator_without_link_is_refused_by_the_database(catalogue):
    # `link IN (...)` is NULL, not false, for a NULL link, and a CHECK only refuses false:
    # the constraint must say `link IS NOT NULL` for vertical indicators.
    fields = indicator_fields(catalogue, code="V-NEW-01", coherence_type="vertical", link=None)
    refused_by_database(Indicator, **fields)


def test_a_horizontal_indicator_has_no_link(catalogue):
    fields = indicator_fields(catalogue, link="national-regional")
    refused_by_database(Indicator, **fields)
    refused_by_validation(Indicator(**fields), "link")


def test_an_indicator_weight_is_positive(catalogue):
    fields = indicator_fields(catalogue, weight=0)
    refused_by_database(Indicator, **fields)
    refused_by_validation(Indicator(**fields), "weight")


def test_a_well_formed_indicator_is_accepted(catalogue):
    indicator = Indicator(
        **indicator_fields(
            catalogue, code="V-NEW-02", coherence_type="vertical", link="national-regional"
        )
    )
    indicator.full_clean()
    indicator.save()
    assert Indicator.objects.filter(code="V-NEW-02").exists()


def test_a_published_indicator_question_is_frozen(catalogue):
    indicator = Indicator.objects.get(pk=catalogue["indicators"]["H-INS-01"].pk)
    indicator.question_en = "A reworded question?"
    error = refused_by_validation(indicator, NON_FIELD_ERRORS)
    assert "question" in " ".join(error.message_dict[NON_FIELD_ERRORS])
    assert Indicator.objects.get(pk=indicator.pk).question_en == "Question H-INS-01?"


def test_a_published_indicator_answer_type_is_frozen(catalogue):
    indicator = Indicator.objects.get(pk=catalogue["indicators"]["H-INS-01"].pk)
    indicator.answer_type = "percent"
    error = refused_by_validation(indicator, NON_FIELD_ERRORS)
    assert "answer_type" in " ".join(error.message_dict[NON_FIELD_ERRORS])


def test_a_published_indicator_weight_guidance_and_crosswalk_may_change(catalogue):
    indicator = Indicator.objects.get(pk=catalogue["indicators"]["H-LAB-02"].pk)
    indicator.weight = 3.5
    indicator.guidance_en = "Count the bilateral labour agreements in force."
    indicator.guidance_fr = "Comptez les accords."
    indicator.crosswalk = ["GCM-6", "SDG-10.7"]
    indicator.full_clean()
    indicator.save()
    stored = Indicator.objects.get(pk=indicator.pk)
    assert (stored.weight, stored.crosswalk) == (3.5, ["GCM-6", "SDG-10.7"])
    assert stored.guidance_en == "Count the bilateral labour agreements in force."


# --- The fixed vocabularies ----------------------------------------------------------


def test_a_governance_level_code_is_one_of_the_five(catalogue):
    refused_by_database(GovernanceLevel, code="galactic", rank=99)
    refused_by_validation(GovernanceLevel(code="galactic", rank=99), "code")


# --- Answers -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [101, -1])
def test_an_answer_value_stays_within_0_to_100(assessment, catalogue, value):
    indicator = catalogue["indicators"]["H-DIA-01"]  # percent
    refused_by_database(Answer, assessment=assessment, indicator=indicator, value=value)
    refused_by_validation(Answer(assessment=assessment, indicator=indicator, value=value), "value")


def test_an_answer_is_either_a_value_or_not_applicable(assessment, catalogue):
    indicator = catalogue["indicators"]["H-DIA-01"]  # percent, allow_na
    refused_by_database(Answer, assessment=assessment, indicator=indicator, value=40, na=True)
    refused_by_validation(
        Answer(assessment=assessment, indicator=indicator, value=40, na=True), "value"
    )


def test_a_scale_answer_is_from_0_to_4(assessment, catalogue):
    indicator = catalogue["indicators"]["H-LAB-02"]  # scale
    refused_by_validation(Answer(assessment=assessment, indicator=indicator, value=7), "value")
    fine = Answer(
        assessment=assessment, indicator=indicator, value=4, updated_by=assessment.created_by
    )
    fine.full_clean()


def test_an_indicator_has_one_answer_per_assessment(assessment, catalogue):
    indicator = catalogue["indicators"]["H-INS-01"]
    Answer.objects.create(assessment=assessment, indicator=indicator, value=1)
    refused_by_database(Answer, assessment=assessment, indicator=indicator, value=0)


# --- Assessments ---------------------------------------------------------------------


def test_an_actor_has_one_assessment_per_country_and_cycle(assessment):
    refused_by_database(
        Assessment,
        country_id=assessment.country_id,
        cycle=assessment.cycle,
        actor=assessment.actor,
        framework=assessment.framework,
    )
    assert Assessment.objects.filter(actor=assessment.actor).count() == 1


@pytest.mark.parametrize("cycle", [1999, 2101])
def test_a_cycle_is_a_year_from_2000_to_2100(catalogue, cycle):
    fields = {
        "country_id": "PHL",
        "cycle": cycle,
        "actor": catalogue["actors"]["PHL-DOH"],
        "framework": catalogue["framework"],
    }
    refused_by_database(Assessment, **fields)
    refused_by_validation(Assessment(**fields), "cycle")


# --- Memberships ---------------------------------------------------------------------


def test_a_focal_point_belongs_to_an_actor(db):
    user = get_user_model().objects.create_user("lonely-focal")
    refused_by_database(Membership, user=user, role=Role.FOCAL_POINT, actor=None)
    refused_by_validation(Membership(user=user, role=Role.FOCAL_POINT, actor=None), "actor")


# --- The transition log --------------------------------------------------------------


@pytest.fixture
def log_row(assessment, users) -> TransitionLog:
    return TransitionLog.objects.create(
        assessment=assessment,
        action="submit",
        from_state="draft",
        to_state="submitted",
        by=users["focal_phl"],
    )


def test_the_transition_log_refuses_an_update(log_row):
    log_row.reason = "rewritten history"
    log_row.to_state = "validated"
    with pytest.raises(ValidationError):
        log_row.save()
    stored = TransitionLog.objects.get(pk=log_row.pk)
    assert (stored.to_state, stored.reason) == ("submitted", "")


def test_the_transition_log_refuses_a_delete(log_row):
    with pytest.raises(ValidationError):
        log_row.delete()
    assert TransitionLog.objects.filter(pk=log_row.pk).exists()
