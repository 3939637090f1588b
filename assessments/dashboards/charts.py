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

from coherence.choices import Dimension, Link
from coherence.numbers import PERCENT_D3, SCORE_D3, plotly_separators, score_text
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


def _figure(data: list[dict], layout: dict, filename: str, notes: Sequence[str] = ()) -> dict:
    """A figure; `notes` are sentences the page prints under it (what it leaves out)."""
    base = {
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": plotly_separators(),
    }
    figure = {"data": data, "layout": {**base, **layout}, "config": chart_config(filename)}
    if notes:
        figure["notes"] = list(notes)
    return figure


def said_instead(sentence: str, notes: Sequence[str] = ()) -> dict:
    """No chart: the one sentence that says what it would have shown."""
    return {"data": [], "sentence": sentence, "notes": list(notes)}


def _names(codes: Iterable[str], labels: Mapping[str, str] | None) -> str:
    labels = labels or {}
    return ", ".join(str(labels.get(c, c)) for c in codes)


def _all_alike(values: Sequence, at_least: int = 3) -> bool:
    present = [v for v in values if v is not None]
    return len(present) >= at_least and len(set(present)) == 1


def _title(text: str) -> dict:
    return {"text": text, "x": 0, "xanchor": "left", "yref": "paper", "automargin": True}


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
    category_title: str | None = None,
    horizontal: bool = False,
    value_format: str = SCORE_D3,
    what: str | None = None,
) -> dict:
    """One series of bars over categories given by code; labels show on the axis and in
    the hover. Bars with no value are left out and named in a note; when every bar would
    be alike (three or more at one value) a sentence says so instead of a chart. `what`
    names the bars in those sentences ("policy areas")."""
    codes, values = list(codes), [number(v) for v in values]
    hover = list(hover) if hover is not None else None
    missing = [c for c, v in zip(codes, values, strict=True) if v is None]
    notes = []
    if missing:
        notes.append(_("No score yet: %(names)s.") % {"names": _names(missing, labels)})
        keep = [i for i, v in enumerate(values) if v is not None]
        codes, values = [codes[i] for i in keep], [values[i] for i in keep]
        hover = [hover[i] for i in keep] if hover is not None else None
    if not codes:
        return said_instead(_("Nothing to chart: no score yet."))
    if _all_alike(values):
        sentence = _("All %(n)d %(what)s score %(value)s: nothing sets one apart.") % {
            "n": len(values),
            "what": what or _("items"),
            "value": score_text(values[0]) if value_format == SCORE_D3 else values[0],
        }
        return said_instead(sentence, notes)
    value_key = "x" if horizontal else "y"
    names = [plain((labels or {}).get(c, c)) for c in codes]
    trace = {
        "type": "bar",
        "marker": {"color": BAR_COLOUR},
        "texttemplate": f"%{{{value_key}:{value_format}}}",
        "textposition": "auto",
        "customdata": hover if hover is not None else names,
        "hovertemplate": "%{customdata}<extra></extra>"
        if hover is not None
        else f"<b>%{{customdata}}</b>: %{{{value_key}:{value_format}}}<extra></extra>",
    }
    value_axis = {"title": {"text": value_title or _("Score (0–100)")}, "zeroline": True}
    if value_range:
        value_axis["range"] = value_range
    category_extra = {"title": {"text": category_title}} if category_title else {}
    if horizontal:
        trace.update({"x": values, "y": codes, "orientation": "h"})
        layout = {
            "xaxis": value_axis,
            "yaxis": _category_axis(
                codes, labels, autorange="reversed", automargin=True, **category_extra
            ),
            "height": 160 + 40 * max(len(codes), 1),
        }
    else:
        trace.update({"x": codes, "y": values})
        layout = {
            "xaxis": _category_axis(codes, labels, automargin=True, **category_extra),
            "yaxis": value_axis,
        }
    return _figure([trace], {"title": _title(title), **layout}, filename, notes)


def summary_chart(score: Mapping, *, labels: Mapping[str, str], title: str) -> dict:
    """Overall, horizontal and vertical side by side."""
    codes = ["overall", "horizontal", "vertical"]
    return bar_chart(
        codes,
        [score.get(c) for c in codes],
        title=title,
        labels=labels,
        filename="scores",
        category_title=_("Figure"),
        what=_("figures"),
    )


def breakdown_chart(
    entries: Iterable[Mapping],
    *,
    order: Sequence[str],
    labels: Mapping[str, str],
    title: str,
    filename: str,
    category_title: str,
    what: str,
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
        category_title=category_title,
        what=what,
    )


def dimensions_chart(dimensions: Iterable[Mapping], *, title: str) -> dict:
    labels = {code: str(label) for code, label in Dimension.choices}
    return breakdown_chart(
        dimensions,
        order=Dimension.values,
        labels=labels,
        title=title,
        filename="dimensions",
        category_title=_("Dimension"),
        what=_("dimensions"),
    )


