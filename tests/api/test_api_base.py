"""The base every endpoint goes through (after NetBox): each role against each endpoint of
the API v1, with exactly the answer DESIGN §7 gives it, and the generic checks every read
passes — error shape, pagination shape, unknown parameters, conditional GET.

A guard test fails when a route of the router is missing from the matrix."""

import pytest
from django.urls import resolve

from assessments.api import urls as api_urls
from tests.api.conftest import ROLES, assert_error

API = "/api/v1/"

# What every signed-in caller may read: the catalogue, the indicators, the grid.
CATALOGUE = {"anonymous": 401, "partner": 200, "focal_phl": 200, "focal_mda": 200, "reviewer": 200}


# What anyone may read, without a token: what countries have published.
PUBLISHED = {"anonymous": 200, "partner": 200, "focal_phl": 200, "focal_mda": 200, "reviewer": 200}


def expect(anonymous, partner, focal_phl, focal_mda, reviewer) -> dict:
    return dict(zip(ROLES, (anonymous, partner, focal_phl, focal_mda, reviewer), strict=True))


# (method, path, body, expected status per role). Paths name objects of the `world`
# fixture: {draft} the PHL DMW's draft, {submitted} the PHL DOH's submitted one,
# {validated} the PHL DOH's validated 2025 one, {mda_draft} Moldova's draft.
MATRIX = [
    ("get", "", None, CATALOGUE),
    ("get", "levels/", None, CATALOGUE),
    ("get", "tool-types/", None, CATALOGUE),
    ("get", "areas/", None, CATALOGUE),
    ("get", "actors/", None, CATALOGUE),
    ("get", "actors/PHL-DMW/", None, CATALOGUE),
    ("get", "instruments/", None, CATALOGUE),
    ("get", "instruments/PHL-LMP/", None, CATALOGUE),
    ("get", "interactions/", None, CATALOGUE),
    ("get", "indicators/", None, CATALOGUE),
    ("get", "indicators/H-INS-01/", None, CATALOGUE),
    ("get", "grid/?country=PHL", None, CATALOGUE),
    ("get", "scores/", None, CATALOGUE),
    ("get", "scores/PHL/2025/", None, expect(401, 200, 200, 404, 200)),
    ("get", "scores/PHL/2026/", None, expect(401, 404, 404, 404, 404)),
    ("get", "sdmx/structure/", None, CATALOGUE),
    ("get", "sdmx/data/", None, CATALOGUE),
    ("get", "crosswalk/", None, CATALOGUE),
    # Published profiles (DESIGN §7): readable without a token, the one anonymous exception
    # of the router (what each caller sees is tested in tests/profile).
    ("get", "published/", None, PUBLISHED),
    ("get", "stocktake/", None, CATALOGUE),
    ("get", "stocktake/?country=PHL&cycle=2025", None, CATALOGUE),
    ("get", "assessments/", None, expect(401, 404, 200, 200, 200)),
    ("get", "assessments/{draft}/", None, expect(401, 404, 200, 404, 404)),
    ("get", "assessments/{submitted}/", None, expect(401, 404, 404, 404, 200)),
    ("get", "assessments/{validated}/", None, expect(401, 404, 404, 404, 200)),
    ("get", "assessments/{mda_draft}/", None, expect(401, 404, 404, 200, 404)),
    ("get", "assessments/{draft}/scores/", None, expect(401, 404, 200, 404, 404)),
    ("get", "assessments/{validated}/scores/", None, expect(401, 404, 404, 404, 200)),
    ("post", "assessments/", {"cycle": 2027}, expect(401, 404, 201, 201, 403)),
    (
        "put",
        "assessments/{draft}/answers/",
        {"version": "{draft_version}", "answers": [{"indicator": "H-INS-01", "value": 1}]},
        expect(401, 404, 200, 404, 404),
    ),
    (
        "patch",
        "assessments/{draft}/answers/",
        {"version": "{draft_version}", "answers": [{"indicator": "H-INS-01", "value": 0}]},
        expect(401, 404, 200, 404, 404),
    ),
    (
        "put",
        "assessments/{submitted}/answers/",
        {"version": "{submitted_version}", "answers": [{"indicator": "H-INS-01", "value": 0}]},
        expect(401, 404, 404, 404, 403),
    ),
    ("post", "assessments/{draft}/submit/", {}, expect(401, 404, 200, 404, 404)),
    ("post", "assessments/{submitted}/submit/", {}, expect(401, 404, 404, 404, 403)),
    ("post", "assessments/{submitted}/validate/", {}, expect(401, 404, 404, 404, 200)),
    (
        "post",
        "assessments/{submitted}/return/",
        {"reason": "Cite the decree."},
        expect(401, 404, 404, 404, 200),
    ),
    (
        "post",
        "assessments/{validated}/reopen/",
        {"reason": "New evidence."},
        expect(401, 404, 404, 404, 200),
    ),
    # Evidence documents of an answer (tests/api/test_api_evidence.py uploads, reads and
    # downloads real files for each role; document 999999 exists for nobody).
    (
        "get",
        "assessments/{draft}/answers/H-INS-01/documents/",
        None,
        expect(401, 404, 200, 404, 404),
    ),
    (
        "get",
        "assessments/{submitted}/answers/H-INS-01/documents/",
        None,
        expect(401, 404, 404, 404, 200),
    ),
    (
        "get",
        "assessments/{mda_draft}/answers/H-INS-01/documents/999999/",
        None,
        expect(401, 404, 404, 404, 404),
    ),
    (
        "get",
        "assessments/{validated}/answers/H-INS-01/documents/999999/download/",
        None,
        expect(401, 404, 404, 404, 404),
    ),
    (
        "delete",
        "assessments/{draft}/answers/H-INS-01/documents/999999/",
        None,
        expect(401, 404, 404, 404, 404),
    ),
    (
        "post",
        "assessments/{mda_draft}/answers/H-INS-01/documents/",
        None,
        expect(401, 404, 404, 400, 404),
    ),
    ("get", "assessments/{draft}/stocktake/", None, expect(401, 404, 200, 404, 404)),
    ("get", "assessments/{validated}/stocktake/", None, expect(401, 404, 404, 404, 200)),
    (
        "post",
        "assessments/{draft}/stocktake/instruments/",
        {"code": "PHL-LMP"},
        expect(401, 404, 201, 404, 404),
    ),
    (
        "post",
        "assessments/{submitted}/stocktake/instruments/",
        {"code": "PHL-LMP"},
        expect(401, 404, 404, 404, 403),
    ),
    # The draft lists no instrument yet: its own focal point is told so (400).
    (
        "post",
        "assessments/{draft}/stocktake/interactions/",
        {"source": "PHL-LMP", "target": "MIGOF", "score": 1, "rationale": "¶24"},
        expect(401, 404, 400, 404, 404),
    ),
    (
        "delete",
        "assessments/{draft}/stocktake/instruments/PHL-LMP/?revision=1",
        None,
        expect(401, 404, 404, 404, 404),
    ),
    (
        "delete",
        "assessments/{submitted}/stocktake/interactions/PHL-LMP/MIGOF/?revision=1",
        None,
        expect(401, 404, 404, 404, 403),
    ),
    # Each list's CSV, an operation of its own (`?format=csv` on the list answers the same).
    ("get", "levels.csv", None, CATALOGUE),
    ("get", "tool-types.csv", None, CATALOGUE),
    ("get", "areas.csv", None, CATALOGUE),
    ("get", "actors.csv", None, CATALOGUE),
    ("get", "instruments.csv", None, CATALOGUE),
    ("get", "crosswalk.csv", None, CATALOGUE),
    ("get", "interactions.csv", None, CATALOGUE),
    ("get", "indicators.csv", None, CATALOGUE),
    ("get", "grid.csv?country=PHL", None, CATALOGUE),
    ("get", "scores.csv", None, CATALOGUE),
    ("get", "published.csv", None, PUBLISHED),
    ("get", "assessments.csv", None, expect(401, 404, 200, 200, 200)),
    # The discussion on an answer: the assessment's focal point and reviewers, not drafts.
    (
        "get",
        "assessments/{submitted}/answers/H-INS-01/comments/",
        None,
        expect(401, 404, 404, 404, 200),
    ),
    (
        "get",
        "assessments/{draft}/answers/H-INS-01/comments/",
        None,
        expect(401, 404, 409, 404, 404),
    ),
    (
        "post",
        "assessments/{submitted}/answers/H-INS-01/comments/",
        {"body": "Which decree?"},
        expect(401, 404, 404, 404, 201),
    ),
    (
        "post",
        "assessments/{draft}/answers/H-INS-01/comments/",
        {"body": "Which decree?"},
        expect(401, 404, 409, 404, 404),
    ),
    (
        "patch",
        "assessments/{submitted}/answers/H-INS-01/comments/{comment}/",
        {"body": "Which decree, exactly?"},
        expect(401, 404, 404, 404, 200),
    ),
    ("get", "no-such-thing/", None, expect(401, 404, 404, 404, 404)),
    ("get", "assessments/not-a-number/", None, expect(401, 404, 404, 404, 404)),
]

