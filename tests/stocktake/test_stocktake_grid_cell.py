"""The grid's cell page of a country in a cycle lists, beside the catalogue's instruments,
those the country's validated stock-taking reports there, each with its source and its
safeguard mark: as many rows as the grid's cell counts, for every signed-in reader."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.stocktake.services import InstrumentInput, save_instrument
from instruments.models import Instrument
from tests.api.conftest import VALIDATED_ANSWERS
from tests.stocktake.test_stocktake_api import validated_with_stock

pytestmark = pytest.mark.django_db

CELL = "/grid/cell/?country=PHL&cycle=2026&level=subnational&tool_type=strategy"


@pytest.fixture
def phl_2026(catalogue, users, safeguards):
    """The DMW's validated stock-taking of 2026: PHL-LMP and PHL-CHE-MP picked, the new
    Naga City plan (sub-national strategy) beside the catalogue's NAGA-MDC."""
    return validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)


def rows_of(response) -> list[list[str]]:
    """The cell's table as a reader sees it: each row's cells, tags stripped."""
    page = response.content.decode()
    body = page[page.index('id="table-instruments"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def another_report(catalogue, users, actor, focal_key, specs, *, state="validated"):
    """An assessment of PHL in 2026 by `actor` listing `specs`, brought to `state`."""
    focal = users[focal_key]
    assessment = services.create_assessment(actor=catalogue["actors"][actor], cycle=2026, by=focal)
    services.save_answers(
        assessment, by=focal, version=assessment.version, answers=VALIDATED_ANSWERS
    )
    for spec in specs:
        save_instrument(assessment, by=focal, spec=spec)
    if state in ("submitted", "validated"):
        services.submit(assessment, by=focal)
    if state == "validated":
        services.validate(assessment, by=users["reviewer"])
    return assessment


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("focal_phl", 200),
        ("focal_phl_health", 200),  # another actor of the same country
        ("focal_mda", 200),  # another country's focal point: the grid is every reader's
        ("reviewer", 200),
        ("partner", 200),
        ("anonymous", 302),
    ],
)
def test_the_cell_lists_catalogue_and_reported_instruments_with_their_source(
    client_of, phl_2026, role, status
):
    response = client_of(role).get(CELL)
    assert response.status_code == status
    if status != 200:
        assert response["Location"].startswith("/accounts/login/")
        return
    assert rows_of(response) == [
        [
            "NAGA-MDC",
            "Instrument NAGA-MDC",
            "Sub-national, National",
            "Philippines",
            "",
            "Catalogue",
            "",
        ],
        [
            "PHL-NAGA-PLAN",
            "Naga City migration and development plan",
            "Sub-national",
            "Philippines",
            "",
            "Department of Migrant Workers",
            "",
        ],
    ]
    assert "2 instruments" in response.content.decode()


def test_without_a_cycle_the_cell_lists_the_catalogue_alone(client_of, phl_2026):
    response = client_of("reviewer").get(CELL.replace("&cycle=2026", ""))
    assert [row[0] for row in rows_of(response)] == ["NAGA-MDC"]


def test_stock_taking_not_yet_validated_is_not_listed(client_of, catalogue, users, safeguards):
    new = InstrumentInput(
        code="PHL-DRAFT-PLAN",
        name="A plan in the making",
        tool_type="strategy",
        levels=["subnational"],
    )
    another_report(catalogue, users, "PHL-DOH", "focal_phl_health", [new], state="submitted")
    response = client_of("reviewer").get(CELL)
    assert [row[0] for row in rows_of(response)] == ["NAGA-MDC"]


