"""The grid as a Plotly heatmap and as an accessible matrix, built from grid() cells."""

import html
from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coherence.choices import Level, ToolKind
from coherence.numbers import plotly_separators

HOVER_LIMIT = 10  # instruments named in a cell's hover label; the rest are counted


GAP_COLOUR = "#f4c7c3"
# A sequential scale whose bottom slice (count 0) is a warm colour: gaps stand out.
COUNT_COLOURS = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"]


def level_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Level.choices}


def tool_labels() -> dict[str, str]:
    return {code: str(label) for code, label in ToolKind.choices}


def cell_index(cells: list[dict]) -> dict[tuple[str, str], dict]:
    return {(c["level"], c["tool_type"]): c for c in cells}


def hover_codes(*grids: list[dict], limit: int = HOVER_LIMIT) -> set[str]:
    """The codes of the instruments the grids' hover labels name: the first `limit` of each
    cell, whose names one query reads."""
    return {code for cells in grids for cell in cells for code in cell["instruments"][:limit]}


def hover_text(
    title: str,
    codes: list[str],
    count: int,
    limit: int = HOVER_LIMIT,
    names: Mapping[str, str] | None = None,
) -> str:
    """A cell's hover label: its count, then its first `limit` instruments by name (by code
    where none is known: an instrument a country reported that the catalogue lacks)."""
    if not count:
        return f"<b>{title}</b>: " + _("no instrument — a gap")
    names = names or {}
    shown: Iterable[str] = (html.escape(names.get(c) or c, quote=False) for c in codes[:limit])
    lines = [f"<b>{title}</b>: {count}", *shown]
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
    names: Mapping[str, str] | None = None,
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
            line = hover_text(
                f"{lv_labels[lv]} × {tt_labels[tt]}", cell["instruments"], count, names=names
            )
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
            # yref paper + automargin: the title never overlaps the top tick labels,
            # which a phone's width turns upright
            "title": {"text": title, "yref": "paper", "automargin": True},
            "xaxis": {
                "type": "category",
                "tickvals": tools,
                "ticktext": [tt_labels[t] for t in tools],
                "title": {"text": _("Tool type")},
                "side": "top",
                "automargin": True,
                "fixedrange": True,
            },
            "yaxis": {
                "type": "category",
                "tickvals": levels,
                "ticktext": [lv_labels[lv] for lv in levels],
                "title": {"text": _("Governance level")},
                "automargin": True,
                "autorange": "reversed",
                "fixedrange": True,
            },
            "height": 140 + 70 * len(levels),
            "margin": {"l": 110, "r": 20, "t": 90 if title else 40, "b": 20},
            "hoverlabel": {"align": "left"},
            "separators": plotly_separators(),
        },
        "config": chart_config("annex-b-grid"),
    }


def plotly_dictionary() -> dict[str, str]:
    """Plotly's own words (its toolbar's button names and messages) in the user's
    language: Plotly takes them as a locale in each chart's config."""
    return {
        "Download plot as a PNG": _("Download plot as a PNG"),
        "Download plot": _("Download plot"),
        "Zoom": _("Zoom"),
        "Pan": _("Pan"),
        "Zoom in": _("Zoom in"),
        "Zoom out": _("Zoom out"),
        "Autoscale": _("Autoscale"),
        "Reset axes": _("Reset axes"),
        "Reset view": _("Reset view"),
        "Reset": _("Reset"),
        "Toggle Spike Lines": _("Toggle Spike Lines"),
        "Show closest data on hover": _("Show closest data on hover"),
        "Compare data on hover": _("Compare data on hover"),
        "Toggle show closest data on hover": _("Toggle show closest data on hover"),
        "Box Select": _("Box Select"),
        "Lasso Select": _("Lasso Select"),
        "Snapshot succeeded": _("Snapshot succeeded"),
        "Taking snapshot - this may take a few seconds": _(
            "Taking snapshot - this may take a few seconds"
        ),
        "Sorry, there was a problem downloading your snapshot!": _(
            "Sorry, there was a problem downloading your snapshot!"
        ),
    }


def chart_config(filename: str) -> dict:
    """Plotly's own toolbar, with its PNG download, and no link to plotly.com; its words
    in the user's language."""
    config = {
        "displaylogo": False,
        "displayModeBar": True,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    }
    language = (get_language() or "en")[:2]
    if language != "en":
        config["locale"] = language
        config["locales"] = {language: {"dictionary": plotly_dictionary()}}
    return config


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
