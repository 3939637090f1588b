"""The grid's pages: the grid, one cell's instruments, two countries' grids compared."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from actors.roles import principal_of
from coherence.choices import Level, ToolKind
from coherence.countries import country_name
from coherence.models import Country, PolicyArea
from coherence.tables import bad_request
from instruments.grid.charts import (
    cell_index,
    grid_figure,
    grid_matrix,
    hover_codes,
    level_labels,
    tool_labels,
)
from instruments.grid.filters import (
    BadFilter,
    GridFilters,
    parse_cell,
    parse_compare,
    parse_grid_filters,
)
from instruments.grid.tables import cell_entries, compare_rows
from instruments.selectors import CATALOGUE, PAPER, grid, grid_total, instrument_names

CELL_PAGE_SIZE = 100


def _options() -> dict:
    return {
        "countries": sorted(
            (
                (iso3, country_name(iso3, name))
                for iso3, name in Country.objects.values_list("iso3", "name")
            ),
            key=lambda c: c[1],
        ),
        "areas": [(a.code, a.translated("name")) for a in PolicyArea.objects.all()],
        "levels": list(Level.choices),
    }


def _area_label(code: str | None) -> str:
    """The policy area's name in the user's language (one query, when filtered by area)."""
    if not code:
        return ""
    area = PolicyArea.objects.filter(code=code).first()
    return area.translated("name") if area else code


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
    reported: dict[str, str] = {}  # the names of a country's own reported instruments
    cells = grid(**vars(filters), names=reported)
    levels = filters.levels
    cell_url = f"{reverse('grid:cell')}?{urlencode(filters.params())}"
    # No title inside the chart: its column names stand on top, upright on a phone, where a
    # title would cover them; the page's caption says what it is.
    names = {**instrument_names(hover_codes(cells)), **reported}
    figure = grid_figure(cells, levels=levels, names=names)
    total = grid_total(cells)
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
            "cycle_filter": True,
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
    page = Paginator(cell_entries(filters, tool_type), CELL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    # Back to the grid the cell was read from: every level, the same country, area, cycle.
    unfiltered_by_level = GridFilters(filters.country, filters.area, cycle=filters.cycle)
    lv_labels = level_labels()
    sources = {PAPER: _("GFMD 2017 paper"), CATALOGUE: _("Catalogue")}
    for entry in page.object_list:
        entry["level_labels"] = [lv_labels.get(lv, lv) for lv in entry["levels"]]
        entry["country_labels"] = [country_name(iso3, name) for iso3, name in entry["countries"]]
        entry["source_label"] = entry["source_name"] or sources.get(
            entry["source"], entry["source"]
        )
    return render(
        request,
        "grid/cell.html",
        {
            "principal": principal_of(request.user),
            "filters": filters,
            "level_label": level_labels()[level],
            "country_label": country_name(filters.country) if filters.country else "",
            "area_label": _area_label(filters.area),
            "tool_label": tool_labels()[tool_type],
            "page_obj": page,
            "query": params.urlencode(),
            "back": f"{reverse('grid:grid')}?{urlencode(unfiltered_by_level.params())}",
            **_export_links(request, "dashboards:grid_cell_export"),
        },
    )


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
        "a_name": country_name(a) if a else "",
        "b_name": country_name(b) if b else "",
        "filters": fa,
        **_options(),
    }
    if a and b:
        reported: dict[str, str] = {}
        cells_a, cells_b = grid(**vars(fa), names=reported), grid(**vars(fb), names=reported)
        levels = fa.levels
        ia, ib = cell_index(cells_a), cell_index(cells_b)
        top = max(c["count"] for c in cells_a + cells_b)
        name_a, name_b = context["a_name"], context["b_name"]
        note_a = {k: _("%(c)s: %(n)d") % {"c": name_b, "n": ib[k]["count"]} for k in ia}
        note_b = {k: _("%(c)s: %(n)d") % {"c": name_a, "n": ia[k]["count"]} for k in ib}
        rows = compare_rows(cells_a, cells_b, levels, a, b)
        names = {**instrument_names(hover_codes(cells_a, cells_b)), **reported}
        lv_labels, tt_labels = level_labels(), tool_labels()
        shown = [
            {"level": lv_labels[r[0]], "tool_type": tt_labels[r[1]], "a": r[2], "b": r[3]}
            for r in rows
        ]
        context.update(
            {
                "figure_a": grid_figure(cells_a, levels=levels, zmax=top, note=note_a, names=names),
                "figure_b": grid_figure(cells_b, levels=levels, zmax=top, note=note_b, names=names),
                "cell_url_a": f"{reverse('grid:cell')}?{urlencode(fa.params())}",
                "cell_url_b": f"{reverse('grid:cell')}?{urlencode(fb.params())}",
                "rows": shown,
                "only_a": [r for r in shown if r["a"] and not r["b"]],
                "only_b": [r for r in shown if r["b"] and not r["a"]],
                **_export_links(request, "dashboards:grid_compare_export"),
            }
        )
    return render(request, "grid/compare.html", context)
