"""The downloads of the pages that show a country's validated stock-taking carry it: the
grid's (with each instrument's source), the cell's, the interactions dashboard's (with
mitigations and `unmitigated`) and the country dashboard's "tools and safeguards"; read
back as CSV and XLSX, codes with names beside them, no formula alive, in a fixed number
of queries whatever the number of rows."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from assessments.stocktake.checks import MitigationInput
from assessments.stocktake.services import InstrumentInput, InteractionInput, save_interaction
from tests.stocktake.test_stocktake_api import validated_with_stock
from tests.stocktake.test_stocktake_grid_cell import another_report

pytestmark = pytest.mark.django_db

GRID = "/dashboards/grid/export/?country=PHL&cycle=2026"
CELL = "/dashboards/grid/cell/export/?country=PHL&cycle=2026&level=national&tool_type=policy"
INTERACTIONS = "/dashboards/interactions/?country=PHL&cycle=2026"
COUNTRY = "/dashboards/country/PHL/?cycle=2026"
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def phl_2026(catalogue, users, safeguards):
    """The DMW's validated stock-taking (the Naga plan's −3 on PHL-LMP, unmitigated; the
    paper's PHL-CHE-MP → PHL-LMP, mitigated), and the health department's: a new national
    safeguard policy whose name is a formula, and its −2 on PHL-LMP, mitigated by it."""
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    return add_health_report(catalogue, users, extra=0)


def add_health_report(catalogue, users, *, extra: int):
    """The health department's report, with `extra` more new policies, each acting on the
    next with an unmitigated −2."""
    focal = users["focal_phl_health"]
    specs = [
        InstrumentInput(code="PHL-LMP"),
        InstrumentInput(
            code="PHL-OFW-REDRESS",
            name=FORMULA,
            tool_type="policy",
            levels=["national"],
            safeguard=True,
        ),
        *(
            InstrumentInput(
                code=f"PHL-POL-{n:02d}", name=f"Policy {n}", tool_type="policy", levels=["national"]
            )
            for n in range(extra)
        ),
    ]
    assessment = another_report(
        catalogue, users, "PHL-DOH", "focal_phl_health", specs, state="draft"
    )
    interactions = [
        InteractionInput(
            source="PHL-OFW-REDRESS",
            target="PHL-LMP",
            score=-2,
            rationale="+costs fall on workers",
            mitigations=[MitigationInput("PHL-OFW-REDRESS", "Workers are refunded.")],
        ),
        *(
            InteractionInput(
                source=f"PHL-POL-{n:02d}",
                target=f"PHL-POL-{n + 1:02d}",
                score=-2,
                rationale=f"Clash {n}",
                no_mitigation=True,
            )
            for n in range(extra - 1)
        ),
    ]
    for spec in interactions:
        save_interaction(assessment, by=focal, spec=spec)
    from assessments import recompute, services

    services.submit(assessment, by=focal)
    services.validate(assessment, by=users["reviewer"])
    recompute.recompute_consolidation("PHL", 2026)
    return assessment


@pytest.fixture
def reviewer(client_of):
    return client_of("reviewer")


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def xlsx_rows(response) -> dict[str, list[dict]]:
    """Every sheet as dicts, with the cells' types kept: (value, data_type)."""
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows())
        header = [c.value for c in rows[0]]
        sheets[sheet.title] = [
            {key: (c.value, c.data_type) for key, c in zip(header, row, strict=True)}
            for row in rows[1:]
        ]
    return sheets


def values(rows: list[dict]) -> list[dict]:
    return [{k: v[0] for k, v in row.items()} for row in rows]