def links_chart(links: Iterable[Mapping], *, title: str) -> dict:
    labels = {code: str(label) for code, label in Link.choices}
    return breakdown_chart(
        links,
        order=Link.values,
        labels=labels,
        title=title,
        filename="links",
        category_title=_("Vertical link"),
        what=_("links"),
    )


def areas_chart(
    areas: Iterable[Mapping], *, order: Sequence[str], labels: Mapping[str, str], title: str
) -> dict:
    """Each policy area's score and its coverage as two panels of horizontal bars, each on
    its own 0–100 axis, the areas named once between them; areas with neither a score nor
    a coverage are left out and named in a note."""
    rank = {code: i for i, code in enumerate(order)}
    areas = sorted(areas, key=lambda e: (rank.get(e["code"], len(rank)), e["code"]))
    empty = [e["code"] for e in areas if number(e.get("score")) is None]
    notes = [_("No score yet: %(names)s.") % {"names": _names(empty, labels)}] if empty else []
    areas = [e for e in areas if number(e.get("score")) is not None]
    if not areas:
        return said_instead(_("Nothing to chart: no policy area has a score yet."), notes)
    codes = [e["code"] for e in areas]
    scores = [number(e.get("score")) for e in areas]
    coverage = [None if e.get("coverage") is None else 100 * e["coverage"] for e in areas]
    if _all_alike(scores) and _all_alike(coverage):
        sentence = _(
            "All %(n)d policy areas score %(score)s with the same coverage: nothing sets one apart."
        ) % {"n": len(codes), "score": score_text(scores[0])}
        return said_instead(sentence, notes)
    names = [plain(labels.get(c, c)) for c in codes]
    score_hover = f"<b>%{{customdata}}</b>: %{{x:{SCORE_D3}}}<extra>{plain(_('Score'))}</extra>"
    coverage_hover = (
        f"<b>%{{customdata}}</b>: %{{x:{PERCENT_D3}}} %<extra>{plain(_('Coverage'))}</extra>"
    )
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _("Score"),
            "x": scores,
            "y": codes,
            "customdata": names,
            "texttemplate": f"%{{x:{SCORE_D3}}}",
            "hovertemplate": score_hover,
            "marker": {"color": BAR_COLOUR},
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": _("Coverage (%)"),
            "x": [number(c) for c in coverage],
            "y": codes,
            "xaxis": "x2",
            "customdata": names,
            "texttemplate": f"%{{x:{PERCENT_D3}}} %",
            "hovertemplate": coverage_hover,
            "marker": {"color": "#6b8fb3"},
        },
    ]
    layout = {
        "title": _title(title),
        # A gap between the two axes, so that the score's "100" and the coverage's "0 %"
        # do not run into each other.
        "xaxis": {"domain": [0, 0.45], "range": SCORE_RANGE, "title": {"text": _("Score")}},
        "xaxis2": {
            "domain": [0.55, 1],
            "range": SCORE_RANGE,
            "title": {"text": _("Coverage (%)")},
            "ticksuffix": " %",
            "anchor": "y",
        },
        "yaxis": _category_axis(codes, labels, autorange="reversed", automargin=True),
        "height": 160 + 36 * len(codes),
        "showlegend": False,
    }
    return _figure(data, layout, "areas", notes)


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
        f"<b>{plain(labels[e['code']])}</b>: {score_text(e.get('score'))}"
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
        category_title=_("Objective or domain"),
        what=_("objectives or domains"),
    )


def trend_chart(rows: Sequence[Mapping], *, labels: Mapping[str, str], title: str) -> dict:
    """Overall, horizontal and vertical across cycles; rows sorted by cycle. One cycle is
    no trend: a sentence says so. A series with no value in any cycle is left out."""
    rows = sorted(rows, key=lambda r: r["cycle"])
    if len(rows) < 2:
        cycle = rows[0]["cycle"] if rows else "—"
        return said_instead(
            _("Only one cycle validated (%(cycle)s): no trend yet.") % {"cycle": cycle}
        )
    cycles = [r["cycle"] for r in rows]
    data, empty = [], []
    for series in ("overall", "horizontal", "vertical"):
        values = [number(r.get(series)) for r in rows]
        if all(v is None for v in values):
            empty.append(series)
            continue
        name = plain(labels.get(series, series))
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": cycles,
                "y": values,
                "line": {"color": SERIES_COLOURS[series]},
                "hovertemplate": f"<b>{name}</b> %{{x}}: %{{y:{SCORE_D3}}}<extra></extra>",
            }
        )
    notes = [_("No score in any cycle: %(names)s.") % {"names": _names(empty, labels)}]
    layout = {
        "title": _title(title),
        "xaxis": {"type": "category", "title": {"text": _("Cycle")}},
        "yaxis": {"range": SCORE_RANGE, "title": {"text": _("Score (0–100)")}},
        "showlegend": True,
    }
    return _figure(data, layout, "trend", notes if empty else ())


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


