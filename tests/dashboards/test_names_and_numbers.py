"""People read names and one rule for numbers, in their language; exports keep the codes
and the published figures."""

import re

import pytest
from django.utils import translation

from coherence.numbers import percent_text, score_text
from tests.dashboards.conftest import PHL_2026

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


# (the factories name the policy areas by their codes: the browser tests load real names)
CODES = ("national-subnational", "national-international", ">established<", ">costs<")


def test_one_rule_for_numbers_in_each_language():
    with translation.override("en"):
        assert [score_text(63.42), score_text(24.95), score_text(None)] == ["63.4", "25.0", "—"]
        assert percent_text(0.9) == "90%" and percent_text(0.125) == "13%"
    with translation.override("fr"):
        assert score_text(61.99) == "62,0" and score_text(58.14) == "58,1"
        assert percent_text(0.9) == "90\u00a0%"
    with translation.override("es"):
        assert score_text(63.45) == "63,5"  # half away from zero, as the published figures


@pytest.mark.parametrize(
    "language, overall, band",
    [("en", "63.4", "Established"), ("fr", "63,4", "Établi"), ("es", "63,4", "Consolidado")],
)
def test_the_country_dashboard_reads_names_and_local_numbers(
    reviewer_client, known_scores, language, overall, band
):
    reviewer_client.cookies["django_language"] = language
    response = reviewer_client.get("/dashboards/country/PHL/")
    # what a person reads: the page without the charts' data (codes, read by Plotly only)
    html = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    display = {
        name: [[text for text, _key in row["cells"]] for row in t["display"]]
        for name, t in response.context["tables"].items()
    }
    assert [overall, band] == [display["summary"][0][1], display["summary"][1][1]]
    assert [code for code in CODES if code in html] == []
    # the links' and dimensions' codes are not shown, their names are
    assert [row[0] for row in display["links"]][0] != "national-subnational"
    assert [row[0] for row in display["dimensions"]][0] != "institutional"
    figure = response.context["charts"]["summary"]
    assert figure["layout"]["separators"][0] == ("." if language == "en" else ",")


def test_exports_keep_codes_and_published_figures(reviewer_client, known_scores):
    reviewer_client.cookies["django_language"] = "fr"
    csv = reviewer_client.get("/dashboards/country/PHL/?export=csv&table=links").content
    assert b"national-subnational" in csv and b"55.0" in csv
    csv = reviewer_client.get("/dashboards/country/PHL/?export=csv&table=summary").content
    assert b"established" in csv and str(PHL_2026["overall"]).encode() in csv
    csv = reviewer_client.get("/dashboards/compare/?export=csv").content.decode()
    assert csv.splitlines()[1].startswith("GBR,")  # the ISO3 code, not a name
