"""A partner's client, generated from the live /api/schema/ by openapi-python-client (a
maintained, widely used generator), used against a live server with a partner's token: it
lists and reads scores, makes a conditional read that ends in a 304 it reports without an
exception, lists a country's instruments, reads the CSV through its own operation, and
writes — every answer parsed into the generated models, none an "unexpected status"
(the client raises on those here)."""

import csv
import importlib
import io
import subprocess
import sys
from http import HTTPStatus

import httpx
import pytest

from assessments.models import Assessment, ConsolidatedScore
from instruments.selectors import instruments_for
from tests.api.conftest import token_key

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "coherence_client"
CONFIG = f"package_name_override: {PACKAGE}\nproject_name_override: coherence-client\n"
CONFIG += "post_hooks: []\n"  # the generated code is imported, not formatted
# SDMX's messages are documents of their own formats: the generator's documented override
# reads them as files (bytes), which a partner hands to an SDMX library.
CONFIG += "content_type_overrides:\n"
CONFIG += "  'application/vnd.sdmx.structure+xml;version=3.0.0': application/octet-stream\n"
CONFIG += "  'application/vnd.sdmx.data+csv;version=2.0.0': application/octet-stream\n"


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory, django_db_blocker):
    """The generated package, imported: built from the schema the live server serves,
    refusing any warning of the generator (a schema it cannot read whole)."""
    where = tmp_path_factory.mktemp("generated")
    with django_db_blocker.unblock():  # the server's thread checks its connection first
        schema = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=60)
    assert schema.status_code == 200
    (where / "schema.json").write_bytes(schema.content)
    (where / "config.yaml").write_text(CONFIG)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(where / "schema.json"),
            "--config",
            str(where / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def api(module: str):
    """An operation module of the generated client, e.g. api("scores.scores_retrieve")."""
    return importlib.import_module(f"{PACKAGE}.api.{module}")


def models():
    return importlib.import_module(f"{PACKAGE}.models")


@pytest.fixture
def partner(generated, live_server, world, users):
    return generated.AuthenticatedClient(
        base_url=live_server.url,
        token=token_key(users["partner"]),
        prefix="Token",
        raise_on_unexpected_status=True,
    )


@pytest.fixture
def focal(generated, live_server, world, users):
    return generated.AuthenticatedClient(
        base_url=live_server.url,
        token=token_key(users["focal_phl"]),
        prefix="Token",
        raise_on_unexpected_status=True,
    )


# --- scores/ ---------------------------------------------------------------------------------


def test_the_generated_client_lists_the_consolidated_scores(partner):
    page = api("scores.scores_list").sync(client=partner)
    stored = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    assert isinstance(page, models().PaginatedConsolidatedScoreList)
    assert page.count == 1
    (score,) = page.results
    assert (score.country, score.cycle, score.assessments) == ("PHL", 2025, 1)
    assert score.overall == stored.overall and score.band.value == stored.band
    assert {area.code.value: area.score for area in score.areas} == {
        area["code"]: area["score"] for area in stored.areas
    }


def test_the_generated_client_reads_one_score_then_gets_a_304_it_reports(partner):
    retrieve = api("scores.scores_retrieve")
    first = retrieve.sync_detailed(country="PHL", cycle=2025, client=partner)
    assert first.status_code == HTTPStatus.OK
    assert isinstance(first.parsed, models().ConsolidatedScore)
    assert first.parsed.country == "PHL" and first.parsed.stale is False
    etag = first.headers["ETag"]

    again = retrieve.sync_detailed(country="PHL", cycle=2025, client=partner, if_none_match=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED  # documented: no UnexpectedStatus
    assert again.parsed is None and again.content == b""
    assert again.headers["ETag"] == etag

    # The list, too: a page the client holds is not sent again.
    listed = api("scores.scores_list").sync_detailed(client=partner)
    unchanged = api("scores.scores_list").sync_detailed(
        client=partner, if_none_match=listed.headers["ETag"]
    )
    assert (listed.status_code, unchanged.status_code) == (HTTPStatus.OK, HTTPStatus.NOT_MODIFIED)


def test_the_generated_client_reads_a_missing_score_as_the_error_model(partner):
    missing = api("scores.scores_retrieve").sync_detailed(country="PHL", cycle=2026, client=partner)
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert isinstance(missing.parsed, models().Error)
    assert missing.parsed.error.code == "not_found"


def test_the_generated_client_reads_the_csv_through_its_own_operation(partner):
    response = api("scores.scores_list_csv").sync_detailed(client=partner, country="PHL")
    assert response.status_code == HTTPStatus.OK
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.parsed)))
    assert [(row["country"], row["cycle"]) for row in rows] == [("PHL", "2025")]
    stored = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    assert float(rows[0]["overall"]) == stored.overall


