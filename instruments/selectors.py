"""Reads of the catalogue that pages, the API and exports share."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from coherence.choices import Level, ToolKind
from instruments.models import Instrument

UNIVERSAL_LEVELS = (Level.REGIONAL, Level.INTERNATIONAL)
# The source of a catalogue instrument as the grid and the stock-taking name it (DESIGN §2):
# `paper` when it cites a paragraph of the paper, else `catalogue`.
PAPER, CATALOGUE = "paper", "catalogue"
NAME_LOOKUP_LIMIT = 900  # beyond this many codes, read every instrument rather than a long IN


def instruments_for(
    *, country: str | None = None, area: str | None = None, level: str | None = None
) -> QuerySet[Instrument]:
    """Instruments filtered as the grid filters them. A country's instruments are those
    that name it, plus the regional and international ones that name no country at all
    (frameworks and standards that bind every state, ¶31)."""
    queryset = Instrument.objects.all()
    if country:
        universal = Q(countries__isnull=True) & Q(levels__code__in=UNIVERSAL_LEVELS)
        queryset = queryset.filter(Q(countries__iso3=country) | universal)
    if area:
        queryset = queryset.filter(areas__code=area)
    if level:
        queryset = queryset.filter(levels__code=level)
    return queryset.distinct()


# What else a country holds in a cycle, beyond the catalogue's instruments naming it:
# functions registered by an app this one may not import (assessments registers the
# validated stock-taking). Each takes (country, cycle, area, level) and gives the
# (level, tool type, code) rows of instruments of its own, the ids of catalogue
# instruments it adds, and the names of its own instruments by code.
GridSource = Callable[[str, int, str | None, str | None], tuple[set, set[int], dict[str, str]]]
GRID_SOURCES: list[GridSource] = []


def register_grid_source(source: GridSource) -> GridSource:
    if source not in GRID_SOURCES:
        GRID_SOURCES.append(source)
    return source


# The same sources in detail, for the grid's cell pages and downloads: each takes
# (country, cycle, area, level) and gives dicts of its own instruments (code, name,
# tool_type, levels, link, safeguard, source, source_name) and the ids of catalogue
# instruments it adds.
ReportedSource = Callable[[str, int, str | None, str | None], tuple[list[dict], set[int]]]
REPORTED_SOURCES: list[ReportedSource] = []


def register_reported_source(source: ReportedSource) -> ReportedSource:
    if source not in REPORTED_SOURCES:
        REPORTED_SOURCES.append(source)
    return source


def reported_instruments(
    *, country: str | None, cycle: int | None, area: str | None, level: str | None
) -> tuple[list[dict], set[int]]:
    """What the registered sources add to a country's grid in a cycle: their own
    instruments in detail and the catalogue ones they pick (nothing without both)."""
    rows: list[dict] = []
    picked: set[int] = set()
    if country and cycle:
        for source in REPORTED_SOURCES:
            own, ids = source(country, cycle, area, level)
            rows += own
            picked |= ids
    return rows, picked


def _level_rows(ids, level: str | None):
    rows = Instrument.levels.through.objects.filter(instrument_id__in=ids).values_list(
        "governancelevel_id", "instrument__tool_type_id", "instrument__code"
    )
    return rows.filter(governancelevel_id=level) if level else rows


def grid(
    *,
    country: str | None = None,
    area: str | None = None,
    level: str | None = None,
    cycle: int | None = None,
    names: dict[str, str] | None = None,
):
    """The Annex B grid: every (level, tool type) cell, inside out by level, with the
    count and codes of its instruments. An instrument on two levels is in both rows.
    One query, whatever the number of instruments; with a country and a cycle, also the
    instruments the registered sources add (GRID_SOURCES), in a query or two each, whose
    names by code go into `names` when given (the catalogue's are `instrument_names`)."""
    ids = instruments_for(country=country, area=area, level=level).values("id")
    found = set(_level_rows(ids, level))
    if country and cycle:
        for source in GRID_SOURCES:
            own, picked, own_names = source(country, cycle, area, level)
            found |= own
            if names is not None:
                names.update(own_names)
            if picked:
                added = Instrument.objects.filter(pk__in=picked)
                if area:
                    added = added.filter(areas__code=area)
                found |= set(_level_rows(added.values("id"), level))
    cells = {(lv, tt): [] for lv in Level.values for tt in ToolKind.values}
    for level_code, tool_type, code in sorted(found, key=lambda row: row[2]):
        cells[(level_code, tool_type)].append(code)
    return [
        {"level": lv, "tool_type": tt, "count": len(codes), "instruments": codes}
        for (lv, tt), codes in cells.items()
    ]


def instrument_names(codes: set[str]) -> dict[str, str]:
    """code -> name of the catalogue's instruments among `codes`, in one query — sent even
    for no code (Django sends no empty IN), so a page's query count does not hang on its
    data; beyond NAME_LOOKUP_LIMIT codes, every instrument's rather than a long IN."""
    instruments = Instrument.objects.order_by()
    if len(codes) <= NAME_LOOKUP_LIMIT:
        instruments = instruments.filter(code__in=set(codes) or {""})  # no code is empty
    return dict(instruments.values_list("code", "name"))


def grid_total(cells: list[dict]) -> int:
    """The number of distinct instruments in a grid's cells."""
    return len({code for cell in cells for code in cell["instruments"]})
