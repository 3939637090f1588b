"""A country's dashboard shows its stored consolidated scores — overall and band,
horizontal and vertical, the dimensions, links, areas with coverage, the trend and the
ministries' divergence — in charts whose numbers are those stored, and an explanatory
empty state where there is nothing validated."""

import pytest

from assessments.dashboards import charts
from tests.dashboards.conftest import PHL_2026, figure, table_rows


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


def test_latest_cycle_by_default_with_its_headline_figures(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/country/PHL/")
    assert response.status_code == 200
    assert response.context["cycle"] == 2026
    summary = dict(table_rows(response, "summary"))
    assert summary["overall"] == 63.42
    assert summary["band"] == "established"
    assert summary["horizontal"] == 58.1
    assert summary["vertical"] == 68.74
    assert summary["divergence"] == 12.5
    assert summary["assessments"] == 3
    assert b"63.42" in response.content and b"Established" in response.content
    chart = figure(response, "summary")["data"][0]
    assert chart["x"] == ["overall", "horizontal", "vertical"]
    assert chart["y"] == [63.42, 58.1, 68.74]


def test_dimensions_and_links_in_the_vocabulary_order(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/country/PHL/")
    dims = figure(response, "dimensions")["data"][0]
    # stored as rights, institutional, costs; shown in the PICMD order; absent ones left out
    assert dims["y"] == ["institutional", "costs", "rights"]
    assert dims["x"] == [66.0, 40.5, 80.0]
    assert dims["orientation"] == "h"
    links = figure(response, "links")["data"][0]
    assert links["y"] == ["national-subnational", "national-international"]
    assert links["x"] == [55.0, 82.48]
    assert table_rows(response, "links")[1][::2] == ["national-international", 82.48]


def test_areas_with_score_and_coverage(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/country/PHL/")
    score, coverage = figure(response, "areas")["data"]
    # the policy areas' own order: labour_migration, integration, ..., institutional; an
    # area with no score is left out of the chart (never drawn as 0) and named in a note
    assert score["y"] == ["labour_migration", "institutional"]
    assert score["x"] == [71.2, 50.0]
    assert coverage["x"] == [90.0, 100.0]
    assert coverage["xaxis"] == "x2"  # its own 0–100 % axis
    layout = figure(response, "areas")["layout"]
    assert layout["xaxis"]["range"] == layout["xaxis2"]["range"] == [0, 100]
    assert figure(response, "areas")["notes"][0].lower() == "no score yet: integration."
    rows = table_rows(response, "areas")
    assert [r[0] for r in rows] == ["labour_migration", "integration", "institutional"]
    assert rows[0][2:] == [71.2, 0.9]


def test_trend_across_cycles(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/country/PHL/")
    overall, horizontal, vertical = figure(response, "trend")["data"]
    assert overall["x"] == [2025, 2026]
    assert overall["y"] == [50.0, 63.42]
    assert horizontal["y"] == [45.0, 58.1]
    assert vertical["y"] == [55.0, 68.74]
    assert [r[0] for r in table_rows(response, "trend")] == [2025, 2026]


def test_divergence_widest_first_with_the_question(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/country/PHL/")
    bars = figure(response, "divergence")["data"][0]
    assert bars["y"] == ["H-INS-01", "H-LAB-01", "V-SUB-01"]  # H-DIA-01 has one view only
    assert bars["x"] == [100, 50, 0]
    assert "Question H-INS-01?" in bars["customdata"][0]
    rows = table_rows(response, "divergence")
    assert rows[0] == ["H-INS-01", "Question H-INS-01?", 50, 100, 2]
    assert rows[1][2:4] == [75, 50]


def test_the_question_is_in_the_users_language(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/country/PHL/", HTTP_ACCEPT_LANGUAGE="fr")
    rows = table_rows(response, "divergence")
    assert rows[0][1] == "Question H-INS-01 ?"
    assert "Question H-INS-01 ?" in response.content.decode()


def test_an_earlier_cycle(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/country/PHL/?cycle=2025")
    assert response.context["cycle"] == 2025
    assert dict(table_rows(response, "summary"))["overall"] == 50.0
    assert figure(response, "divergence")["data"] == []  # nothing to chart: a sentence


def test_a_country_without_validated_scores_has_an_explanatory_empty_state(
    reviewer_client, known_scores
):
    response = reviewer_client.get("/dashboards/country/CHE/")
    assert response.status_code == 200
    assert "charts" not in response.context or not response.context.get("charts")
    assert b"No validated scores yet" in response.content
    assert b"has no validated assessment" in response.content


def test_a_cycle_without_scores_says_so_and_offers_the_others(reviewer_client, known_scores):
    response = reviewer_client.get("/dashboards/country/PHL/?cycle=2030")
    assert response.status_code == 200
    assert b"no validated assessment in 2030" in response.content
    assert b'href="?cycle=2026"' in response.content


def test_stale_scores_carry_a_notice(reviewer_client, make_score):
    make_score("PHL", 2026, PHL_2026, stale=True)
    response = reviewer_client.get("/dashboards/country/PHL/")
    assert b"being recomputed" in response.content


def test_scores_of_no_validated_assessment_are_not_shown(reviewer_client, make_score):
    make_score("PHL", 2026, {**PHL_2026, "assessments": 0})
    response = reviewer_client.get("/dashboards/country/PHL/")
    assert b"No validated scores yet" in response.content


@pytest.mark.parametrize(
    "url", ["/dashboards/country/PHL/?cycle=last", "/dashboards/country/PHL/?cycle=1999"]
)
def test_a_malformed_cycle_is_a_400(reviewer_client, known_scores, url):
    response = reviewer_client.get(url)
    assert response.status_code == 400
    assert b"Unknown cycle" in response.content


def test_an_unknown_country_is_a_404(reviewer_client, known_scores):
    assert reviewer_client.get("/dashboards/country/ZZZ/").status_code == 404
    assert reviewer_client.get("/dashboards/country/PH1/").status_code == 404


def test_charts_carry_no_nan_and_are_pure():
    figure = charts.bar_chart(["a", "b"], [float("nan"), 3.0], title="t", filename="f")
    assert figure["data"][0]["y"] == [3] and figure["notes"] == ["No score yet: a."]
    assert charts.number(float("inf")) is None
    assert charts.number(2.5) == 2.5
    figure = charts.dimensions_chart([{"code": "costs", "score": None}], title="t")
    assert figure["data"] == [] and figure["sentence"] == "Nothing to chart: no score yet."
    figure = charts.dimensions_chart(
        [{"code": "costs", "score": 20.0}, {"code": "rights", "score": 40.0}], title="t"
    )
    assert figure["config"]["displayModeBar"] is True
    assert figure["config"]["toImageButtonOptions"]["format"] == "png"


def test_catalogue_text_reaches_the_charts_inert():
    figure = charts.divergence_chart(
        [{"code": "H-1", "question": "<a href='x'>Why</a> & how?", "spread": 50}], title="t"
    )
    assert "&lt;a href='x'&gt;Why&lt;/a&gt; &amp; how?" in figure["data"][0]["customdata"][0]
    axis = charts.areas_chart(
        [{"code": "health", "score": 1, "coverage": 1}],
        order=["health"],
        labels={"health": "<b>Health</b>"},
        title="t",
    )["layout"]["yaxis"]
    assert axis["ticktext"] == ["&lt;b&gt;Health&lt;/b&gt;"]


def test_the_divergence_table_rounds_half_away_as_the_stored_scores_do(
    reviewer_client, make_score, make_spreads
):
    """Four ministries' 0.483, 0.667, 0.388 and 0.807 consolidate to 0.58625, computed as
    0.5862499999999999: published half away from zero it is 58.63 (DESIGN §4), by the one
    rounding the scores use — not 58.62, as a rounding of the float's shortest text gave."""
    from assessments.scoring import round_half_away

    value = sum([0.483, 0.667, 0.388, 0.807]) / 4
    assert round_half_away(100 * value, 2) == 58.63
    make_score("PHL", 2026, PHL_2026)
    make_spreads("PHL", 2026, {"H-INS-01": (value, 100 * (0.807 - 0.388), 4)})
    response = reviewer_client.get("/dashboards/country/PHL/")
    assert table_rows(response, "divergence")[0][2:5] == [58.63, 41.9, 4]
