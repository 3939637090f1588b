"""/public/: the profiles published to the public, without signing in, cached
until the scores or the publications change, and with no link into anything private."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from assessments.models import ConsolidatedScore
from assessments.publication import withdraw

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.found.append(value)


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


def test_every_link_of_the_public_pages_stays_public(profiles, django_capture_on_commit_callbacks):
    anonymous = Client()
    seen, queue = set(), ["/public/", "/public/PHL/2025/", "/public/?lang=fr"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = anonymous.get(url)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        for link in links_of(response.content.decode()):
            target = urljoin(url, link)
            parts = urlsplit(target)
            if link.startswith("data:"):
                continue
            assert not parts.netloc, f"{url} links to another host: {link}"
            assert parts.path.startswith(("/public/", "/static/")), f"{url} links to {link}"
            if parts.path.startswith("/public/"):
                queue.append(target)
    assert "/public/PHL/2025.pdf" in seen
    assert any(u.startswith("/public/PHL/2025/?lang=") for u in seen)


def test_a_public_profile_reads_in_the_readers_language(profiles):
    page = Client().get("/public/PHL/2025/?lang=fr").content.decode()
    assert '<html lang="fr">' in page
    assert "Cohérence horizontale" in page
    page = Client().get("/public/PHL/2025/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page


def test_a_warm_public_page_costs_no_query(profiles, django_assert_num_queries):
    client = Client()
    assert client.get("/public/PHL/2025/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/public/PHL/2025/").status_code == 200
    assert client.get("/public/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/public/").status_code == 200


def test_a_withdrawal_takes_the_cached_page_away_at_once(profiles):
    client = Client()
    assert client.get("/public/PHL/2025/").status_code == 200
    assert "/public/PHL/2025/" in client.get("/public/").content.decode()
    withdraw(country="PHL", cycle=2025, by=profiles["focal_phl"])
    assert client.get("/public/PHL/2025/").status_code == 404
    assert "/public/PHL/2025/" not in client.get("/public/").content.decode()


def test_new_scores_replace_the_cached_page(profiles):
    client = Client()
    assert "Overall coherence" in client.get("/public/PHL/2025/").content.decode()
    score = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    score.overall = 12.34
    score.save()  # every write to the scores replaces their generation
    assert "12.34" in client.get("/public/PHL/2025/").content.decode()


def test_the_public_page_has_no_sign_in_controls_and_no_inline_code(profiles):
    page = Client().get("/public/PHL/2025/").content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert "<form" not in page
    assert "<script>" not in page and " style=" not in page
