"""What is not published never shows to anyone new: the role × country × cycle
matrix of the profile, its PDF state, the public pages, the comparison and `published/`.

A profile is read by those who see its country (its focal points, reviewers, partners) in
every validated cycle; by every signed-in focal point and reviewer once published to peers
or the public; by anyone once published to the public. Everything else is a 404 (anonymous
users are sent to sign in on the signed-in pages)."""

import pytest
from django.urls import reverse

from tests.api.conftest import client_for
from tests.profile.conftest import ROLES

pytestmark = pytest.mark.django_db

# (country, cycle) → what it is.
CASES = {
    ("PHL", 2025): "public",
    ("MDA", 2025): "peers",
    ("PHL", 2024): "unpublished",
    ("CHE", 2025): "unpublished",
}
OWN = {"focal_phl": "PHL", "focal_phl_health": "PHL", "focal_mda": "MDA", "focal_che": "CHE"}


def signed_in_status(role: str, iso3: str, published: str) -> int:
    if role == "anonymous":
        return 302
    if role in ("reviewer", "partner") or OWN.get(role) == iso3:
        return 200
    return 200 if published in ("peers", "public") else 404


@pytest.mark.parametrize("role", ROLES)
def test_the_profile_page_and_its_pdf_state_by_role_and_publication(profiles, browser_of, role):
    client = browser_of(role)
    seen = {}
    for (iso3, cycle), published in CASES.items():
        for name in ("dashboards:profile", "dashboards:profile_pdf_status"):
            response = client.get(reverse(name, args=[iso3, cycle]))
            seen[(name, iso3, cycle)] = response.status_code
            assert response.status_code == signed_in_status(role, iso3, published), (
                name,
                iso3,
                cycle,
            )
    assert seen  # every case asked


@pytest.mark.parametrize("role", ROLES)
def test_the_public_pages_show_only_what_is_public_whoever_asks(profiles, browser_of, role):
    client = browser_of(role)
    for (iso3, cycle), published in CASES.items():
        expected = 200 if published == "public" else 404
        assert client.get(f"/public/{iso3}/{cycle}/").status_code == expected, (iso3, cycle)
        assert client.get(f"/public/{iso3}/{cycle}/pdf-status/").status_code == expected
    listing = client.get("/public/").content.decode()
    assert "Philippines" in listing
    assert "Moldova" not in listing and "Switzerland" not in listing
    assert "/public/PHL/2024/" not in listing


def test_an_unpublished_profile_pdf_is_a_404_for_other_countries(profiles, browser_of):
    assert (
        browser_of("focal_mda").get("/dashboards/country/CHE/2025/profile.pdf").status_code == 404
    )
    assert browser_of("anonymous").get("/public/CHE/2025.pdf").status_code == 404
    assert browser_of("anonymous").get("/public/MDA/2025.pdf").status_code == 404


def test_a_peer_reads_only_the_published_cycles_in_the_trend(profiles, browser_of):
    page = browser_of("focal_mda").get("/dashboards/country/PHL/2025/profile/")
    assert [h["cycle"] for h in page.context["history"]] == [2025]
    own = browser_of("focal_phl").get("/dashboards/country/PHL/2025/profile/")
    assert [h["cycle"] for h in own.context["history"]] == [2024, 2025]
    public = browser_of("anonymous").get("/public/PHL/2025/").content.decode()
    assert ">2024<" not in public


def compared(client, cycle: int) -> list[str]:
    response = client.get(reverse("dashboards:compare"), {"cycle": cycle})
    assert response.status_code == 200
    return [row[0] for row in response.context["tables"]["countries"]["rows"]]


def test_a_focal_point_compares_its_country_with_the_published_ones_only(profiles, browser_of):
    assert compared(browser_of("focal_mda"), 2025) == ["MDA", "PHL"]
    assert compared(browser_of("focal_phl"), 2025) == ["MDA", "PHL"]
    assert compared(browser_of("focal_che"), 2025) == ["CHE", "MDA", "PHL"]
    assert compared(browser_of("focal_mda"), 2024) == []  # PHL 2024 is not published
    assert compared(browser_of("reviewer"), 2025) == ["CHE", "MDA", "PHL"]


def test_the_comparison_links_another_country_to_its_profile_not_its_dashboard(
    profiles, browser_of
):
    response = browser_of("focal_mda").get(reverse("dashboards:compare"), {"cycle": 2025})
    links = dict(
        zip(
            [r[0] for r in response.context["tables"]["countries"]["rows"]],
            response.context["tables"]["countries"]["links"],
            strict=True,
        )
    )
    assert links["PHL"] == "/dashboards/country/PHL/2025/profile/"
    assert links["MDA"].startswith("/dashboards/country/MDA/")
    assert browser_of("focal_mda").get("/dashboards/country/PHL/").status_code == 404


def published_rows(client) -> list[tuple]:
    response = client.get("/api/v1/published/")
    assert response.status_code == 200, response.content[:300]
    return [(r["country"], r["cycle"], r["audience"]) for r in response.json()["results"]]


def test_the_api_lists_public_profiles_to_anyone_and_peers_to_tokens(profiles):
    assert published_rows(client_for(None)) == [("PHL", 2025, "public")]
    both = [("MDA", 2025, "peers"), ("PHL", 2025, "public")]
    assert published_rows(client_for(profiles["partner"])) == both
    assert published_rows(client_for(profiles["focal_che"])) == both


def test_the_api_gives_each_profile_its_urls(profiles):
    row = client_for(None).get("/api/v1/published/").json()["results"][0]
    assert set(row) == {
        "country",
        "cycle",
        "audience",
        "published_at",
        "profile_url",
        "pdf_url",
    }
    assert row["profile_url"] == "http://testserver/public/PHL/2025/"
    assert row["pdf_url"] == "http://testserver/public/PHL/2025.pdf"
    peers = client_for(profiles["partner"]).get("/api/v1/published/?audience=peers").json()
    assert peers["results"][0]["profile_url"] == (
        "http://testserver/dashboards/country/MDA/2025/profile/"
    )
