"""HTTP behaviour a client relies on: conditional GET (ETag, Last-Modified, 304), CSV with
formulas neutralised, strict query parameters, throttling in the error shape, cached and
revocable tokens — and no 500 whatever garbage arrives."""

import csv
import io
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.authtoken.models import Token

from actors.models import Actor
from assessments import recompute
from assessments.generation import replace_generation
from assessments.models import ConsolidatedScore
from assessments.services import mark_consolidation_stale
from instruments.models import Instrument, Interaction
from tests.api.conftest import assert_error, client_for

API = "/api/v1/"
SCORE = API + "scores/PHL/2025/"


@pytest.fixture
def partner(users):
    return client_for(users["partner"])


# --- Conditional GET -------------------------------------------------------------------------


def test_a_score_answers_304_while_unchanged_and_200_once_recomputed(world, partner):
    # A figure the recompute will correct (the ETag is the body's: a recompute to the
    # same figures within the second that computed_at shows changes nothing).
    ConsolidatedScore.objects.filter(country_id="PHL", cycle=2025).update(overall=1.0)
    replace_generation()
    first = partner.get(SCORE)
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first["Vary"]
    not_modified = partner.get(SCORE, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag

    recompute.recompute_consolidation("PHL", 2025)
    changed = partner.get(SCORE, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["overall"] == 54.58


def test_a_score_turning_stale_changes_its_etag(world, partner):
    etag = partner.get(SCORE)["ETag"]
    mark_consolidation_stale("PHL", 2025)
    response = partner.get(SCORE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["stale"] is True
    assert not response.has_header("Last-Modified")  # a stale score has no reliable date


def test_a_score_carries_last_modified_and_honours_if_modified_since(world, partner):
    response = partner.get(SCORE)
    computed_at = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025).computed_at
    assert response["Last-Modified"] == http_date(computed_at.timestamp())
    later = http_date((computed_at + timezone.timedelta(seconds=5)).timestamp())
    assert partner.get(SCORE, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    earlier = http_date((computed_at - timezone.timedelta(days=1)).timestamp())
    assert partner.get(SCORE, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_the_serialised_score_is_cached_behind_its_etag(world, partner, django_assert_num_queries):
    partner.get(SCORE)  # warms the token and the body
    with django_assert_num_queries(0):
        body = partner.get(SCORE).json()
    assert body["overall"] == 54.58


def test_a_failed_if_match_is_a_412_in_the_error_shape(catalogue, partner):
    response = partner.get(API + "levels/", HTTP_IF_MATCH='"not-this"')
    assert_error(response, 412, "precondition_failed")


def test_the_cached_scores_list_follows_every_change(world, users, partner):
    from assessments.services import reopen

    first = partner.get(API + "scores/").json()
    assert [(s["country"], s["cycle"], s["stale"]) for s in first["results"]] == [
        ("PHL", 2025, False)
    ]
    mark_consolidation_stale("PHL", 2025)
    assert partner.get(API + "scores/").json()["results"][0]["stale"] is True
    recompute.recompute_consolidation("PHL", 2025)
    after = partner.get(API + "scores/").json()["results"][0]
    assert after["stale"] is False and after["computed_at"] >= first["results"][0]["computed_at"]
    reopen(world["validated"], by=users["reviewer"], reason="New evidence.")
    assert partner.get(API + "scores/").json()["count"] == 0  # stale, and none validated
    # Another caller's scope is its own: a Moldovan focal point sees no Philippine score.
    assert client_for(users["focal_mda"]).get(API + "scores/").json()["count"] == 0


def test_the_cached_scores_list_keeps_each_format_apart(world, partner):
    assert partner.get(API + "scores/").json()["count"] == 1
    csv_rows = read_csv(partner.get(API + "scores/?format=csv"))
    assert csv_rows[0]["country"] == "PHL" and csv_rows[0]["overall"] == "54.58"
    assert partner.get(API + "scores/").json()["count"] == 1


def test_a_list_etag_follows_its_content(catalogue, partner):
    etag = partner.get(API + "instruments/")["ETag"]
    assert partner.get(API + "instruments/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    Instrument.objects.filter(code="MIGOF").update(name="Migration Governance Framework")
    assert partner.get(API + "instruments/", HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- CSV -------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_neutralises_cells_that_would_run_as_formulas(catalogue, partner, start):
    formula = f'{start}HYPERLINK("http://evil.example","x")'
    Instrument.objects.filter(code="MIGOF").update(name=formula, description=f"{start}1+2")
    rows = {row["code"]: row for row in read_csv(partner.get(API + "instruments/?format=csv"))}
    assert rows["MIGOF"]["name"] == "'" + formula
    assert rows["MIGOF"]["description"] == f"'{start}1+2"
    assert rows["NAGA-MDC"]["levels"] == "subnational;national"
    assert rows["PHL-CHE-MP"]["countries"] == "CHE;PHL"


@pytest.mark.parametrize(
    ("name", "written"),
    [
        (" =1+1", "' =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0b1+1", "'\uff0b1+1"),
        ("\uff0d1+1", "'\uff0d1+1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        (";=1+1", ";'=1+1"),
        ("Name;=HYPERLINK(1)", "Name;'=HYPERLINK(1)"),
    ],
)
def test_csv_neutralises_formulas_behind_blanks_full_width_forms_and_separators(
    catalogue, partner, name, written
):
    Instrument.objects.filter(code="MIGOF").update(name=name)
    rows = {row["code"]: row for row in read_csv(partner.get(API + "instruments/?format=csv"))}
    assert rows["MIGOF"]["name"] == written


def test_csv_keeps_negative_numbers_as_numbers(catalogue, partner):
    i = catalogue["instruments"]
    Interaction.objects.create(source=i["MIGOF"], target=i["PHL-LMP"], score=-3, rationale="-no")
    row = read_csv(partner.get(API + "interactions/?format=csv"))[0]
    assert row == {
        "source": "MIGOF",
        "target": "PHL-LMP",
        "score": "-3",
        "rationale": "'-no",
        "incoherence": "true",
        "mitigations": "",
        "unmitigated": "true",
    }


def test_csv_flattens_nested_texts_into_columns(catalogue, partner):
    rows = read_csv(partner.get(API + "indicators/?format=csv&coherence_type=horizontal"))
    assert rows[0]["code"] == "H-DIA-01"
    assert rows[0]["question.fr"] == "Question H-DIA-01 ?"
    assert rows[0]["weight"] == "1.0"


def test_csv_of_an_empty_list_still_has_its_header(catalogue, partner):
    response = partner.get(API + "interactions/?format=csv")
    assert response.content.decode().splitlines() == [
        "source,target,score,rationale,incoherence,mitigations,unmitigated"
    ]


def test_csv_pages_link_to_the_next_page(catalogue, partner):
    response = partner.get(API + "actors/?format=csv&page_size=2")
    assert len(read_csv(response)) == 2
    assert 'rel="next"' in response["Link"] and "page=2" in response["Link"]


def test_errors_are_json_even_when_csv_was_asked(catalogue, partner):
    response = partner.get(API + "instruments/?format=csv&level=outer")
    assert_error(response, 400)


@pytest.mark.parametrize("query", ["format=xml", "format=csv&format=json"])
def test_an_unknown_format_is_a_400_naming_it(catalogue, partner, query):
    assert "format" in assert_error(partner.get(API + f"actors/?{query}"), 400)["details"]


def test_an_unacceptable_accept_header_is_a_406(catalogue, partner):
    assert_error(partner.get(API + "actors/", HTTP_ACCEPT="application/xml"), 406)


# --- Strict query parameters -----------------------------------------------------------------


def test_unknown_parameters_are_a_400_naming_each(catalogue, partner):
    error = assert_error(partner.get(API + "instruments/?colour=red&size=9&level=national"), 400)
    assert error["code"] == "unknown_parameter"
    assert sorted(error["details"]) == ["colour", "size"]
    assert "colour" in error["message"] and "size" in error["message"]


def test_a_filter_of_another_endpoint_is_unknown_here(catalogue, partner):
    error = assert_error(partner.get(API + "levels/?tool_type=policy"), 400)
    assert list(error["details"]) == ["tool_type"]


def test_a_detail_takes_no_list_parameters(catalogue, partner):
    error = assert_error(partner.get(API + "actors/IOM/?page=2"), 400)
    assert list(error["details"]) == ["page"]


@pytest.mark.parametrize(
    "path",
    ["no-such-thing/?colour=red", "assessments/1/stocktake/instruments/lower-case/?revision=1"],
)
def test_a_path_naming_no_endpoint_is_a_404_whatever_its_parameters(catalogue, partner, path):
    error = assert_error(partner.get(API + path), 404, "not_found")
    assert error["message"].startswith("No endpoint at /api/v1/")


def test_a_parameter_given_twice_is_a_400(catalogue, partner):
    error = assert_error(partner.get(API + "instruments/?level=national&level=regional"), 400)
    assert list(error["details"]) == ["level"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1.5", "page"),
        ("page=last", "page"),
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
        ("page_size=ten", "page_size"),
        ("cycle=twenty", "cycle"),
        ("cycle=1999", "cycle"),
        ("country=P%00L", "country"),
    ],
)
def test_malformed_values_are_a_400_naming_them(world, partner, query, name):
    error = assert_error(partner.get(API + f"scores/?{query}"), 400)
    assert list(error["details"]) == [name]


def test_a_page_past_the_end_is_a_404(catalogue, partner):
    assert_error(partner.get(API + "levels/?page=2"), 404, "not_found")


def test_pages_follow_one_another(catalogue, partner):
    first = partner.get(API + "areas/?page_size=10").json()
    assert first["count"] == 18 and first["previous"] is None
    second = partner.get(first["next"]).json()
    assert second["next"] is None and len(second["results"]) == 8
    assert second["previous"].endswith("/api/v1/areas/?page_size=10")


# --- Throttling ------------------------------------------------------------------------------


def test_a_token_over_its_rate_is_throttled_in_the_error_shape(catalogue, users, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "3/minute"},
    }
    client = client_for(users["partner"])
    other = client_for(users["reviewer"])
    for _ in range(3):
        assert client.get(API + "levels/").status_code == 200
    response = client.get(API + "levels/")
    error = assert_error(response, 429, "throttled")
    assert 1 <= error["details"]["wait"] <= 60
    assert int(response["Retry-After"]) == error["details"]["wait"]
    assert other.get(API + "levels/").status_code == 200  # per token, not global


def test_anonymous_clients_are_throttled_per_address(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "100000/minute"},
    }
    address = f"2001:db8::{uuid.uuid4().hex[:4]}"  # fresh: Redis keeps counters across runs
    client = client_for(None)
    for _ in range(2):
        assert_error(client.get(API + "levels/", REMOTE_ADDR=address), 401)
    assert_error(client.get(API + "levels/", REMOTE_ADDR=address), 429)
    assert_error(client.get(API + "levels/", REMOTE_ADDR=address.replace("db8::", "db8:1::")), 401)


# --- Tokens ----------------------------------------------------------------------------------


def test_a_warm_token_costs_no_query(catalogue, users, django_assert_num_queries):
    client = client_for(users["reviewer"])
    client.get(API + "levels/")
    with django_assert_num_queries(2):  # the count and the page; no token, user or role
        assert client.get(API + "levels/").status_code == 200


def test_deleting_a_token_revokes_it_at_once(catalogue, users):
    client = client_for(users["partner"])
    assert client.get(API + "levels/").status_code == 200  # now cached
    Token.objects.filter(user=users["partner"]).delete()
    assert_error(client.get(API + "levels/"), 401, "authentication_failed")


def test_deactivating_a_user_revokes_its_token_at_once(catalogue, users):
    client = client_for(users["partner"])
    assert client.get(API + "levels/").status_code == 200
    users["partner"].is_active = False
    users["partner"].save()
    assert_error(client.get(API + "levels/"), 401)


def test_a_role_change_applies_at_once(world, users):
    client = client_for(users["partner"])
    assert_error(client.get(API + "assessments/"), 404)
    membership = users["partner"].membership
    membership.role = "reviewer"
    membership.save()
    assert client.get(API + "assessments/").status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token nope\x00",
        "Token " + "f" * 40,
        "Token ✓",
        "Token ✓".encode().decode("latin-1"),  # as a WSGI server passes UTF-8 bytes on
        "Bearer abc",
    ],
)
def test_a_bad_token_is_a_401(catalogue, header):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(API + "levels/")
    assert_error(response, 401)


def test_the_browser_session_works_with_csrf_on_writes(assessment, users):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(users["focal_phl"])
    assert browser.get(API + "assessments/").status_code == 200
    response = browser.post(API + f"assessments/{assessment.pk}/submit/")
    assert_error(response, 403)
    assert "CSRF" in response.json()["error"]["message"]


# --- No 500, whatever arrives ----------------------------------------------------------------

GARBAGE_GETS = [
    "assessments/99999999999999999999/",
    "assessments/-1/",
    "assessments/1.5/",
    "assessments/%00/",
    "assessments/0/",
    "assessments/9999999999/scores/",
    "actors/%00/",
    "actors/iom/",
    "actors/" + "A" * 500 + "/",
    "instruments/%F0%9F%92%A5/",
    "indicators/h-ins-01/",
    "scores/PHL/99999/",
    "scores/PH/2025/",
    "scores/PHL/",
    "scores/PHL/2025",
    "grid/?country=" + "A" * 5000,
    "grid/?country=%00%00%00",
    "instruments/?country=%F0%9F%92%A5",
    "interactions/?source=%00",
    "assessments/?cycle=1e9",
    "assessments/?actor=%25",
    "actors/?%00=1",
    "../../etc/passwd",
    "levels/?page=99999999999999999999",
    "levels/?page_size=99999999999999999999",
]


@pytest.mark.parametrize("path", GARBAGE_GETS)
def test_garbage_ids_paths_and_parameters_are_4xx_in_the_error_shape(world, users, path):
    response = client_for(users["reviewer"]).get(API + path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert_error(response, response.status_code)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"version": NaN, "answers": []}', "application/json", 400),
        (b"[]", "application/json", 400),
        (b"null", "application/json", 400),
        (b'"text"', "application/json", 400),
        (b"version=1", "application/x-www-form-urlencoded", 415),
        (b"<xml/>", "application/xml", 415),
        (b"\xff\xfe\x00", "application/json", 400),
    ],
)
def test_garbage_bodies_are_4xx_in_the_error_shape(assessment, users, body, content_type, status):
    client = client_for(users["focal_phl"])
    response = client.generic(
        "PUT", API + f"assessments/{assessment.pk}/answers/", body, content_type=content_type
    )
    assert_error(response, status)


