"""The country dashboard's crosswalk (DESIGN §4, §6): a chart per framework with the stored
scores named, a table with the SDG 10.7.2 categories as the UN names them, the exports, and
everywhere the notice that it is indicative, not an official 10.7.2 return."""

import csv
import io

import pytest
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from tests.dashboards.conftest import PHL_2026, figure, table_rows

NOTICE = "An indicative crosswalk from a self-assessment, not an official SDG 10.7.2 return."
CROSSWALK = [
    {"framework": "GCM", "code": "GCM-4", "score": 55.5, "coverage": 1.0, "category": None},
    {"framework": "GCM", "code": "GCM-12", "score": None, "coverage": 0.0, "category": None},
    {
        "framework": "SDG-10.7.2",
        "code": "SDG-10.7.2-D1",
        "score": 80.0,
        "coverage": 0.5,
        "category": "meets",
    },
    {
        "framework": "SDG-10.7.2",
        "code": "SDG-10.7.2-D5",
        "score": 39.99,
        "coverage": 1.0,
        "category": "requires_further_progress",
    },
]


@pytest.fixture
def reviewer_client(client, users, make_score):
    make_score("PHL", 2026, PHL_2026, crosswalk=CROSSWALK)
    client.force_login(users["reviewer"])
    return client


def crosswalk_figure(response, framework):
    return next(c["figure"] for c in figure(response, "crosswalk") if c["framework"] == framework)


def test_a_chart_per_framework_with_the_stored_scores_named(reviewer_client):
    response = reviewer_client.get("/dashboards/country/PHL/")
    assert response.status_code == 200
    # MGI lists nothing: no chart for it.
    assert [c["framework"] for c in figure(response, "crosswalk")] == ["GCM", "SDG-10.7.2"]
    gcm = crosswalk_figure(response, "GCM")
    # a null score is never drawn as 0: it is left out, and a note names it
    assert gcm["data"][0]["y"] == ["GCM-4"]
    assert gcm["data"][0]["x"] == [55.5]
    assert gcm["notes"] == [
        "No score yet: GCM-12 · Certainty in procedures: screening, assessment, referral."
    ]
    assert gcm["layout"]["xaxis"]["range"] == [0, 100]
    assert gcm["layout"]["yaxis"]["ticktext"] == [
        "GCM-4 · Legal identity and adequate documentation"
    ]
    sdg = crosswalk_figure(response, "SDG-10.7.2")
    assert sdg["data"][0]["x"] == [80.0, 39.99]
    assert "Meets" in sdg["data"][0]["customdata"][0]
    content = response.content.decode()
    assert 'id="chart-crosswalk-GCM"' in content and 'id="chart-crosswalk-SDG-10.7.2"' in content


def test_the_table_names_the_10_7_2_categories_and_says_what_it_is(reviewer_client):
    response = reviewer_client.get("/dashboards/country/PHL/")
    rows = table_rows(response, "crosswalk")
    assert rows[:4] == [
        ["GCM", "GCM-4", "Legal identity and adequate documentation", 55.5, 1.0, None],
        [
            "GCM",
            "GCM-12",
            "Certainty in procedures: screening, assessment, referral",
            None,
            0.0,
            None,
        ],
        ["SDG-10.7.2", "SDG-10.7.2-D1", "Migrant rights", 80.0, 0.5, "Meets"],
        [
            "SDG-10.7.2",
            "SDG-10.7.2-D5",
            "Mobility dimensions of crises",
            39.99,
            1.0,
            "Requires further progress",
        ],
    ]
    assert rows[4] == ["note", None, NOTICE, None, None, None]
    content = response.content.decode()
    assert content.count(NOTICE) >= 1 and "Requires further progress" in content


def test_the_exports_carry_the_crosswalk_and_its_note(reviewer_client):
    response = reviewer_client.get("/dashboards/country/PHL/?export=csv&table=crosswalk")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["framework", "code", "name", "score", "coverage", "category"]
    assert rows[3][1] == "SDG-10.7.2-D1" and rows[3][5] == "Meets"
    assert rows[-1][0] == "note" and rows[-1][2] == NOTICE
    workbook = load_workbook(
        io.BytesIO(reviewer_client.get("/dashboards/country/PHL/?export=xlsx").content)
    )
    sheet = workbook["crosswalk"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:4] == ["GCM", "GCM-4", "Legal identity and adequate documentation", 55.5]
    assert values[-1][0] == "note" and values[-1][2] == NOTICE


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_notice_is_translated(reviewer_client, language):
    response = reviewer_client.get("/dashboards/country/PHL/", HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language):
        translated = translation.gettext(NOTICE)
    assert translated != NOTICE
    assert escape(translated) in response.content.decode()


def test_a_score_without_crosswalk_says_so(client, users, make_score):
    make_score("PHL", 2026, PHL_2026)
    client.force_login(users["reviewer"])
    response = client.get("/dashboards/country/PHL/")
    assert figure(response, "crosswalk") == []
    assert table_rows(response, "crosswalk") == [["note", None, NOTICE, None, None, None]]
    assert NOTICE in response.content.decode()
