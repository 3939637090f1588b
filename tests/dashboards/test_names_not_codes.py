"""Where a person reads instruments and indicators — the interactions matrix, its tables
and bars, the chart of where ministries' views part — they read names in their language;
the codes stay in the charts' keys, the exports and the API."""

import re

import pytest

from assessments.models import Indicator
from coherence.models import PolicyArea
from instruments.models import Instrument
from tests.dashboards import test_interactions
from tests.dashboards.conftest import figure

pytestmark = pytest.mark.django_db

interactions = test_interactions.interactions  # four instruments, AAA to DDD, eight links

LONG = "Plan d'action national pour la migration de main-d'œuvre et le développement"
NAMES = {
    "AAA": LONG,
    "BBB": "Loi sur l'emploi à l'étranger",
    "CCC": "Stratégie d'intégration",
    "DDD": "Accord bilatéral",
}
INSTRUMENT_CODES = ("AAA", "BBB", "CCC", "DDD")


@pytest.fixture
def named(interactions):
    for code, name in NAMES.items():
        Instrument.objects.filter(code=code).update(name=name)
    return interactions


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


def in_french(client):
    client.cookies["django_language"] = "fr"
    return client


def flat(values) -> list[str]:
    """Every string of a (nested) list."""
    if isinstance(values, str):
        return [values]
    return [s for v in values for s in flat(v)]


def test_the_interactions_matrix_names_its_instruments(reviewer_client, named):
    response = in_french(reviewer_client).get("/dashboards/interactions/")
    chart = figure(response, "matrix")
    trace, layout = chart["data"][0], chart["layout"]
    codes = ["AAA", "BBB", "CCC", "DDD"]
    assert trace["x"] == trace["y"] == codes  # the keys Plotly places the cells by
    for axis in (layout["xaxis"], layout["yaxis"]):
        assert axis["tickvals"] == codes
        assert axis["ticktext"][1:] == [NAMES[c] for c in codes[1:]]
        assert axis["ticktext"][0].endswith("…") and len(axis["ticktext"][0]) <= 32
        assert LONG.startswith(axis["ticktext"][0][:-1])
    assert layout["xaxis"]["title"]["text"] == "Instrument affecté"
    # the hover names both ends in full (Plotly reads labels as HTML: the quote is inert)
    hover = flat(trace["customdata"])
    assert trace["customdata"][0][2] == [LONG, NAMES["CCC"]]
    assert [s for s in flat(layout["xaxis"]["ticktext"]) + hover if s in codes] == []

    html = response.content.decode()
    grid = html.split('id="table-matrix-grid"')[1].split("</table>")[0]
    assert [code for code in INSTRUMENT_CODES if code in grid] == []
    headers = re.findall(r'<th scope="row">(.*?)</th>', grid)
    assert headers[1:] == [
        "Loi sur l&#x27;emploi à l&#x27;étranger",
        "Stratégie d&#x27;intégration",
        "Accord bilatéral",
    ]
    # a name too long for the column is cut for the eye, whole for a screen reader
    escaped = LONG.replace("'", "&#x27;")
    assert f'<span class="visually-hidden">{escaped}</span>' in grid
    cut = re.search(r'<span title="([^"]*)" aria-hidden="true">([^<]*)</span>', grid)
    assert cut.group(1) == escaped
    assert cut.group(2).endswith("…") and len(cut.group(2).replace("&#x27;", "'")) <= 32


def test_the_interactions_tables_and_bars_name_the_instruments(reviewer_client, named):
    response = in_french(reviewer_client).get("/dashboards/interactions/")
    tables = response.context["tables"]
    incoherences = [
        [text for text, _key in row["cells"]] for row in tables["incoherences"]["display"]
    ]
    assert [row[:2] for row in incoherences] == [
        [NAMES["CCC"], LONG],
        [NAMES["DDD"], NAMES["BBB"]],
    ]
    reinforcers = [
        [text for text, _key in row["cells"]] for row in tables["reinforcers"]["display"]
    ]
    assert [row[0] for row in reinforcers] == [LONG, NAMES["BBB"]]
    bars = figure(response, "reinforcers")
    ticks = bars["layout"]["yaxis"]["ticktext"]
    assert ticks[1] == NAMES["BBB"] and ticks[0].startswith("Plan d'action")
    assert [s for s in ticks + bars["data"][0]["customdata"] if "AAA" in s or "BBB" in s] == []
    # the exports keep the codes
    csv = reviewer_client.get("/dashboards/interactions/?export=csv&table=incoherences")
    assert csv.content.decode().splitlines()[1].startswith("CCC,")


QUESTIONS = {
    "H-INS-01": "Existe-t-il un comité interministériel qui coordonne la politique migratoire ?",
    "H-LAB-01": "Les frais de recrutement sont-ils pris en charge par l'employeur ?",
    "V-SUB-01": "Les communes sont-elles consultées ?",
}
AREAS = {"institutional": "Cadre institutionnel", "labour_migration": "Migration de travail"}


def test_the_divergence_chart_reads_questions_areas_and_links(
    reviewer_client, known_scores, catalogue
):
    for code, question in QUESTIONS.items():
        Indicator.objects.filter(pk=catalogue["indicators"][code].pk).update(question_fr=question)
    for code, name in AREAS.items():
        PolicyArea.objects.filter(code=code).update(name_fr=name)
    response = in_french(reviewer_client).get("/dashboards/country/PHL/")
    chart = figure(response, "divergence")
    bars, axis = chart["data"][0], chart["layout"]["yaxis"]
    assert bars["y"] == axis["tickvals"] == ["H-INS-01", "H-LAB-01", "V-SUB-01"]
    assert axis["ticktext"][2] == QUESTIONS["V-SUB-01"]
    assert axis["ticktext"][0].endswith("…") and len(axis["ticktext"][0]) <= 48
    assert [t for t in axis["ticktext"] if re.search(r"[HV]-[A-Z]{3}-\d\d", t)] == []
    first, _second, vertical = bars["customdata"]
    assert first.startswith(f"<b>{QUESTIONS['H-INS-01']}</b><br>Cadre institutionnel<br>")
    assert "<br>Écart: 100,0<br>" in first
    assert first.endswith("<br>H-INS-01")  # the code last, as a reference
    assert "<br>National ↔ infranational<br>" in vertical
    codes = ("institutional", "labour_migration", "national-subnational", "horizontal")
    assert [c for c in codes if any(c in text for text in bars["customdata"])] == []
