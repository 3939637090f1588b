"""The score bodies the API caches (assessments/generation.py): a warm read asks the
database nothing, and every write the product makes to the scores, by any path, is seen
by the very next read."""

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from assessments import generation, recompute
from assessments.models import Assessment, ConsolidatedScore, FrameworkVersion
from assessments.services import mark_consolidation_stale, reopen
from coherence.api.caching import local_bodies
from tests.api.conftest import assert_error, client_for

SCORES = "/api/v1/scores/"
ONE = "/api/v1/scores/PHL/2025/"


@pytest.fixture
def partner(users):
    return client_for(users["partner"])


def warm(client, django_assert_num_queries, url):
    """Read `url` twice; the second read must come from the cache."""
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == first.status_code and again.content == first.content
    return first


def test_a_stale_mark_is_seen_by_the_next_read(world, partner, django_assert_num_queries):
    assert warm(partner, django_assert_num_queries, ONE).json()["stale"] is False
    assert warm(partner, django_assert_num_queries, SCORES).json()["results"][0]["stale"] is False
    mark_consolidation_stale("PHL", 2025)  # a bulk UPDATE: no signal
    assert partner.get(ONE).json()["stale"] is True
    assert partner.get(SCORES).json()["results"][0]["stale"] is True


def test_a_recompute_of_one_country_is_seen_by_the_next_read(
    world, partner, django_assert_num_queries
):
    scores = ConsolidatedScore.objects.filter(country_id="PHL", cycle=2025)
    scores.update(overall=1.0)
    generation.replace_generation()  # so that the wrong figure is what the cache holds
    before = warm(partner, django_assert_num_queries, ONE)
    assert before.json()["overall"] == 1.0
    scores.update(overall=2.0)
    assert partner.get(ONE).content == before.content  # behind the product's back: cached
    recompute.recompute_consolidation("PHL", 2025)
    after = partner.get(ONE)
    assert after.json()["overall"] == 54.58
    assert after["ETag"] != before["ETag"]


def test_a_full_recompute_is_seen_by_the_next_read(world, partner, django_assert_num_queries):
    ConsolidatedScore.objects.filter(country_id="PHL", cycle=2025).update(overall=1.0)
    generation.replace_generation()  # so that the wrong figure is what the cache holds
    assert warm(partner, django_assert_num_queries, SCORES).json()["results"][0]["overall"] == 1.0
    recompute.recompute_all()  # TRUNCATE and COPY on PostgreSQL: no signal
    assert partner.get(SCORES).json()["results"][0]["overall"] == 54.58


def test_an_edit_through_the_orm_is_seen_by_the_next_read(
    world, partner, django_assert_num_queries
):
    warm(partner, django_assert_num_queries, ONE)
    score = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    score.overall = 12.5
    score.save()
    assert partner.get(ONE).json()["overall"] == 12.5


def test_a_renamed_framework_is_seen_by_the_next_read(world, partner, django_assert_num_queries):
    warm(partner, django_assert_num_queries, SCORES)
    framework = FrameworkVersion.objects.get(code="2026.1")
    framework.code = "2026.2"
    framework.save()
    assert partner.get(SCORES).json()["results"][0]["framework"] == "2026.2"


def test_a_deleted_assessment_takes_its_score_out_at_once(
    world, partner, django_assert_num_queries
):
    warm(partner, django_assert_num_queries, ONE)
    Assessment.objects.filter(pk=world["validated"].pk).first().delete()
    assert_error(partner.get(ONE), 404)
    assert partner.get(SCORES).json()["count"] == 0


def test_a_reopened_assessment_takes_its_score_out_at_once(
    world, users, partner, django_assert_num_queries
):
    warm(partner, django_assert_num_queries, ONE)
    reopen(world["validated"], by=users["reviewer"], reason="New evidence.")
    assert_error(partner.get(ONE), 404)
    assert partner.get(SCORES).json()["count"] == 0


