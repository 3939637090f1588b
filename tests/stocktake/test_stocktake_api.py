"""The stock-taking in the API: a focal point writes its assessment's through
assessments/{id}/stocktake/ by the page's rules; once validated, stocktake/ shows the
country's instruments and interactions with their sources, and the scores count the
unmitigated incoherences."""

import pytest

from assessments import recompute, services
from assessments.stocktake.checks import MitigationInput
from assessments.stocktake.services import (
    InstrumentInput,
    InteractionInput,
    save_instrument,
    save_interaction,
)
from tests.api.conftest import VALIDATED_ANSWERS, assert_error, client_for

pytestmark = pytest.mark.django_db
API = "/api/v1/"

NEW = {
    "code": "PHL-NAGA-PLAN",
    "name": "Naga City migration and development plan",
    "tool_type": "strategy",
    "levels": ["subnational"],
    "areas": ["labour_migration"],
    "owner": "PHL-NAGA",
}


@pytest.fixture
def focal(users):
    return client_for(users["focal_phl"])


def post(client, assessment, what, body):
    return client.post(f"{API}assessments/{assessment.pk}/stocktake/{what}/", body, format="json")


def test_a_focal_point_lists_instruments_and_an_unmitigated_incoherence(
    assessment, focal, safeguards
):
    assert post(focal, assessment, "instruments", {"code": "PHL-LMP"}).status_code == 201
    assert post(focal, assessment, "instruments", NEW).status_code == 201
    response = post(
        focal,
        assessment,
        "interactions",
        {
            "source": "PHL-NAGA-PLAN",
            "target": "PHL-LMP",
            "score": -3,
            "rationale": "¶16: the city plan and national policy pull apart.",
            "no_mitigation": True,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [i["code"] for i in body["instruments"]] == ["PHL-LMP", "PHL-NAGA-PLAN"]
    (interaction,) = body["interactions"]
    assert interaction["unmitigated"] and interaction["incoherence"]
    # The answers' version is left as it was; each entry has the revision of its change.
    assert body["version"] == 1
    assert [i["revision"] for i in body["instruments"]] == [1, 2]
    assert interaction["revision"] == 3
    shown = focal.get(f"{API}assessments/{assessment.pk}/stocktake/").json()
    assert shown == body


@pytest.mark.parametrize(
    ("what", "body", "field"),
    [
        ("instruments", {**NEW, "code": "PHL-LMP"}, "code"),
        ("instruments", {**NEW, "levels": ["galactic"]}, "levels"),
        ("instruments", {**NEW, "tool_type": "hope"}, "tool_type"),
        (
            "interactions",
            {"source": "PHL-LMP", "target": "PHL-LMP", "score": 1, "rationale": "x"},
            "target",
        ),
        (
            "interactions",
            {"source": "PHL-LMP", "target": "PHL-NAGA-PLAN", "score": 7, "rationale": "x"},
            "score",
        ),
        (
            "interactions",
            {
                "source": "PHL-LMP",
                "target": "PHL-NAGA-PLAN",
                "score": -2,
                "rationale": "x",
                "mitigations": [{"safeguard": "PHL-LMP", "how": "It helps."}],
            },
            "mitigations",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    assessment, users, focal, safeguards, what, body, field
):
    save_instrument(assessment, by=users["focal_phl"], spec=InstrumentInput(code="PHL-LMP"))
    save_instrument(assessment, by=users["focal_phl"], spec=InstrumentInput(**NEW))
    error = assert_error(post(focal, assessment, what, body), 400, "invalid_stocktake")
    assert field in error["details"]


def test_an_edit_on_a_locked_assessment_is_a_409(assessment, users, focal):
    services.submit(assessment, by=users["focal_phl"])
    error = assert_error(post(focal, assessment, "instruments", {"code": "PHL-LMP"}), 409)
    assert error["details"]["state"] == "submitted"


def test_an_unknown_field_is_a_400_naming_it(assessment, focal):
    error = assert_error(post(focal, assessment, "instruments", {"code": "X", "colour": "b"}), 400)
    assert "colour" in error["details"]


def test_a_reviewer_returns_a_stocktaking_entry_for_correction(assessment, users, focal):
    save_instrument(assessment, by=users["focal_phl"], spec=InstrumentInput(code="PHL-LMP"))
    services.submit(assessment, by=users["focal_phl"])
    reviewer = client_for(users["reviewer"])
    response = reviewer.post(
        f"{API}assessments/{assessment.pk}/return/",
        {"reason": "Which version?", "stocktake": {"PHL-LMP": "Which version?"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    (entry,) = focal.get(f"{API}assessments/{assessment.pk}/stocktake/").json()["instruments"]
    assert entry["flagged"] and entry["flag_comment"] == "Which version?"
    refused = post(focal, assessment, "instruments", {"code": "MIGOF"})
    assert_error(refused, 409)


def validated_with_stock(catalogue, users, actor, focal_key, *, mitigated: bool):
    focal = users[focal_key]
    assessment = services.create_assessment(actor=catalogue["actors"][actor], cycle=2026, by=focal)
    services.save_answers(
        assessment, by=focal, version=assessment.version, answers=VALIDATED_ANSWERS
    )
    for code in ("PHL-LMP", "PHL-CHE-MP"):
        save_instrument(assessment, by=focal, spec=InstrumentInput(code=code))
    save_instrument(assessment, by=focal, spec=InstrumentInput(**NEW))
    mitigations = [MitigationInput("BLA-COMPLAINT-MECHANISM", "Workers complain.")]
    save_interaction(
        assessment,
        by=focal,
        spec=InteractionInput(
            source="PHL-NAGA-PLAN",
            target="PHL-LMP",
            score=-2 if mitigated else -3,
            rationale="¶16",
            mitigations=mitigations if mitigated else [],
            no_mitigation=not mitigated,
        ),
    )
    services.submit(assessment, by=focal)
    services.validate(assessment, by=users["reviewer"])
    recompute.recompute_consolidation("PHL", 2026)
    return assessment


def test_stocktake_shows_sources_mitigations_divergence_and_the_scores_count(
    catalogue, users, safeguards
):
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    partner = client_for(users["partner"])
    (stock,) = partner.get(API + "stocktake/?country=PHL&cycle=2026").json()["results"]
    sources = {i["code"]: i["source"] for i in stock["instruments"]}
    assert sources == {
        "PHL-LMP": "catalogue",
        "PHL-CHE-MP": "catalogue",
        "PHL-NAGA-PLAN": "PHL-DMW",
    }
    origins = {(i["source"], i["target"], i["origin"]) for i in stock["interactions"]}
    assert origins == {
        ("PHL-CHE-MP", "PHL-LMP", "paper"),
        ("PHL-NAGA-PLAN", "PHL-LMP", "PHL-DMW"),
    }
    assert (stock["incoherences"], stock["unmitigated"]) == (2, 1)
    assert partner.get(API + "scores/PHL/2026/").json()["unmitigated"] == 1
    (score,) = partner.get(API + "scores/?country=PHL&cycle=2026").json()["results"]
    assert score["unmitigated"] == 1

    # The health department sees the same pair as mitigated, and scored otherwise.
    validated_with_stock(catalogue, users, "PHL-DOH", "focal_phl_health", mitigated=True)
    (stock,) = partner.get(API + "stocktake/?country=PHL&cycle=2026").json()["results"]
    reports = [i for i in stock["interactions"] if i["source"] == "PHL-NAGA-PLAN"]
    assert {(r["origin"], r["score"], r["divergent"]) for r in reports} == {
        ("PHL-DMW", -3, True),
        ("PHL-DOH", -2, True),
    }
    naga = next(i for i in stock["instruments"] if i["code"] == "PHL-NAGA-PLAN")
    assert naga["reported_by"] == ["PHL-DMW", "PHL-DOH"]
    assert stock["unmitigated"] == 0  # a safeguard named by one report mitigates the pair
    assert partner.get(API + "scores/PHL/2026/").json()["unmitigated"] == 0


def test_stocktake_is_scoped_like_scores(catalogue, users, safeguards):
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    seen = {
        role: client_for(users[role]).get(API + "stocktake/").json()["count"]
        for role in ("partner", "reviewer", "focal_phl", "focal_phl_health", "focal_mda")
    }
    assert seen == {
        "partner": 1,
        "reviewer": 1,
        "focal_phl": 1,
        "focal_phl_health": 1,
        "focal_mda": 0,
    }
    assert client_for(None).get(API + "stocktake/").status_code == 401


def test_the_grid_of_a_country_and_cycle_holds_its_validated_instruments(
    catalogue, users, safeguards
):
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    partner = client_for(users["partner"])

    def cell(query, level, tool_type):
        cells = partner.get(API + "grid/" + query).json()["results"]
        return next(c for c in cells if (c["level"], c["tool_type"]) == (level, tool_type))

    assert cell("?country=PHL&cycle=2026", "subnational", "strategy")["instruments"] == [
        "NAGA-MDC",
        "PHL-NAGA-PLAN",
    ]
    assert cell("?country=PHL&cycle=2025", "subnational", "strategy")["instruments"] == ["NAGA-MDC"]
    assert cell("?country=PHL", "subnational", "strategy")["count"] == 1


def test_stocktake_queries_are_pinned(catalogue, users, safeguards, django_assert_max_num_queries):
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    validated_with_stock(catalogue, users, "PHL-DOH", "focal_phl_health", mitigated=True)
    partner = client_for(users["partner"])
    partner.get(API + "levels/")
    # count, page, listed instruments (+ their levels and areas), the catalogue's
    # interactions among them (+ mitigations), the reported interactions
    with django_assert_max_num_queries(8):
        assert partner.get(API + "stocktake/").json()["count"] == 1
    # the country exists, the grid, the stock-taking, the levels of the catalogue ones it picks
    with django_assert_max_num_queries(4):
        assert partner.get(API + "grid/?country=PHL&cycle=2026").status_code == 200
