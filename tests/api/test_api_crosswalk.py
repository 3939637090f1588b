"""`crosswalk/` and the `crosswalk` of every consolidated score (DESIGN §4, §6), worked out by
hand from the `world` fixture's validated Philippine assessment (tests/api/conftest.py) with
the factories' indicators tagged as below."""

import csv
import io

import pytest

from assessments import recompute
from assessments.models import ConsolidatedScore, Indicator
from assessments.services import AnswerInput
from tests.api.conftest import assert_error, client_for, validated

URL = "/api/v1/crosswalk/"

# PHL 2025, one validated assessment of perspective both (answers in tests/api/conftest.py):
#   H-INS-01 yes → 1 (w1)   H-LAB-02 2 → .5 (w2)   H-DIA-01 n/a   V-REG-01 unanswered
#   V-BIL-01 10 → 1 (w1)    V-INT-01 40 → .4 (w1)
TAGS = {
    "H-INS-01": ["SDG-10.7.2-D2", "GCM-1", "MIGOF-P2"],
    "H-LAB-02": ["GCM-5", "SDG-10.7.2-D2"],
    "H-DIA-01": ["GCM-19"],
    "V-REG-01": ["MGI-D3"],
    "V-BIL-01": ["MGI-D3", "SDG-10.7.2-D3"],
    "V-INT-01": ["SDG-10.7.2-D1", "SDG-10.7"],
}
EXPECTED = [
    {"framework": "GCM", "code": "GCM-1", "score": 100.0, "coverage": 1.0, "category": None},
    {"framework": "GCM", "code": "GCM-5", "score": 50.0, "coverage": 1.0, "category": None},
    # answered n/a only: no value, and a coverage denominator of 0
    {"framework": "GCM", "code": "GCM-19", "score": None, "coverage": None, "category": None},
    # 40 → partially meets (from 40)
    {
        "framework": "SDG-10.7.2",
        "code": "SDG-10.7.2-D1",
        "score": 40.0,
        "coverage": 1.0,
        "category": "partially_meets",
    },
    # (1×1 + 2×.5) / 3 = 66.666… → 66.67
    {
        "framework": "SDG-10.7.2",
        "code": "SDG-10.7.2-D2",
        "score": 66.67,
        "coverage": 1.0,
        "category": "partially_meets",
    },
    {
        "framework": "SDG-10.7.2",
        "code": "SDG-10.7.2-D3",
        "score": 100.0,
        "coverage": 1.0,
        "category": "fully_meets",
    },
    # V-BIL-01 1, V-REG-01 unanswered: 100, coverage 1 / 2
    {"framework": "MGI", "code": "MGI-D3", "score": 100.0, "coverage": 0.5, "category": None},
]
# Every other scored tag (GCM-4, SDG-10.7.2-D4, MGI-D1, …) has no indicator: left out;
# SDG-10.7 and MIGOF-P2 are not scored.


@pytest.fixture
def tagged(world):
    for code, tags in TAGS.items():
        Indicator.objects.filter(code=code).update(crosswalk=tags)
    recompute.recompute_consolidation("PHL", 2025)
    return world


@pytest.fixture
def partner(users):
    return client_for(users["partner"])


def rows_of(entries, country="PHL", cycle=2025):
    return [{"country": country, "cycle": cycle, **entry} for entry in entries]


def test_every_consolidated_score_carries_its_crosswalk(tagged, partner):
    one = partner.get("/api/v1/scores/PHL/2025/").json()
    assert list(one)[-2:] == ["crosswalk", "unmitigated"]  # DESIGN §6, in its order
    assert one["crosswalk"] == EXPECTED
    # The documented key order, whatever order the database keeps them in.
    assert all(
        list(e) == ["framework", "code", "score", "coverage", "category"] for e in one["crosswalk"]
    )
    listed = partner.get("/api/v1/scores/?country=PHL").json()["results"]
    assert listed[0]["crosswalk"] == EXPECTED


def test_the_full_recompute_writes_the_same_crosswalk(tagged):
    stored = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    assert stored.crosswalk == EXPECTED
    ConsolidatedScore.objects.update(crosswalk=[])
    recompute.recompute_all()  # the binary COPY on PostgreSQL, bulk_create elsewhere
    assert ConsolidatedScore.objects.get(country_id="PHL", cycle=2025).crosswalk == EXPECTED
    ConsolidatedScore.objects.update(crosswalk=[])
    recompute.recompute_country_cycles([("PHL", 2025)])
    assert ConsolidatedScore.objects.get(country_id="PHL", cycle=2025).crosswalk == EXPECTED