AXIS_NAME_LIMIT = 32  # characters of a name on a crowded axis; the hover has it whole


def axis_name(text: str, limit: int = AXIS_NAME_LIMIT) -> str:
    """A name cut to fit an axis of many categories (the full name is in the hover)."""
    return _short(str(text), limit)


def divergence_chart(
    rows: Sequence[Mapping],
    *,
    title: str,
    top: int = DIVERGENCE_TOP,
    areas: Mapping[str, str] | None = None,
    links: Mapping[str, str] | None = None,
) -> dict:
    """Where ministries' views part most: the `top` widest spreads, widest first. Rows are
    {code, question, spread, area, link}, already sorted widest first. The axis reads each
    indicator's question, cut to fit; the hover the whole question, its policy area (and
    vertical link) by name, the spread, and the code last, as a reference."""
    areas, links = areas or {}, links or {}
    rows = [r for r in rows if number(r.get("spread")) is not None][:top]
    codes = [r["code"] for r in rows]
    questions = {r["code"]: axis_name(r.get("question") or r["code"], 48) for r in rows}
    hover = []
    for r in rows:
        where = [areas.get(r.get("area"), "") or "", links.get(r.get("link"), "") or ""]
        hover.append(
            f"<b>{plain(_short(r.get('question') or r['code']))}</b>"
            + "".join(f"<br>{plain(w)}" for w in where if w)
            + f"<br>{plain(_('Spread'))}: {score_text(r['spread'])}"
            f"<br>{plain(r['code'])}"
        )
    return bar_chart(
        codes,
        [r["spread"] for r in rows],
        title=title,
        labels=questions,
        filename="divergence",
        hover=hover,
        horizontal=True,
        value_title=_("Spread: 100 × (max − min)"),
        category_title=_("Indicator"),
        what=_("indicators"),
    )


def comparison_scatter(
    frame: pd.DataFrame, *, title: str, names: Mapping[str, str] | None = None
) -> dict:
    """Horizontal against vertical coherence, one point per country, named; countries
    lacking either figure are left out and named in a note (they are in the table)."""
    names = names or {}
    both = frame.dropna(subset=["horizontal", "vertical"])
    left_out = [c for c in frame["country"] if c not in set(both["country"])]
    notes = (
        [
            _("Left out, lacking a horizontal or vertical score: %(names)s.")
            % {"names": _names(left_out, names)}
        ]
        if left_out
        else []
    )
    if both.empty:
        return said_instead(_("No country has both a horizontal and a vertical score."), notes)
    labels = [plain(names.get(c, c)) for c in both["country"]]
    trace = {
        "type": "scatter",
        "mode": "markers+text" if len(both) <= 40 else "markers",
        "x": [number(v) for v in both["horizontal"]],
        "y": [number(v) for v in both["vertical"]],
        "text": labels,
        "customdata": list(both["country"]),
        "textposition": "top center",
        "marker": {"size": 10, "color": BAR_COLOUR},
        "hovertemplate": (
            f"<b>%{{text}}</b><br>{plain(_('Horizontal'))} %{{x:{SCORE_D3}}}"
            f"<br>{plain(_('Vertical'))} %{{y:{SCORE_D3}}}<extra></extra>"
        ),
    }
    layout = {
        "title": _title(title),
        "xaxis": {"range": [0, 105], "title": {"text": _("Horizontal coherence (0–100)")}},
        "yaxis": {"range": [0, 105], "title": {"text": _("Vertical coherence (0–100)")}},
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
    return _figure([trace], layout, "horizontal-vs-vertical", notes)


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
    frame: pd.DataFrame,
    *,
    dimensions: Sequence[str],
    labels: Mapping[str, str],
    title: str,
    names: Mapping[str, str] | None = None,
) -> dict:
    """Countries (rows, in the frame's order) × the five dimensions; the axes show names
    (short ones for the dimensions), the hover the full ones."""
    names = names or {}
    countries = list(frame["country"])
    z = [[number(row.get(d)) for d in dimensions] for row in frame.to_dict("records")]
    full = [plain(labels.get(d, d)) for d in dimensions]
    trace = {
        "type": "heatmap",
        "x": list(dimensions),
        "y": countries,
        "z": z,
        "customdata": [[f"{plain(names.get(c, c))} · {d}" for d in full] for c in countries],
        "zmin": 0,
        "zmax": 100,
        "colorscale": SEQUENTIAL,
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
        "hovertemplate": f"%{{customdata}}: %{{z:{SCORE_D3}}}<extra></extra>",
        "colorbar": {"title": {"text": _("Score")}},
    }
    if len(countries) <= 40:
        trace["texttemplate"] = f"%{{z:{SCORE_D3}}}"
    layout = {
        "title": _title(title),
        "xaxis": _category_axis(
            dimensions, short_dimension_labels(), automargin=True, title={"text": _("Dimension")}
        ),
        "yaxis": _category_axis(
            countries, names, autorange="reversed", automargin=True, title={"text": _("Country")}
        ),
        "height": max(320, 180 + 22 * len(countries)),
        "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
    }
    return _figure([trace], layout, "countries-by-dimension")