READ_CASES = [
    pytest.param(path, expected, id=f"get {path or '/'}")
    for method, path, body, expected in MATRIX
    if method == "get"
]
WRITE_CASES = [
    pytest.param(method, path, body, role, expected[role], id=f"{method} {path} {role}")
    for method, path, body, expected in MATRIX
    if method != "get"
    for role in ROLES
]


def fill(template, world):
    values = {name: obj.pk for name, obj in world.items()}
    values |= {f"{name}_version": getattr(obj, "version", None) for name, obj in world.items()}
    if isinstance(template, str):
        filled = template.format(**values)
        return int(filled) if template.endswith("_version}") else filled
    if isinstance(template, dict):
        return {key: fill(value, world) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, world) for value in template]
    return template


# What a 200 is when it is not JSON.
MEDIA_TYPES = {
    "sdmx/structure/": "application/vnd.sdmx.structure+xml;version=3.0.0",
    "sdmx/data/": "application/vnd.sdmx.data+csv;version=2.0.0",
}


def check(response, status: int, role: str, media_type: str = "application/json") -> None:
    if status >= 400:
        error = assert_error(response, status)
        if status == 401:
            assert response["WWW-Authenticate"] == "Token"
            assert error["code"] == "not_authenticated"
    else:
        assert response.status_code == status, (role, response.content[:500])
        as_csv = response.request["PATH_INFO"].endswith(".csv")
        assert response["Content-Type"] == ("text/csv; charset=utf-8" if as_csv else media_type)


