"""The grid's rows as pages list them and downloads write them."""

from coherence.choices import ToolKind
from instruments.grid.charts import cell_index
from instruments.grid.filters import GridFilters
from instruments.models import Instrument
from instruments.selectors import instruments_for

GRID_HEADER = ["level", "tool_type", "count", "instruments"]


def grid_rows(cells: list[dict], levels: list[str]) -> list[list]:
    """Export rows: one per cell, with every code of the cell."""
    index = cell_index(cells)
    return [
        [lv, tt, index[(lv, tt)]["count"], " ".join(index[(lv, tt)]["instruments"])]
        for lv in levels
        for tt in ToolKind.values
    ]


COMPARE_HEADER = ["level", "tool_type", "count_a", "count_b", "where"]


def compare_rows(cells_a: list[dict], cells_b: list[dict], levels: list[str], a: str, b: str):
    """Every cell with both counts; `where` says which country alone has tools there."""
    ia, ib = cell_index(cells_a), cell_index(cells_b)
    rows = []
    for lv in levels:
        for tt in ToolKind.values:
            na, nb = ia[(lv, tt)]["count"], ib[(lv, tt)]["count"]
            where = (
                f"{a} only"
                if na and not nb
                else f"{b} only"
                if nb and not na
                else "both"
                if na
                else "neither"
            )
            rows.append([lv, tt, na, nb, where])
    return rows


CELL_HEADER = ["code", "name", "tool_type", "levels", "countries", "paragraph", "link"]


def cell_instruments(filters: GridFilters, tool_type: str):
    return (
        instruments_for(country=filters.country, area=filters.area, level=filters.level)
        .filter(tool_type_id=tool_type)
        .order_by("code")
    )


def cell_rows(filters: GridFilters, tool_type: str) -> list[list]:
    """Every instrument of a cell, for export: three queries, whatever their number."""
    instruments = cell_instruments(filters, tool_type)
    ids = instruments.values("id")
    levels, countries = {}, {}
    for iid, code in Instrument.levels.through.objects.filter(instrument_id__in=ids).values_list(
        "instrument_id", "governancelevel_id"
    ):
        levels.setdefault(iid, []).append(code)
    for iid, code in Instrument.countries.through.objects.filter(instrument_id__in=ids).values_list(
        "instrument_id", "country_id"
    ):
        countries.setdefault(iid, []).append(code)
    return [
        [
            code,
            name,
            tool,
            " ".join(sorted(levels.get(iid, []))),
            " ".join(sorted(countries.get(iid, []))),
            paragraph,
            link,
        ]
        for iid, code, name, tool, paragraph, link in instruments.values_list(
            "id", "code", "name", "tool_type_id", "paragraph", "link"
        )
    ]
