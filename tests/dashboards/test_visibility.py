"""Who sees what (DESIGN §7): anonymous callers are sent to sign in; a focal point sees its
own country's validated results only (another country's pages answer 404, the comparison
lists its own country alone) and the public catalogue; a reviewer sees everything."""

import pytest
from django.contrib.auth import get_user_model

from tests.dashboards.conftest import table_rows

CATALOGUE_PAGES = [
    "/grid/",
    "/grid/?country=MDA",
    "/grid/cell/?level=national&tool_type=policy",
    "/grid/compare/?a=PHL&b=MDA",
    "/dashboards/interactions/",
    "/dashboards/interactions/?country=MDA",
    "/dashboards/grid/export/?export=csv",
    "/dashboards/grid/cell/export/?export=csv&level=national&tool_type=policy",
    "/dashboards/grid/compare/export/?export=csv&a=PHL&b=MDA",
    # A country's grid in a cycle holds its validated stock-taking, read as the grid is.
    "/grid/cell/?level=national&tool_type=policy&country=PHL&cycle=2026",
    "/dashboards/grid/export/?export=xlsx&country=PHL&cycle=2026",
    "/dashboards/grid/cell/export/?export=csv&level=national&tool_type=policy&country=PHL&cycle=2026",
    "/dashboards/interactions/?export=xlsx&country=PHL&cycle=2026",
]
PHL_PAGES = [
    "/dashboards/country/PHL/",
    "/dashboards/country/phl/",
    "/dashboards/country/PHL/?cycle=2025",
    "/dashboards/country/PHL/?export=csv",
    "/dashboards/country/PHL/?export=xlsx",
    "/dashboards/interests/PHL/",
    "/dashboards/interests/PHL/?export=csv",
]
EVERY_PAGE = [*CATALOGUE_PAGES, *PHL_PAGES, "/dashboards/compare/", "/dashboards/"]


@pytest.fixture
def as_user(client, users):
    def sign_in(role: str):
        client.force_login(users[role])
        return client

    return sign_in


@pytest.mark.parametrize("url", EVERY_PAGE)
def test_anonymous_is_sent_to_sign_in(client, known_scores, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", CATALOGUE_PAGES)
@pytest.mark.parametrize("role", ["focal_phl", "focal_mda", "reviewer", "partner"])
def test_the_catalogue_is_public_to_every_signed_in_user(as_user, known_scores, url, role):
    assert as_user(role).get(url).status_code == 200


@pytest.mark.parametrize("url", PHL_PAGES)
@pytest.mark.parametrize("role", ["focal_phl", "focal_phl_health", "reviewer", "reviewer_phl"])
def test_own_country_and_reviewers_see_a_countrys_results(as_user, known_scores, url, role):
    assert as_user(role).get(url).status_code == 200


@pytest.mark.parametrize("url", PHL_PAGES)
def test_another_countrys_focal_point_gets_404(as_user, known_scores, url):
    assert as_user("focal_mda").get(url).status_code == 404


def test_a_focal_point_does_not_learn_whether_a_country_exists(as_user, known_scores):
    client = as_user("focal_mda")
    assert client.get("/dashboards/country/GBR/").status_code == 404
    assert client.get("/dashboards/country/ZZZ/").status_code == 404


def test_the_comparison_lists_a_focal_points_own_country_only(as_user, known_scores):
    response = as_user("focal_phl").get("/dashboards/compare/")
    assert [r[0] for r in table_rows(response, "countries")] == ["PHL"]
    assert response.context["charts"]["scatter"]["data"][0]["customdata"] == ["PHL"]
    response = as_user("focal_mda").get("/dashboards/compare/?export=csv")
    assert response.content.decode().splitlines()[1].startswith("MDA,")
    assert len(response.content.decode().splitlines()) == 2


def test_a_reviewer_compares_every_country(as_user, known_scores):
    response = as_user("reviewer").get("/dashboards/compare/")
    assert [r[0] for r in table_rows(response, "countries")] == ["GBR", "MDA", "PHL"]


def test_a_focal_points_cycles_are_its_own(as_user, make_score, known_scores):
    from tests.dashboards.conftest import MDA_2026

    make_score("MDA", 2024, MDA_2026)
    assert as_user("focal_phl").get("/dashboards/compare/").context["cycles"] == [2026, 2025]


def test_a_user_without_a_role_sees_no_results(client, catalogue, known_scores):
    stranger = get_user_model().objects.create_user("stranger", password="x-pass-2026")
    client.force_login(stranger)
    assert client.get("/dashboards/country/PHL/").status_code == 404
    assert client.get("/dashboards/interests/PHL/").status_code == 404
    assert table_rows(client.get("/dashboards/compare/"), "countries") == []
    assert client.get("/grid/").status_code == 200


def test_the_dashboards_start_where_the_user_belongs(as_user, known_scores):
    assert as_user("focal_mda").get("/dashboards/")["Location"] == "/dashboards/country/MDA/"
    assert as_user("reviewer").get("/dashboards/")["Location"] == "/dashboards/compare/"


def test_navigation_shows_a_focal_points_own_pages(as_user, known_scores):
    content = as_user("focal_phl").get("/dashboards/compare/").content.decode()
    assert 'href="/dashboards/country/PHL/"' in content
    assert 'href="/dashboards/interests/PHL/"' in content
    content = as_user("reviewer").get("/dashboards/interactions/").content.decode()
    assert 'href="/dashboards/country/' not in content
