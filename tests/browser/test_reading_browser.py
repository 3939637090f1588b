"""Reading, in Chromium ("Everyone: reading"): one navigation with the right
items for each role; names, not codes, on the dashboards in English and French; French
numbers (63,4) in a chart's hover and in a table; no page wider than a 390 px phone; the
menu button on a phone; scores "being computed" that fill in by themselves; the error
pages in French."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.contrib.auth import get_user_model

from assessments import services
from assessments.models import AssessmentScore
from coherence.choices import Role
from coherence.models import PolicyArea
from instruments.models import Instrument
from tests.browser import test_dashboards_browser as dashboards
from tests.browser.conftest import sign_in
from tests.browser.test_dashboards_browser import ALL_DRAWN, EVERY_PAGE, open_page
from tests.factories import PASSWORD, make_user
from tests.pages.conftest import bring_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
dashboards_data = dashboards.dashboards_data  # the dashboards' stored scores, shared

PHONE = {"width": 390, "height": 844}
CODES = ("labour_migration", "national-subnational", "national-international", "established")
# The factories name an instrument "Instrument <code>": these read as a catalogue's do.
INSTRUMENT_NAMES = {
    "PHL-LMP": "Labour migration policy",
    "MIGOF": "Migration governance framework",
    "PHL-CHE-MP": "Philippines–Switzerland mobility partnership",
    "NAGA-MDC": "Naga City development council plan",
}
SCROLL_WIDTH = "document.documentElement.scrollWidth"
# Everything a person reads: the page's text and every text Plotly drew in its SVGs.
READABLE = """() => document.body.innerText + ' ' +
    [...document.querySelectorAll('svg text')].map(t => t.textContent).join(' ')"""


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def area_names(catalogue):
    """The shipped names of the policy areas (the factories name them by their code)."""
    shipped = yaml.safe_load((Path(__file__).resolve().parents[2] / "fixtures/areas.yaml").open())
    for area in shipped:
        PolicyArea.objects.filter(code=area["code"]).update(
            name_en=area["name"]["en"], name_fr=area["name"]["fr"], name_es=area["name"]["es"]
        )


@pytest.fixture
def instrument_names(catalogue):
    for code, name in INSTRUMENT_NAMES.items():
        Instrument.objects.filter(code=code).update(name=name)


def in_language(page, language: str) -> None:
    """The language cookie for the whole site (a URL's own path would narrow it)."""
    site = urlsplit(page.url)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": f"{site.scheme}://{site.netloc}/"}]
    )


def hover_text(page, plot: str, curve: int = 0, point: int = 0) -> str:
    page.evaluate(
        "([plot, curve, point]) => window.Plotly.Fx.hover(plot, [{curveNumber: curve, "
        "pointNumber: point}])",
        [plot, curve, point],
    )
    label = page.locator(f"#{plot} .hoverlayer .hovertext").first
    label.wait_for()
    return label.text_content()


def matrix_hover(page, source: str, target: str) -> str:
    """The hover label of the matrix's cell where `source` acts on `target`."""
    spot = page.evaluate(
        """([source, target]) => {
            const gd = document.getElementById('plot-matrix');
            gd.scrollIntoView();
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.getBoundingClientRect();
            return {
                x: box.left + xa._offset + xa.l2p(xa.d2l(target)),
                y: box.top + ya._offset + ya.l2p(ya.d2l(source)),
            };
        }""",
        [source, target],
    )
    page.mouse.move(spot["x"], spot["y"])
    label = page.locator("#plot-matrix .hoverlayer .hovertext").first
    label.wait_for()
    return label.text_content()


def nav_items(page) -> list[str]:
    return page.locator("nav.site-nav a").all_inner_texts()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dashboards_show_names_not_codes(
    page, shot, dashboards_data, area_names, instrument_names, language
):
    sign_in(page, "focal-phl", PASSWORD)
    in_language(page, language)
    for name, url in EVERY_PAGE:
        if url == "/dashboards/country/CHE/":
            continue
        open_page(page, url)
        text = page.evaluate(READABLE)
        for code in CODES:
            assert code not in text, (url, code)
        if url.startswith("/dashboards/interactions/"):  # the matrix, its table and lists
            # (the fixture's rationales, free text, are written "PHL-LMP on MIGOF")
            text = re.sub(r"\S+ on \S+", "", text)
            for code in INSTRUMENT_NAMES:
                assert code not in text, (url, code)
        shot(page, f"{language}-{name}")
    open_page(page, "/dashboards/interactions/")
    # MIGOF on PHL-LMP: +1, both named in the hover
    hover = matrix_hover(page, "MIGOF", "PHL-LMP")
    assert "Migration governance framework" in hover and "Labour migration policy" in hover
    assert "MIGOF" not in hover and "PHL-LMP" not in hover
    open_page(page, "/dashboards/country/PHL/")
    hover = hover_text(page, "plot-links")
    assert "national-" not in hover
    assert ("National ↔ infranational" if language == "fr" else "National ↔ sub-national") in hover
    assert page.console_errors == []


