"""What a partner system reads of the catalogue: vocabularies, actors, instruments,
interactions, the indicators of the current framework and the Annex B grid — each in the
shape of DESIGN §6, codes everywhere, sorted by code."""

import pytest
from django.utils import timezone

from actors.models import Interest
from assessments.models import FrameworkVersion, Indicator
from coherence.choices import AREA_CODES, Level, ToolKind
from instruments.models import Interaction
from tests.api.conftest import assert_error, client_for

API = "/api/v1/"


@pytest.fixture
def partner(users):
    return client_for(users["partner"])


def results(client, path):
    response = client.get(API + path)
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


# --- Vocabularies --------------------------------------------------------------------------


def test_levels_are_the_five_fixed_codes_with_names_in_three_languages(partner):
    levels = results(partner, "levels/")
    assert [level["code"] for level in levels] == sorted(Level.values)
    national = next(level for level in levels if level["code"] == "national")
    assert national == {
        "code": "national",
        "rank": 1,
        "name": {"en": "National", "fr": national["name"]["fr"], "es": national["name"]["es"]},
    }


def test_tool_types_are_the_seven_columns_of_the_grid(partner):
    assert [t["code"] for t in results(partner, "tool-types/")] == sorted(ToolKind.values)


def test_areas_carry_their_names_per_language_english_where_missing(partner):
    areas = results(partner, "areas/?page_size=100")
    assert [area["code"] for area in areas] == sorted(AREA_CODES)
    health = next(area for area in areas if area["code"] == "health")
    assert health["name"] == {"en": "health", "fr": "health (fr)", "es": "health"}
    assert health["group"] == "migration"


# --- Actors ----------------------------------------------------------------------------------


def test_an_actor_reads_with_codes_country_parent_and_interests(partner, catalogue):
    naga = catalogue["actors"]["PHL-NAGA"]
    naga.parent = catalogue["actors"]["PHL-DMW"]
    naga.save()
    Interest.objects.create(actor=naga, area_id="labour_migration", priority=5)
    Interest.objects.create(actor=naga, area_id="health", priority=2)
    assert partner.get(API + "actors/PHL-NAGA/").json() == {
        "code": "PHL-NAGA",
        "name": "Naga City",
        "type": "local_authority",
        "level": "subnational",
        "country": "PHL",
        "parent": "PHL-DMW",
        "interests": [
            {"area": "health", "priority": 2},
            {"area": "labour_migration", "priority": 5},
        ],
    }


def test_actors_are_sorted_by_code_and_an_international_one_has_no_country(partner):
    actors = results(partner, "actors/")
    assert [a["code"] for a in actors] == sorted(a["code"] for a in actors)
    iom = next(a for a in actors if a["code"] == "IOM")
    assert iom["country"] is None and iom["parent"] is None and iom["interests"] == []


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("country=PHL", ["PHL-DMW", "PHL-DOH", "PHL-NAGA"]),
        ("country=phl", ["PHL-DMW", "PHL-DOH", "PHL-NAGA"]),
        ("level=regional", ["COLOMBO"]),
        ("type=lead_migration_agency", ["MDA-BMA"]),
        ("country=PHL&level=subnational", ["PHL-NAGA"]),
    ],
)
def test_actors_filter(partner, query, codes):
    assert [a["code"] for a in results(partner, f"actors/?{query}")] == codes


def test_an_unknown_country_is_a_400_naming_it(partner):
    error = assert_error(partner.get(API + "actors/?country=ZZZ"), 400)
    assert "country" in error["details"]
    assert "ZZZ" in error["details"]["country"][0]


def test_an_unknown_actor_is_a_404(partner):
    assert_error(partner.get(API + "actors/NOBODY/"), 404, "not_found")


# --- Instruments -----------------------------------------------------------------------------


