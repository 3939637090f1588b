"""The Annex B grid page counts instruments per (level, tool type) cell exactly as worked
out by hand below, shows gaps, filters by country, area and level, lists a cell's
instruments, and compares two countries' grids."""

import pytest

from coherence.choices import Level, ToolKind
from instruments.grid.charts import HOVER_LIMIT
from instruments.models import Instrument

# code, tool type, levels, countries, areas
OWN_INSTRUMENTS = [
    ("PHL-NAT-POL", "policy", ["national"], ["PHL"], ["labour_migration"]),
    ("PHL-STRAT", "strategy", ["subnational", "national"], ["PHL"], ["labour_migration"]),
    ("MDA-NAT-POL", "policy", ["national"], ["MDA"], ["labour_migration"]),
    ("PHL-MDA-MOU", "instrument", ["bilateral"], ["PHL", "MDA"], ["integration"]),
    ("GCM-X", "framework", ["international"], [], ["labour_migration"]),
    ("REG-DATA", "data", ["regional"], [], ["institutional"]),
    ("EU-REG", "framework", ["regional"], ["MDA"], ["integration"]),
    ("CHE-RES", "research", ["national"], ["CHE"], ["health"]),
]


@pytest.fixture
def own_grid(catalogue):
    Instrument.objects.all().delete()  # the factory's instruments: ours are counted here
    for code, tool, levels, countries, areas in OWN_INSTRUMENTS:
        instrument = Instrument.objects.create(code=code, name=f"Name of {code}", tool_type_id=tool)
        instrument.levels.set(levels)
        instrument.countries.set(countries)
        instrument.areas.set(areas)


def counts(response) -> dict[tuple[str, str], int]:
    """(level, tool type) -> count, read from the figure the page draws."""
    trace = response.context["figure"]["data"][0]
    return {
        (level, tool): trace["z"][i][j]
        for i, level in enumerate(trace["y"])
        for j, tool in enumerate(trace["x"])
        if trace["z"][i][j]
    }


def hover(response, level: str, tool: str) -> str:
    trace = response.context["figure"]["data"][0]
    return trace["customdata"][trace["y"].index(level)][trace["x"].index(tool)]


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


def test_every_cell_is_counted_and_an_instrument_on_two_levels_is_in_both_rows(
    reviewer_client, own_grid
):
    response = reviewer_client.get("/grid/")
    assert response.status_code == 200
    assert counts(response) == {
        ("national", "policy"): 2,
        ("national", "strategy"): 1,
        ("subnational", "strategy"): 1,
        ("national", "research"): 1,
        ("bilateral", "instrument"): 1,
        ("international", "framework"): 1,
        ("regional", "data"): 1,
        ("regional", "framework"): 1,
    }
    trace = response.context["figure"]["data"][0]
    assert trace["y"] == list(Level.values)  # inside out: subnational first
    assert trace["x"] == list(ToolKind.values)
    assert response.context["total"] == 8
    assert response.context["gaps"] == 35 - 8
    # The table below the chart carries the same numbers, gaps marked as such.
    table = {row["level"]: [c["count"] for c in row["cells"]] for row in response.context["matrix"]}
    assert table["national"] == [1, 2, 0, 0, 1, 0, 0]
    assert b'class="gap"' in response.content


def test_gaps_stand_out_in_the_chart(reviewer_client, own_grid):
    trace = reviewer_client.get("/grid/").context["figure"]["data"][0]
    assert trace["text"][0][1] == "gap"  # subnational × policy: nothing there
    assert trace["zmin"] == 0
    gap_colour = trace["colorscale"][0][1]
    assert trace["colorscale"][1][1] == gap_colour  # the whole bottom slice: count 0
    assert trace["colorscale"][2][1] != gap_colour


def test_country_filter_takes_universal_frameworks_and_leaves_other_countries_out(
    reviewer_client, own_grid
):
    response = reviewer_client.get("/grid/?country=PHL")
    assert counts(response) == {
        ("national", "policy"): 1,  # PHL's own; MDA's national policy is not PHL's
        ("national", "strategy"): 1,
        ("subnational", "strategy"): 1,
        ("bilateral", "instrument"): 1,  # binds PHL and MDA
        ("international", "framework"): 1,  # GCM-X names no country: binds every state
        ("regional", "data"): 1,  # a regional standard that names no country
    }
    assert response.context["total"] == 5
    assert "MDA-NAT-POL" not in hover(response, "national", "policy")
    assert "PHL-NAT-POL" in hover(response, "national", "policy")
    assert "GCM-X" in hover(response, "international", "framework")


