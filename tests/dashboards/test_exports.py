"""Every dashboard's figures download as CSV (one table) and XLSX (every table), open in
pandas with the page's numbers, and carry no live formula."""

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from actors.models import Actor, Interest
from coherence.spreadsheets import neutralise
from instruments.models import Instrument, Interaction
from tests.dashboards.conftest import table_rows

FORMULA = "=1+1"


@pytest.fixture
def reviewer_client(client, users):
    client.force_login(users["reviewer"])
    return client


@pytest.fixture
def formulas(catalogue):
    """A formula hidden in an instrument's name, a rationale and an actor's name."""
    instruments = catalogue["instruments"]
    instruments["PHL-LMP"].name = FORMULA
    instruments["PHL-LMP"].save()
    Interaction.objects.create(
        source=instruments["PHL-LMP"], target=instruments["MIGOF"], score=-2, rationale=FORMULA
    )
    Interaction.objects.create(
        source=instruments["MIGOF"], target=instruments["PHL-LMP"], score=2, rationale="+fine"
    )
    actor = Actor.objects.create(
        code="PHL-EVIL", name=FORMULA, type="civil_society", level="national", country_id="PHL"
    )
    Interest.objects.create(actor=actor, area_id="health", priority=5)


def read_csv(response) -> pd.DataFrame:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return pd.read_csv(io.BytesIO(response.content), keep_default_na=False, na_values=[""])


def read_xlsx(response) -> dict[str, pd.DataFrame]:
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    return pd.read_excel(io.BytesIO(response.content), sheet_name=None)


def test_grid_exports_match_the_grid(reviewer_client, catalogue):
    page = reviewer_client.get("/grid/?country=PHL")
    z = page.context["figure"]["data"][0]["z"]
    response = reviewer_client.get("/grid/?country=PHL&export=csv")
    assert response.status_code == 302  # served by the dashboards, which own the writers
    frame = read_csv(reviewer_client.get(response["Location"]))
    assert len(frame) == 35
    assert frame["count"].tolist() == [n for row in z for n in row]
    national_policy = frame[(frame.level == "national") & (frame.tool_type == "policy")]
    assert national_policy["instruments"].tolist() == ["PHL-LMP"]
    sheets = read_xlsx(reviewer_client.get("/grid/?country=PHL&export=xlsx", follow=True))
    assert sheets["grid"]["count"].tolist() == frame["count"].tolist()


def test_grid_cell_export_neutralises_a_formula_name(reviewer_client, formulas):
    url = "/grid/cell/?level=national&tool_type=policy&country=PHL&export=csv"
    frame = read_csv(reviewer_client.get(url, follow=True))
    assert frame["code"].tolist() == ["PHL-LMP"]
    assert frame["name"].tolist() == ["'" + FORMULA]
    response = reviewer_client.get(url.replace("csv", "xlsx"), follow=True)
    cell = load_workbook(io.BytesIO(response.content))["instruments"]["B2"]
    assert cell.value == "'" + FORMULA and cell.data_type == "s"


def test_grid_compare_export(reviewer_client, catalogue):
    frame = read_csv(reviewer_client.get("/grid/compare/?a=PHL&b=CHE&export=csv", follow=True))
    row = frame[(frame.level == "national") & (frame.tool_type == "policy")].iloc[0]
    assert (row["count_a"], row["count_b"], row["where"]) == (1, 0, "PHL only")
    both = frame[(frame.level == "bilateral") & (frame.tool_type == "instrument")].iloc[0]
    assert both["where"] == "both"


def test_country_exports_match_the_page(reviewer_client, known_scores):
    page = reviewer_client.get("/dashboards/country/PHL/")
    frame = read_csv(reviewer_client.get("/dashboards/country/PHL/?export=csv&table=dimensions"))
    assert frame.values.tolist() == table_rows(page, "dimensions")
    divergence = read_csv(
        reviewer_client.get("/dashboards/country/PHL/?export=csv&table=divergence")
    )
    assert divergence["indicator"].tolist() == ["H-INS-01", "H-LAB-01", "V-SUB-01"]
    assert divergence["spread"].tolist() == [100, 50, 0]
    summary = read_csv(reviewer_client.get("/dashboards/country/PHL/?export=csv"))
    assert dict(summary.values.tolist())["overall"] == "63.42"
    sheets = read_xlsx(reviewer_client.get("/dashboards/country/PHL/?export=xlsx"))
    assert set(sheets) == {
        "summary",
        "dimensions",
        "links",
        "areas",
        "trend",
        "divergence",
        "crosswalk",
        "stock_figures",
        "stock_grid",
        "stock_instruments",
        "stock_incoherences",
    }
    assert sheets["areas"]["coverage"].tolist()[0] == 0.9
    assert sheets["trend"]["overall"].tolist() == [50, 63.42]
    assert sheets["divergence"]["question"].tolist()[0] == "Question H-INS-01?"


def test_comparison_export_matches_the_page(reviewer_client, known_scores):
    page = reviewer_client.get("/dashboards/compare/?sort=-overall")
    frame = read_csv(reviewer_client.get("/dashboards/compare/?sort=-overall&export=csv"))
    assert frame["country"].tolist() == ["GBR", "PHL", "MDA"]
    assert frame["overall"].tolist() == [r[2] for r in table_rows(page, "countries")]
    assert frame["vertical"].isna().tolist() == [True, False, False]
    sheets = read_xlsx(reviewer_client.get("/dashboards/compare/?export=xlsx"))
    assert sheets["countries"]["institutional"].tolist()[1:] == [20, 66]


