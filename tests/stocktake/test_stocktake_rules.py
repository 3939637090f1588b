"""Stock-taking inside an assessment follows the answers' edit rules and refuses bad input
with a message naming the field; every change is kept in its history."""

import pytest

from assessments import services
from assessments.errors import AnswersInvalid
from assessments.services import AnswerInput, save_answers
from assessments.stocktake.checks import MitigationInput
from assessments.stocktake.errors import StockForbidden, StockInvalid, StockLocked
from assessments.stocktake.models import StockInstrument, StockInteraction
from assessments.stocktake.services import (
    InstrumentInput,
    InteractionInput,
    remove_instrument,
    save_instrument,
    save_interaction,
)

pytestmark = pytest.mark.django_db

NEW = InstrumentInput(
    code="PHL-LGU-MAINSTREAMING",
    name="Local mainstreaming of migration in Naga City",
    tool_type="strategy",
    levels=["subnational"],
    areas=["labour_migration"],
    link="https://example.org/naga",
    owner="PHL-NAGA",
)


def listed(assessment, by):
    save_instrument(assessment, by=by, spec=InstrumentInput(code="PHL-LMP"))
    save_instrument(assessment, by=by, spec=InstrumentInput(**vars(NEW)))


def test_a_focal_point_lists_a_catalogue_instrument_and_a_new_one(assessment, users):
    focal = users["focal_phl"]
    listed(assessment, focal)
    entries = StockInstrument.objects.filter(assessment=assessment).select_related("instrument")
    by_code = {s.code: s for s in entries}
    assert by_code["PHL-LMP"].instrument.code == "PHL-LMP"
    assert by_code["PHL-LGU-MAINSTREAMING"].levels == ["subnational"]
    assert by_code["PHL-LGU-MAINSTREAMING"].owner.code == "PHL-NAGA"
    assessment.refresh_from_db()
    # Each change takes the next stock-taking revision; the answers' version stays.
    assert (assessment.version, assessment.stock_revision) == (1, 2)
    assert sorted(s.revision for s in entries) == [1, 2]
    assert StockInstrument.history.filter(history_user=focal).count() == 2


def test_listing_the_same_again_changes_nothing(assessment, users):
    focal = users["focal_phl"]
    listed(assessment, focal)
    listed(assessment, focal)
    assessment.refresh_from_db()
    assert (assessment.version, assessment.stock_revision) == (1, 2)
    assert StockInstrument.history.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"code": "PHL-LMP"}, "code", "already exists in the catalogue"),
        ({"levels": ["planetary"]}, "levels", "planetary"),
        ({"levels": []}, "levels", "one or more"),
        ({"tool_type": "wish"}, "tool_type", "Unknown tool type"),
        ({"areas": ["fishing"]}, "areas", "fishing"),
        ({"owner": "MDA-BMA"}, "owner", "No actor MDA-BMA of this country"),
        ({"link": "not a link"}, "link", "web address"),
        ({"code": "lower case"}, "code", "capital letters"),
    ],
)
def test_a_bad_new_instrument_is_refused_naming_the_field(assessment, users, change, field, words):
    spec = InstrumentInput(**{**vars(NEW), **change})
    with pytest.raises(StockInvalid) as refused:
        save_instrument(assessment, by=users["focal_phl"], spec=spec)
    assert field in refused.value.details
    assert words in refused.value.details[field]
    assert not StockInstrument.objects.exists()


def test_an_unknown_catalogue_code_is_refused(assessment, users):
    with pytest.raises(StockInvalid) as refused:
        save_instrument(assessment, by=users["focal_phl"], spec=InstrumentInput(code="NO-SUCH"))
    assert "No catalogue instrument NO-SUCH" in refused.value.details["code"]


def interaction(**change):
    values = {
        "source": "PHL-LGU-MAINSTREAMING",
        "target": "PHL-LMP",
        "score": -3,
        "rationale": "¶16: the city's plan and the national policy pull apart.",
        "no_mitigation": True,
    }
    return InteractionInput(**{**values, **change})