def test_the_grid_export_carries_the_reported_instruments_with_their_source(reviewer, phl_2026):
    page = reviewer.get("/grid/?country=PHL&cycle=2026")
    counts = {
        (r["level"], c["url"].rsplit("=", 1)[1]): c["count"]
        for r in page.context["matrix"]
        for c in r["cells"]
    }
    grid = {(r["level"], r["tool_type"]): r for r in csv_rows(reviewer.get(GRID + "&export=csv"))}
    assert len(grid) == 35
    assert all(int(row["count"]) == counts[key] for key, row in grid.items())
    national = grid[("national", "policy")]
    assert national["instruments"] == "PHL-LMP PHL-OFW-REDRESS"
    assert national["source"] == "catalogue PHL-DOH"
    assert grid[("subnational", "strategy")]["source"] == "catalogue PHL-DMW"
    assert list(grid[("national", "policy")])[-1] == "source"  # the new column is the last
    sheets = xlsx_rows(reviewer.get(GRID + "&export=xlsx"))
    assert list(sheets) == ["grid", "instruments"]
    instruments = values(sheets["instruments"])
    redress = next(r for r in instruments if r["code"] == "PHL-OFW-REDRESS")
    assert redress == {
        "level": "national",
        "tool_type": "policy",
        "code": "PHL-OFW-REDRESS",
        "name": "'" + FORMULA,
        "source": "PHL-DOH",
        "source_name": "Department of Health",
        "safeguard": True,
    }
    assert (
        next(r for r in sheets["instruments"] if r["code"][0] == "PHL-OFW-REDRESS")["name"][1]
        == "s"
    )
    naga = next(r for r in instruments if r["code"] == "PHL-NAGA-PLAN")
    assert (naga["level"], naga["source"], naga["source_name"]) == (
        "subnational",
        "PHL-DMW",
        "Department of Migrant Workers",
    )
    # Without a cycle, the catalogue alone.
    plain = csv_rows(reviewer.get("/dashboards/grid/export/?country=PHL&export=csv"))
    assert "PHL-OFW-REDRESS" not in {c for r in plain for c in r["instruments"].split()}


def test_the_cell_export_lists_what_the_cell_page_lists_with_an_inert_formula(reviewer, phl_2026):
    page = reviewer.get(CELL.replace("/dashboards/grid/cell/export/", "/grid/cell/"))
    assert "cycle=2026" in page.context["csv_url"]
    rows = csv_rows(reviewer.get(page.context["csv_url"]))
    assert [r["code"] for r in rows] == [e["code"] for e in page.context["page_obj"]]
    assert [
        (r["code"], r["name"], r["source"], r["source_name"], r["safeguard"]) for r in rows
    ] == [
        ("PHL-LMP", "Instrument PHL-LMP", "catalogue", "", "False"),
        ("PHL-OFW-REDRESS", "'" + FORMULA, "PHL-DOH", "Department of Health", "True"),
    ]
    assert rows[1]["countries"] == "PHL" and rows[1]["levels"] == "national"
    (sheet,) = xlsx_rows(reviewer.get(page.context["xlsx_url"])).values()
    assert sheet[1]["name"] == ("'" + FORMULA, "s")
    assert sheet[1]["source_name"][0] == "Department of Health"


def test_the_interactions_export_carries_the_reported_interactions(reviewer, phl_2026):
    rows = csv_rows(reviewer.get(INTERACTIONS + "&export=csv&table=stock_interactions"))
    shown = [
        (r["source"], r["target"], r["score"], r["origin"], r["mitigations"], r["unmitigated"])
        for r in rows
    ]
    assert shown == [
        (
            "PHL-CHE-MP",
            "PHL-LMP",
            "-2",
            "paper",
            "BLA-COMPLAINT-MECHANISM: Workers complain.",
            "False",
        ),
        ("PHL-NAGA-PLAN", "PHL-LMP", "-3", "PHL-DMW", "", "True"),
        (
            "PHL-OFW-REDRESS",
            "PHL-LMP",
            "-2",
            "PHL-DOH",
            "PHL-OFW-REDRESS: Workers are refunded.",
            "False",
        ),
    ]
    redress = rows[2]
    assert redress["source_name"] == "'" + FORMULA  # a user's name, made inert
    assert redress["rationale"] == "'+costs fall on workers"
    assert (redress["target_name"], redress["origin_name"]) == (
        "Instrument PHL-LMP",
        "Department of Health",
    )
    assert rows[0]["origin_name"] == ""
    sheets = xlsx_rows(reviewer.get(INTERACTIONS + "&export=xlsx"))
    assert list(sheets) == ["matrix", "incoherences", "reinforcers", "stock_interactions"]
    assert values(sheets["stock_interactions"])[1]["unmitigated"] is True
    assert sheets["stock_interactions"][2]["source_name"] == ("'" + FORMULA, "s")
    assert sheets["stock_interactions"][1]["score"] == (-3, "n")
    # The page offers the download; without a cycle there is no such table.
    assert "table=stock_interactions" in reviewer.get(INTERACTIONS).content.decode()
    sheets = xlsx_rows(reviewer.get("/dashboards/interactions/?country=PHL&export=xlsx"))
    assert "stock_interactions" not in sheets
    assert (
        'id="stock-exports"'
        not in reviewer.get("/dashboards/interactions/?country=MDA&cycle=2026").content.decode()
    )


