"""The profile page: the figures the API gives, named not coded, in the
reader's language, printable (its own print stylesheet, controls outside the profile)."""

import re

import pytest

from coherence.choices import Dimension, Link
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/dashboards/country/PHL/2025/profile/"


def shown(value) -> str:
    return "—" if value is None else str(value)


def article(html: str) -> str:
    return html[html.index('<article class="profile">') : html.index("</article>")]


def test_the_profile_shows_the_apis_figures_by_name(profiles, browser_of):
    page = browser_of("focal_phl").get(URL)
    assert page.status_code == 200
    body = article(page.content.decode())
    score = client_for(profiles["partner"]).get("/api/v1/scores/PHL/2025/").json()
    for figure in ("overall", "horizontal", "vertical", "divergence"):
        assert f'<td class="num">{shown(score[figure])}</td>' in body, figure
    for entry in score["dimensions"]:
        label = Dimension(entry["code"]).label
        assert f'<th scope="row">{label}</th><td class="num">{shown(entry["score"])}</td>' in body
    for entry in score["links"]:
        assert f'<th scope="row">{Link(entry["code"]).label}</th>' in body
        assert entry["code"] not in body  # names, not codes
    assert "Established (50 to 75)" in body or score["band"] != "established"
    assert "This is a stock-taking self-assessment, not a ranking." in body
    assert "not an official SDG 10.7.2 return" in body
    assert "Tools and safeguards" in body


def test_charts_are_inline_svg_and_nothing_runs_in_the_profile(profiles, browser_of):
    html = browser_of("focal_phl").get(URL).content.decode()
    body = article(html)
    assert body.count("<svg") >= 5
    assert "<script" not in body and " style=" not in body
    assert "<form" not in body and "<button" not in body  # controls live outside
    assert re.search(r'<link rel="stylesheet" href="/static/css/profile\.css">', html)


def test_the_print_stylesheet_hides_controls_and_keeps_tables_whole():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/profile.css").read_text()
    printed = css[css.index("@media print") :]
    assert ".controls" in printed and "nav" in printed and "form" in printed
    assert "break-inside: avoid" in printed and "table-header-group" in printed


def test_the_profile_reads_in_french_and_spanish(profiles, browser_of):
    client = browser_of("focal_phl")
    french = article(client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "Cohérence horizontale" in french
    assert "Promouvoir la cohérence institutionnelle" in french
    spanish = article(client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode())
    assert "Perfil del país" in spanish or "Perfil de país" in spanish


def test_the_country_dashboard_offers_the_profile_and_its_pdf(profiles, browser_of):
    html = browser_of("focal_phl").get("/dashboards/country/PHL/?cycle=2025").content.decode()
    assert 'href="/dashboards/country/PHL/2025/profile/"' in html
    assert 'href="/dashboards/country/PHL/2025/profile.pdf"' in html


def test_a_cycle_without_validated_scores_has_no_profile(profiles, browser_of):
    assert browser_of("focal_phl").get("/dashboards/country/PHL/2026/profile/").status_code == 404
    assert browser_of("reviewer").get("/dashboards/country/ZZZ/2025/profile/").status_code == 404


def test_the_tools_section_counts_what_the_annex_b_grid_counts(profiles):
    from collections import Counter

    from assessments.dashboards.profile import tool_cells, tools_rows
    from instruments.selectors import grid

    for iso3 in ("PHL", "MDA", "CHE"):
        counted = Counter((level, tool) for level, tool, _ in tool_cells(iso3))
        assert {(c["level"], c["tool_type"]): c["count"] for c in grid(country=iso3)} == {
            (c["level"], c["tool_type"]): counted[(c["level"], c["tool_type"])]
            for c in grid(country=iso3)
        }
    phl = tools_rows("PHL", 2025)
    assert phl["total"] == 4  # PHL-LMP, PHL-CHE-MP, NAGA-MDC and the universal MIGOF
    assert [r["total"] for r in phl["rows"]] == [1, 2, 1, 0, 1]
