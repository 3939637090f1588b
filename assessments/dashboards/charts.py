"""Plotly figures for the dashboards, as plain JSON-ready dicts ({data, layout, config}).

Pure functions of lists and DataFrames — no ORM — so each chart's numbers can be checked
without a database. A figure carries only what it draws: codes and numbers, labels for
the axes, and top-N slices of long lists; the page's tables carry the rest. NaN never
reaches the page (JSON has no NaN): a missing number is null, a gap in the chart.
"""

import html
import math
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from django.utils.translation import gettext as _

from assessments.scoring import round_half_away
from coherence.choices import Dimension, Link
from instruments.grid.charts import chart_config

SCORE_RANGE = [0, 100]
DIVERGENCE_TOP = 15
REINFORCER_TOP = 15
BAR_COLOUR = "#0b5cad"
SERIES_COLOURS = {"overall": "#1d2733", "horizontal": "#0b5cad", "vertical": "#c26a00"}
# Red for priorities or interactions that pull apart, blue for those that reinforce.
DIVERGING = [
    [0.0, "#b2182b"],
    [0.25, "#ef8a62"],
    [0.5, "#f7f7f7"],
    [0.75, "#67a9cf"],
    [1.0, "#2166ac"],
]
SEQUENTIAL = [[0.0, "#f7fbff"], [0.5, "#6baed6"], [1.0, "#08306b"]]


