"""Who sees which assessments and scores (DESIGN §7): a focal point its own actor's
assessments only, a reviewer every one that is not a draft, partners and strangers none;
anything out of sight answers 404, not 403. Consolidated scores: a focal point its own
country's, reviewers and partners all."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from assessments.choices import State
from assessments.models import Assessment, ConsolidatedScore
from assessments.selectors import get_visible_assessment, visible_assessments, visible_scores

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

STATES = [State.DRAFT, State.SUBMITTED, State.RETURNED, State.VALIDATED]
ACTORS = ["PHL-DMW", "PHL-DOH", "MDA-BMA"]


@pytest.fixture
def world(catalogue, users, importer):
    """Every actor of ACTORS with an assessment in every state (one cycle per state)."""
    assessments = {}
    for actor_code in ACTORS:
        actor = catalogue["actors"][actor_code]
        for cycle, state in enumerate(STATES, start=2024):
            assessments[actor_code, state] = Assessment.objects.create(
                country_id=actor.country_id,
                cycle=cycle,
                actor=actor,
                framework=catalogue["framework"],
                state=state,
            )
    return {"assessments": assessments, "users": {**users, "importer": importer}}


def ids_of(world, *, actors=ACTORS, states=STATES) -> set[int]:
    return {
        a.pk
        for (actor, state), a in world["assessments"].items()
        if actor in actors and state in states
    }


def user_of(world, who):
    return AnonymousUser() if who == "anonymous" else world["users"][who]


# --- visible_assessments -------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "actors", "states"),
    [
        ("focal_phl", ["PHL-DMW"], STATES),
        ("focal_phl_health", ["PHL-DOH"], STATES),
        ("focal_mda", ["MDA-BMA"], STATES),
        ("reviewer", ACTORS, [State.SUBMITTED, State.RETURNED, State.VALIDATED]),
        ("reviewer_phl", ACTORS, [State.SUBMITTED, State.RETURNED, State.VALIDATED]),
        ("importer", ACTORS, STATES),
        ("partner", [], []),
        ("anonymous", [], []),
    ],
)
def test_each_role_sees_exactly_its_assessments(world, who, actors, states):
    seen = set(visible_assessments(user_of(world, who)).values_list("pk", flat=True))
    assert seen == ids_of(world, actors=actors, states=states)


def test_a_focal_point_sees_its_own_in_every_state_and_no_other_ministrys(world):
    seen = visible_assessments(world["users"]["focal_phl"])
    assert sorted(seen.values_list("state", flat=True)) == sorted(STATES)
    assert set(seen.values_list("actor__code", flat=True)) == {"PHL-DMW"}


def test_a_user_without_membership_sees_nothing(world, django_user_model):
    stranger = django_user_model.objects.create_user("stranger")
    assert not visible_assessments(stranger).exists()
    assert not visible_scores(stranger).exists()


# --- get_visible_assessment ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "actor", "state"),
    [
        ("focal_phl", "PHL-DOH", State.SUBMITTED),  # another ministry of its own country
        ("focal_phl", "PHL-DOH", State.VALIDATED),
        ("focal_phl", "MDA-BMA", State.VALIDATED),  # another country
        ("focal_mda", "PHL-DMW", State.DRAFT),
        ("reviewer", "PHL-DMW", State.DRAFT),
        ("reviewer_phl", "MDA-BMA", State.DRAFT),
        ("partner", "PHL-DMW", State.VALIDATED),
        ("anonymous", "PHL-DMW", State.VALIDATED),
    ],
)
def test_an_assessment_out_of_sight_is_not_found(world, who, actor, state):
    pk = world["assessments"][actor, state].pk
    with pytest.raises(Http404):
        get_visible_assessment(user_of(world, who), pk)


@pytest.mark.parametrize(
    ("who", "actor", "state"),
    [
        ("focal_phl", "PHL-DMW", State.DRAFT),
        ("focal_phl", "PHL-DMW", State.VALIDATED),
        ("focal_mda", "MDA-BMA", State.RETURNED),
        ("reviewer", "PHL-DOH", State.SUBMITTED),
        ("reviewer_phl", "PHL-DMW", State.VALIDATED),
    ],
)
def test_an_assessment_in_sight_is_returned(world, who, actor, state):
    wanted = world["assessments"][actor, state]
    assert get_visible_assessment(user_of(world, who), wanted.pk) == wanted


@pytest.mark.parametrize("pk", [999_999, "abc", None])
def test_a_missing_or_malformed_id_is_not_found(world, pk):
    with pytest.raises(Http404):
        get_visible_assessment(world["users"]["reviewer"], pk)


# --- visible_scores ------------------------------------------------------------------


@pytest.fixture
def scores(catalogue):
    def score(country, cycle, assessments=1):
        return ConsolidatedScore.objects.create(
            country_id=country,
            cycle=cycle,
            framework=catalogue["framework"],
            overall=50.0,
            assessments=assessments,
        )

    return {
        "PHL": score("PHL", 2026),
        "PHL-2025": score("PHL", 2025),
        "MDA": score("MDA", 2026),
        "CHE": score("CHE", 2026),
        # A consolidation left with no validated assessment is no score at all.
        "empty": score("GBR", 2026, assessments=0),
    }


@pytest.mark.parametrize(
    ("who", "keys"),
    [
        ("focal_phl", {"PHL", "PHL-2025"}),
        ("focal_phl_health", {"PHL", "PHL-2025"}),
        ("focal_mda", {"MDA"}),
        ("reviewer", {"PHL", "PHL-2025", "MDA", "CHE"}),
        ("reviewer_phl", {"PHL", "PHL-2025", "MDA", "CHE"}),
        ("partner", {"PHL", "PHL-2025", "MDA", "CHE"}),
        ("anonymous", set()),
    ],
)
def test_each_role_sees_exactly_its_scores(world, scores, who, keys):
    seen = set(visible_scores(user_of(world, who)).values_list("pk", flat=True))
    assert seen == {scores[k].pk for k in keys}