def test_an_instrument_reads_with_lists_of_codes(partner, catalogue):
    naga = catalogue["instruments"]["NAGA-MDC"]
    naga.owners.set([catalogue["actors"]["PHL-NAGA"], catalogue["actors"]["PHL-DMW"]])
    naga.areas.set(["labour_migration", "diaspora_remittances"])
    naga.paragraph = 34
    naga.link = "https://example.org/naga"
    naga.description = "Naga City's migration and development council."
    naga.save()
    assert partner.get(API + "instruments/NAGA-MDC/").json() == {
        "code": "NAGA-MDC",
        "name": "Instrument NAGA-MDC",
        "description": "Naga City's migration and development council.",
        "tool_type": "strategy",
        "levels": ["subnational", "national"],  # inside out
        "owners": ["PHL-DMW", "PHL-NAGA"],
        "countries": ["PHL"],
        "areas": ["diaspora_remittances", "labour_migration"],
        "paragraph": 34,
        "link": "https://example.org/naga",
        "safeguard": False,
    }


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["MIGOF", "NAGA-MDC", "PHL-CHE-MP", "PHL-LMP"]),
        # A country's instruments: those naming it, and the universal ones naming none.
        ("country=CHE", ["MIGOF", "PHL-CHE-MP"]),
        ("country=PHL", ["MIGOF", "NAGA-MDC", "PHL-CHE-MP", "PHL-LMP"]),
        ("country=MDA", ["MIGOF"]),
        ("level=national", ["NAGA-MDC", "PHL-LMP"]),
        ("tool_type=instrument", ["PHL-CHE-MP"]),
        ("area=labour_migration", ["PHL-LMP"]),
        ("country=CHE&level=bilateral", ["PHL-CHE-MP"]),
    ],
)
def test_instruments_filter_as_the_grid_does(partner, catalogue, query, codes):
    catalogue["instruments"]["PHL-LMP"].areas.set(["labour_migration"])
    assert [i["code"] for i in results(partner, f"instruments/?{query}")] == codes


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("level=galactic", "level"),
        ("tool_type=poem", "tool_type"),
        ("area=space", "area"),
        ("country=PH", "country"),
        ("country=XYZ", "country"),
    ],
)
def test_a_malformed_instrument_filter_is_a_400_naming_it(partner, query, name):
    error = assert_error(partner.get(API + f"instruments/?{query}"), 400)
    assert list(error["details"]) == [name]
    assert name in error["message"]


# --- Interactions ----------------------------------------------------------------------------


@pytest.fixture
def interactions(catalogue):
    i = catalogue["instruments"]
    Interaction.objects.create(
        source=i["PHL-LMP"], target=i["NAGA-MDC"], score=2, rationale="Reinforces."
    )
    Interaction.objects.create(
        source=i["PHL-CHE-MP"], target=i["PHL-LMP"], score=-2, rationale="Counteracts."
    )
    Interaction.objects.create(
        source=i["MIGOF"], target=i["PHL-LMP"], score=0, rationale="Consistent."
    )


def test_interactions_read_with_codes_and_the_incoherence_flag(partner, interactions):
    assert results(partner, "interactions/") == [
        {
            "source": "MIGOF",
            "target": "PHL-LMP",
            "score": 0,
            "rationale": "Consistent.",
            "incoherence": False,
            "mitigations": [],
            "unmitigated": False,
        },
        {
            "source": "PHL-CHE-MP",
            "target": "PHL-LMP",
            "score": -2,
            "rationale": "Counteracts.",
            "incoherence": True,
            "mitigations": [],
            "unmitigated": True,
        },
        {
            "source": "PHL-LMP",
            "target": "NAGA-MDC",
            "score": 2,
            "rationale": "Reinforces.",
            "incoherence": False,
            "mitigations": [],
            "unmitigated": False,
        },
    ]


@pytest.mark.parametrize(
    ("query", "pairs"),
    [
        ("incoherence=true", [("PHL-CHE-MP", "PHL-LMP")]),
        ("incoherence=false", [("MIGOF", "PHL-LMP"), ("PHL-LMP", "NAGA-MDC")]),
        ("target=PHL-LMP", [("MIGOF", "PHL-LMP"), ("PHL-CHE-MP", "PHL-LMP")]),
        ("source=PHL-LMP", [("PHL-LMP", "NAGA-MDC")]),
        ("score=-2", [("PHL-CHE-MP", "PHL-LMP")]),
    ],
)
def test_interactions_filter(partner, interactions, query, pairs):
    got = [(x["source"], x["target"]) for x in results(partner, f"interactions/?{query}")]
    assert got == pairs


@pytest.mark.parametrize("query", ["incoherence=maybe", "score=7", "score=x", "source=lower"])
def test_a_malformed_interaction_filter_is_a_400(partner, interactions, query):
    assert list(assert_error(partner.get(API + f"interactions/?{query}"), 400)["details"]) == [
        query.split("=")[0]
    ]


# --- Indicators ------------------------------------------------------------------------------


