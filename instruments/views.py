"""The Annex B grid pages (¶7, ¶9): governance levels × tool types, filterable by country,
policy area and level; one cell's instruments; two countries' grids side by side.

The catalogue is public to every signed-in user (DESIGN §7). Downloads are served by the
dashboards (`dashboards:grid_export` …), which own the CSV/XLSX writers: `instruments`
may not import `assessments` (DESIGN §9), so `?export=` here redirects there.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from actors.roles import principal_of
from coherence.choices import Level, ToolKind
from coherence.models import Country, GovernanceLevel, PolicyArea
from instruments.models import Instrument
from instruments.selectors import grid, instruments_for

HOVER_LIMIT = 10  # codes listed in a cell's hover label; the rest are counted
CELL_PAGE_SIZE = 100
GAP_COLOUR = "#f4c7c3"
# A sequential scale whose bottom slice (count 0) is a warm colour: gaps stand out.
COUNT_COLOURS = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"]


class BadFilter(ValueError):
    """A filter value the catalogue does not know: the page answers 400 and names it."""


@dataclass(frozen=True)
class GridFilters:
    country: str | None = None
    area: str | None = None
    level: str | None = None

    def params(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}

    @property
    def levels(self) -> list[str]:
        """The grid's rows, inside out; only the chosen one when filtered by level."""
        return [self.level] if self.level else list(Level.values)


def _choice(params, name: str, allowed, label: str) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise BadFilter(_("Unknown %(label)s: “%(value)s”.") % {"label": label, "value": value})
    return value


def parse_country(params, name: str = "country") -> str | None:
    value = (params.get(name) or "").strip().upper()
    if not value:
        return None
    if len(value) != 3 or not Country.objects.filter(iso3=value).exists():
        raise BadFilter(_("Unknown country: “%(value)s”.") % {"value": params.get(name)})
    return value


def parse_area(params) -> str | None:
    value = (params.get("area") or "").strip()
    if value and not PolicyArea.objects.filter(code=value).exists():
        raise BadFilter(_("Unknown policy area: “%(value)s”.") % {"value": value})
    return value or None


def parse_grid_filters(params) -> GridFilters:
    """Validated filters from a query string; BadFilter names the first unknown value."""
    return GridFilters(
        country=parse_country(params),
        area=parse_area(params),
        level=_choice(params, "level", Level.values, _("level")),
    )


def parse_cell(params) -> tuple[GridFilters, str, str]:
    """A cell: its level and tool type (both required) and the grid's other filters."""
    level = _choice(params, "level", Level.values, _("level"))
    tool_type = _choice(params, "tool_type", ToolKind.values, _("tool type"))
    if not level or not tool_type:
        raise BadFilter(_("A cell is given by a level and a tool type."))
    return (
        GridFilters(country=parse_country(params), area=parse_area(params), level=level),
        level,
        tool_type,
    )


def bad_request(request, message: str) -> HttpResponse:
    return render(
        request,
        "dashboards/bad_request.html",
        {"message": message, "principal": principal_of(request.user)},
        status=400,
    )


# --- Figures and tables (pure: built from grid() cells) ------------------------------


def level_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Level.choices}


def tool_labels() -> dict[str, str]:
    return {code: str(label) for code, label in ToolKind.choices}


def cell_index(cells: list[dict]) -> dict[tuple[str, str], dict]:
    return {(c["level"], c["tool_type"]): c for c in cells}


def hover_text(title: str, codes: list[str], count: int, limit: int = HOVER_LIMIT) -> str:
    if not count:
        return f"<b>{title}</b>: " + _("no instrument — a gap")
    lines = [f"<b>{title}</b>: {count}", *codes[:limit]]
    if count > limit:
        lines.append(_("… and %(n)d more") % {"n": count - limit})
    return "<br>".join(lines)