def test_one_row_per_country_cycle_and_tag_in_order(tagged, partner):
    body = partner.get(URL).json()
    assert body["count"] == len(EXPECTED)
    assert body["results"] == rows_of(EXPECTED)
    assert list(body["results"][0]) == [
        "country",
        "cycle",
        "framework",
        "code",
        "score",
        "coverage",
        "category",
    ]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("framework=GCM", ["GCM-1", "GCM-5", "GCM-19"]),
        ("framework=SDG-10.7.2", ["SDG-10.7.2-D1", "SDG-10.7.2-D2", "SDG-10.7.2-D3"]),
        ("framework=MGI&country=PHL&cycle=2025", ["MGI-D3"]),
        ("country=phl", [e["code"] for e in EXPECTED]),
        ("cycle=2026", []),  # PHL 2026 has no validated assessment
        ("country=MDA", []),
    ],
)
def test_filters(tagged, partner, query, codes):
    body = partner.get(f"{URL}?{query}").json()
    assert [row["code"] for row in body["results"]] == codes
    assert body["count"] == len(codes)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("framework=SDG", "framework"),
        ("framework=gcm", "framework"),
        ("country=ZZZ", "country"),
        ("country=PH", "country"),
        ("cycle=1999", "cycle"),
        ("cycle=abc", "cycle"),
        ("tag=GCM-1", "tag"),
        ("page=0", "page"),
    ],
)
def test_bad_filters_are_400s_naming_them(tagged, partner, query, names):
    error = assert_error(partner.get(f"{URL}?{query}"), 400)
    assert names in error["details"], error


def test_pages(tagged, partner):
    first = partner.get(f"{URL}?page_size=3").json()
    assert first["count"] == 7 and len(first["results"]) == 3
    assert first["results"] == rows_of(EXPECTED)[:3]
    last = partner.get(f"{URL}?page_size=3&page=3").json()
    assert last["results"] == rows_of(EXPECTED)[6:] and last["next"] is None
    assert_error(partner.get(f"{URL}?page_size=3&page=4"), 404)


def test_csv(tagged, partner):
    response = partner.get(f"{URL}?format=csv&framework=SDG-10.7.2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["code"] for r in rows] == ["SDG-10.7.2-D1", "SDG-10.7.2-D2", "SDG-10.7.2-D3"]
    assert rows[1] == {
        "country": "PHL",
        "cycle": "2025",
        "framework": "SDG-10.7.2",
        "code": "SDG-10.7.2-D2",
        "score": "66.67",
        "coverage": "1.0",
        "category": "partially_meets",
    }


def test_who_reads_it(tagged, users):
    assert_error(client_for(None).get(URL), 401)
    # DESIGN §7, as scores/: a focal point its own country's consolidated scores only.
    assert client_for(users["focal_phl"]).get(URL).json()["count"] == 7
    assert client_for(users["focal_mda"]).get(URL).json()["count"] == 0
    assert client_for(users["focal_mda"]).get(f"{URL}?country=PHL").json()["count"] == 0
    assert client_for(users["reviewer"]).get(URL).json()["count"] == 7


def test_only_validated_consolidated_scores(tagged, users, partner):
    from assessments.services import reopen

    reopen(tagged["validated"], by=users["reviewer"], reason="Check the figures.")
    assert partner.get(URL).json()["count"] == 0


def test_a_second_country_sorts_after_the_first(tagged, users, catalogue, partner):
    validated(
        catalogue["actors"]["MDA-BMA"],
        2024,
        focal=users["focal_mda"],
        reviewer=users["reviewer"],
        answers={"V-INT-01": AnswerInput(value=90)},
    )
    rows = partner.get(f"{URL}?framework=SDG-10.7.2").json()["results"]
    assert [(r["country"], r["cycle"], r["code"]) for r in rows] == [
        ("MDA", 2024, "SDG-10.7.2-D1"),
        ("MDA", 2024, "SDG-10.7.2-D2"),
        ("MDA", 2024, "SDG-10.7.2-D3"),
        ("PHL", 2025, "SDG-10.7.2-D1"),
        ("PHL", 2025, "SDG-10.7.2-D2"),
        ("PHL", 2025, "SDG-10.7.2-D3"),
    ]
    assert rows[0]["score"] == 90.0 and rows[0]["category"] == "meets"
    assert rows[1]["score"] is None and rows[1]["category"] is None


def test_the_schema_says_it_is_indicative(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    notice = "An indicative crosswalk from a self-assessment, not an official SDG 10.7.2 return."
    assert notice in schema["paths"]["/api/v1/crosswalk/"]["get"]["description"]
    score = schema["components"]["schemas"]["ConsolidatedScore"]["properties"]
    assert notice in score["crosswalk"]["description"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/crosswalk/"]["get"]["parameters"]}
    assert {"framework", "country", "cycle", "page", "page_size"} <= parameters
