"""The interactions dashboard: the directed matrix on −3…+3 centred on 0, the list of
incoherences (−2 or −3) with their rationale, and the instruments that reinforce the most
others — filtered by country and policy area."""

import pytest

from assessments.dashboards import charts
from instruments.models import Instrument, Interaction
from tests.dashboards.conftest import figure, table_rows

# code, countries, areas
INSTRUMENTS = [
    ("AAA", ["PHL"], ["labour_migration"]),
    ("BBB", [], ["labour_migration"]),  # international, binds every state
    ("CCC", ["PHL", "MDA"], ["integration"]),
    ("DDD", ["MDA"], ["labour_migration"]),
]
# source, target, score, rationale
INTERACTIONS = [
    ("AAA", "BBB", 3, "indivisible"),
    ("AAA", "CCC", 2, "reinforcing"),
    ("AAA", "DDD", 2, "reinforcing too"),
    ("BBB", "CCC", 2, "reinforcing as well"),
    ("CCC", "AAA", -3, "cancels it out"),
    ("DDD", "BBB", -2, "counteracts"),
    ("BBB", "AAA", 0, "consistent"),
    ("CCC", "DDD", -1, "constrains"),
]


@pytest.fixture
def interactions(catalogue):
    Instrument.objects.all().delete()
    made = {}
    for code, countries, areas in INSTRUMENTS:
        instrument = Instrument.objects.create(
            code=code, name=f"Name {code}", tool_type_id="policy"
        )
        instrument.levels.set(["international"] if not countries else ["national"])
        instrument.countries.set(countries)
        instrument.areas.set(areas)
        made[code] = instrument
    for source, target, score, rationale in INTERACTIONS:
        Interaction.objects.create(
            source=made[source], target=made[target], score=score, rationale=rationale
        )
    return made


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


def test_directed_matrix_centred_on_zero(reviewer_client, interactions):
    response = reviewer_client.get("/dashboards/interactions/")
    assert response.status_code == 200
    trace = figure(response, "matrix")["data"][0]
    assert trace["x"] == trace["y"] == ["AAA", "BBB", "CCC", "DDD"]
    assert trace["z"] == [
        [None, 3, 2, 2],
        [0, None, 2, None],
        [-3, None, None, -1],
        [None, -2, None, None],
    ]
    assert (trace["zmin"], trace["zmid"], trace["zmax"]) == (-3, 0, 3)
    assert trace["colorscale"][0][1] != trace["colorscale"][-1][1]  # diverging
    assert response.context["total"] == 8
    assert response.context["incoherence_total"] == 2


def test_incoherences_with_their_rationale(reviewer_client, interactions):
    response = reviewer_client.get("/dashboards/interactions/")
    rows = table_rows(response, "incoherences")
    assert [(r[0], r[2], r[4], r[5]) for r in rows] == [
        ("CCC", "AAA", -3, "cancels it out"),
        ("DDD", "BBB", -2, "counteracts"),
    ]
    assert b"cancels it out" in response.content


def test_reinforcers_count_outgoing_plus_two_and_three(reviewer_client, interactions):
    response = reviewer_client.get("/dashboards/interactions/")
    assert [(r[0], r[2]) for r in table_rows(response, "reinforcers")] == [("AAA", 3), ("BBB", 1)]
    bars = figure(response, "reinforcers")["data"][0]
    assert bars["y"] == ["AAA", "BBB"] and bars["x"] == [3, 1]


def test_country_filter_keeps_interactions_between_its_instruments(reviewer_client, interactions):
    response = reviewer_client.get("/dashboards/interactions/?country=PHL")
    trace = figure(response, "matrix")["data"][0]
    assert trace["x"] == ["AAA", "BBB", "CCC"]  # DDD binds MDA only
    assert trace["z"] == [[None, 3, 2], [0, None, 2], [-3, None, None]]
    assert [(r[0], r[2]) for r in table_rows(response, "incoherences")] == [("CCC", "AAA")]
    assert [(r[0], r[2]) for r in table_rows(response, "reinforcers")] == [("AAA", 2), ("BBB", 1)]


def test_area_filter(reviewer_client, interactions):
    response = reviewer_client.get("/dashboards/interactions/?area=labour_migration")
    assert figure(response, "matrix")["data"][0]["x"] == ["AAA", "BBB", "DDD"]
    assert [(r[0], r[2]) for r in table_rows(response, "incoherences")] == [("DDD", "BBB")]


def test_the_page_table_of_the_matrix_marks_incoherences(reviewer_client, interactions):
    response = reviewer_client.get("/dashboards/interactions/")
    html = response.content.decode()
    row = html[html.index('<th scope="row">Name CCC</th>') :].split("</tr>")[0]
    assert row.count("<td") == 4
    assert '<td class="incoherent">-3</td><td class="none"></td>' in row
    assert '<td class="weak">-1</td>' in row
    assert '<td class="reinforcing">+3</td>' in html


def test_no_interactions_in_the_selection(reviewer_client, interactions):
    response = reviewer_client.get("/dashboards/interactions/?country=GBR")
    assert response.status_code == 200
    assert b"No interaction is recorded" in response.content


@pytest.mark.parametrize("query", ["country=XYZ", "area=cooking"])
def test_unknown_filters_are_a_400(reviewer_client, interactions, query):
    assert reviewer_client.get(f"/dashboards/interactions/?{query}").status_code == 400


def test_the_matrix_keeps_the_most_connected_instruments(reviewer_client, interactions):
    from assessments.dashboards.interactions import interaction_frame, matrix_instruments

    frame = interaction_frame(None, None)
    # degrees in + out: AAA 5, BBB 4, CCC 4, DDD 3; ties by code
    assert matrix_instruments(frame, size=2) == ["AAA", "BBB"]
    assert matrix_instruments(frame, size=3) == ["AAA", "BBB", "CCC"]
    assert matrix_instruments(frame.iloc[0:0]) == []


def test_matrix_builder_is_pure():
    fig = charts.interaction_matrix(["X", "Y"], [("X", "Y", -2), ("Y", "Z", 3)], title="t")
    assert fig["data"][0]["z"] == [[None, -2], [None, None]]
    assert fig["data"][0]["hoverongaps"] is False
