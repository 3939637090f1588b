"""The contract partners build on: `scores/{ISO3}/{cycle}/` reads exactly as DESIGN §6,
field by field, numbers as JSON numbers — worked out by hand from the answers of the
`world` fixture's validated Philippine assessment (tests/api/conftest.py)."""

import json

import pytest

from assessments import recompute
from assessments.models import ConsolidatedScore
from assessments.services import AnswerInput, mark_consolidation_stale
from tests.api.conftest import assert_error, client_for, validated

URL = "/api/v1/scores/{}/{}/"

# One validated assessment (perspective both, the 8 indicators of tests/factories.py):
#   H-INS-01 yes → 1 (w1)   H-LAB-01 5 → .5 (w1)   H-LAB-02 2 → .5 (w2)   H-DIA-01 n/a
#   V-SUB-01 no → 0        V-BIL-01 10 → 1         V-REG-01 unanswered    V-INT-01 40 → .4
# horizontal = (1 + .5 + 2×.5) / 4 = 62.5;  vertical = (0 + 1 + .4) / 3 = 46.666… → 46.67
# overall = (62.5 + 46.666…) / 2 = 54.5833… → 54.58 → established
EXPECTED = {
    "country": "PHL",
    "cycle": 2025,
    "framework": "2026.1",
    "overall": 54.58,
    "horizontal": 62.5,
    "vertical": 46.67,
    "band": "established",
    "divergence": None,  # one assessment: no indicator has two values
    "assessments": 1,
    "areas": [
        {"code": "asylum_protection", "score": 40.0, "coverage": 1.0},
        # n/a only: no value, and a coverage denominator of 0
        {"code": "diaspora_remittances", "score": None, "coverage": None},
        {"code": "institutional", "score": 50.0, "coverage": 1.0},
        {"code": "integration", "score": None, "coverage": 0.0},
        # (.5 + 2×.5 + 1) / 4
        {"code": "labour_migration", "score": 62.5, "coverage": 1.0},
    ],
    "dimensions": [
        {"code": "costs", "score": 75.0},
        {"code": "development", "score": None},
        {"code": "institutional", "score": 50.0},
        {"code": "integration", "score": None},
        {"code": "rights", "score": 46.67},  # (2×.5 + .4) / 3
    ],
    "links": [
        {"code": "national-bilateral", "score": 100.0},
        {"code": "national-international", "score": 40.0},
        {"code": "national-regional", "score": None},
        {"code": "national-subnational", "score": 0.0},
    ],
    "stale": False,
    "crosswalk": [],  # the factories' framework tags nothing (test_api_crosswalk.py tags it)
    "unmitigated": 0,  # no stock-taking (tests/stocktake/test_stocktake_api.py has some)
}

FIELDS = [
    "country",
    "cycle",
    "framework",
    "overall",
    "horizontal",
    "vertical",
    "band",
    "divergence",
    "assessments",
    "areas",
    "dimensions",
    "links",
    "stale",
    "computed_at",
    "crosswalk",
    "unmitigated",
]


@pytest.fixture
def partner(users):
    return client_for(users["partner"])


def test_a_consolidated_score_reads_exactly_as_design_6(world, partner):
    response = partner.get(URL.format("PHL", 2025))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == FIELDS
    for field, expected in EXPECTED.items():
        assert body[field] == expected, field
    stored = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    assert body["computed_at"] == stored.computed_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_numbers_are_json_numbers_never_strings(world, partner):
    raw = json.loads(partner.get(URL.format("PHL", 2025)).content)
    for field in ("overall", "horizontal", "vertical"):
        assert type(raw[field]) is float, field
    assert type(raw["assessments"]) is int and type(raw["cycle"]) is int
    assert type(raw["stale"]) is bool
    for entry in raw["areas"] + raw["dimensions"] + raw["links"]:
        assert entry["score"] is None or type(entry["score"]) is float
    assert all(a["coverage"] is None or type(a["coverage"]) is float for a in raw["areas"])
    assert b'"overall":54.58' in partner.get(URL.format("PHL", 2025)).content


def test_two_assessments_consolidate_with_their_divergence(world, users, catalogue, partner):
    # The DMW answers H-INS-01 "no" where the DOH said "yes": mean .5, spread 100.
    validated(
        catalogue["actors"]["PHL-DMW"],
        2025,
        focal=users["focal_phl"],
        reviewer=users["reviewer"],
        answers={"H-INS-01": AnswerInput(value=0)},
    )
    body = partner.get(URL.format("PHL", 2025)).json()
    assert body["assessments"] == 2
    assert body["divergence"] == 100.0
    assert body["horizontal"] == 50.0  # (.5 + .5 + 2×.5) / 4
    assert body["overall"] == 48.33  # (50 + 46.666…) / 2
    assert body["band"] == "developing"


def test_the_list_holds_the_same_objects_filtered_by_country_and_cycle(world, partner):
    one = partner.get(URL.format("PHL", 2025)).json()
    listed = partner.get("/api/v1/scores/?country=PHL&cycle=2025").json()
    assert listed["count"] == 1 and listed["results"] == [one]
    assert partner.get("/api/v1/scores/?cycle=2026").json()["count"] == 0


@pytest.mark.parametrize(
    ("country", "cycle"),
    [("PHL", 2026), ("MDA", 2026), ("GBR", 2025), ("ZZZ", 2025), ("PHL", 2024)],
)
def test_404_where_the_country_has_no_validated_assessment_in_that_cycle(
    world, partner, country, cycle
):
    error = assert_error(partner.get(URL.format(country, cycle)), 404, "not_found")
    assert country in error["message"]


def test_a_reopened_assessment_takes_the_score_away(world, users, partner):
    from assessments.services import reopen

    reopen(world["validated"], by=users["reviewer"], reason="New evidence.")
    # Until the recompute runs, the stored score is marked stale, never silently current.
    assert_error(partner.get(URL.format("PHL", 2025)), 404)
    recompute.recompute_consolidation("PHL", 2025)
    assert_error(partner.get(URL.format("PHL", 2025)), 404)
    assert partner.get("/api/v1/scores/").json()["count"] == 0


def test_a_stale_score_says_so(world, partner):
    mark_consolidation_stale("PHL", 2025)
    body = partner.get(URL.format("PHL", 2025)).json()
    assert body["stale"] is True
    assert body["overall"] == EXPECTED["overall"]


def test_lowercase_country_codes_are_read_as_iso3(world, partner):
    assert partner.get(URL.format("phl", 2025)).json()["country"] == "PHL"


def test_a_focal_point_reads_only_its_own_countrys_scores(world, users):
    assert client_for(users["focal_phl"]).get(URL.format("PHL", 2025)).status_code == 200
    mda = client_for(users["focal_mda"])
    assert_error(mda.get(URL.format("PHL", 2025)), 404)
    assert mda.get("/api/v1/scores/").json()["count"] == 0
