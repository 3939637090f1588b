"""Actors' interests: a country's actors × policy areas by priority, and the areas where
their priorities collide (three points or more apart)."""

import pandas as pd
import pytest

from actors.models import Interest
from assessments.dashboards.interests import priority_collisions
from coherence.choices import AREA_CODES
from tests.dashboards.conftest import figure, table_rows

PRIORITIES = {
    "PHL-DMW": {"labour_migration": 5, "health": 2, "integration": 3},
    "PHL-DOH": {"labour_migration": 2, "health": 5},
    "PHL-NAGA": {"labour_migration": 4, "integration": 1},
    "MDA-BMA": {"labour_migration": 1},  # another country's actor: not on PHL's page
}


@pytest.fixture
def interests(catalogue):
    for actor, areas in PRIORITIES.items():
        for area, priority in areas.items():
            Interest.objects.create(
                actor=catalogue["actors"][actor], area_id=area, priority=priority
            )


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


def test_heatmap_of_actors_by_area(reviewer_client, interests):
    response = reviewer_client.get("/dashboards/interests/PHL/")
    assert response.status_code == 200
    trace = figure(response, "interests")["data"][0]
    assert trace["y"] == ["PHL-DMW", "PHL-DOH", "PHL-NAGA"]
    assert trace["x"] == list(AREA_CODES)
    z = {
        actor: dict(zip(trace["x"], row, strict=True))
        for actor, row in zip(trace["y"], trace["z"], strict=True)
    }
    assert z["PHL-DMW"]["labour_migration"] == 5
    assert z["PHL-DMW"]["health"] == 2
    assert z["PHL-DMW"]["integration"] == 3
    assert z["PHL-DOH"]["health"] == 5
    assert z["PHL-NAGA"]["integration"] == 1
    assert z["PHL-NAGA"]["health"] is None  # no stated interest: a gap, not 0
    assert (trace["zmin"], trace["zmax"]) == (1, 5)


def test_collisions_are_areas_three_or_more_points_apart(reviewer_client, interests):
    response = reviewer_client.get("/dashboards/interests/PHL/")
    rows = table_rows(response, "collisions")
    assert [(r[0], r[2], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("health", 3, 5, "PHL-DOH", 2, "PHL-DMW"),
        ("labour_migration", 3, 5, "PHL-DMW", 2, "PHL-DOH"),
    ]
    # integration differs by 2 only; MDA's 1 on labour migration is not PHL's
    shapes = figure(response, "interests")["layout"]["shapes"]
    outlined = [AREA_CODES[int(s["x0"] + 0.5)] for s in shapes]
    assert outlined == ["health", "labour_migration"]


def test_priorities_table_matches_the_chart(reviewer_client, interests):
    response = reviewer_client.get("/dashboards/interests/PHL/")
    rows = {r[0]: r for r in table_rows(response, "priorities")}
    header = response.context["tables"]["priorities"]["header"]
    assert rows["PHL-DOH"][header.index("health")] == 5
    assert rows["PHL-DOH"][header.index("integration")] is None
    assert rows["PHL-DMW"][1] == "Department of Migrant Workers"


def test_a_country_without_actors(reviewer_client, interests):
    response = reviewer_client.get("/dashboards/interests/GBR/")
    assert response.status_code == 200
    assert b"No actor of this country" in response.content


def test_an_unknown_country_is_a_404(reviewer_client, interests):
    assert reviewer_client.get("/dashboards/interests/ZZZ/").status_code == 404


def test_collisions_are_pure():
    frame = pd.DataFrame(
        [("A", "x", 1), ("B", "x", 5), ("C", "x", 5), ("A", "y", 2), ("B", "y", 4)],
        columns=["actor", "area", "priority"],
    )
    assert priority_collisions(frame) == [
        {
            "area": "x",
            "difference": 4,
            "high": 5,
            "high_actors": ["B", "C"],
            "low": 1,
            "low_actors": ["A"],
        }
    ]
    assert priority_collisions(frame, gap=2)[1]["area"] == "y"
    assert priority_collisions(frame.iloc[0:0]) == []