def test_french_numbers_in_a_chart_and_a_table(page, dashboards_data):
    sign_in(page, "focal-phl", PASSWORD)
    in_language(page, "fr")
    open_page(page, "/dashboards/country/PHL/")
    # PHL 2026: overall 63.42, horizontal 58.1 — one decimal on screen, a decimal comma
    assert "63,4" in hover_text(page, "plot-summary")
    assert "63,4" in page.locator("#plot-summary .bartext").first.text_content()
    summary = page.locator("#table-summary").inner_text()
    assert "63,4" in summary and "58,1" in summary and "63.42" not in summary
    assert "90\u00a0%" in page.locator("#table-areas").inner_text()  # coverage 0.9
    headline = page.locator(".headline").inner_text()
    assert "63,4" in headline and "Établi" in headline
    # Plotly's own toolbar speaks French too
    png = "#plot-summary .modebar-btn[data-title='Télécharger le graphique en PNG']"
    assert page.locator(png).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/grid/",
        "/grid/?country=PHL",
        "/grid/compare/?a=PHL&b=MDA",
        "/dashboards/country/PHL/",
        "/dashboards/compare/",
        "/dashboards/interactions/",
        "/dashboards/interests/PHL/",
        "/nowhere/",
    ],
)
def test_no_page_is_wider_than_a_phone(page, shot, dashboards_data, url):
    page.set_viewport_size(PHONE)
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(url)
    page.wait_for_function(ALL_DRAWN)
    width = page.evaluate(SCROLL_WIDTH)
    shot(page, "phone")
    assert width <= PHONE["width"], f"{url} lays out {width} px wide"
    # a wide table scrolls in its own labelled, focusable box
    for box in page.locator("main .table-wrap").all():
        assert box.get_attribute("tabindex") == "0"
        assert box.get_attribute("role") == "region"


def test_the_menu_button_opens_the_navigation_on_a_phone(page, shot, users):
    page.set_viewport_size(PHONE)
    sign_in(page, "focal-phl", PASSWORD)
    button = page.locator("header .menu-toggle")
    assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert not page.locator("nav.site-nav").is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator("nav.site-nav").is_visible()
    shot(page, "menu-open")
    assert page.evaluate(SCROLL_WIDTH) <= PHONE["width"]
    page.keyboard.press("Escape")
    assert not page.locator("nav.site-nav").is_visible()


def test_the_navigation_offers_each_role_its_pages(page, users):
    sign_in(page, "focal-phl", PASSWORD)
    assert nav_items(page) == [
        "Start",
        "Annex B grid",
        "Dashboards",
        "Indicator framework",
        "API docs",
    ]
    assert page.get_attribute("nav.site-nav a[href='/']", "aria-current") == "page"
    page.goto("/grid/")
    assert page.get_attribute("nav.site-nav a[href='/grid/']", "aria-current") == "page"
    assert page.locator("nav.site-nav a[aria-current]").count() == 1
    page.context.clear_cookies()

    sign_in(page, "cochair", PASSWORD)
    assert "Review queue" in nav_items(page) and "Administration" not in nav_items(page)
    page.context.clear_cookies()

    admin = make_user("catalogue-admin", Role.ADMIN)
    get_user_model().objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    sign_in(page, "catalogue-admin", PASSWORD)
    assert nav_items(page)[-1] == "Administration"
    assert "Review queue" in nav_items(page)
    page.context.clear_cookies()

    page.goto("/accounts/login/")
    assert page.locator("nav.site-nav").count() == 0  # nothing to navigate to yet
    assert page.locator("#language").count() == 1


def test_scores_being_computed_fill_in_by_themselves(page, catalogue, users):
    assessment = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2026, by=users["focal_phl"]
    )
    assessment = bring_to(assessment, "submitted", users)
    AssessmentScore.objects.filter(assessment=assessment).update(stale=True)
    sign_in(page, "focal-phl", PASSWORD)
    assert page.locator("main .pending").count() == 1
    page.evaluate("window.__samePage = true")  # gone if the page reloads
    AssessmentScore.objects.filter(assessment=assessment).update(stale=False)
    page.wait_for_function("() => document.querySelectorAll('main .pending').length === 0")
    assert page.evaluate("window.__samePage") is True
    assert "being computed" not in page.locator("main").inner_text()


def test_the_error_pages_speak_french(page, shot, users):
    page.goto("/accounts/login/")
    in_language(page, "fr")
    response = page.goto("/nulle-part/")
    assert response.status == 404
    assert page.inner_text("h1") == "Page introuvable"
    sign_in(page, "focal-phl", PASSWORD)
    response = page.goto("/assessments/999999/")
    assert response.status == 404
    assert page.inner_text("h1") == "Page introuvable"
    assert page.locator("nav.site-nav").count() == 1
    shot(page, "404-fr")