def test_the_country_export_carries_its_tools_and_safeguards(client_of, phl_2026):
    client = client_of("focal_phl")
    figures = {
        r["figure"]: r["value"]
        for r in csv_rows(client.get(COUNTRY + "&export=csv&table=stock_figures"))
    }
    # PHL-LMP, PHL-CHE-MP, the Naga plan, the redress desk; 3 incoherences, 1 unmitigated.
    assert figures == {
        "instruments": "4",
        "safeguards": "1",
        "incoherences": "3",
        "unmitigated": "1",
    }
    page = client.get(COUNTRY).content.decode()
    assert 'id="unmitigated-count">1<' in page
    instruments = csv_rows(client.get(COUNTRY + "&export=csv&table=stock_instruments"))
    assert [(r["code"], r["source"], r["source_name"], r["safeguard"]) for r in instruments] == [
        ("PHL-CHE-MP", "catalogue", "", "False"),
        ("PHL-LMP", "catalogue", "", "False"),
        ("PHL-NAGA-PLAN", "PHL-DMW", "Department of Migrant Workers", "False"),
        ("PHL-OFW-REDRESS", "PHL-DOH", "Department of Health", "True"),
    ]
    assert instruments[1]["reported_by"] == "PHL-DMW PHL-DOH"
    assert instruments[3]["name"] == "'" + FORMULA
    grid = {
        (r["level"], r["tool_type"]): r
        for r in csv_rows(client.get(COUNTRY + "&export=csv&table=stock_grid"))
    }
    assert (grid[("national", "policy")]["count"], grid[("national", "policy")]["instruments"]) == (
        "2",
        "PHL-LMP PHL-OFW-REDRESS",
    )
    sheets = xlsx_rows(client.get(COUNTRY + "&export=xlsx"))
    assert list(sheets)[-4:] == [
        "stock_figures",
        "stock_grid",
        "stock_instruments",
        "stock_incoherences",
    ]
    incoherences = values(sheets["stock_incoherences"])
    assert [(r["source"], r["origin"], r["unmitigated"]) for r in incoherences] == [
        ("PHL-CHE-MP", "paper", False),
        ("PHL-NAGA-PLAN", "PHL-DMW", True),
        ("PHL-OFW-REDRESS", "PHL-DOH", False),
    ]
    assert incoherences[2]["mitigations"] == "PHL-OFW-REDRESS: Workers are refunded."
    assert sheets["stock_instruments"][3]["name"] == ("'" + FORMULA, "s")


def test_another_countrys_focal_point_gets_no_country_export(client_of, phl_2026):
    assert (
        client_of("focal_mda").get(COUNTRY + "&export=csv&table=stock_instruments").status_code
        == 404
    )
    assert client_of("anonymous").get(COUNTRY + "&export=xlsx").status_code == 302


# url -> its queries (session, user and roles included), the same for 3 rows as for 30
EXPORTS = {
    # the catalogue's grid, the stock-taking's for the grid and for the sources, the names
    GRID + "&export=csv": 8,
    GRID + "&export=xlsx": 8,
    # the stock-taking, then the catalogue's instruments with their levels and countries
    CELL + "&export=csv": 7,
    CELL + "&export=xlsx": 7,
    # the catalogue's interactions (7), the country, the stock-taking (6; the actors' names
    # come with its rows)
    INTERACTIONS + "&export=csv&table=stock_interactions": 14,
    INTERACTIONS + "&export=xlsx": 14,
    # the scores (9 with two stock reads), the stock-taking's other four
    COUNTRY + "&export=csv&table=stock_instruments": 13,
    COUNTRY + "&export=xlsx": 13,
}


def test_the_exports_read_in_a_fixed_number_of_queries(catalogue, users, safeguards, client_of):
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    client = client_of("reviewer")

    def counts() -> dict[str, int]:
        found = {}
        for url in EXPORTS:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found[url] = len(queries)
        return found

    few = counts()
    add_health_report(catalogue, users, extra=15)
    rows = csv_rows(client.get(INTERACTIONS + "&export=csv&table=stock_interactions"))
    assert len(rows) == 2 + 1 + 14
    assert len(csv_rows(client.get(CELL + "&export=csv"))) == 2 + 15
    assert counts() == few
    assert few == EXPORTS, few
