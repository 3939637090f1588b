"""The Annex B grid's downloads: the grid, one cell's instruments, two grids compared."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from coherence.tables import bad_request, export_response, table
from instruments.grid.filters import BadFilter, parse_cell, parse_compare, parse_grid_filters
from instruments.grid.tables import (
    CELL_HEADER,
    COMPARE_HEADER,
    GRID_HEADER,
    GRID_INSTRUMENT_HEADER,
    cell_rows,
    compare_rows,
    grid_instrument_rows,
    grid_rows,
    grid_sources,
)
from instruments.selectors import grid


def _grid_filename(filters) -> str:
    return "-".join(["grid", *(str(v) for v in filters.params().values())])


@login_required
def grid_export(request):
    try:
        filters = parse_grid_filters(request.GET)
    except BadFilter as problem:
        return bad_request(request, str(problem))
    cells = grid(**vars(filters))
    sources = grid_sources(filters, cells)
    tables = [
        table("grid", _("Annex B grid"), GRID_HEADER, grid_rows(cells, filters.levels, sources)),
        table(
            "instruments",
            _("Instruments by cell"),
            GRID_INSTRUMENT_HEADER,
            grid_instrument_rows(cells, filters.levels, sources),
        ),
    ]
    return export_response(request, tables, _grid_filename(filters))


@login_required
def grid_cell_export(request):
    try:
        filters, level, tool_type = parse_cell(request.GET)
    except BadFilter as problem:
        return bad_request(request, str(problem))
    rows = cell_rows(filters, tool_type)
    tables = [table("instruments", _("Instruments"), CELL_HEADER, rows)]
    return export_response(request, tables, f"{_grid_filename(filters)}-{tool_type}")


@login_required
def grid_compare_export(request):
    try:
        fa, fb, a, b = parse_compare(request.GET)
        if not a or not b:
            raise BadFilter(_("Choose two countries, a and b."))
    except BadFilter as problem:
        return bad_request(request, str(problem))
    rows = compare_rows(grid(**vars(fa)), grid(**vars(fb)), fa.levels, a, b)
    tables = [table("compare", _("Two grids"), COMPARE_HEADER, rows)]
    return export_response(request, tables, f"grid-{a}-{b}")
