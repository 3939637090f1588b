"""The grid's rows as pages list them and downloads write them."""

from collections import defaultdict

from django.db.models import Q

from coherence.choices import Level, ToolKind
from instruments.grid.charts import cell_index
from instruments.grid.filters import GridFilters
from instruments.models import Instrument
from instruments.selectors import (
    CATALOGUE,
    NAME_LOOKUP_LIMIT,
    PAPER,
    instruments_for,
    reported_instruments,
)

# DESIGN §5: columns are added at the end. `source` gives each code of `instruments` its
# source, in the same order: `paper`, `catalogue` or the reporting actor's code.
GRID_HEADER = ["level", "tool_type", "count", "instruments", "source"]


def grid_sources(filters: GridFilters, cells: list[dict]) -> dict[str, dict]:
    """code -> name, source, source_name and safeguard of every instrument of a grid: two
    queries, whatever their number (the catalogue's, then the registered sources')."""
    codes = {code for cell in cells for code in cell["instruments"]}
    catalogue = Instrument.objects.order_by()
    if len(codes) <= NAME_LOOKUP_LIMIT:
        catalogue = catalogue.filter(code__in=codes)
    found = {
        code: {
            "name": name,
            "source": PAPER if paragraph else CATALOGUE,
            "source_name": None,
            "safeguard": safeguard,
        }
        for code, name, paragraph, safeguard in catalogue.values_list(
            "code", "name", "paragraph", "safeguard"
        )
    }
    reported, _picked = reported_instruments(
        country=filters.country, cycle=filters.cycle, area=filters.area, level=filters.level
    )
    for row in reported:
        found.setdefault(row["code"], row)
    return found


def grid_rows(cells: list[dict], levels: list[str], sources: dict[str, dict]) -> list[list]:
    """Export rows: one per cell, with every code of the cell and the source of each."""
    index = cell_index(cells)
    rows = []
    for lv in levels:
        for tt in ToolKind.values:
            codes = index[(lv, tt)]["instruments"]
            rows.append(
                [
                    lv,
                    tt,
                    index[(lv, tt)]["count"],
                    " ".join(codes),
                    " ".join(sources.get(code, {}).get("source", "") for code in codes),
                ]
            )
    return rows


GRID_INSTRUMENT_HEADER = [
    "level",
    "tool_type",
    "code",
    "name",
    "source",
    "source_name",
    "safeguard",
]


def grid_instrument_rows(
    cells: list[dict], levels: list[str], sources: dict[str, dict]
) -> list[list]:
    """Export rows: one per instrument of each cell, cell by cell, with its source."""
    index = cell_index(cells)
    rows = []
    for lv in levels:
        for tt in ToolKind.values:
            for code in index[(lv, tt)]["instruments"]:
                info = sources.get(code, {})
                rows.append(
                    [
                        lv,
                        tt,
                        code,
                        info.get("name"),
                        info.get("source"),
                        info.get("source_name"),
                        info.get("safeguard"),
                    ]
                )
    return rows


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


# DESIGN §5: columns are added at the end; `source` is `paper`, `catalogue` or the
# reporting actor's code, `source_name` that actor's name.
CELL_HEADER = [
    "code",
    "name",
    "tool_type",
    "levels",
    "countries",
    "paragraph",
    "link",
    "source",
    "source_name",
    "safeguard",
]


def _level_order(code: str) -> int:
    return Level.values.index(code) if code in Level.values else len(Level.values)


def cell_catalogue(filters: GridFilters, tool_type: str, picked: set[int]):
    """The catalogue's instruments of a cell: those the filters select, and those the
    country's stock-taking picks that lie on the cell's level (and area)."""
    chosen = Q(
        pk__in=instruments_for(
            country=filters.country, area=filters.area, level=filters.level
        ).values("id")
    )
    if picked:
        added = Instrument.objects.filter(pk__in=picked)
        if filters.area:
            added = added.filter(areas__code=filters.area)
        if filters.level:
            added = added.filter(levels__code=filters.level)
        chosen |= Q(pk__in=added.values("id"))
    return Instrument.objects.filter(chosen, tool_type_id=tool_type).order_by("code")


def cell_entries(filters: GridFilters, tool_type: str) -> list[dict]:
    """Every instrument of a cell, the catalogue's and those the country's validated
    stock-taking of the cycle reports, by code: as many as the grid counts there. Four
    queries, whatever their number: the reported ones, the catalogue's, their levels and
    their countries."""
    reported, picked = reported_instruments(
        country=filters.country, cycle=filters.cycle, area=filters.area, level=filters.level
    )
    instruments = cell_catalogue(filters, tool_type, picked)
    ids = instruments.values("id")
    levels, countries = defaultdict(list), defaultdict(list)
    for iid, code in Instrument.levels.through.objects.filter(instrument_id__in=ids).values_list(
        "instrument_id", "governancelevel_id"
    ):
        levels[iid].append(code)
    for iid, iso3, name in Instrument.countries.through.objects.filter(
        instrument_id__in=ids
    ).values_list("instrument_id", "country_id", "country__name"):
        countries[iid].append((iso3, name))
    entries = [
        {
            "code": code,
            "name": name,
            "tool_type": tool,
            "levels": sorted(levels[iid], key=_level_order),
            "countries": sorted(countries[iid]),
            "paragraph": paragraph,
            "link": link,
            "source": PAPER if paragraph else CATALOGUE,
            "source_name": None,
            "safeguard": safeguard,
        }
        for iid, code, name, tool, paragraph, link, safeguard in instruments.values_list(
            "id", "code", "name", "tool_type_id", "paragraph", "link", "safeguard"
        )
    ]
    entries += [
        {
            **row,
            "levels": sorted(row["levels"], key=_level_order),
            "countries": [(filters.country, None)],
            "paragraph": None,
        }
        for row in reported
        if row["tool_type"] == tool_type
    ]
    return sorted(entries, key=lambda e: e["code"])


def cell_rows(filters: GridFilters, tool_type: str) -> list[list]:
    """Every instrument of a cell, for export, with codes: as many queries as
    `cell_entries`, whatever their number."""
    return [
        [
            e["code"],
            e["name"],
            e["tool_type"],
            " ".join(sorted(e["levels"])),
            " ".join(sorted(iso3 for iso3, _name in e["countries"])),
            e["paragraph"],
            e["link"],
            e["source"],
            e["source_name"],
            e["safeguard"],
        ]
        for e in cell_entries(filters, tool_type)
    ]
