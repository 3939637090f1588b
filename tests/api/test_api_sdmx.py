"""SDMX 3.0 (DESIGN §6 `sdmx/`): the structure message read back and validated against the
SDMX-ML 3.0 schemas by pysdmx, the SDMX-CSV 2.0 data read back against that structure and
compared, value by value, with what `scores/` shows; the endpoints' errors, scoping and
query counts as the rest of the API."""

import pytest
from django.utils import timezone
from pysdmx.io import get_datasets, read_sdmx

from assessments.api import sdmx_messages
from assessments.models import Assessment, ConsolidatedScore
from coherence.choices import AREA_CODES, SCORED_CROSSWALK, Category, Dimension, Link
from coherence.models import Country
from tests.api.conftest import assert_error, client_for

API = "/api/v1/"
STRUCTURE = API + "sdmx/structure/"
DATA = API + "sdmx/data/"

# The figures a partner would compare: every measure of the body, with its value.
FIGURES = ("overall", "horizontal", "vertical", "divergence")


def structure_of(client):
    response = client.get(STRUCTURE)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == sdmx_messages.STRUCTURE_MEDIA_TYPE
    return response.content.decode(), read_sdmx(response.content.decode(), validate=True)


def codes(message, codelist_id) -> list[str]:
    (codelist,) = [c for c in message.get_codelists() if c.id == codelist_id]
    return [code.id for code in codelist.items]


def expected_rows(body: dict) -> dict[tuple, tuple]:
    """(country, measure, cycle) → (value, band, category): the observations a score's
    JSON body implies, by the measure names of the structure; nulls have none."""
    rows = {}

    def put(measure, value, band=None, category=None):
        if value is not None:
            rows[(body["country"], measure, str(body["cycle"]))] = (value, band, category)

    put("OVERALL", body["overall"], band=body["band"])
    put("HORIZONTAL", body["horizontal"])
    put("VERTICAL", body["vertical"])
    put("DIVERGENCE", body["divergence"])
    for entry in body["areas"]:
        put(f"AREA_{entry['code']}", entry["score"])
        put(f"AREA_{entry['code']}_COVERAGE", entry["coverage"])
    for entry in body["dimensions"]:
        put(f"DIMENSION_{entry['code']}", entry["score"])
    for entry in body["links"]:
        put(f"LINK_{entry['code']}", entry["score"])
    for entry in body.get("crosswalk", []):
        code = entry["code"].replace(".", "_")
        put(code, entry["score"], category=entry["category"])
        put(code + "_COVERAGE", entry["coverage"])
    return rows


def read_data(client, query="", structure_xml=None):
    """The data response's rows, parsed by pysdmx against the structure message."""
    response = client.get(DATA + query)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == sdmx_messages.DATA_MEDIA_TYPE
    text = response.content.decode()
    assert text.splitlines()[0] == ",".join(sdmx_messages.CSV_COLUMNS)
    if structure_xml is None:
        structure_xml, message = structure_of(client)
    else:
        message = read_sdmx(structure_xml, validate=True)
    if len(text.splitlines()) == 1:
        return {}, response
    (dataset,) = get_datasets(text, structure_xml)
    assert dataset.short_urn == "Dataflow=COHERENCE:DF_CONSOLIDATED_SCORES(1.0)"
    prefix = "dataflow,COHERENCE:DF_CONSOLIDATED_SCORES(1.0),I,"
    assert all(line.startswith(prefix) for line in text.splitlines()[1:])
    frame = dataset.data
    assert len(frame) == len(text.splitlines()) - 1
    # Every coded value is a code of the structure's codelists.
    assert set(frame["COUNTRY"]) <= set(codes(message, "CL_COUNTRY"))
    assert set(frame["MEASURE"]) <= set(codes(message, "CL_MEASURE"))
    assert set(frame["CATEGORY"].dropna()) - {""} <= set(codes(message, "CL_CATEGORY"))
    assert set(frame["BAND"].dropna()) - {""} <= set(codes(message, "CL_BAND"))
    rows = {}
    for record in frame.to_dict("records"):
        key = (record["COUNTRY"], record["MEASURE"], str(record["TIME_PERIOD"]))
        assert key not in rows, key
        band = record["BAND"] if isinstance(record["BAND"], str) and record["BAND"] else None
        category = record["CATEGORY"]
        category = category if isinstance(category, str) and category else None
        rows[key] = (record["OBS_VALUE"], band, category, record)
    return rows, response


def assert_same_figures(rows, bodies):
    expected = {}
    for body in bodies:
        expected.update(expected_rows(body))
    assert set(rows) == set(expected)
    by_score = {(b["country"], str(b["cycle"])): b for b in bodies}
    for key, (value, band, category, record) in rows.items():
        assert (value, band, category) == expected[key], key
        body = by_score[(key[0], key[2])]
        assert bool(record["STALE"]) is body["stale"]
        assert record["FRAMEWORK_VERSION"] == body["framework"]
        assert int(record["ASSESSMENTS"]) == body["assessments"]


