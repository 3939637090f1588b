"""The profile's pages and `published/` run a pinned number of queries, the same with one
published profile as with many (no query per row)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.choices import Audience
from assessments.models import ConsolidatedScore, Publication
from assessments.publication import replace_publications_generation
from coherence.models import Country
from instruments.models import Instrument
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

# url -> (who asks, the most queries it may run: session, user and membership included; the
# tools section's validated stock-taking costs two)
PINNED = {
    "/dashboards/country/PHL/2025/profile/": ("focal_phl", 12),
    "/dashboards/country/PHL/2025/profile/?as=peer": ("focal_mda", 10),
    "/dashboards/country/PHL/2025/profile/pdf-status/": ("focal_phl", 5),
    "/public/": ("anonymous", 1),
    "/public/PHL/2025/": ("anonymous", 8),
}


def more_of_everything(profiles) -> None:
    """Twenty more published countries, cycles and instruments: counts must not grow."""
    score = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    for i in range(20):
        iso3 = f"Q{chr(65 + i)}A"
        Country.objects.create(iso3=iso3, name=f"Country {iso3}")
        for cycle in (2023, 2025):
            ConsolidatedScore.objects.create(
                **{
                    f.attname: getattr(score, f.attname)
                    for f in ConsolidatedScore._meta.concrete_fields
                    if f.attname not in ("id", "country_id", "cycle")
                },
                country_id=iso3,
                cycle=cycle,
            )
            Publication.objects.create(
                country_id=iso3,
                cycle=cycle,
                audience=Audience.PUBLIC,
                published_by=profiles["focal_phl"],
                published_at=score.computed_at,
            )
        instrument = Instrument.objects.create(code=f"X-{i}", name=f"X {i}", tool_type_id="policy")
        instrument.levels.set(["national"])
        instrument.countries.set(["PHL"])
    for cycle in (2020, 2021, 2022):
        ConsolidatedScore.objects.create(
            **{
                f.attname: getattr(score, f.attname)
                for f in ConsolidatedScore._meta.concrete_fields
                if f.attname not in ("id", "cycle")
            },
            cycle=cycle,
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url.replace("?as=peer", ""))
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def cold(client, url) -> int:
    replace_publications_generation()  # nothing the public pages cached is read again
    return count(client, url)


def test_each_page_runs_a_pinned_number_of_queries_whatever_the_data(profiles, browser_of):
    small = {url: cold(browser_of(who), url) for url, (who, _) in PINNED.items()}
    more_of_everything(profiles)
    large = {url: cold(browser_of(who), url) for url, (who, _) in PINNED.items()}
    assert small == large
    assert {url: n for url, n in large.items() if n > PINNED[url][1]} == {}, large


def test_published_runs_a_pinned_number_of_queries(profiles, django_assert_max_num_queries):
    more_of_everything(profiles)
    with django_assert_max_num_queries(2):  # the count and the page; no token for anyone
        body = Client().get("/api/v1/published/").json()
    assert body["count"] == 41
    client = client_for(profiles["partner"])
    client.get("/api/v1/published/")
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/published/").json()["count"] == 42


def test_the_pdf_from_storage_runs_a_pinned_number_of_queries(
    profiles, browser_of, django_assert_max_num_queries
):
    client = browser_of("focal_phl")
    assert client.get("/dashboards/country/PHL/2025/profile.pdf").status_code == 200
    with django_assert_max_num_queries(5):  # session, user, membership, country, cycles
        assert client.get("/dashboards/country/PHL/2025/profile.pdf").status_code == 200
    anonymous = Client()
    assert anonymous.get("/public/PHL/2025.pdf").status_code == 200
    with django_assert_max_num_queries(3):  # the publication, the country, its cycles
        assert anonymous.get("/public/PHL/2025.pdf").status_code == 200