def test_interactions_export_neutralises_a_formula_rationale(reviewer_client, formulas):
    frame = read_csv(reviewer_client.get("/dashboards/interactions/?export=csv&table=incoherences"))
    assert frame[["source", "target", "score"]].values.tolist() == [["PHL-LMP", "MIGOF", -2]]
    assert frame["rationale"].tolist() == ["'" + FORMULA]
    assert frame["source_name"].tolist() == ["'" + FORMULA]
    sheets = read_xlsx(reviewer_client.get("/dashboards/interactions/?export=xlsx"))
    assert set(sheets) == {"matrix", "incoherences", "reinforcers"}
    assert sheets["reinforcers"].values.tolist() == [["MIGOF", "Instrument MIGOF", 1]]
    assert sorted(sheets["matrix"]["score"].tolist()) == [-2, 2]
    workbook = load_workbook(
        io.BytesIO(reviewer_client.get("/dashboards/interactions/?export=xlsx").content)
    )
    assert all(
        not (isinstance(c.value, str) and c.value.startswith("="))
        for row in workbook["incoherences"].iter_rows()
        for c in row
    )


def test_interests_export_neutralises_a_formula_actor_name(reviewer_client, formulas):
    frame = read_csv(reviewer_client.get("/dashboards/interests/PHL/?export=csv"))
    evil = frame[frame.actor == "PHL-EVIL"].iloc[0]
    assert evil["name"] == "'" + FORMULA
    assert evil["health"] == 5
    sheets = read_xlsx(reviewer_client.get("/dashboards/interests/PHL/?export=xlsx"))
    assert set(sheets) == {"priorities", "collisions"}


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/compare/?export=pdf",
        "/dashboards/compare/?export=csv&table=nothing",
        "/dashboards/country/PHL/?export=json",
        "/dashboards/grid/export/?export=doc",
        "/dashboards/grid/export/?export=csv&country=ZZZ",
        "/dashboards/grid/compare/export/?export=csv&a=PHL",
    ],
)
def test_unknown_export_requests_are_a_400(reviewer_client, known_scores, url):
    assert reviewer_client.get(url).status_code == 400


def test_a_country_without_scores_has_nothing_to_export(reviewer_client, known_scores):
    assert reviewer_client.get("/dashboards/country/CHE/?export=csv").status_code == 400


def test_pages_link_their_downloads(reviewer_client, known_scores):
    content = reviewer_client.get("/dashboards/country/PHL/?cycle=2026").content.decode()
    assert "?cycle=2026&amp;export=csv&amp;table=divergence" in content
    assert "?cycle=2026&amp;export=xlsx" in content
    content = reviewer_client.get("/grid/?country=PHL").content.decode()
    assert "/dashboards/grid/export/?country=PHL&amp;export=csv" in content


def test_instruments_are_untouched_by_exports(reviewer_client, formulas):
    reviewer_client.get("/grid/cell/?level=national&tool_type=policy&export=csv", follow=True)
    assert Instrument.objects.get(code="PHL-LMP").name == FORMULA


# What a spreadsheet skips before it decides a cell is a formula (blanks, line breaks), the
# full-width forms it folds to = + - @, and a formula behind a leading separator, which a
# spreadsheet that splits cells on `;` reads as a cell of its own.
HIDDEN_FORMULAS = {
    " =1+1": "' =1+1",
    "\n=1+1": "'\n=1+1",
    "\t \n@SUM(A1)": "'\t \n@SUM(A1)",
    "\uff1d1+1": "'\uff1d1+1",
    "\uff0b1+1": "'\uff0b1+1",
    "\uff0dcmd|' /C calc'!A0": "'\uff0dcmd|' /C calc'!A0",
    "\uff20SUM(A1)": "'\uff20SUM(A1)",
    ";=1+1": ";'=1+1",
    " , =1+1": " ,' =1+1",
    "Name;=HYPERLINK(1)": "Name;'=HYPERLINK(1)",
    "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
}


@pytest.mark.parametrize(("name", "written"), HIDDEN_FORMULAS.items())
def test_exports_neutralise_formulas_behind_blanks_and_full_width_forms(
    reviewer_client, catalogue, name, written
):
    Instrument.objects.filter(code="PHL-LMP").update(name=name)
    url = "/grid/cell/?level=national&tool_type=policy&country=PHL&export=csv"
    response = reviewer_client.get(url, follow=True)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [row["name"] for row in rows] == [written]
    response = reviewer_client.get(url.replace("csv", "xlsx"), follow=True)
    cell = load_workbook(io.BytesIO(response.content))["instruments"]["B2"]
    assert cell.value == written and cell.data_type == "s"


def test_negative_numbers_stay_numbers_in_exports(reviewer_client, formulas):
    frame = read_csv(reviewer_client.get("/dashboards/interactions/?export=csv&table=incoherences"))
    assert frame["score"].tolist() == [-2]
    workbook = load_workbook(
        io.BytesIO(reviewer_client.get("/dashboards/interactions/?export=xlsx").content)
    )
    rows = list(workbook["incoherences"].iter_rows(values_only=True))
    scores = [row[rows[0].index("score")] for row in rows[1:]]
    assert scores == [-2]


@pytest.mark.parametrize("text", ["-3", "-2.5", " -7 ", "+4", "1e-3"])
def test_the_text_of_a_number_is_not_a_formula(text):
    assert neutralise(text) == text
