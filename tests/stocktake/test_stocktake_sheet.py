"""The workbook's second sheet, `stocktake`: exported with the template and imported with
the responses; a bad row rejects the whole file, each error named by row and column."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments import services
from assessments.exchange.importer import ImportRejected, import_responses
from assessments.models import Answer, Assessment
from assessments.stocktake.models import StockInstrument, StockInteraction
from assessments.stocktake.sheet import COLUMNS

pytestmark = pytest.mark.django_db

RESPONSES = [
    ["country", "cycle", "actor", "indicator", "value"],
    ["PHL", 2026, "PHL-DMW", "H-INS-01", "yes"],
]
KEY = ["PHL", 2026, "PHL-DMW"]


def instrument(code, name="", tool_type="", levels="", **more):
    row = dict(zip(COLUMNS, [*KEY, "instrument", code, name, tool_type, levels], strict=False))
    return {**row, **more}


def interaction(source, target, score, rationale="¶42", mitigations="", none=""):
    return {
        **dict(zip(COLUMNS, [*KEY, "interaction"], strict=False)),
        "source": source,
        "target": target,
        "score": score,
        "rationale": rationale,
        "mitigations": mitigations,
        "none": none,
    }


GOOD = [
    instrument("PHL-LMP"),
    instrument("PHL-NAGA-PLAN", "Naga City plan", "strategy", "subnational", owner="PHL-NAGA"),
    interaction("PHL-NAGA-PLAN", "PHL-LMP", -3, none="yes"),
    interaction(
        "PHL-LMP", "PHL-NAGA-PLAN", -2, mitigations="BLA-COMPLAINT-MECHANISM: workers complain"
    ),
]


def workbook(stock_rows, responses=RESPONSES) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "responses"
    for row in responses:
        sheet.append(row)
    stock = book.create_sheet("stocktake")
    stock.append(list(COLUMNS))
    for row in stock_rows:
        stock.append([row.get(name, "") for name in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_brings_its_stocktaking_through_to_validated(catalogue, safeguards):
    result = import_responses(workbook(GOOD), filename="file.xlsx", status="validated")
    assessment = Assessment.objects.get(actor__code="PHL-DMW", cycle=2026)
    assert assessment.state == "validated"
    assert result.stock_changed == 4
    assert sorted(StockInstrument.objects.values_list("code", flat=True)) == [
        "PHL-LMP",
        "PHL-NAGA-PLAN",
    ]
    unmitigated = {(i.source.code, i.unmitigated) for i in StockInteraction.objects.all()}
    assert unmitigated == {("PHL-NAGA-PLAN", True), ("PHL-LMP", False)}
    again = import_responses(workbook(GOOD), filename="file.xlsx", status="validated")
    assert (again.stock_changed, again.untouched) == (0, 1)  # re-importing changes nothing


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (instrument("MIGOF", "A copy", "policy", "national"), "code", "already exists"),
        (instrument("PHL-NEW", "New", "policy", "orbital"), "levels", "orbital"),
        (instrument("PHL-NEW", "New", "wish", "national"), "tool_type", "Unknown tool type"),
        (interaction("PHL-LMP", "PHL-LMP", 1), "target", "cannot interact with itself"),
        (interaction("PHL-LMP", "PHL-NAGA-PLAN", 5), "score", "from −3 to +3"),
        (
            interaction("PHL-LMP", "PHL-NAGA-PLAN", -2, mitigations="PHL-LMP: it helps"),
            "mitigations",
            "not a safeguard",
        ),
    ],
)
def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(
    catalogue, safeguards, row, column, words
):
    rows = [*GOOD[:2], row]
    with pytest.raises(ImportRejected) as rejected:
        import_responses(workbook(rows), filename="file.xlsx")
    (error,) = rejected.value.errors
    assert error.row == 4
    assert error.column == f"{column} (sheet stocktake)"
    assert words in error.message
    assert not Assessment.objects.exists() and not Answer.objects.exists()
    assert not StockInstrument.objects.exists()


def test_a_change_to_a_locked_assessments_stocktaking_is_a_bad_row(catalogue, safeguards, users):
    import_responses(workbook(GOOD), filename="file.xlsx", status="submitted")
    changed = [*GOOD[:3], {**GOOD[3], "score": -3}]
    with pytest.raises(ImportRejected) as rejected:
        import_responses(workbook(changed), filename="file.xlsx", status="submitted")
    assert "row 5, column kind (sheet stocktake): the assessment is submitted" in str(
        rejected.value
    )


def test_the_template_carries_the_stocktaking_and_uploads_back_unchanged(
    client_of, assessment, users, safeguards
):
    import_responses(workbook(GOOD), filename="file.xlsx", by=users["focal_phl"])
    client = client_of("focal_phl")
    content = client.get(reverse("assessments:template", args=[assessment.pk])).content
    sheet = load_workbook(io.BytesIO(content))["stocktake"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == 5
    assessment.refresh_from_db()
    counters = (assessment.version, assessment.stock_revision)
    result = import_responses(
        content, filename="t.xlsx", by=users["focal_phl"], only_assessment=assessment
    )
    assert result.stock_changed == 0
    assessment.refresh_from_db()
    assert (assessment.version, assessment.stock_revision) == counters
    services.submit(assessment, by=users["focal_phl"])