def test_the_grid_links_to_its_cells_with_country_and_cycle_and_the_counts_agree(
    client_of, catalogue, users, phl_2026
):
    # National × policy: the catalogue's PHL-LMP, a Moldovan policy the health department
    # picks, and its new safeguard (reported by it and, with a level more, by the DMW's).
    moldovan = Instrument.objects.create(
        code="MDA-NAT-POLICY", name="Moldovan national policy", tool_type_id="policy"
    )
    moldovan.levels.set(["national"])
    moldovan.countries.set(["MDA"])
    redress = InstrumentInput(
        code="PHL-OFW-REDRESS",
        name="Overseas workers' redress desk",
        tool_type="policy",
        levels=["national"],
        safeguard=True,
    )
    another_report(
        catalogue,
        users,
        "PHL-DOH",
        "focal_phl_health",
        [InstrumentInput(code="MDA-NAT-POLICY"), redress],
    )
    client = client_of("focal_mda")
    grid = client.get("/grid/?country=PHL&cycle=2026")
    matrix = {
        (row["level"], cell["url"].rsplit("tool_type=", 1)[1]): cell
        for row in grid.context["matrix"]
        for cell in row["cells"]
    }
    for level, tool_type, codes in [
        ("national", "policy", ["MDA-NAT-POLICY", "PHL-LMP", "PHL-OFW-REDRESS"]),
        ("subnational", "strategy", ["NAGA-MDC", "PHL-NAGA-PLAN"]),
        ("bilateral", "instrument", ["PHL-CHE-MP"]),
    ]:
        cell = matrix[(level, tool_type)]
        assert "country=PHL" in cell["url"] and "cycle=2026" in cell["url"]
        page = client.get(cell["url"])
        rows = rows_of(page)
        assert [row[0] for row in rows] == codes
        assert cell["count"] == len(rows) == page.context["page_obj"].paginator.count
    rows = {row[0]: row for row in rows_of(client.get(matrix[("national", "policy")]["url"]))}
    assert rows["PHL-OFW-REDRESS"][5:] == ["Department of Health", "safeguard"]
    assert rows["MDA-NAT-POLICY"][3:6] == ["Moldova", "", "Catalogue"]
    # The cell's back link keeps the country and the cycle.
    back = client.get(matrix[("national", "policy")]["url"]).context["back"]
    assert "country=PHL" in back and "cycle=2026" in back


def test_the_cell_reads_in_a_fixed_number_of_queries(
    client_of, catalogue, users, phl_2026, django_assert_max_num_queries
):
    client = client_of("reviewer")

    def count() -> int:
        client.get(CELL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CELL).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        instrument = Instrument.objects.create(
            code=f"PHL-CAT-{n:02d}", name=f"Catalogue strategy {n}", tool_type_id="strategy"
        )
        instrument.levels.set(["subnational"])
        instrument.countries.set(["PHL"])
    specs = [
        InstrumentInput(
            code=f"PHL-CITY-{n:02d}",
            name=f"City strategy {n}",
            tool_type="strategy",
            levels=["subnational", "national"],
            safeguard=n % 2 == 0,
        )
        for n in range(12)
    ]
    another_report(catalogue, users, "PHL-DOH", "focal_phl_health", specs)
    assert len(rows_of(client.get(CELL))) == 2 + 12 + 12
    assert count() == few
    with django_assert_max_num_queries(8):  # session, user, roles, country; 4 reads
        client.get(CELL)


def test_the_cell_keeps_the_grids_area_filter_for_reported_instruments(client_of, phl_2026):
    client = client_of("reviewer")
    grid = client.get("/grid/?country=PHL&cycle=2026&area=labour_migration")
    (cell,) = [
        c
        for row in grid.context["matrix"]
        if row["level"] == "subnational"
        for c in row["cells"]
        if c["url"].endswith("tool_type=strategy")
    ]
    assert "area=labour_migration" in cell["url"]
    rows = rows_of(client.get(cell["url"]))
    # The Naga plan lists labour migration; the catalogue's NAGA-MDC lists no area.
    assert [row[0] for row in rows] == ["PHL-NAGA-PLAN"]
    assert cell["count"] == 1
    assert rows_of(client.get(cell["url"].replace("labour_migration", "health"))) == [
        ["No instrument here: a gap in the grid."]
    ]