def grid_figure(
    cells: list[dict],
    *,
    levels: list[str] | None = None,
    title: str = "",
    zmax: int | None = None,
    note: dict[tuple[str, str], str] | None = None,
) -> dict:
    """A Plotly heatmap of the grid: rows are levels (inside out, top to bottom), columns
    tool types; z the counts; each cell's hover lists at most HOVER_LIMIT codes. `note`
    adds a line to a cell's hover (the other country's count, on the comparison)."""
    levels = levels or list(Level.values)
    tools = list(ToolKind.values)
    lv_labels, tt_labels = level_labels(), tool_labels()
    index = cell_index(cells)
    z, text, hover = [], [], []
    for lv in levels:
        z_row, text_row, hover_row = [], [], []
        for tt in tools:
            cell = index.get((lv, tt), {"count": 0, "instruments": []})
            count = cell["count"]
            z_row.append(count)
            text_row.append(str(count) if count else _("gap"))
            line = hover_text(f"{lv_labels[lv]} × {tt_labels[tt]}", cell["instruments"], count)
            if note and (lv, tt) in note:
                line += "<br><i>" + note[(lv, tt)] + "</i>"
            hover_row.append(line)
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    top = max(1, zmax if zmax is not None else max((max(r) for r in z), default=0))
    edge = 0.5 / top  # counts are whole numbers: only 0 falls below half of one step
    colorscale = [[0, GAP_COLOUR], [edge, GAP_COLOUR], [edge, COUNT_COLOURS[0]]]
    colorscale += [
        [edge + (1 - edge) * (i + 1) / (len(COUNT_COLOURS) - 1), colour]
        for i, colour in enumerate(COUNT_COLOURS[1:])
    ]
    return {
        "data": [
            {
                "type": "heatmap",
                "x": tools,
                "y": levels,
                "z": z,
                "text": text,
                "texttemplate": "%{text}",
                "customdata": hover,
                "hovertemplate": "%{customdata}<extra></extra>",
                "colorscale": colorscale,
                "zmin": 0,
                "zmax": top,
                "xgap": 3,
                "ygap": 3,
                "colorbar": {"title": {"text": _("Instruments")}, "dtick": max(1, top // 5)},
            }
        ],
        "layout": {
            "title": {"text": title},
            "xaxis": {
                "type": "category",
                "tickvals": tools,
                "ticktext": [tt_labels[t] for t in tools],
                "side": "top",
                "automargin": True,
                "fixedrange": True,
            },
            "yaxis": {
                "type": "category",
                "tickvals": levels,
                "ticktext": [lv_labels[lv] for lv in levels],
                "autorange": "reversed",
                "fixedrange": True,
            },
            "height": 140 + 70 * len(levels),
            "margin": {"l": 110, "r": 20, "t": 90 if title else 40, "b": 20},
            "hoverlabel": {"align": "left"},
        },
        "config": chart_config("annex-b-grid"),
    }


def chart_config(filename: str) -> dict:
    """Plotly's own toolbar, with its PNG download, and no link to plotly.com."""
    return {
        "displaylogo": False,
        "displayModeBar": True,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    }


def grid_matrix(cells: list[dict], levels: list[str], cell_url: str) -> list[dict]:
    """The page's table of counts: a row per level, a cell per tool type."""
    index = cell_index(cells)
    lv_labels = level_labels()
    rows = []
    for lv in levels:
        row = []
        for tt in ToolKind.values:
            count = index[(lv, tt)]["count"] if (lv, tt) in index else 0
            row.append(
                {"count": count, "url": f"{cell_url}&{urlencode({'level': lv, 'tool_type': tt})}"}
            )
        rows.append({"level": lv, "label": lv_labels[lv], "cells": row})
    return rows


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


# --- Pages ---------------------------------------------------------------------------


def _options() -> dict:
    return {
        "countries": list(Country.objects.values_list("iso3", "name")),
        "areas": [(a.code, a.translated("name")) for a in PolicyArea.objects.all()],
        "levels": list(Level.choices),
    }


def _export_redirect(request, name: str):
    return redirect(f"{reverse(name)}?{request.GET.urlencode()}")


def _export_links(request, name: str) -> dict:
    params = request.GET.copy()
    params.pop("export", None)
    base = reverse(name)
    return {
        "csv_url": f"{base}?{urlencode({**params.dict(), 'export': 'csv'})}",
        "xlsx_url": f"{base}?{urlencode({**params.dict(), 'export': 'xlsx'})}",
    }


@login_required
def grid_page(request):
    """The Annex B grid as a heatmap of counts, with its table below."""
    if request.GET.get("export"):
        return _export_redirect(request, "dashboards:grid_export")
    try:
        filters = parse_grid_filters(request.GET)
    except BadFilter as problem:
        return bad_request(request, str(problem))
    cells = grid(**vars(filters))
    levels = filters.levels
    cell_url = f"{reverse('grid:cell')}?{urlencode(filters.params())}"
    figure = grid_figure(cells, levels=levels, title=_("Instruments by level and tool type"))
    total = instruments_for(**vars(filters)).count()
    return render(
        request,
        "grid/grid.html",
        {
            "principal": principal_of(request.user),
            "filters": filters,
            "figure": figure,
            "matrix": grid_matrix(cells, levels, cell_url),
            "tools": list(ToolKind.choices),
            "gaps": sum(1 for row in figure["data"][0]["z"] for n in row if not n),
            "total": total,
            "cell_url": cell_url,
            **_options(),
            **_export_links(request, "dashboards:grid_export"),
        },
    )


@login_required
def cell_page(request):
    """Every instrument of one cell, a page at a time."""
    if request.GET.get("export"):
        return _export_redirect(request, "dashboards:grid_cell_export")
    try:
        filters, level, tool_type = parse_cell(request.GET)
    except BadFilter as problem:
        return bad_request(request, str(problem))
    instruments = cell_instruments(filters, tool_type).prefetch_related(
        Prefetch("levels", queryset=GovernanceLevel.objects.order_by("rank")),
        Prefetch("countries", queryset=Country.objects.only("iso3")),
    )
    page = Paginator(instruments, CELL_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    unfiltered_by_level = GridFilters(filters.country, filters.area)
    return render(
        request,
        "grid/cell.html",
        {
            "principal": principal_of(request.user),
            "filters": filters,
            "level_label": level_labels()[level],
            "tool_label": tool_labels()[tool_type],
            "page_obj": page,
            "query": params.urlencode(),
            "back": f"{reverse('grid:grid')}?{urlencode(unfiltered_by_level.params())}",
            **_export_links(request, "dashboards:grid_cell_export"),
        },
    )


def parse_compare(params) -> tuple[GridFilters, GridFilters, str | None, str | None]:
    a, b = parse_country(params, "a"), parse_country(params, "b")
    area = parse_area(params)
    level = _choice(params, "level", Level.values, _("level"))
    return GridFilters(a, area, level), GridFilters(b, area, level), a, b


@login_required
def compare_page(request):
    """Two countries' grids side by side: where one has tools and the other none."""
    if request.GET.get("export"):
        return _export_redirect(request, "dashboards:grid_compare_export")
    try:
        fa, fb, a, b = parse_compare(request.GET)
    except BadFilter as problem:
        return bad_request(request, str(problem))
    context = {
        "principal": principal_of(request.user),
        "a": a,
        "b": b,
        "filters": fa,
        **_options(),
    }
    if a and b:
        cells_a, cells_b = grid(**vars(fa)), grid(**vars(fb))
        levels = fa.levels
        ia, ib = cell_index(cells_a), cell_index(cells_b)
        top = max(c["count"] for c in cells_a + cells_b)
        note_a = {k: _("%(c)s: %(n)d") % {"c": b, "n": ib[k]["count"]} for k in ia}
        note_b = {k: _("%(c)s: %(n)d") % {"c": a, "n": ia[k]["count"]} for k in ib}
        rows = compare_rows(cells_a, cells_b, levels, a, b)
        lv_labels, tt_labels = level_labels(), tool_labels()
        shown = [
            {"level": lv_labels[r[0]], "tool_type": tt_labels[r[1]], "a": r[2], "b": r[3]}
            for r in rows
        ]
        context.update(
            {
                "figure_a": grid_figure(cells_a, levels=levels, zmax=top, note=note_a),
                "figure_b": grid_figure(cells_b, levels=levels, zmax=top, note=note_b),
                "cell_url_a": f"{reverse('grid:cell')}?{urlencode(fa.params())}",
                "cell_url_b": f"{reverse('grid:cell')}?{urlencode(fb.params())}",
                "rows": shown,
                "only_a": [r for r in shown if r["a"] and not r["b"]],
                "only_b": [r for r in shown if r["b"] and not r["a"]],
                **_export_links(request, "dashboards:grid_compare_export"),
            }
        )
    return render(request, "grid/compare.html", context)