def test_the_structure_parses_and_defines_every_code(world, clients):
    xml, message = structure_of(clients["partner"])
    assert message.header.sender.id == "COHERENCE"
    countries = codes(message, "CL_COUNTRY")
    assert countries == list(Country.objects.order_by("iso3").values_list("iso3", flat=True))
    assert "PHL" in countries and "MDA" in countries
    measures = codes(message, "CL_MEASURE")
    assert len(measures) == len(set(measures))
    assert measures[:4] == ["OVERALL", "HORIZONTAL", "VERTICAL", "DIVERGENCE"]
    for area in AREA_CODES:
        assert f"AREA_{area}" in measures and f"AREA_{area}_COVERAGE" in measures
    assert {f"DIMENSION_{c}" for c in Dimension.values} <= set(measures)
    assert {f"LINK_{c}" for c in Link.values} <= set(measures)
    crosswalk = [code.replace(".", "_") for _, code in SCORED_CROSSWALK]
    assert len(crosswalk) == 35
    for code in crosswalk:
        assert code in measures and code + "_COVERAGE" in measures
    assert len(measures) == 4 + 2 * len(AREA_CODES) + 5 + 4 + 2 * 35
    assert codes(message, "CL_CATEGORY") == Category.values
    # The SDMX-ML names keep our codes as they are: the crosswalk codes with their dots.
    assert "SDG-10.7.2-D1: score" in xml

    (dsd,) = message.get_data_structure_definitions()
    assert (dsd.id, dsd.agency, dsd.version) == ("DSD_CONSOLIDATED_SCORES", "COHERENCE", "1.0")
    roles = {c.id: c.role.value for c in dsd.components}
    assert [c.id for c in dsd.components.dimensions] == ["COUNTRY", "MEASURE", "TIME_PERIOD"]
    assert [c.id for c in dsd.components.measures] == ["OBS_VALUE"]
    assert {"CATEGORY", "STALE", "FRAMEWORK_VERSION"} <= {c.id for c in dsd.components.attributes}
    assert roles["COUNTRY"] == "D"
    assert dsd.components["COUNTRY"].local_codes.id == "CL_COUNTRY"
    assert dsd.components["MEASURE"].local_codes.id == "CL_MEASURE"
    assert dsd.components["CATEGORY"].local_codes.id == "CL_CATEGORY"
    (dataflow,) = message.get_dataflows()
    assert dataflow.id == "DF_CONSOLIDATED_SCORES"
    assert str(dataflow.structure).endswith("DSD_CONSOLIDATED_SCORES(1.0)")
    assert "indicative" in (dataflow.description or "")


def test_the_data_are_the_scores_figures(world, clients):
    partner = clients["partner"]
    rows, _ = read_data(partner, "?country=PHL&cycle=2025")
    body = partner.get(API + "scores/PHL/2025/").json()
    assert body["overall"] is not None and rows[("PHL", "OVERALL", "2025")][0] == body["overall"]
    assert any(entry["coverage"] is not None for entry in body["areas"])
    assert_same_figures(rows, [body])
    # A null figure has no row, a zero has one (test_api_scores_contract works these out).
    assert body["divergence"] is None and ("PHL", "DIVERGENCE", "2025") not in rows
    assert ("PHL", "AREA_diaspora_remittances", "2025") not in rows
    assert ("PHL", "AREA_diaspora_remittances_COVERAGE", "2025") not in rows
    assert ("PHL", "AREA_integration", "2025") not in rows
    assert rows[("PHL", "AREA_integration_COVERAGE", "2025")][0] == 0.0
    assert ("PHL", "DIMENSION_development", "2025") not in rows
    assert ("PHL", "LINK_national-regional", "2025") not in rows


def crosswalk_entries():
    """A crosswalk list as DESIGN §4 reads it: a null score, each category, coverage."""
    return [
        {"framework": "GCM", "code": "GCM-1", "score": 55.5, "coverage": 0.75, "category": None},
        {"framework": "GCM", "code": "GCM-2", "score": None, "coverage": 0.0, "category": None},
        {
            "framework": "SDG-10.7.2",
            "code": "SDG-10.7.2-D1",
            "score": 39.99,
            "coverage": 1.0,
            "category": "requires_further_progress",
        },
        {
            "framework": "SDG-10.7.2",
            "code": "SDG-10.7.2-D6",
            "score": 100.0,
            "coverage": 0.5,
            "category": "fully_meets",
        },
        {"framework": "MGI", "code": "MGI-D3", "score": 80.0, "coverage": 0.3333, "category": None},
    ]