def number(value) -> float | int | None:
    """A JSON-safe number: None for missing, NaN or infinite values."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    value = float(value)
    if math.isinf(value):
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _figure(data: list[dict], layout: dict, filename: str) -> dict:
    base = {
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    return {"data": data, "layout": {**base, **layout}, "config": chart_config(filename)}


def _title(text: str) -> dict:
    return {"text": text, "x": 0, "xanchor": "left"}


def plain(text) -> str:
    """Catalogue text made inert for Plotly, which reads labels as a subset of HTML."""
    return html.escape(str(text), quote=False)


def _category_axis(codes: Sequence[str], labels: Mapping[str, str] | None, **extra) -> dict:
    labels = labels or {}
    return {
        "type": "category",
        "tickvals": list(codes),
        "ticktext": [plain(labels.get(c, c)) for c in codes],
        **extra,
    }


def bar_chart(
    codes: Sequence[str],
    values: Sequence,
    *,
    title: str,
    labels: Mapping[str, str] | None = None,
    filename: str,
    hover: Sequence[str] | None = None,
    value_range: list | None = SCORE_RANGE,
    value_title: str | None = None,
    horizontal: bool = False,
) -> dict:
    """One series of bars over categories given by code; labels show on the axis."""
    codes = list(codes)
    values = [number(v) for v in values]
    trace = {
        "type": "bar",
        "marker": {"color": BAR_COLOUR},
        "text": ["—" if v is None else v for v in values],
        "textposition": "auto",
    }
    if hover is not None:
        trace["customdata"] = list(hover)
        trace["hovertemplate"] = "%{customdata}<extra></extra>"
    value_axis = {"title": {"text": value_title or _("Score (0–100)")}, "zeroline": True}
    if value_range:
        value_axis["range"] = value_range
    if horizontal:
        trace.update({"x": values, "y": codes, "orientation": "h"})
        layout = {
            "xaxis": value_axis,
            "yaxis": _category_axis(codes, labels, autorange="reversed", automargin=True),
            "height": 140 + 40 * max(len(codes), 1),
        }
    else:
        trace.update({"x": codes, "y": values})
        layout = {"xaxis": _category_axis(codes, labels, automargin=True), "yaxis": value_axis}
    return _figure([trace], {"title": _title(title), **layout}, filename)


def summary_chart(score: Mapping, *, labels: Mapping[str, str], title: str) -> dict:
    """Overall, horizontal and vertical side by side."""
    codes = ["overall", "horizontal", "vertical"]
    return bar_chart(
        codes,
        [score.get(c) for c in codes],
        title=title,
        labels=labels,
        filename="scores",
    )


def breakdown_chart(
    entries: Iterable[Mapping],
    *,
    order: Sequence[str],
    labels: Mapping[str, str],
    title: str,
    filename: str,
) -> dict:
    """Scores of the stored `dimensions` or `links` list, in the vocabulary's order;
    codes left out of the stored list (no indicator in scope) are left out here too."""
    by_code = {e["code"]: e.get("score") for e in entries}
    codes = [c for c in order if c in by_code] + [c for c in by_code if c not in order]
    return bar_chart(
        codes,
        [by_code[c] for c in codes],
        title=title,
        labels=labels,
        filename=filename,
        horizontal=True,
    )


def dimensions_chart(dimensions: Iterable[Mapping], *, title: str) -> dict:
    labels = {code: str(label) for code, label in Dimension.choices}
    return breakdown_chart(
        dimensions, order=Dimension.values, labels=labels, title=title, filename="dimensions"
    )


def links_chart(links: Iterable[Mapping], *, title: str) -> dict:
    labels = {code: str(label) for code, label in Link.choices}
    return breakdown_chart(links, order=Link.values, labels=labels, title=title, filename="links")


def areas_chart(
    areas: Iterable[Mapping], *, order: Sequence[str], labels: Mapping[str, str], title: str
) -> dict:
    """Each policy area's score as a horizontal bar; coverage in the bar's hover and as a
    second, lighter bar in per cent."""
    rank = {code: i for i, code in enumerate(order)}
    areas = sorted(areas, key=lambda e: (rank.get(e["code"], len(rank)), e["code"]))
    codes = [e["code"] for e in areas]
    scores = [number(e.get("score")) for e in areas]
    coverage = [number(e.get("coverage")) for e in areas]
    coverage_pct = [None if c is None else round_half_away(c * 100, 2) for c in coverage]
    figure = bar_chart(codes, scores, title=title, labels=labels, filename="areas", horizontal=True)
    figure["data"][0]["name"] = _("Score")
    figure["data"].append(
        {
            "type": "bar",
            "orientation": "h",
            "name": _("Coverage (%)"),
            "x": coverage_pct,
            "y": codes,
            "marker": {"color": "#9ecae1"},
        }
    )
    figure["layout"].update(
        {"barmode": "group", "height": 140 + 44 * max(len(codes), 1), "showlegend": True}
    )
    figure["layout"]["xaxis"]["title"] = {"text": _("Score / coverage (%)")}
    return figure


def crosswalk_chart(
    entries: Iterable[Mapping], *, framework: str, names: Mapping[str, str], title: str
) -> dict | None:
    """The crosswalk scores of one framework (GCM, SDG-10.7.2 or MGI) as horizontal bars on
    0–100, each named by its code and name, in the stored (published) order; None where the
    score lists none of that framework."""
    entries = [e for e in entries if e["framework"] == framework]
    if not entries:
        return None
    codes = [e["code"] for e in entries]
    labels = {code: f"{code} · {names.get(code, code)}" for code in codes}
    hover = [
        f"{plain(labels[e['code']])}: {'—' if e.get('score') is None else e['score']}"
        + (f" ({plain(e['category_label'])})" if e.get("category_label") else "")
        for e in entries
    ]
    return bar_chart(
        codes,
        [e.get("score") for e in entries],
        title=title,
        labels=labels,
        filename=f"crosswalk-{framework}",
        hover=hover,
        horizontal=True,
    )


def trend_chart(rows: Sequence[Mapping], *, labels: Mapping[str, str], title: str) -> dict:
    """Overall, horizontal and vertical across cycles; rows sorted by cycle."""
    rows = sorted(rows, key=lambda r: r["cycle"])
    cycles = [r["cycle"] for r in rows]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": labels.get(series, series),
            "x": cycles,
            "y": [number(r.get(series)) for r in rows],
            "line": {"color": SERIES_COLOURS[series]},
        }
        for series in ("overall", "horizontal", "vertical")
    ]
    layout = {
        "title": _title(title),
        "xaxis": {"type": "category", "title": {"text": _("Cycle")}},
        "yaxis": {"range": SCORE_RANGE, "title": {"text": _("Score (0–100)")}},
        "showlegend": True,
    }
    return _figure(data, layout, "trend")


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def divergence_chart(rows: Sequence[Mapping], *, title: str, top: int = DIVERGENCE_TOP) -> dict:
    """Where ministries' views part most: the `top` widest spreads, widest first. Rows are
    {code, question, spread}, already sorted widest first."""
    rows = [r for r in rows if number(r.get("spread")) is not None][:top]
    codes = [r["code"] for r in rows]
    hover = [
        f"<b>{plain(r['code'])}</b>: {number(r['spread'])}"
        f"<br>{plain(_short(r.get('question', '')))}"
        for r in rows
    ]
    return bar_chart(
        codes,
        [r["spread"] for r in rows],
        title=title,
        filename="divergence",
        hover=hover,
        horizontal=True,
        value_title=_("Spread: 100 × (max − min)"),
    )


def comparison_scatter(frame: pd.DataFrame, *, title: str) -> dict:
    """Horizontal against vertical coherence, one labelled point per country; countries
    lacking either figure are left out (they are in the table)."""
    both = frame.dropna(subset=["horizontal", "vertical"])
    trace = {
        "type": "scatter",
        "mode": "markers+text" if len(both) <= 40 else "markers",
        "x": [number(v) for v in both["horizontal"]],
        "y": [number(v) for v in both["vertical"]],
        "text": list(both["country"]),
        "textposition": "top center",
        "marker": {"size": 10, "color": BAR_COLOUR},
        "hovertemplate": "<b>%{text}</b><br>horizontal %{x}<br>vertical %{y}<extra></extra>",
    }
    layout = {
        "title": _title(title),
        "xaxis": {"range": [0, 105], "title": {"text": _("Horizontal coherence")}},
        "yaxis": {"range": [0, 105], "title": {"text": _("Vertical coherence")}},
        "shapes": [
            {
                "type": "line",
                "x0": 0,
                "y0": 0,
                "x1": 100,
                "y1": 100,
                "line": {"color": "#d5dde5", "dash": "dot"},
            }
        ],
        "height": 520,
    }
    return _figure([trace], layout, "horizontal-vs-vertical")


def short_dimension_labels() -> dict[str, str]:
    """One word per dimension, for axes too narrow for the full names."""
    return {
        "institutional": _("Institutional"),
        "costs": _("Costs"),
        "rights": _("Rights"),
        "integration": _("(Re)integration"),
        "development": _("Development"),
    }


def comparison_heatmap(
    frame: pd.DataFrame, *, dimensions: Sequence[str], labels: Mapping[str, str], title: str
) -> dict:
    """Countries (rows, in the frame's order) × the five dimensions; the axis shows short
    names, the hover the full ones."""
    countries = list(frame["country"])
    z = [[number(row.get(d)) for d in dimensions] for row in frame.to_dict("records")]
    full = [plain(labels.get(d, d)) for d in dimensions]
    trace = {
        "type": "heatmap",
        "x": list(dimensions),
        "y": countries,
        "z": z,
        "customdata": [full for _row in countries],
        "zmin": 0,
        "zmax": 100,
        "colorscale": SEQUENTIAL,
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
        "hovertemplate": "<b>%{y}</b> · %{customdata}: %{z}<extra></extra>",
        "colorbar": {"title": {"text": _("Score")}},
    }
    if len(countries) <= 40:
        trace["texttemplate"] = "%{z}"
    layout = {
        "title": _title(title),
        "xaxis": _category_axis(dimensions, short_dimension_labels(), automargin=True),
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True},
        "height": max(320, 180 + 22 * len(countries)),
        "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
    }
    return _figure([trace], layout, "countries-by-dimension")


def interaction_matrix(
    codes: Sequence[str], interactions: Iterable[tuple[str, str, int]], *, title: str
) -> dict:
    """The directed matrix: row = the instrument that acts, column = the one affected,
    z on −3…+3 with the diverging scale centred on 0; null where no interaction is
    recorded."""
    codes = list(codes)
    position = {c: i for i, c in enumerate(codes)}
    z = [[None] * len(codes) for _ in codes]
    for source, target, score in interactions:
        if source in position and target in position:
            z[position[source]][position[target]] = int(score)
    trace = {
        "type": "heatmap",
        "x": codes,
        "y": codes,
        "z": z,
        "zmin": -3,
        "zmax": 3,
        "zmid": 0,
        "colorscale": DIVERGING,
        "xgap": 1,
        "ygap": 1,
        "hoverongaps": False,
        "hovertemplate": "<b>%{y}</b> → <b>%{x}</b>: %{z}<extra></extra>",
        "colorbar": {
            "title": {"text": _("Effect")},
            "tickvals": [-3, -2, -1, 0, 1, 2, 3],
            "ticktext": ["−3", "−2", "−1", "0", "+1", "+2", "+3"],
        },
    }
    size = max(len(codes), 1)
    layout = {
        "title": _title(title),
        "xaxis": {
            "type": "category",
            "tickangle": -60,
            "automargin": True,
        },
        "yaxis": {
            "type": "category",
            "autorange": "reversed",
            "automargin": True,
        },
        "height": 260 + 22 * size,
        "margin": {"l": 120, "r": 20, "t": 50, "b": 140},
    }
    return _figure([trace], layout, "interactions")


def reinforcers_chart(rows: Sequence[tuple[str, int]], *, title: str) -> dict:
    """The instruments that reinforce the most others: count of outgoing +2/+3."""
    rows = list(rows)[:REINFORCER_TOP]
    figure = bar_chart(
        [code for code, _ in rows],
        [n for _, n in rows],
        title=title,
        filename="reinforcers",
        horizontal=True,
        value_range=None,
        value_title=_("Instruments reinforced (+2 or +3)"),
    )
    top = max((n for _, n in rows), default=1)
    figure["layout"]["xaxis"]["dtick"] = max(1, math.ceil(top / 8))  # whole instruments
    return figure


def interests_heatmap(
    frame: pd.DataFrame,
    *,
    actors: Sequence[str],
    areas: Sequence[str],
    area_labels: Mapping[str, str],
    title: str,
    collide: Sequence[str] = (),
) -> dict:
    """Actors (rows) × policy areas, z the priority 1–5; null where an actor states none;
    the areas where priorities collide are outlined in red. `frame` has columns actor,
    area, priority."""
    actors, areas = list(actors), list(areas)
    pivot = (
        frame.pivot_table(index="actor", columns="area", values="priority", aggfunc="max")
        .reindex(index=actors, columns=areas)
        .astype(object)
    )
    z = [[number(v) for v in row] for row in pivot.to_numpy().tolist()] if actors else []
    trace = {
        "type": "heatmap",
        "x": areas,
        "y": actors,
        "z": z,
        "zmin": 1,
        "zmax": 5,
        "colorscale": SEQUENTIAL,
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
        "texttemplate": "%{z}",
        "hovertemplate": "<b>%{y}</b> · %{x}: %{z}<extra></extra>",
        "colorbar": {"title": {"text": _("Priority")}, "tickvals": [1, 2, 3, 4, 5]},
    }
    layout = {
        "title": _title(title),
        "xaxis": _category_axis(areas, area_labels, tickangle=-45, automargin=True),
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True},
        "height": 300 + 30 * max(len(actors), 1),
        "margin": {"l": 120, "r": 20, "t": 50, "b": 200},
        "shapes": [
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": areas.index(area) - 0.5,
                "x1": areas.index(area) + 0.5,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#b3261e", "width": 2},
            }
            for area in collide
            if area in areas
        ],
    }
    return _figure([trace], layout, "interests")