@pytest.mark.parametrize(("path", "expected"), READ_CASES)
def test_each_role_reads_what_design_7_allows(world, clients, path, expected):
    # Reads change nothing: every role asks in turn, over one world.
    url = API + fill(path, world)
    answered = {role: clients[role].get(url) for role in ROLES}
    assert {role: r.status_code for role, r in answered.items()} == expected
    media_type = MEDIA_TYPES.get(path, "application/json")
    for role, response in answered.items():
        check(response, expected[role], role, media_type)


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), WRITE_CASES)
def test_each_role_writes_what_design_7_allows(world, clients, method, path, body, role, status):
    url = API + fill(path, world)
    response = getattr(clients[role], method)(url, fill(body, world), format="json")
    check(response, status, role)


def test_every_route_of_the_router_is_in_the_matrix():
    names = {pattern.name for pattern in api_urls.urlpatterns}
    covered = {
        resolve(
            API
            + path.split("?")[0].format(draft=1, submitted=1, validated=1, mda_draft=1, comment=1)
        ).url_name
        for _, path, _, _ in MATRIX
    }
    assert names - covered == set()


# --- The generic checks every read passes (one world each, every read in turn) ----------

READS = [
    (path, roles)
    for method, path, _, roles in MATRIX
    if method == "get" and 200 in roles.values() and path
]
LISTS = [(path, roles) for path, roles in READS if path.split("?")[0].count("/") == 1]


def reader(roles: dict) -> str:
    return next(
        role for role in ("reviewer", "partner", "focal_phl", "focal_mda") if roles[role] == 200
    )


def with_param(url: str, param: str) -> str:
    return url + ("&" if "?" in url else "?") + param


def test_every_read_refuses_an_unknown_parameter_by_name(world, clients):
    for path, roles in READS:
        url = with_param(API + fill(path, world), "colour=blue")
        error = assert_error(clients[reader(roles)].get(url), 400, "unknown_parameter")
        assert "colour" in error["details"], path
        assert "colour" in error["message"], path


def test_every_read_has_an_etag_and_answers_304(world, clients):
    for path, roles in READS:
        client = clients[reader(roles)]
        url = API + fill(path, world)
        first = client.get(url)
        assert first.status_code == 200, path
        etag = first["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, path
        assert again.content == b"", path
        assert again["ETag"] == etag, path


def test_every_list_is_paginated(world, clients):
    assert len(LISTS) == 14  # every list endpoint of DESIGN §6 (stocktake/ also filtered)
    for path, roles in LISTS:
        body = clients[reader(roles)].get(API + fill(path, world)).json()
        assert list(body) == ["count", "next", "previous", "results"], path
        assert isinstance(body["count"], int), path
        assert body["previous"] is None, path
        assert len(body["results"]) == min(body["count"], 50), path


def test_every_list_refuses_a_malformed_page(world, clients):
    for path, roles in LISTS:
        url = with_param(API + fill(path, world), "page=two")
        error = assert_error(clients[reader(roles)].get(url), 400)
        assert "page" in error["details"], path


def test_the_schema_and_docs_are_public(client, db):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
