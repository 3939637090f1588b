"""Query counts pinned on every list, at 35 rows or more, so an N+1 fails here instead of
on a partner's nightly pull. Counted warm: the token, its user and role come from the
cache (a cold request adds one query for the token and one for the role)."""

import pytest
from django.utils import timezone

from actors.models import Actor, Interest
from assessments.models import Assessment, ConsolidatedScore, Indicator
from coherence.choices import AREA_CODES
from instruments.models import Instrument, Interaction
from tests.api.conftest import client_for

API = "/api/v1/"
ROWS = 35


@pytest.fixture
def big(catalogue, users):
    """35 and more of everything: actors with interests and parents, instruments with
    levels, owners, countries and areas, interactions, indicators, assessments, scores."""
    actors = Actor.objects.bulk_create(
        Actor(
            code=f"PHL-A{n:02}",
            name=f"Agency {n}",
            type="line_ministry",
            level="national",
            country_id="PHL",
            parent=catalogue["actors"]["PHL-DMW"],
        )
        for n in range(ROWS)
    )
    Interest.objects.bulk_create(
        Interest(actor=actor, area_id=area, priority=3)
        for actor in actors
        for area in AREA_CODES[:3]
    )
    instruments = Instrument.objects.bulk_create(
        Instrument(code=f"PHL-I{n:02}", name=f"Instrument {n}", tool_type_id="policy")
        for n in range(ROWS)
    )
    for n, instrument in enumerate(instruments):
        instrument.levels.set(["national", "bilateral"])
        instrument.owners.set(actors[n : n + 2])
        instrument.countries.set(["PHL", "CHE"])
        instrument.areas.set(AREA_CODES[n % 5 : n % 5 + 2])
    Interaction.objects.bulk_create(
        Interaction(source=a, target=b, score=(n % 7) - 3, rationale="r")
        for n, (a, b) in enumerate(zip(instruments, instruments[1:] + instruments[:1], strict=True))
    )
    framework = catalogue["framework"]
    Indicator.objects.bulk_create(
        Indicator(
            version=framework,
            code=f"H-EXT-{n:02}",
            dimension="costs",
            coherence_type="horizontal",
            area_id="health",
            perspective="both",
            stage="input",
            answer_type="percent",
            question_en="?",
            crosswalk=["GCM-4", "SDG-10.7.2-D1"],
        )
        for n in range(ROWS)
    )
    Assessment.objects.bulk_create(
        Assessment(
            country_id="PHL",
            cycle=2000 + n,
            actor=actor,
            framework=framework,
            state=state,
        )
        for n in range(ROWS)
        for actor, state in (
            (catalogue["actors"]["PHL-DMW"], "draft"),
            (catalogue["actors"]["PHL-DOH"], "validated"),
        )
    )
    area_scores = [{"code": code, "score": 50.0, "coverage": 0.5} for code in AREA_CODES]
    ConsolidatedScore.objects.bulk_create(
        ConsolidatedScore(
            country_id="PHL",
            cycle=2000 + n,
            framework=framework,
            overall=50.0,
            horizontal=50.0,
            vertical=50.0,
            band="established",
            divergence=10.0,
            assessments=1,
            areas=area_scores,
            dimensions=[{"code": "costs", "score": 50.0}],
            links=[{"code": "national-regional", "score": 50.0}],
            crosswalk=[
                {
                    "framework": "GCM",
                    "code": "GCM-4",
                    "score": 50.0,
                    "coverage": 1.0,
                    "category": None,
                },
                {
                    "framework": "SDG-10.7.2",
                    "code": "SDG-10.7.2-D1",
                    "score": 50.0,
                    "coverage": 1.0,
                    "category": "partially_meets",
                },
            ],
            computed_at=timezone.now(),
        )
        for n in range(ROWS)
    )


# (path, role, at least this many rows, at most this many queries)
LISTS = [
    ("levels/", "partner", 5, 2),
    ("tool-types/", "partner", 7, 2),
    ("areas/", "partner", 18, 2),
    ("actors/", "partner", ROWS, 3),  # count, page with parents, interests
    ("actors/?country=PHL&format=csv", "partner", ROWS, 4),  # + the country exists
    ("instruments/", "partner", ROWS, 6),  # count, page, levels, owners, countries, areas
    ("instruments/?country=PHL&level=national", "partner", ROWS, 7),
    ("interactions/", "partner", ROWS, 3),  # count, page, mitigations
    ("indicators/", "partner", ROWS, 3),  # the current version, count, page
    ("indicators/?crosswalk=GCM-4", "partner", ROWS, 4),  # + the tagged ids
    ("grid/?country=PHL", "partner", 35, 2),  # the country exists, the grid
    ("assessments/", "focal_phl", ROWS, 3),  # count, page, the page's unread comments
    ("assessments/?country=PHL&state=draft", "focal_phl", ROWS, 4),
    ("assessments/", "reviewer", ROWS, 3),
    # count, page, the page's unmitigated incoherences (two queries; then cached until the
    # scores change)
    ("scores/", "partner", ROWS, 4),
    ("scores/?country=PHL", "reviewer", ROWS, 5),  # + the country exists
    ("crosswalk/", "partner", ROWS, 1),  # the scores' entries, paged in memory
    ("crosswalk/?country=PHL&framework=SDG-10.7.2&format=csv", "reviewer", ROWS, 2),
    ("crosswalk/?cycle=2010", "focal_phl", 2, 1),
]


@pytest.mark.parametrize(("path", "role", "rows", "queries"), LISTS, ids=[p for p, *_ in LISTS])
def test_list_queries_are_pinned(
    big, users, django_assert_max_num_queries, path, role, rows, queries
):
    client = client_for(users[role])
    separator = "&" if "?" in path else "?"
    url = f"{API}{path}{separator}page_size=100"
    client.get(API + "levels/")  # warm the token
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    if "format=csv" in path:
        assert response.content.count(b"\r\n") - 1 >= rows
    else:
        assert len(response.json()["results"]) >= rows


@pytest.mark.parametrize("query", ["", "?country=PHL&cycle=2010"])
def test_a_warm_scores_list_costs_no_query(big, users, django_assert_num_queries, query):
    client = client_for(users["partner"])
    first = client.get(API + "scores/" + query)
    with django_assert_num_queries(0):
        again = client.get(API + "scores/" + query)
    assert again.content == first.content and again["ETag"] == first["ETag"]


def test_one_warm_score_costs_no_query(big, users, django_assert_num_queries):
    client = client_for(users["partner"])
    client.get(API + "scores/PHL/2010/")
    with django_assert_num_queries(0):
        assert client.get(API + "scores/PHL/2010/").json()["cycle"] == 2010


def test_one_assessment_with_its_answers_is_bounded(world, users, django_assert_max_num_queries):
    client = client_for(users["reviewer"])
    client.get(API + "levels/")
    with django_assert_max_num_queries(
        4
    ):  # the assessment, its answers, unread comments, documents
        assert client.get(f"{API}assessments/{world['validated'].pk}/").status_code == 200


def test_a_cold_token_adds_two_queries_at_most(big, users, django_assert_max_num_queries):
    client = client_for(users["partner"])
    with django_assert_max_num_queries(2 + 5):  # the token, the role; then as warm
        assert client.get(API + "scores/").status_code == 200