def test_an_indicator_reads_with_every_field_of_design_3(partner, catalogue):
    indicator = catalogue["indicators"]["V-BIL-01"]
    indicator.crosswalk = ["GCM-6", "SDG-10.7"]
    indicator.guidance_en = "Name the agreements."
    indicator.save()
    assert partner.get(API + "indicators/V-BIL-01/").json() == {
        "code": "V-BIL-01",
        "question": {
            "en": "Question V-BIL-01?",
            "fr": "Question V-BIL-01 ?",
            "es": "¿Pregunta V-BIL-01?",
        },
        "guidance": {"en": "Name the agreements.", "fr": "", "es": ""},
        "dimension": "costs",
        "coherence_type": "vertical",
        "area": "labour_migration",
        "link": "national-bilateral",
        "perspective": "both",
        "stage": "input",
        "answer_type": "three_level",
        "weight": 1.0,
        "allow_na": True,
        "crosswalk": ["GCM-6", "SDG-10.7"],
        "version": "2026.1",
    }


def test_indicators_are_the_current_versions_sorted_by_code(partner, catalogue):
    indicators = results(partner, "indicators/")
    assert [i["code"] for i in indicators] == sorted(catalogue["indicators"])
    weights = {i["code"]: i["weight"] for i in indicators}
    assert weights["H-LAB-02"] == 2.0 and isinstance(weights["H-LAB-02"], float)
    assert next(i for i in indicators if i["code"] == "H-INS-01")["link"] is None

    newer = FrameworkVersion.objects.create(
        code="2027.1", published_at=timezone.now() + timezone.timedelta(days=1)
    )
    Indicator.objects.create(
        version=newer,
        code="H-NEW-01",
        dimension="costs",
        coherence_type="horizontal",
        area_id="health",
        perspective="both",
        stage="output",
        answer_type="percent",
        question_en="New?",
    )
    FrameworkVersion.objects.create(code="2028.draft")  # unpublished: never current
    assert [(i["code"], i["version"]) for i in results(partner, "indicators/")] == [
        ("H-NEW-01", "2027.1")
    ]
    assert_error(partner.get(API + "indicators/H-INS-01/"), 404)


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("coherence_type=vertical&link=national-subnational", ["V-SUB-01"]),
        ("perspective=destination", ["H-LAB-02", "V-REG-01"]),
        ("dimension=rights&answer_type=percent", ["V-INT-01"]),
        ("area=diaspora_remittances", ["H-DIA-01"]),
    ],
)
def test_indicators_filter(partner, catalogue, query, codes):
    assert [i["code"] for i in results(partner, f"indicators/?{query}")] == codes


# --- The Annex B grid ------------------------------------------------------------------------


def cells(partner, query=""):
    body = partner.get(API + f"grid/{query}").json()
    assert body["count"] == 35
    return {(c["level"], c["tool_type"]): c for c in body["results"]}


def test_the_grid_has_all_35_cells_inside_out(partner, catalogue):
    body = partner.get(API + "grid/").json()
    assert body["count"] == 35 and body["next"] is None
    order = [(c["level"], c["tool_type"]) for c in body["results"]]
    assert order == [(lv, tt) for lv in Level.values for tt in ToolKind.values]
    grid = {(c["level"], c["tool_type"]): c for c in body["results"]}
    # NAGA-MDC is on two levels: it is in both rows.
    assert grid[("subnational", "strategy")] == {
        "level": "subnational",
        "tool_type": "strategy",
        "count": 1,
        "instruments": ["NAGA-MDC"],
    }
    assert grid[("national", "strategy")]["instruments"] == ["NAGA-MDC"]
    assert grid[("international", "framework")]["instruments"] == ["MIGOF"]
    assert grid[("regional", "data")] == {
        "level": "regional",
        "tool_type": "data",
        "count": 0,
        "instruments": [],
    }


def test_the_grid_of_a_country_takes_its_instruments_and_the_universal_ones(partner, catalogue):
    grid = cells(partner, "?country=CHE")
    assert grid[("bilateral", "instrument")]["instruments"] == ["PHL-CHE-MP"]
    assert grid[("international", "framework")]["instruments"] == ["MIGOF"]
    assert sum(c["count"] for c in grid.values()) == 2
    assert sum(c["count"] for c in cells(partner, "?country=MDA").values()) == 1
    assert sum(c["count"] for c in cells(partner, "?country=PHL&level=national").values()) == 2


@pytest.mark.parametrize(
    ("query", "name"),
    [("country=ZZZ", "country"), ("country=12", "country"), ("level=outer", "level")],
)
def test_the_grid_refuses_an_unknown_country_or_level(partner, query, name):
    error = assert_error(partner.get(API + f"grid/?{query}"), 400)
    assert list(error["details"]) == [name]