def test_area_and_level_filters(reviewer_client, own_grid):
    response = reviewer_client.get("/grid/?country=PHL&area=labour_migration")
    assert counts(response) == {
        ("national", "policy"): 1,
        ("national", "strategy"): 1,
        ("subnational", "strategy"): 1,
        ("international", "framework"): 1,
    }
    response = reviewer_client.get("/grid/?level=national")
    assert response.context["figure"]["data"][0]["y"] == ["national"]
    assert counts(response) == {
        ("national", "policy"): 2,
        ("national", "strategy"): 1,
        ("national", "research"): 1,
    }


def test_hover_names_ten_instruments_and_counts_the_rest(reviewer_client, catalogue):
    Instrument.objects.all().delete()
    for n in range(12):
        instrument = Instrument.objects.create(
            code=f"DATA-{n:02d}", name=f"Survey <{n:02d}> & census", tool_type_id="data"
        )
        instrument.levels.set(["international"])
    text = hover(reviewer_client.get("/grid/"), "international", "data")
    assert text.count("Survey") == HOVER_LIMIT == 10
    assert "DATA-" not in text  # names, not codes
    assert "Survey &lt;00&gt; &amp; census" in text  # inert for Plotly's HTML subset
    assert "&lt;09&gt;" in text and "&lt;10&gt;" not in text
    assert "2 more" in text
    assert "12" in text


def test_the_comparison_hovers_name_the_instruments(reviewer_client, own_grid):
    response = reviewer_client.get("/grid/compare/?a=PHL&b=MDA")
    for key, named in (("figure_a", "Name of PHL-NAT-POL"), ("figure_b", "Name of MDA-NAT-POL")):
        trace = response.context[key]["data"][0]
        text = trace["customdata"][trace["y"].index("national")][trace["x"].index("policy")]
        assert named in text and not text.replace(named, "").count("-NAT-POL")


def test_a_cell_lists_all_its_instruments(reviewer_client, own_grid):
    response = reviewer_client.get("/grid/cell/?level=national&tool_type=policy")
    assert response.status_code == 200
    assert [i["code"] for i in response.context["page_obj"]] == ["MDA-NAT-POL", "PHL-NAT-POL"]
    response = reviewer_client.get("/grid/cell/?level=national&tool_type=policy&country=PHL")
    assert [i["code"] for i in response.context["page_obj"]] == ["PHL-NAT-POL"]
    response = reviewer_client.get("/grid/cell/?level=subnational&tool_type=policy")
    assert list(response.context["page_obj"]) == []
    assert b"a gap in the grid" in response.content


def test_two_countries_side_by_side(reviewer_client, own_grid):
    response = reviewer_client.get("/grid/compare/?a=PHL&b=MDA")
    assert response.status_code == 200
    only_phl = {(r["level"], r["tool_type"]) for r in response.context["only_a"]}
    only_mda = {(r["level"], r["tool_type"]) for r in response.context["only_b"]}
    assert only_phl == {("Sub-national", "Strategy"), ("National", "Strategy")}
    assert only_mda == {("Regional", "Framework")}
    za = response.context["figure_a"]["data"][0]["z"]
    zb = response.context["figure_b"]["data"][0]["z"]
    assert za[Level.values.index("national")][ToolKind.values.index("policy")] == 1
    assert zb[Level.values.index("national")][ToolKind.values.index("policy")] == 1
    assert zb[Level.values.index("regional")][ToolKind.values.index("framework")] == 1
    assert za[Level.values.index("regional")][ToolKind.values.index("framework")] == 0
    # One colour scale for both, so equal counts look equal.
    assert (
        response.context["figure_a"]["data"][0]["zmax"]
        == (response.context["figure_b"]["data"][0]["zmax"])
    )


def test_compare_without_two_countries_asks_for_them(reviewer_client, own_grid):
    response = reviewer_client.get("/grid/compare/?a=PHL")
    assert response.status_code == 200
    assert b"Choose two countries" in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/grid/?country=ZZZ",
        "/grid/?country=Philippines",
        "/grid/?area=astrology",
        "/grid/?level=galactic",
        "/grid/cell/?level=national",
        "/grid/cell/?level=national&tool_type=spell",
        "/grid/compare/?a=PHL&b=QQQ",
        "/grid/compare/?a=PHL&b=MDA&level=orbit",
    ],
)
def test_unknown_filter_values_answer_400_with_a_message(reviewer_client, own_grid, url):
    response = reviewer_client.get(url)
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert response.context["message"]


def test_lowercase_country_is_accepted(reviewer_client, own_grid):
    assert counts(reviewer_client.get("/grid/?country=phl")) == counts(
        reviewer_client.get("/grid/?country=PHL")
    )
