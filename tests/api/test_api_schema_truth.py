"""The schema at /api/schema/ tells the truth a generated client relies on: every property
and parameter described, 304 and 429 documented where they happen, JSON operations that
answer JSON only and CSV on operations of its own, one enum component per vocabulary, the
`incoherence` filter a boolean, everything a body always carries required — each checked
against what the API really answers — and a request body with a field it does not take
refused with a 400 naming it, nothing written."""

import csv
import io

import pytest

from assessments.models import Answer, Assessment
from instruments.models import Interaction
from tests.api.conftest import assert_error, client_for

API = "/api/v1/"
READS = ("get",)


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def resolve(schema, node: dict) -> dict:
    """`node` with its $ref (or single allOf) followed."""
    while True:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            node = schema["components"]["schemas"][name]
        elif len(node.get("allOf", [])) == 1:
            node = node["allOf"][0]
        else:
            return node


def undescribed(schema) -> list[str]:
    missing = []
    for name, component in schema["components"]["schemas"].items():
        for prop, spec in component.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{prop}")
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if not parameter.get("description"):
                missing.append(f"{method.upper()} {path} ?{parameter['name']}")
    return missing


def test_every_property_and_parameter_is_described(schema):
    properties = sum(len(c.get("properties", {})) for c in schema["components"]["schemas"].values())
    assert properties > 150  # the whole API, not an empty schema
    assert undescribed(schema) == []


def test_the_instruments_country_filter_says_it_includes_those_naming_no_country(schema):
    parameters = schema["paths"]["/api/v1/instruments/"]["get"]["parameters"]
    country = next(p for p in parameters if p["name"] == "country")
    assert "name no country" in country["description"]


def test_every_read_documents_304_with_the_etag_and_every_operation_429(schema):
    reads = 0
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "429" in responses, (method, path)
        assert "Retry-After" in responses["429"]["headers"], (method, path)
        if method in READS:
            reads += 1
            assert "304" in responses and "content" not in responses["304"], path
            assert "ETag" in responses["200"]["headers"], path
            names = {p["name"] for p in operation["parameters"]}
            assert "If-None-Match" in names, path
    assert reads >= 20


def test_no_success_mixes_json_and_csv_and_each_list_has_its_csv_operation(schema):
    csv_paths = {path for path in schema["paths"] if path.endswith(".csv")}
    # SDMX's two operations answer the statistical world's own media types, one each.
    sdmx = {
        "/api/v1/sdmx/structure/": {"application/vnd.sdmx.structure+xml;version=3.0.0"},
        "/api/v1/sdmx/data/": {"application/vnd.sdmx.data+csv;version=2.0.0"},
    }
    for path, _method, operation in operations(schema):
        for code, response in operation["responses"].items():
            types = set(response.get("content", {}))
            if code.startswith("2"):
                expected = {"text/csv"} if path in csv_paths else {"application/json"}
                assert types == sdmx.get(path, expected), (path, code, types)
        if path not in sdmx:
            assert "format" not in {p["name"] for p in operation.get("parameters", [])}, path
    lists = {"scores", "actors", "instruments", "interactions", "indicators", "grid", "levels"}
    lists |= {"tool-types", "areas", "assessments", "crosswalk", "published"}
    assert csv_paths == {f"/api/v1/{name}.csv" for name in lists}


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_csv_operation_answers_what_format_csv_answers(world, users):
    partner = client_for(users["partner"])
    by_suffix = partner.get(API + "instruments.csv?country=PHL&page_size=3")
    by_format = partner.get(API + "instruments/?country=PHL&page_size=3&format=csv")
    assert by_suffix.status_code == by_format.status_code == 200
    assert by_suffix["Content-Type"] == "text/csv; charset=utf-8"
    assert by_suffix.content == by_format.content
    assert len(read_csv(by_suffix)) == 3
    # The path names the format: a `format` parameter there is unknown.
    error = assert_error(partner.get(API + "scores.csv?format=json"), 400, "unknown_parameter")
    assert "format" in error["details"]


def test_enums_are_shared_components_never_inline_copies(schema):
    inline = []

    def walk(node, where):
        if isinstance(node, dict):
            if "enum" in node and not (
                where.startswith("components/schemas/") and where.count("/") == 2
            ):
                inline.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    walk(schema["paths"], "paths")
    walk(schema["components"], "components")
    assert inline == []
    value_sets = [
        frozenset(map(str, c["enum"]))
        for name, c in schema["components"]["schemas"].items()
        if "enum" in c and name != "NullEnum"
    ]
    assert len(value_sets) == len(set(value_sets))  # one component per vocabulary
    levels = schema["paths"]["/api/v1/instruments/"]["get"]["parameters"]
    level = next(p for p in levels if p["name"] == "level")
    assert level["schema"] == {"$ref": "#/components/schemas/LevelEnum"}