def test_crosswalk_measures_follow_the_scores_body(world, clients, monkeypatch):
    from assessments.api import score_serializers, scores, sdmx

    real = score_serializers.consolidated_json

    def with_crosswalk(score, *args, **kwargs):
        body = real(score, *args, **kwargs)
        body["crosswalk"] = crosswalk_entries()
        return body

    monkeypatch.setattr(sdmx, "consolidated_json", with_crosswalk)
    monkeypatch.setattr(scores, "consolidated_json", with_crosswalk)
    partner = clients["partner"]
    rows, _ = read_data(partner, "?cycle=2025")
    body = partner.get(API + "scores/PHL/2025/").json()
    assert body["crosswalk"]
    assert_same_figures(rows, [body])
    assert rows[("PHL", "GCM-1", "2025")][:3] == (55.5, None, None)
    assert rows[("PHL", "GCM-1_COVERAGE", "2025")][0] == 0.75
    assert ("PHL", "GCM-2", "2025") not in rows  # a null score: no observation
    assert rows[("PHL", "GCM-2_COVERAGE", "2025")][0] == 0.0
    assert rows[("PHL", "SDG-10_7_2-D1", "2025")][:3] == (39.99, None, "requires_further_progress")
    assert rows[("PHL", "SDG-10_7_2-D6", "2025")][2] == "fully_meets"
    assert rows[("PHL", "MGI-D3_COVERAGE", "2025")][0] == 0.3333


@pytest.fixture
def more_scores(world, catalogue):
    """Validated PHL 2024 and MDA 2026 scores besides the world's PHL 2025."""
    framework = catalogue["framework"]
    for country, cycle, actor in (("PHL", 2024, "PHL-DOH"), ("MDA", 2025, "MDA-BMA")):
        Assessment.objects.create(
            country_id=country,
            cycle=cycle,
            actor=catalogue["actors"][actor],
            framework=framework,
            state="validated",
        )
        ConsolidatedScore.objects.create(
            country_id=country,
            cycle=cycle,
            framework=framework,
            overall=None,
            horizontal=40.0,
            vertical=None,
            band=None,
            divergence=None,
            assessments=1,
            areas=[{"code": "health", "score": 12.35, "coverage": 0.1234}],
            dimensions=[{"code": "rights", "score": None}],
            links=[],
            stale=True,
            computed_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("query", "scores_query"),
    [
        ("", ""),
        ("?country=PHL", "?country=PHL"),
        ("?country=phl&cycle=2024", "?country=PHL&cycle=2024"),
        ("?cycle=2025", "?cycle=2025"),
        ("?country=GBR", "?country=GBR"),
    ],
)
def test_filters_select_what_scores_selects(more_scores, clients, query, scores_query):
    partner = clients["partner"]
    rows, _ = read_data(partner, query)
    bodies = partner.get(API + "scores/" + scores_query).json()["results"]
    assert_same_figures(rows, bodies)
    assert {(k[0], k[2]) for k in rows} == {(b["country"], str(b["cycle"])) for b in bodies}


def test_stale_and_nulls_read_back(more_scores, clients):
    rows, _ = read_data(clients["partner"], "?country=MDA")
    assert set(rows) == {
        ("MDA", "HORIZONTAL", "2025"),
        ("MDA", "AREA_health", "2025"),
        ("MDA", "AREA_health_COVERAGE", "2025"),
    }
    assert rows[("MDA", "AREA_health_COVERAGE", "2025")][0] == 0.1234
    assert all(bool(row[3]["STALE"]) is True for row in rows.values())


@pytest.mark.parametrize(
    ("url", "names"),
    [
        (DATA + "?countries=PHL", ["countries"]),
        (DATA + "?country=PH1", ["country"]),
        (DATA + "?country=ZZZ", ["country"]),
        (DATA + "?cycle=twenty", ["cycle"]),
        (DATA + "?cycle=1999", ["cycle"]),
        (DATA + "?country=PHL&country=MDA", ["country"]),
        (DATA + "?cycle=", ["cycle"]),
        (STRUCTURE + "?country=PHL", ["country"]),
        (DATA + "?format=json", ["format"]),
    ],
)
def test_bad_query_parameters_are_a_400_naming_them(world, clients, url, names):
    error = assert_error(clients["partner"].get(url), 400)
    assert sorted(error["details"]) == names
    assert all(name in error["message"] for name in names)


@pytest.mark.parametrize("url", [STRUCTURE, DATA])
def test_anonymous_is_401_in_json(world, clients, url):
    assert_error(clients["anonymous"].get(url), 401)


@pytest.mark.parametrize("url", [STRUCTURE, DATA])
def test_a_json_only_client_is_told_in_json(world, clients, url):
    assert_error(clients["partner"].get(url, HTTP_ACCEPT="application/json"), 406)