def test_a_missing_score_is_cached_as_missing_until_one_comes(
    world, partner, django_assert_num_queries
):
    url = "/api/v1/scores/PHL/2026/"
    first = partner.get(url)
    with django_assert_num_queries(0):
        assert_error(partner.get(url), 404)
    assert_error(first, 404)
    # Two validated assessments of 2026 later, the consolidation is stored and served.
    for name in ("draft", "submitted"):
        Assessment.objects.filter(pk=world[name].pk).update(state="validated")
    mark_consolidation_stale("PHL", 2026)
    recompute.recompute_consolidation("PHL", 2026)
    body = partner.get(url).json()
    assert (body["country"], body["cycle"], body["assessments"]) == ("PHL", 2026, 2)


def test_each_caller_reads_its_own_scope_from_the_cache(world, users, django_assert_num_queries):
    warm(client_for(users["partner"]), django_assert_num_queries, ONE)
    warm(client_for(users["partner"]), django_assert_num_queries, SCORES)
    mda = client_for(users["focal_mda"])
    assert_error(mda.get(ONE), 404)
    assert mda.get(SCORES).json()["count"] == 0
    assert client_for(users["focal_phl"]).get(ONE).json()["overall"] == 54.58


def test_an_evicted_generation_starts_a_new_one(world, partner, django_assert_num_queries):
    warm(partner, django_assert_num_queries, ONE)
    before = generation.scores_generation()
    cache.delete(generation.KEY)
    ConsolidatedScore.objects.filter(country_id="PHL", cycle=2025).update(overall=3.0)
    assert partner.get(ONE).json()["overall"] == 3.0
    assert generation.scores_generation() != before


def test_a_write_replaces_the_generation_now_and_once_more_on_commit(world):
    seen = [generation.scores_generation()]
    mark_consolidation_stale("PHL", 2025)
    seen.append(generation.scores_generation())
    recompute.recompute_consolidation("PHL", 2025)
    seen.append(generation.scores_generation())
    pending = [
        callback
        for _, callback, _ in transaction.get_connection().run_on_commit
        if callback is generation.replace_generation
    ]
    assert len(pending) == 1  # once per transaction, however many writes it makes
    pending[0]()  # what the commit runs
    seen.append(generation.scores_generation())
    assert len(set(seen)) == 4


def test_a_cache_that_cannot_be_written_never_undoes_a_write(world, monkeypatch, caplog):
    # A real Redis client, pointed at a port where nothing listens.
    monkeypatch.setattr(generation, "cache", RedisCache("redis://127.0.0.1:9/0", {}))
    mark_consolidation_stale("PHL", 2025)
    assert ConsolidatedScore.objects.get(country_id="PHL", cycle=2025).stale is True
    assert "Could not replace the scores generation" in caplog.text


@pytest.mark.parametrize("url", [ONE, "/api/v1/scores/PHL/2026/", SCORES])
def test_a_body_from_the_shared_cache_reads_as_the_process_own(world, partner, url):
    """Another worker, or this one after its own copy expired, reads the shared cache's
    copy: a new object, unpickled."""
    first = partner.get(url)
    local_bodies.clear()
    again = partner.get(url)
    assert (again.status_code, again.content) == (first.status_code, first.content)


def test_without_a_shared_cache_every_read_asks_the_database(
    world, partner, settings, django_assert_num_queries
):
    settings.API_CACHE_SCORES = False
    partner.get(ONE)
    ConsolidatedScore.objects.filter(country_id="PHL", cycle=2025).update(overall=7.0)
    with django_assert_num_queries(3):  # the score; its unmitigated incoherences (two)
        assert partner.get(ONE).json()["overall"] == 7.0
    assert partner.get(SCORES).json()["results"][0]["overall"] == 7.0


def test_a_renamed_framework_changes_the_etag(world, partner):
    etag = partner.get(ONE)["ETag"]
    FrameworkVersion.objects.filter(code="2026.1").first().save()  # same code: same body
    assert partner.get(ONE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    framework = FrameworkVersion.objects.get(code="2026.1")
    framework.code = "2026.2"
    framework.save()
    response = partner.get(ONE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["framework"] == "2026.2"
