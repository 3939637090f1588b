"""The dashboards in Chromium: the grid's hover lists a cell's instruments, a click opens
them all, a filter redraws the heatmap, the comparison table sorts on a header click, and
every page draws its charts from local files with no console error."""

import pytest

from actors.models import Interest
from assessments.models import ConsolidatedScore, IndicatorConsolidation
from instruments.models import Interaction
from tests.browser.conftest import sign_in
from tests.dashboards.conftest import (
    GBR_2026,
    MDA_2026,
    PHL_2025,
    PHL_2026,
    PHL_2026_SPREADS,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERY_PAGE = [
    ("grid", "/grid/"),
    ("grid-phl", "/grid/?country=PHL&area=&level="),
    ("grid-cell", "/grid/cell/?level=national&tool_type=policy"),
    ("grid-compare", "/grid/compare/?a=PHL&b=MDA"),
    ("country", "/dashboards/country/PHL/"),
    ("country-2025", "/dashboards/country/PHL/?cycle=2025"),
    ("country-empty", "/dashboards/country/CHE/"),
    ("compare", "/dashboards/compare/"),
    ("interactions", "/dashboards/interactions/"),
    ("interactions-phl", "/dashboards/interactions/?country=PHL"),
    ("interests", "/dashboards/interests/PHL/"),
]
ALL_DRAWN = "[...document.querySelectorAll('[data-chart]')].every(e => e.dataset.drawn)"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dashboards_data(catalogue, users):
    framework = catalogue["framework"]
    for country, cycle, figures in [
        ("PHL", 2026, PHL_2026),
        ("PHL", 2025, PHL_2025),
        ("MDA", 2026, MDA_2026),
        ("GBR", 2026, GBR_2026),
    ]:
        ConsolidatedScore.objects.create(
            country_id=country, cycle=cycle, framework=framework, **figures
        )
    for code, (value, spread, n) in PHL_2026_SPREADS.items():
        IndicatorConsolidation.objects.create(
            country_id="PHL",
            cycle=2026,
            indicator=catalogue["indicators"][code],
            value=value,
            spread=spread,
            n=n,
        )
    instruments = catalogue["instruments"]
    for source, target, score in [
        ("PHL-LMP", "MIGOF", 2),
        ("MIGOF", "PHL-LMP", 1),
        ("PHL-CHE-MP", "PHL-LMP", -2),
        ("NAGA-MDC", "PHL-LMP", 3),
    ]:
        Interaction.objects.create(
            source=instruments[source],
            target=instruments[target],
            score=score,
            rationale=f"{source} on {target}",
        )
    actors = catalogue["actors"]
    for actor, area, priority in [
        ("PHL-DMW", "labour_migration", 5),
        ("PHL-DOH", "labour_migration", 1),
        ("PHL-DOH", "health", 5),
        ("PHL-NAGA", "integration", 3),
    ]:
        Interest.objects.create(actor=actors[actor], area_id=area, priority=priority)
    return users


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(ALL_DRAWN)


def grid_z(page, plot: str = "plot-grid"):
    return page.evaluate(f"document.getElementById('{plot}').data[0].z")


def cell_position(page, level: str, tool_type: str) -> dict:
    """The page coordinates of a grid cell's centre, from Plotly's own axes."""
    return page.evaluate(
        """([level, tool]) => {
            const gd = document.getElementById('plot-grid');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.getBoundingClientRect();
            return {
                x: box.left + xa._offset + xa.l2p(xa.d2l(tool)),
                y: box.top + ya._offset + ya.l2p(ya.d2l(level)),
            };
        }""",
        [level, tool_type],
    )


def test_grid_hover_lists_instruments_and_a_filter_redraws(page, shot, dashboards_data):
    sign_in(page, "cochair", PASSWORD)
    open_page(page, "/grid/")
    shot(page, "grid")
    before = grid_z(page)
    # rows inside out (subnational first), columns strategy … data
    assert before[1][1] == 1  # national × policy: PHL-LMP
    assert before[1][0] == 1  # national × strategy: NAGA-MDC, also on the subnational row
    assert before[0][0] == 1

    spot = cell_position(page, "national", "policy")
    page.mouse.move(spot["x"], spot["y"])
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for()
    assert "Instrument PHL-LMP" in label.text_content()  # its name (the factory's)
    assert "National × Policy: 1" in label.text_content()
    shot(page, "grid-hover")

    page.select_option("#f-country", "MDA")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    page.wait_for_function(ALL_DRAWN)
    assert "country=MDA" in page.url
    after = grid_z(page)
    assert after != before
    assert after[1][1] == 0  # PHL's national policy does not bind Moldova
    assert after[4][3] == 1  # MIGOF binds every state
    shot(page, "grid-filtered-mda")

    spot = cell_position(page, "national", "policy")
    page.mouse.move(spot["x"], spot["y"])
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for()
    assert "gap" in label.text_content()
    assert page.console_errors == []
    assert page.external_requests == []


def test_clicking_a_cell_lists_its_instruments(page, shot, dashboards_data):
    sign_in(page, "cochair", PASSWORD)
    open_page(page, "/grid/?country=PHL")
    spot = cell_position(page, "national", "strategy")
    with page.expect_navigation():
        page.mouse.click(spot["x"], spot["y"])
    assert "/grid/cell/" in page.url
    assert "level=national" in page.url and "tool_type=strategy" in page.url
    assert "country=PHL" in page.url
    assert "NAGA-MDC" in page.locator("#table-instruments").inner_text()
    shot(page, "grid-cell")
    assert page.console_errors == []


def test_the_comparison_table_sorts_on_a_header_click(page, shot, dashboards_data):
    sign_in(page, "cochair", PASSWORD)
    open_page(page, "/dashboards/compare/")
    rows = page.locator("#table-countries tbody tr th")
    # countries by name on screen (the code stays in the exports), in the server's order
    assert rows.all_inner_texts() == ["United Kingdom", "Moldova", "Philippines"]
    page.click("#table-countries thead th[data-key=overall]")
    assert rows.all_inner_texts() == ["Moldova", "Philippines", "United Kingdom"]
    page.click("#table-countries thead th[data-key=overall]")
    assert rows.all_inner_texts() == ["United Kingdom", "Philippines", "Moldova"]
    assert page.get_attribute("#table-countries thead th[data-key=overall]", "aria-sort") == (
        "descending"
    )
    page.click("#table-countries thead th[data-key=vertical]")
    # GBR has none: last
    assert rows.all_inner_texts() == ["Moldova", "Philippines", "United Kingdom"]
    shot(page, "compare-sorted")
    scatter = page.evaluate("document.getElementById('plot-scatter').data[0].customdata")
    assert scatter == ["MDA", "PHL"]
    assert page.console_errors == []


@pytest.mark.parametrize("user", ["cochair", "focal-phl"])
def test_every_dashboard_page_draws_without_errors_or_outside_requests(
    page, shot, dashboards_data, user
):
    sign_in(page, user, PASSWORD)
    for name, url in EVERY_PAGE:
        if user == "focal-phl" and url == "/dashboards/country/CHE/":
            # another country: not even its name (asked outside the page, whose console
            # would log the 404 and the favicon the bare 404 page makes Chromium fetch)
            assert page.request.get(url).status == 404
            continue
        open_page(page, url)
        assert page.locator("h1").count() == 1, url
        charts = page.locator("[data-chart]")
        for i in range(charts.count()):
            # Plotly drew an SVG, and its own toolbar offers the PNG download
            assert charts.nth(i).locator(".main-svg").count() >= 1, url
            assert (
                charts.nth(i).locator(".modebar-btn[data-title='Download plot as a PNG']").count()
                == 1
            ), url
        shot(page, f"{user}-{name}")
        assert page.console_errors == [], (url, page.console_errors)
        assert page.external_requests == [], (url, page.external_requests)


def test_the_country_dashboard_charts_hold_the_stored_numbers(page, dashboards_data):
    sign_in(page, "focal-phl", PASSWORD)
    open_page(page, "/dashboards/country/PHL/")
    assert page.evaluate("document.getElementById('plot-summary').data[0].y") == [
        63.42,
        58.1,
        68.74,
    ]
    assert page.evaluate("document.getElementById('plot-divergence').data[0].y") == [
        "H-INS-01",
        "H-LAB-01",
        "V-SUB-01",
    ]
    assert page.evaluate("document.getElementById('plot-trend').data[0].x") == [2025, 2026]
    interests = "document.getElementById('plot-interests')"
    open_page(page, "/dashboards/interests/PHL/")
    assert page.evaluate(f"{interests}.data[0].y") == ["PHL-DMW", "PHL-DOH", "PHL-NAGA"]
    collisions = page.locator("#table-collisions").inner_text()
    assert "Department of Health" in collisions and "PHL-DOH" not in collisions
    assert page.console_errors == []