def test_the_sdmx_media_types_are_negotiated(world, clients):
    partner = clients["partner"]
    for accept in (
        sdmx_messages.STRUCTURE_MEDIA_TYPE,
        "application/vnd.sdmx.structure+xml;version=3.0",
        "application/vnd.sdmx.structure+xml",
    ):
        asked = partner.get(STRUCTURE, HTTP_ACCEPT=accept)
        assert asked.status_code == 200
        assert asked["Content-Type"] == sdmx_messages.STRUCTURE_MEDIA_TYPE
    assert partner.get(STRUCTURE + "?format=sdmx-ml").status_code == 200
    assert partner.get(DATA + "?format=sdmx-csv&country=PHL").status_code == 200
    for accept in ("application/vnd.sdmx.data+csv", "text/csv", sdmx_messages.DATA_MEDIA_TYPE):
        asked = partner.get(DATA, HTTP_ACCEPT=accept)
        assert asked.status_code == 200
        assert asked["Content-Type"] == sdmx_messages.DATA_MEDIA_TYPE


def test_a_session_reads_them_too(world, users):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(users["reviewer"])
    rows, _ = read_data(client, "?country=PHL")
    assert ("PHL", "OVERALL", "2025") in rows


def test_a_focal_point_is_scoped_as_in_scores(more_scores, clients):
    mda = clients["focal_mda"]
    rows, _ = read_data(mda)
    assert {k[0] for k in rows} == {"MDA"}
    rows, _ = read_data(mda, "?country=PHL")
    assert rows == {} and mda.get(API + "scores/?country=PHL").json()["count"] == 0
    phl_rows, _ = read_data(clients["focal_phl"])
    assert {k[0] for k in phl_rows} == {"PHL"}


@pytest.mark.parametrize("url", [STRUCTURE, DATA + "?country=PHL"])
def test_conditional_get(world, clients, url):
    partner = clients["partner"]
    first = partner.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = partner.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert partner.get(url)["ETag"] == first["ETag"]


def test_only_validated_scores_are_data(world, clients, catalogue):
    # A score row left behind by a consolidation whose assessments are no longer validated
    # is not shown by scores/, nor here.
    ConsolidatedScore.objects.create(
        country_id="PHL",
        cycle=2026,
        framework=catalogue["framework"],
        overall=70.0,
        assessments=1,
        areas=[],
        dimensions=[],
        links=[],
        computed_at=timezone.now(),
    )
    rows, _ = read_data(clients["partner"], "?country=PHL")
    assert {k[2] for k in rows} == {"2025"}
    assert clients["partner"].get(API + "scores/?country=PHL").json()["count"] == 1


@pytest.mark.parametrize(
    ("url", "queries"), [(STRUCTURE, 2), (DATA, 1), (DATA + "?country=PHL", 2)]
)
def test_query_counts_are_pinned(more_scores, users, django_assert_max_num_queries, url, queries):
    # Structure: the countries, the areas' names. Data: the scores with their framework
    # (+ the country exists). Warm token as in test_api_query_counts.
    client = client_for(users["partner"])
    client.get(API + "levels/")
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


def test_a_warm_data_read_costs_no_query_until_the_scores_change(
    more_scores, users, django_assert_num_queries
):
    from assessments.generation import replace_generation

    client = client_for(users["partner"])
    first = client.get(DATA + "?cycle=2025")
    with django_assert_num_queries(0):
        again = client.get(DATA + "?cycle=2025")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    ConsolidatedScore.objects.filter(country_id="MDA").update(horizontal=41.5)
    replace_generation()  # what every write to the scores does
    rows, changed = read_data(client, "?cycle=2025")
    assert changed["ETag"] != first["ETag"]
    assert rows[("MDA", "HORIZONTAL", "2025")][0] == 41.5


def test_head_answers_like_get(world, clients):
    partner = clients["partner"]
    got, head = partner.get(STRUCTURE), partner.head(STRUCTURE)
    assert head.status_code == 200 and head["ETag"] == got["ETag"]


def test_the_schema_documents_both_operations(client, db):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    structure = schema["paths"][STRUCTURE]["get"]
    data = schema["paths"][DATA]["get"]
    assert list(structure["responses"]["200"]["content"]) == [sdmx_messages.STRUCTURE_MEDIA_TYPE]
    assert list(data["responses"]["200"]["content"]) == [sdmx_messages.DATA_MEDIA_TYPE]
    assert {p["name"] for p in data["parameters"]} == {
        "country",
        "cycle",
        "format",
        "If-None-Match",
    }
    for operation in (structure, data):
        assert "indicative crosswalk" in operation["description"]
        assert "never an official SDG indicator 10.7.2 return" in operation["description"]
        assert list(operation["responses"]["400"]["content"]) == ["application/json"]