def test_a_method_not_allowed_is_a_405_in_the_error_shape(catalogue, partner):
    response = partner.delete(API + "instruments/MIGOF/")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_large_page_size_of_a_long_list_stays_bounded(catalogue, partner):
    Actor.objects.bulk_create(
        Actor(code=f"X-{n:03}", name="x", type="civil_society", level="international")
        for n in range(600)
    )
    body = partner.get(API + "actors/?page_size=500").json()
    assert body["count"] == 607 and len(body["results"]) == 500


def test_a_head_request_answers_like_a_get_without_a_body(catalogue, partner):
    response = partner.head(API + "levels/")
    assert response.status_code == 200
    assert response.has_header("ETag")


def test_the_cache_keys_hold_no_raw_token(catalogue, users):
    client = client_for(users["partner"])
    client.get(API + "levels/")
    key = Token.objects.get(user=users["partner"]).key
    assert cache.get("api:token:" + key) is None


def test_bodies_kept_in_the_process_stay_within_their_budget():
    from coherence.api.caching import LocalBodies

    bodies = LocalBodies(budget=100)
    bodies.set("a", b"x" * 60, 10)
    bodies.set("b", (b"y" * 30, "text/csv", '"e"', None), 10)
    bodies.set("c", b"z" * 50, 10)  # over budget: the least recently used goes
    assert bodies.get("a") is None and bodies.get("c") == b"z" * 50
    assert bodies.size <= 100
    bodies.set("d", b"w", 0)
    assert bodies.get("d") is None  # expired