def test_the_generated_client_reads_a_429_as_the_error_model_with_retry_after(partner, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "2/minute"},
    }
    retrieve = api("scores.scores_retrieve")
    answers = [retrieve.sync_detailed(country="PHL", cycle=2025, client=partner) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, HTTPStatus.TOO_MANY_REQUESTS]
    throttled = answers[-1]
    assert throttled.parsed.error.code == "throttled"
    assert int(throttled.headers["Retry-After"]) >= 1


# --- the catalogue ---------------------------------------------------------------------------


def test_the_generated_client_lists_a_countrys_instruments_with_those_naming_none(partner):
    page = api("catalogue.instruments_list").sync(client=partner, country="PHL", page_size=500)
    codes = [instrument.code for instrument in page.results]
    assert codes == sorted(instruments_for(country="PHL").values_list("code", flat=True))
    naming_none = [i.code for i in page.results if not i.countries]
    assert naming_none, "the regional and international instruments that name no country"
    assert all("PHL" in i.countries for i in page.results if i.countries)


def test_the_generated_client_filters_interactions_with_a_boolean(partner):
    page = api("catalogue.interactions_list").sync(client=partner, incoherence=True)
    assert all(interaction.incoherence for interaction in page.results)


# --- writes ----------------------------------------------------------------------------------


def test_the_generated_client_starts_an_assessment_with_the_shared_enums(focal):
    body = models().AssessmentCreateRequest(cycle=2027, perspective=models().PerspectiveEnum.ORIGIN)
    created = api("assessments.assessments_create").sync_detailed(client=focal, body=body)
    assert created.status_code == HTTPStatus.CREATED
    assert created.parsed.state == models().StateEnum.DRAFT
    assert Assessment.objects.get(pk=created.parsed.id).perspective == "origin"


# --- sdmx/ -----------------------------------------------------------------------------------


def test_the_generated_client_reads_the_sdmx_messages_as_files(partner, world):
    from pysdmx.io import read_sdmx

    structure = api("sdmx.sdmx_structure_retrieve").sync_detailed(client=partner)
    assert structure.status_code == HTTPStatus.OK
    message = read_sdmx(structure.content.decode("utf-8"), validate=True)
    assert {flow.id for flow in message.get_dataflows()} == {"DF_CONSOLIDATED_SCORES"}

    data = api("sdmx.sdmx_data_retrieve").sync_detailed(client=partner, country="PHL")
    assert data.status_code == HTTPStatus.OK
    rows = list(csv.DictReader(io.StringIO(data.content.decode("utf-8"))))
    overall = next(
        row for row in rows if row["MEASURE"] == "OVERALL" and row["TIME_PERIOD"] == "2025"
    )
    score = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    assert float(overall["OBS_VALUE"]) == score.overall


def test_the_generated_client_lists_the_crosswalk_with_its_shared_enums(partner, world):
    from assessments.models import Indicator
    from assessments.recompute import recompute_consolidation

    Indicator.objects.filter(code__in=["H-INS-01", "H-LAB-01"]).update(crosswalk=["GCM-1"])
    recompute_consolidation("PHL", 2025)
    page = api("scores.crosswalk_list").sync(
        client=partner, framework=models().FrameworkEnum.GCM, country="PHL"
    )
    score = ConsolidatedScore.objects.get(country_id="PHL", cycle=2025)
    stored = [e for e in score.crosswalk if e["framework"] == "GCM"]
    assert stored, "the test framework tags GCM objectives"
    assert page.count == len(stored)
    assert [(row.code, row.score) for row in page.results] == [
        (e["code"], e["score"]) for e in stored
    ]
    assert all(row.framework == models().FrameworkEnum.GCM for row in page.results)
