"""Every page and export runs a fixed number of queries: the same with 3 countries and 10
instruments as with 30 countries and 200 instruments (no query per row), and no more
than the pinned maximum."""

import itertools
import string

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor, Interest
from assessments.models import ConsolidatedScore, IndicatorConsolidation
from coherence.choices import AREA_CODES, Dimension, Level, Link, ToolKind
from coherence.models import Country
from instruments.models import Instrument, Interaction

# url -> the most queries it may run (session, user and membership included)
PINNED = {
    # + the names of the instruments the hover labels list (ten a cell at most)
    "/grid/": 8,
    "/grid/?country=PHL&area=labour_migration&level=national": 10,
    "/grid/?export=csv": 2,  # a redirect to the dashboards' export
    "/grid/cell/?level=national&tool_type=policy&country=PHL": 8,
    "/grid/compare/?a=PHL&b=QAA": 10,
    # + the instruments' names and sources (the "instruments" table, the `source` column)
    "/dashboards/grid/export/?export=csv&country=PHL": 5,
    "/dashboards/grid/export/?export=xlsx": 4,
    "/dashboards/grid/cell/export/?export=csv&level=national&tool_type=policy": 5,
    "/dashboards/grid/compare/export/?export=xlsx&a=PHL&b=QAA": 6,
    "/dashboards/country/PHL/": 9,  # + the validated stock-taking: instruments, interactions
    # + the validated stock-taking's instruments and interactions ("tools and safeguards")
    "/dashboards/country/PHL/?export=csv": 9,
    "/dashboards/country/PHL/?export=xlsx": 9,
    "/dashboards/compare/": 5,
    "/dashboards/compare/?sort=-overall&export=csv": 5,
    "/dashboards/compare/?export=xlsx": 5,
    # + the unmitigated incoherences, listed first
    "/dashboards/interactions/": 9,
    "/dashboards/interactions/?country=PHL&area=labour_migration": 11,
    "/dashboards/interactions/?country=PHL": 10,
    "/dashboards/interactions/?export=xlsx": 7,
    "/dashboards/interests/PHL/": 7,
    "/dashboards/interests/PHL/?export=xlsx": 7,
}


def iso3_codes(prefix: str, n: int) -> list[str]:
    letters = itertools.product(string.ascii_uppercase, repeat=2)
    return [f"{prefix}{a}{b}" for a, b in itertools.islice(letters, n)]


def populate(catalogue, *, prefix: str, countries: int, instruments: int, phl: bool) -> None:
    """Scores for `countries` countries (and PHL) over two cycles with every indicator's
    spread; `instruments` instruments on one or two levels, binding a country or none,
    each acting on three others; three actors per country with interests."""
    codes = iso3_codes(prefix, countries)
    Country.objects.bulk_create(Country(iso3=c, name=f"Country {c}") for c in codes)
    with_phl = [*codes, "PHL"] if phl else codes
    indicators = list(catalogue["indicators"].values())
    scores, spreads = [], []
    for i, country in enumerate(with_phl):
        for cycle in (2025, 2026):
            value = 20 + (i * 7 + cycle) % 70
            scores.append(
                ConsolidatedScore(
                    country_id=country,
                    cycle=cycle,
                    framework=catalogue["framework"],
                    overall=value,
                    horizontal=value - 5,
                    vertical=value + 5,
                    band="established",
                    divergence=10,
                    assessments=2,
                    areas=[{"code": a, "score": value, "coverage": 0.5} for a in AREA_CODES],
                    dimensions=[{"code": d, "score": value} for d in Dimension.values],
                    links=[{"code": lk, "score": value} for lk in Link.values],
                )
            )
            spreads += [
                IndicatorConsolidation(
                    country_id=country,
                    cycle=cycle,
                    indicator=indicator,
                    value=0.5,
                    spread=10.0 * k,
                    n=2,
                )
                for k, indicator in enumerate(indicators)
            ]
    ConsolidatedScore.objects.bulk_create(scores)
    IndicatorConsolidation.objects.bulk_create(spreads)

    made = Instrument.objects.bulk_create(
        Instrument(
            code=f"{prefix}-{n:04d}",
            name=f"Bulk instrument {n}",
            tool_type_id=ToolKind.values[n % 7],
        )
        for n in range(instruments)
    )
    levels, bound, areas = [], [], []
    Through = Instrument.levels.through
    for n, instrument in enumerate(made):
        levels.append(Through(instrument_id=instrument.pk, governancelevel_id=Level.values[n % 5]))
        if n % 4 == 0:
            levels.append(Through(instrument_id=instrument.pk, governancelevel_id="national"))
        if n % 3:
            country = "PHL" if n % 3 == 1 else codes[n % len(codes)]
            bound.append(
                Instrument.countries.through(instrument_id=instrument.pk, country_id=country)
            )
        areas.append(
            Instrument.areas.through(instrument_id=instrument.pk, policyarea_id=AREA_CODES[n % 3])
        )
    Through.objects.bulk_create(levels, ignore_conflicts=True)
    Instrument.countries.through.objects.bulk_create(bound)
    Instrument.areas.through.objects.bulk_create(areas)
    Interaction.objects.bulk_create(
        Interaction(
            source=instrument,
            target=made[(n + step) % len(made)],
            score=(n + step) % 7 - 3,
            rationale=f"rationale {n}-{step}",
        )
        for n, instrument in enumerate(made)
        for step in (1, 2, 3)
    )
    actors = Actor.objects.bulk_create(
        Actor(
            code=f"A-{c}-{k}",
            name=f"Actor {k} of {c}",
            type="line_ministry",
            level="national",
            country_id=c,
        )
        for c in with_phl
        for k in range(3)
    )
    Interest.objects.bulk_create(
        Interest(actor=actor, area_id=area, priority=1 + (i + j) % 5)
        for i, actor in enumerate(actors)
        for j, area in enumerate(AREA_CODES)
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries)


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


@pytest.mark.parametrize("url", list(PINNED))
def test_query_count_is_pinned_and_constant(
    reviewer_client, catalogue, url, django_assert_max_num_queries
):
    populate(catalogue, prefix="Q", countries=3, instruments=10, phl=True)
    small = count_queries(reviewer_client, url)
    populate(catalogue, prefix="R", countries=30, instruments=200, phl=False)
    assert Instrument.objects.count() > 200 and Country.objects.count() > 30
    with django_assert_max_num_queries(PINNED[url]):
        large = count_queries(reviewer_client, url)
    assert large == small, f"{url}: {small} queries with little data, {large} with more"


def test_a_focal_points_pages_are_pinned_too(
    client, users, catalogue, django_assert_max_num_queries
):
    populate(catalogue, prefix="Q", countries=30, instruments=200, phl=True)
    client.force_login(users["focal_phl"])
    for url in ("/dashboards/country/PHL/", "/dashboards/compare/", "/dashboards/interests/PHL/"):
        with django_assert_max_num_queries(PINNED[url]):
            assert client.get(url).status_code == 200
