"""`load_catalogue` and `setup_demo` on the shipped fixtures: idempotent, validated first,
and nothing loaded when any record is wrong."""

import shutil

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from actors.models import Actor, Interest
from assessments.catalogue import FIXTURES
from assessments.models import Answer, Assessment, Indicator, TransitionLog
from instruments.models import Instrument, Interaction

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Actor,
            Interest,
            Instrument,
            Interaction,
            Indicator,
            Assessment,
            Answer,
            TransitionLog,
            get_user_model(),
        )
    } | {"history": Answer.history.count()}


def test_load_catalogue_twice_changes_nothing(capsys):
    call_command("load_catalogue")
    first = counts()
    stamps = list(Instrument.objects.order_by("code").values_list("code", "updated_at"))
    call_command("load_catalogue")
    assert "nothing changed" in capsys.readouterr().out.splitlines()[-1]
    assert counts() == first
    assert list(Instrument.objects.order_by("code").values_list("code", "updated_at")) == stamps
    assert first["Indicator"] >= 80


@pytest.fixture
def broken(tmp_path):
    """A copy of the fixtures that a test breaks in one place."""
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, folder)

    def edit(name, change):
        path = folder / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return folder

    return edit


def _first_vertical(data):
    return next(i for i in data["indicators"] if i["coherence_type"] == "vertical")


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        (
            "framework.yaml",
            lambda d: d["indicators"][0].update(area="nowhere"),
            "unknown area 'nowhere'",
        ),
        (
            "framework.yaml",
            lambda d: d["indicators"].append(dict(d["indicators"][0])),
            "duplicate code",
        ),
        ("framework.yaml", lambda d: d["indicators"][0].pop("dimension"), "unknown dimension"),
        (
            "framework.yaml",
            lambda d: _first_vertical(d).update(link=None),
            "unknown link of a vertical indicator",
        ),
        ("instruments.yaml", lambda d: d[0].update(levels=[]), "at least one level"),
        (
            "instruments.yaml",
            lambda d: d[0].update(owners=["NO-SUCH-ACTOR"]),
            "unknown owner actor 'NO-SUCH-ACTOR'",
        ),
        ("actors.yaml", lambda d: d[0].update(type="guild"), "unknown type 'guild'"),
        (
            "interactions.yaml",
            lambda d: d[0].update(target=d[0]["source"]),
            "cannot interact with itself",
        ),
    ],
    ids=[
        "unknown-area",
        "duplicate",
        "no-dimension",
        "vertical-no-link",
        "no-level",
        "unknown-owner",
        "unknown-actor-type",
        "self-interaction",
    ],
)
def test_a_bad_record_fails_the_load_naming_it_and_loads_nothing(broken, name, change, expected):
    folder = broken(name, change)
    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", fixtures=str(folder))
    message = str(error.value)
    assert expected in message
    assert name in message
    assert counts()["Actor"] == 0
    assert counts()["Indicator"] == 0


def test_setup_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("setup_demo")
    assert counts()["Assessment"] == 0


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True  # pytest-django runs tests with DEBUG off; setup_demo refuses that


def test_setup_demo_twice_changes_nothing(debug_on, capsys):
    call_command("setup_demo")
    first = counts()
    versions = list(Assessment.objects.order_by("id").values_list("id", "state", "version"))
    call_command("setup_demo")
    assert "Demo already set up." in capsys.readouterr().out
    assert counts() == first
    assert list(Assessment.objects.order_by("id").values_list("id", "state", "version")) == (
        versions
    )


def test_the_demo_has_its_users_and_every_state(debug_on):
    call_command("setup_demo")
    users = {u.username: u for u in get_user_model().objects.select_related("membership")}
    assert users["focal-phl"].membership.actor.country_id == "PHL"
    assert users["focal-mda"].membership.actor.country_id == "MDA"
    assert users["cochair"].membership.role == "reviewer"
    assert users["cochair"].membership.government_id is None
    for name in ("focal-phl", "focal-mda", "cochair"):
        assert users[name].check_password("demo-pass-2026")
    states = set(Assessment.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "returned", "validated"}
    returned = Assessment.objects.get(state="returned")
    assert returned.return_reason
    assert returned.answers.filter(flagged=True).count() >= 1
    for iso in ("PHL", "MDA", "LKA", "GBR", "CHE"):
        validated = Assessment.objects.filter(country_id=iso, state="validated")
        assert validated.values("actor").distinct().count() >= 2, iso
        assert Assessment.objects.filter(country_id=iso).values("cycle").distinct().count() >= 2
    assert set(Assessment.objects.values_list("cycle", flat=True)) <= set(range(2000, 2030))


def test_the_demo_scores_are_stored_fresh_and_match_a_recompute(
    debug_on, django_capture_on_commit_callbacks
):
    from assessments.models import AssessmentScore, ConsolidatedScore
    from assessments.recompute import recompute_all

    with django_capture_on_commit_callbacks(execute=True):
        call_command("setup_demo")

    def snapshot():
        return (
            sorted(AssessmentScore.objects.values_list("assessment_id", "overall", "stale")),
            sorted(
                ConsolidatedScore.objects.values_list(
                    "country_id", "cycle", "overall", "divergence", "assessments", "stale"
                )
            ),
        )

    stored = snapshot()
    assert AssessmentScore.objects.count() == Assessment.objects.count()
    assert not any(stale for *_, stale in stored[0])
    validated_pairs = set(
        Assessment.objects.filter(state="validated").values_list("country_id", "cycle")
    )
    assert {(c, y) for c, y, *_ in stored[1]} == validated_pairs
    assert all(overall is not None for _, _, overall, *_ in stored[1])
    recompute_all()
    assert snapshot() == stored


def test_a_loaded_versions_crosswalk_is_updated_and_its_scores_recomputed(broken):
    """DESIGN §3: a published version is frozen except weight, guidance and crosswalk; a new
    tag reaches the stored indicator, and the load asks for a recompute (crosswalk scores)."""
    from assessments import catalogue

    call_command("load_catalogue")
    first = yaml.safe_load((FIXTURES / "framework.yaml").read_text(encoding="utf-8"))
    code = first["indicators"][0]["code"]
    tags = [*first["indicators"][0]["crosswalk"], "GCM-23"]
    folder = broken("framework.yaml", lambda d: d["indicators"][0].update(crosswalk=tags))
    report = catalogue.load(folder)
    assert Indicator.objects.get(code=code, version__code=str(first["version"])).crosswalk == tags
    assert report.crosswalk_changed and not report.weights_changed
    assert not catalogue.load(folder).crosswalk_changed  # loaded again: nothing changed


def test_a_weight_change_leaves_every_score_stale_until_its_recompute_runs(
    broken, debug_on, django_capture_on_commit_callbacks
):
    """A weight change loaded from the fixtures marks the scores stale at once, as the
    admin's does: were the broker down, the catch-up would find them, never serve them as
    fresh on the old weights."""
    from assessments.models import AssessmentScore, ConsolidatedScore

    with django_capture_on_commit_callbacks(execute=True):
        call_command("setup_demo")
    assert not ConsolidatedScore.objects.filter(stale=True).exists()
    first = yaml.safe_load((FIXTURES / "framework.yaml").read_text(encoding="utf-8"))
    weight = first["indicators"][0].get("weight", 1) + 2
    folder = broken("framework.yaml", lambda d: d["indicators"][0].update(weight=weight))

    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("load_catalogue", fixtures=str(folder))

    assert queued, "the recompute is queued when the load commits"
    assert not ConsolidatedScore.objects.filter(stale=False).exists()
    assert not AssessmentScore.objects.filter(stale=False).exists()