def test_the_incoherence_filter_is_a_boolean(schema, world, users, catalogue):
    i = catalogue["instruments"]
    Interaction.objects.create(source=i["PHL-LMP"], target=i["NAGA-MDC"], score=2, rationale="R")
    Interaction.objects.create(source=i["PHL-CHE-MP"], target=i["PHL-LMP"], score=-3, rationale="C")
    parameters = schema["paths"]["/api/v1/interactions/"]["get"]["parameters"]
    incoherence = next(p for p in parameters if p["name"] == "incoherence")
    assert incoherence["schema"] == {"type": "boolean"}
    partner = client_for(users["partner"])
    scores = {
        value: {
            row["score"]
            for row in partner.get(f"{API}interactions/?incoherence={value}").json()["results"]
        }
        for value in ("true", "false")
    }
    assert scores["true"] and all(score <= -2 for score in scores["true"])
    assert scores["false"] and all(score > -2 for score in scores["false"])
    for value in ("1", "yes", "True", "maybe"):
        error = assert_error(partner.get(f"{API}interactions/?incoherence={value}"), 400)
        assert "incoherence" in error["details"]


def read_paths(world) -> dict[str, str]:
    """A URL for every read of the schema, its path parameters filled from `world`."""
    values = {
        "/api/v1/actors/{code}/": "actors/PHL-DMW/",
        "/api/v1/instruments/{code}/": "instruments/MIGOF/",
        "/api/v1/indicators/{code}/": "indicators/H-INS-01/",
        "/api/v1/assessments/{id}/": f"assessments/{world['validated'].pk}/",
        "/api/v1/assessments/{id}/scores/": f"assessments/{world['validated'].pk}/scores/",
        "/api/v1/scores/{country}/{cycle}/": "scores/PHL/2025/",
    }
    return values


def assert_shape(schema, spec: dict, body, where: str):
    """Every object of `body` carries exactly its component's properties, all required."""
    spec = resolve(schema, spec)
    if "oneOf" in spec and body is not None:
        spec = resolve(schema, spec["oneOf"][0])
    if isinstance(body, dict) and "properties" in spec:
        properties = set(spec["properties"])
        assert set(body) == properties, (where, set(body) ^ properties)
        assert set(spec.get("required", [])) == properties, where
        for name, value in body.items():
            assert_shape(schema, spec["properties"][name], value, f"{where}.{name}")
    elif isinstance(body, list) and "items" in spec:
        for item in body[:3]:
            assert_shape(schema, spec["items"], item, f"{where}[]")


def test_every_read_answers_as_documented_with_a_304_and_every_field_required(schema, world, users):
    reviewer = client_for(users["reviewer"])
    fixed = read_paths(world)
    checked = 0
    for path, method, operation in operations(schema):
        if method != "get" or path.endswith(".csv"):
            continue
        url = API + fixed.get(path, path.removeprefix(API))
        assert "{" not in url, f"no value for the parameters of {path}"
        response = reviewer.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        content = operation["responses"]["200"]["content"]
        if "application/json" in content:  # SDMX's messages are checked by test_api_sdmx
            assert_shape(schema, content["application/json"]["schema"], response.json(), path)
        again = reviewer.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and again.content == b"", url
        assert again["ETag"] == response["ETag"]
        checked += 1
    assert checked >= 15


def test_bodies_take_no_field_they_do_not_declare_in_the_schema(schema):
    bodies = 0
    for _path, _method, operation in operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        for spec in content.values():
            assert resolve(schema, spec["schema"]).get("additionalProperties") is False
            bodies += 1
    assert bodies >= 6
    answers = schema["components"]["schemas"]["AnswersInputRequest"]
    one_answer = resolve(schema, answers["properties"]["answers"]["items"])
    assert one_answer["additionalProperties"] is False


def test_a_country_sent_when_starting_an_assessment_is_a_400_naming_it(users, catalogue):
    focal = client_for(users["focal_phl"])
    response = focal.post(API + "assessments/", {"cycle": 2027, "country": "MDA"}, format="json")
    error = assert_error(response, 400, "invalid")
    assert set(error["details"]) == {"country"}
    assert "country" in error["message"]
    assert not Assessment.objects.filter(cycle=2027).exists()


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (
            {"version": 1, "answers": [{"indicator": "H-INS-01", "value": 1}], "comment": "x"},
            "comment",
        ),
        ({"version": 1, "answers": [{"indicator": "H-INS-01", "value": 1, "note": "x"}]}, "note"),
    ],
    ids=["beside-the-answers", "inside-an-answer"],
)
def test_an_unknown_field_in_saved_answers_is_a_400_naming_it(users, assessment, body, named):
    focal = client_for(users["focal_phl"])
    response = focal.patch(f"{API}assessments/{assessment.pk}/answers/", body, format="json")
    error = assert_error(response, 400, "invalid")
    assert named in str(error["details"])
    assessment.refresh_from_db()
    assert assessment.version == 1
    assert not Answer.objects.filter(assessment=assessment, value__isnull=False).exists()


def test_an_unknown_field_in_a_transition_is_a_400_and_the_state_stays(users, assessment):
    focal = client_for(users["focal_phl"])
    response = focal.post(f"{API}assessments/{assessment.pk}/submit/", {"now": True}, format="json")
    error = assert_error(response, 400, "invalid")
    assert set(error["details"]) == {"now"}
    assessment.refresh_from_db()
    assert assessment.state == "draft"