def interaction_matrix(
    codes: Sequence[str],
    interactions: Iterable[tuple[str, str, int]],
    *,
    title: str,
    names: Mapping[str, str] | None = None,
) -> dict:
    """The directed matrix: row = the instrument that acts, column = the one affected,
    z on −3…+3 with the diverging scale centred on 0; null where no interaction is
    recorded. The axes name the instruments (cut to fit), the hover in full."""
    codes = list(codes)
    position = {c: i for i, c in enumerate(codes)}
    z = [[None] * len(codes) for _ in codes]
    for source, target, score in interactions:
        if source in position and target in position:
            z[position[source]][position[target]] = int(score)
    names = names or {}
    full = [plain(names.get(c) or c) for c in codes]
    short = {c: axis_name(names.get(c) or c) for c in codes}
    trace = {
        "type": "heatmap",
        "x": codes,
        "y": codes,
        "z": z,
        "customdata": [[[source, target] for target in full] for source in full],
        "zmin": -3,
        "zmax": 3,
        "zmid": 0,
        "colorscale": DIVERGING,
        "xgap": 1,
        "ygap": 1,
        "hoverongaps": False,
        "hovertemplate": "<b>%{customdata[0]}</b><br>→ <b>%{customdata[1]}</b>: %{z:+d}"
        "<extra></extra>",
        "colorbar": {
            "title": {"text": _("Effect")},
            "tickvals": [-3, -2, -1, 0, 1, 2, 3],
            "ticktext": ["−3", "−2", "−1", "0", "+1", "+2", "+3"],
        },
    }
    size = max(len(codes), 1)
    layout = {
        "title": _title(title),
        "xaxis": _category_axis(
            codes,
            short,
            tickangle=-60,
            automargin=True,
            title={"text": _("Affected instrument")},
        ),
        "yaxis": _category_axis(
            codes,
            short,
            autorange="reversed",
            automargin=True,
            title={"text": _("Instrument that acts")},
        ),
        # The affected instruments' names, slanted under the plot, take up to 200 px: the
        # plot keeps 160 px or more, so that the rotated axis title stays beside it, clear
        # of the chart's title.
        "height": 380 + 22 * size,
        "margin": {"l": 120, "r": 20, "t": 50, "b": 140},
    }
    return _figure([trace], layout, "interactions")


def reinforcers_chart(
    rows: Sequence[tuple[str, int]], *, title: str, names: Mapping[str, str] | None = None
) -> dict:
    """The instruments that reinforce the most others: count of outgoing +2/+3."""
    rows = list(rows)[:REINFORCER_TOP]
    names = names or {}
    figure = bar_chart(
        [code for code, _ in rows],
        [n for _, n in rows],
        title=title,
        labels={code: axis_name(names.get(code) or code, 48) for code, _ in rows},
        filename="reinforcers",
        hover=[f"<b>{plain(names.get(code) or code)}</b>: {n}" for code, n in rows],
        horizontal=True,
        value_range=None,
        value_title=_("Instruments reinforced (+2 or +3)"),
        category_title=_("Instrument"),
        value_format="d",
        what=_("instruments"),
    )
    if figure["data"]:
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
    actor_labels: Mapping[str, str] | None = None,
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
    actor_labels = actor_labels or {}
    hover = [
        [f"{plain(actor_labels.get(a, a))} · {plain(area_labels.get(x, x))}" for x in areas]
        for a in actors
    ]
    trace = {
        "type": "heatmap",
        "x": areas,
        "y": actors,
        "z": z,
        "customdata": hover,
        "zmin": 1,
        "zmax": 5,
        "colorscale": SEQUENTIAL,
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
        "texttemplate": "%{z}",
        "hovertemplate": "%{customdata}: %{z}<extra></extra>",
        "colorbar": {"title": {"text": _("Priority")}, "tickvals": [1, 2, 3, 4, 5]},
    }
    layout = {
        "title": _title(title),
        "xaxis": _category_axis(
            areas, area_labels, tickangle=-45, automargin=True, title={"text": _("Policy area")}
        ),
        "yaxis": _category_axis(
            actors, actor_labels, autorange="reversed", automargin=True, title={"text": _("Actor")}
        ),
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
