"""The cross-country comparison lists every country with validated scores in a cycle, in a
table sortable on the server (and in the browser), with a scatter of horizontal against
vertical coherence and a heatmap of countries × dimensions built from the stored numbers."""

import pandas as pd
import pytest

from assessments.dashboards import charts
from tests.dashboards.conftest import figure, table_rows


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


def column(response, name: str) -> list:
    header = response.context["tables"]["countries"]["header"]
    return [row[header.index(name)] for row in table_rows(response, "countries")]


def test_latest_cycle_lists_every_country_with_scores(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/compare/")
    assert response.status_code == 200
    assert response.context["cycle"] == 2026
    assert response.context["cycles"] == [2026, 2025]
    assert column(response, "country") == ["GBR", "MDA", "PHL"]  # by code by default
    assert column(response, "overall") == [75, 40, 63.42]
    assert column(response, "institutional") == [None, 20, 66]
    assert column(response, "costs") == [None, 60, 40.5]


def test_scatter_of_horizontal_against_vertical(reviewer_client, known_scores):
    scatter = figure(reviewer_client.get("/dashboards/compare/"), "scatter")["data"][0]
    # GBR has no vertical score: it is in the table, not in the scatter
    assert scatter["customdata"] == ["MDA", "PHL"]
    assert scatter["text"] == ["Moldova", "Philippines"]
    assert scatter["x"] == [30, 58.1]
    assert scatter["y"] == [50, 68.74]


def test_heatmap_of_countries_by_dimension(reviewer_client, known_scores):
    heat = figure(reviewer_client.get("/dashboards/compare/"), "heatmap")["data"][0]
    assert heat["y"] == ["GBR", "MDA", "PHL"]
    assert heat["x"] == ["institutional", "costs", "rights", "integration", "development"]
    assert heat["z"] == [
        [None, None, None, None, 75],
        [20, 60, None, None, None],
        [66, 40.5, 80, None, None],
    ]


def test_another_cycle(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/compare/?cycle=2025")
    assert column(response, "country") == ["PHL"]
    assert column(response, "overall") == [50]


def test_a_cycle_without_scores_shows_an_empty_state(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/compare/?cycle=2031")
    assert response.status_code == 200
    assert b"No validated scores" in response.content


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("overall", ["MDA", "PHL", "GBR"]),
        ("-overall", ["GBR", "PHL", "MDA"]),
        ("vertical", ["MDA", "PHL", "GBR"]),  # a missing value goes last either way
        ("-vertical", ["PHL", "MDA", "GBR"]),
        ("-name", ["GBR", "PHL", "MDA"]),
        ("divergence", ["GBR", "PHL", "MDA"]),
    ],
)
def test_server_side_sort(reviewer_client, known_scores, sort, expected):
    response = reviewer_client.get(f"/dashboards/compare/?sort={sort}")
    assert column(response, "country") == expected


def test_header_links_sort_and_toggle(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/compare/?cycle=2026&sort=overall")
    columns = {c["key"]: c for c in response.context["tables"]["countries"]["columns"]}
    assert columns["overall"]["aria"] == "ascending"
    assert "sort=-overall" in columns["overall"]["url"]
    assert "cycle=2026" in columns["overall"]["url"]
    assert "sort=vertical" in columns["vertical"]["url"]
    assert b'class="data sortable"' in response.content


@pytest.mark.parametrize("query", ["sort=bogus", "sort=--overall", "cycle=twenty"])
def test_unknown_sort_or_cycle_is_a_400(reviewer_client, known_scores, query):
    response = reviewer_client.get(f"/dashboards/compare/?{query}")
    assert response.status_code == 400
    assert response.context["message"]


def test_rows_link_to_each_country_dashboard(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/compare/")
    links = [r["link"] for r in response.context["tables"]["countries"]["display"]]
    assert links[0] == "/dashboards/country/GBR/?cycle=2026"


def test_no_scores_at_all(reviewer_client, catalogue):
    response = reviewer_client.get("/dashboards/compare/")
    assert response.status_code == 200
    assert b"No validated scores" in response.content


def test_scatter_labels_are_dropped_for_many_countries():
    frame = pd.DataFrame(
        {
            "country": [f"C{i:02d}" for i in range(50)],
            "horizontal": range(50),
            "vertical": range(50),
        }
    )
    trace = charts.comparison_scatter(frame, title="t")["data"][0]
    assert trace["mode"] == "markers" and len(trace["x"]) == 50