def test_an_unmitigated_incoherence_and_a_mitigated_one(assessment, users, safeguards):
    focal = users["focal_phl"]
    listed(assessment, focal)
    saved = save_interaction(assessment, by=focal, spec=interaction())
    assert saved.unmitigated
    mitigated = save_interaction(
        assessment,
        by=focal,
        spec=interaction(
            source="PHL-LMP",
            target="PHL-LGU-MAINSTREAMING",
            score=-2,
            no_mitigation=False,
            mitigations=[MitigationInput("BLA-COMPLAINT-MECHANISM", "Workers complain.")],
        ),
    )
    assert not mitigated.unmitigated
    assert mitigated.mitigations == [
        {"safeguard": "BLA-COMPLAINT-MECHANISM", "how": "Workers complain."}
    ]
    assert StockInteraction.history.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"target": "PHL-LGU-MAINSTREAMING"}, "target", "cannot interact with itself"),
        ({"score": 4}, "score", "from −3 to +3"),
        ({"score": -4}, "score", "from −3 to +3"),
        ({"target": "MIGOF"}, "target", "not among this assessment's instruments"),
        ({"no_mitigation": False}, "mitigations", "names the safeguards"),
        (
            {"no_mitigation": False, "mitigations": [MitigationInput("PHL-LMP", "It helps.")]},
            "mitigations",
            "PHL-LMP is not a safeguard",
        ),
        ({"score": 1}, "mitigations", "Only an incoherence"),
        ({"rationale": " "}, "rationale", "Say why"),
    ],
)
def test_a_bad_interaction_is_refused_naming_the_field(
    assessment, users, safeguards, change, field, words
):
    listed(assessment, users["focal_phl"])
    with pytest.raises(StockInvalid) as refused:
        save_interaction(assessment, by=users["focal_phl"], spec=interaction(**change))
    assert words in refused.value.details[field]
    assert not StockInteraction.objects.exists()


def test_only_the_assessments_own_focal_point_changes_it(assessment, users):
    for user in ("focal_phl_health", "focal_mda", "reviewer", "partner"):
        with pytest.raises(StockForbidden):
            save_instrument(assessment, by=users[user], spec=InstrumentInput(code="PHL-LMP"))
    assert not StockInstrument.objects.exists()


@pytest.mark.parametrize("state", ["submitted", "validated"])
def test_a_locked_assessment_refuses_every_stocktaking_edit(assessment, users, state):
    focal = users["focal_phl"]
    listed(assessment, focal)
    services.submit(assessment, by=focal)
    if state == "validated":
        services.validate(assessment, by=users["reviewer"])
    with pytest.raises(StockLocked) as refused:
        save_instrument(assessment, by=focal, spec=InstrumentInput(code="MIGOF"))
    assert state in refused.value.message
    with pytest.raises(StockLocked):
        remove_instrument(assessment, by=focal, code="PHL-LMP")
    assert StockInstrument.objects.count() == 2


def test_returned_with_an_entry_flagged_only_that_entry_changes(assessment, users):
    focal = users["focal_phl"]
    listed(assessment, focal)
    services.submit(assessment, by=focal)
    services.return_for_correction(
        assessment,
        by=users["reviewer"],
        reason="Check the city plan",
        stocktake={"PHL-LGU-MAINSTREAMING": "Is it the 2024 plan?"},
    )
    entry = StockInstrument.objects.get(code="PHL-LGU-MAINSTREAMING")
    assert entry.flagged and entry.flag_comment == "Is it the 2024 plan?"
    save_instrument(
        assessment, by=focal, spec=InstrumentInput(**{**vars(NEW), "name": "Naga plan 2024"})
    )
    with pytest.raises(StockLocked) as refused:
        save_instrument(assessment, by=focal, spec=InstrumentInput(code="MIGOF"))
    assert "returned for correction" in refused.value.message
    assessment.refresh_from_db()
    with pytest.raises(AnswersInvalid):  # the answers stay locked too
        save_answers(
            assessment,
            by=focal,
            version=assessment.version,
            answers={"H-INS-01": AnswerInput(value=1)},
        )
    services.submit(assessment, by=focal)
    assert not StockInstrument.objects.filter(flagged=True).exists()


def test_removing_an_instrument_removes_its_interactions_in_the_history(assessment, users):
    focal = users["focal_phl"]
    listed(assessment, focal)
    save_interaction(assessment, by=focal, spec=interaction())
    remove_instrument(assessment, by=focal, code="PHL-LMP")
    assert not StockInteraction.objects.exists()
    assert StockInteraction.history.filter(history_type="-").count() == 1
    assert StockInstrument.history.filter(history_type="-", code="PHL-LMP").count() == 1
