"""The dashboards (DESIGN §8): a country's stored scores, the cross-country comparison,
instrument interactions and actors' interests; and the Annex B grid's downloads.

They read stored scores only — never recompute — one query per dataset, whatever the
number of countries or instruments. Every chart's numbers are in a table on the page;
each table exports as CSV (`?export=csv&table=NAME`) and all of a page's tables as one
XLSX workbook (`?export=xlsx`), through assessments.exports.
"""

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, F, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from actors.models import Actor, Interest
from actors.roles import principal_of
from assessments import charts
from assessments.exports import csv_bytes, download, xlsx_bytes
from assessments.models import IndicatorConsolidation
from assessments.selectors import sees_country, visible_scores
from coherence.choices import Band, Dimension, Link
from coherence.models import Country, PolicyArea
from instruments import views as grid_views
from instruments.models import Instrument, Interaction
from instruments.selectors import grid, instruments_for

EXPORT_FORMATS = ("csv", "xlsx")
COLLISION_GAP = 3  # priorities this far apart between two actors collide
MATRIX_SIZE = 40  # instruments in the interaction matrix: the most connected
INCOHERENCE_LIMIT = 100  # rows of the incoherence list on the page (exports have all)
REINFORCER_LIMIT = 50


class BadRequest(ValueError):
    """A query value the page does not know: 400, with the message shown."""


# --- Shared helpers --------------------------------------------------------------------


def published(value, decimals: int = 2):
    """Rounded half away from zero, as DESIGN §4 publishes figures; None stays None."""
    value = charts.number(value)
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    rounded = float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    return int(rounded) if rounded.is_integer() else rounded


def table(
    name: str,
    title: str,
    header: list[str],
    rows: list[list],
    *,
    labels: list[str] | None = None,
    links: list[str | None] | None = None,
    sortable: bool = False,
) -> dict:
    """A dataset as the page shows it and the export writes it: the same rows."""
    return {
        "name": name,
        "title": title,
        "header": header,
        "columns": [
            {"key": key, "label": label}
            for key, label in zip(header, labels or header, strict=True)
        ],
        "rows": rows,
        "links": links or [None] * len(rows),
        "sortable": sortable,
    }


def display_cell(value) -> tuple[str, str]:
    """(text shown, sort key): numbers in the user's locale, a dash for a missing value.
    Formatted here rather than by template filters: tables run to thousands of cells."""
    if value is None:
        return "—", ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(localize(value)), repr(value)
    return str(value), str(value)


def display_rows(t: dict) -> list[dict]:
    return [
        {"cells": [display_cell(v) for v in row], "link": link}
        for row, link in zip(t["rows"], t["links"], strict=True)
    ]


def bad_request(request, message: str) -> HttpResponse:
    return grid_views.bad_request(request, message)


def _export_url(request, fmt: str, name: str | None = None) -> str:
    params = request.GET.copy()
    for key in ("export", "table"):
        params.pop(key, None)
    params["export"] = fmt
    if name:
        params["table"] = name
    return f"{request.path}?{params.urlencode()}"


def export_response(request, tables: list[dict], filename: str) -> HttpResponse:
    fmt = request.GET.get("export")
    if fmt not in EXPORT_FORMATS:
        return bad_request(request, _("Unknown export format: “%(f)s”.") % {"f": fmt})
    if fmt == "xlsx":
        sheets = {t["name"]: (t["header"], t["rows"]) for t in tables}
        return download(xlsx_bytes(sheets), f"{filename}.xlsx")
    name = request.GET.get("table") or tables[0]["name"]
    chosen = next((t for t in tables if t["name"] == name), None)
    if chosen is None:
        return bad_request(request, _("Unknown table: “%(t)s”.") % {"t": name})
    return download(csv_bytes(chosen["header"], chosen["rows"]), f"{filename}-{name}.csv")


def page(request, template: str, context: dict, tables: list[dict], filename: str):
    """The page, or its export when `?export=` asks for one."""
    if "export" in request.GET:
        return export_response(request, tables, filename)
    for t in tables:
        t["csv_url"] = _export_url(request, "csv", t["name"])
        t["display"] = display_rows(t)
    context.update(
        {
            "principal": principal_of(request.user),
            "tables": {t["name"]: t for t in tables},
            "xlsx_url": _export_url(request, "xlsx"),
        }
    )
    return render(request, template, context)


def visible_country(request, iso3: str) -> Country:
    """The country if the user may read its results; 404 otherwise (never 403)."""
    iso3 = iso3.upper()
    if not sees_country(principal_of(request.user), iso3):
        raise Http404("No such country.")
    country = Country.objects.filter(iso3=iso3).only("iso3", "name").first()
    if country is None:
        raise Http404("No such country.")
    return country


def parse_cycle(params) -> int | None:
    value = (params.get("cycle") or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise BadRequest(_("Unknown cycle: “%(v)s” (a year from 2000 to 2100).") % {"v": value})
    return int(value)


def area_names() -> dict[str, str]:
    """Policy areas in their order, named in the user's language."""
    return {a.code: a.translated("name") for a in PolicyArea.objects.all()}


def dimension_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Dimension.choices}


def link_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Link.choices}


def band_label(band: str | None) -> str | None:
    return str(Band(band).label) if band in Band.values else band


@login_required
def index(request):
    """A focal point's own country; everyone else the comparison."""
    principal = principal_of(request.user)
    if principal.is_focal_point and principal.country:
        return redirect("dashboards:country", iso3=principal.country)
    return redirect("dashboards:compare")


# --- Country dashboard -----------------------------------------------------------------

SCORE_FIELDS = (
    "cycle",
    "overall",
    "horizontal",
    "vertical",
    "band",
    "divergence",
    "assessments",
    "areas",
    "dimensions",
    "links",
    "stale",
    "computed_at",
    "framework__code",
)


def divergence_rows(country: str, cycle: int) -> list[dict]:
    """Indicator by indicator, widest spread first, the question in the user's language."""
    consolidations = (
        IndicatorConsolidation.objects.filter(country_id=country, cycle=cycle)
        .filter(spread__isnull=False)
        .select_related("indicator")
        .only(
            "value",
            "spread",
            "n",
            "indicator__code",
            "indicator__rank",
            "indicator__question_en",
            "indicator__question_fr",
            "indicator__question_es",
        )
        .order_by(F("spread").desc(), "indicator__rank", "indicator__code")
    )
    return [
        {
            "code": c.indicator.code,
            "question": c.indicator.translated("question"),
            "value": published(None if c.value is None else 100 * c.value),
            "spread": published(c.spread),
            "n": c.n,
        }
        for c in consolidations
    ]


def country_tables(score: dict, history: list[dict], spreads: list[dict], areas: dict) -> list:
    dims, links = dimension_labels(), link_labels()
    summary = [
        ["overall", score["overall"]],
        ["band", score["band"]],
        ["horizontal", score["horizontal"]],
        ["vertical", score["vertical"]],
        ["divergence", score["divergence"]],
        ["assessments", score["assessments"]],
        ["framework", score["framework__code"]],
    ]
    by_dim = {d["code"]: d.get("score") for d in score["dimensions"]}
    by_link = {d["code"]: d.get("score") for d in score["links"]}
    area_rank = {code: i for i, code in enumerate(areas)}
    stored_areas = sorted(score["areas"], key=lambda e: (area_rank.get(e["code"], 99), e["code"]))
    return [
        table(
            "summary", _("Scores"), ["figure", "value"], summary, labels=[_("Figure"), _("Value")]
        ),
        table(
            "dimensions",
            _("Dimensions"),
            ["dimension", "label", "score"],
            [[c, dims[c], by_dim[c]] for c in Dimension.values if c in by_dim],
            labels=[_("Code"), _("Dimension"), _("Score")],
        ),
        table(
            "links",
            _("Vertical links"),
            ["link", "label", "score"],
            [[c, links[c], by_link[c]] for c in Link.values if c in by_link],
            labels=[_("Code"), _("Link"), _("Score")],
        ),
        table(
            "areas",
            _("Policy areas"),
            ["area", "label", "score", "coverage"],
            [
                [e["code"], areas.get(e["code"], e["code"]), e.get("score"), e.get("coverage")]
                for e in stored_areas
            ],
            labels=[_("Code"), _("Policy area"), _("Score"), _("Coverage (0–1)")],
        ),
        table(
            "trend",
            _("Trend across cycles"),
            ["cycle", "overall", "horizontal", "vertical", "band", "divergence", "assessments"],
            [
                [
                    h["cycle"],
                    h["overall"],
                    h["horizontal"],
                    h["vertical"],
                    h["band"],
                    h["divergence"],
                    h["assessments"],
                ]
                for h in history
            ],
            labels=[
                _("Cycle"),
                _("Overall"),
                _("Horizontal"),
                _("Vertical"),
                _("Band"),
                _("Divergence"),
                _("Assessments"),
            ],
        ),
        table(
            "divergence",
            _("Where the ministries' views part"),
            ["indicator", "question", "value", "spread", "assessments"],
            [[r["code"], r["question"], r["value"], r["spread"], r["n"]] for r in spreads],
            labels=[
                _("Indicator"),
                _("Question"),
                _("Consolidated (0–100)"),
                _("Spread"),
                _("Assessments"),
            ],
        ),
    ]


def country_charts(score: dict, history: list[dict], spreads: list[dict], areas: dict) -> dict:
    series = {"overall": _("Overall"), "horizontal": _("Horizontal"), "vertical": _("Vertical")}
    return {
        "summary": charts.summary_chart(
            score, labels=series, title=_("Overall, horizontal, vertical")
        ),
        "dimensions": charts.dimensions_chart(score["dimensions"], title=_("The five dimensions")),
        "links": charts.links_chart(score["links"], title=_("Vertical coherence by link")),
        "areas": charts.areas_chart(
            score["areas"], order=list(areas), labels=areas, title=_("Policy areas")
        ),
        "trend": charts.trend_chart(history, labels=series, title=_("Across cycles")),
        "divergence": charts.divergence_chart(
            spreads, title=_("Widest divergence between ministries")
        ),
    }


@login_required
def country(request, iso3: str):
    """One country's consolidated scores in a cycle (the latest by default)."""
    country = visible_country(request, iso3)
    try:
        cycle = parse_cycle(request.GET)
    except BadRequest as problem:
        return bad_request(request, str(problem))
    history = list(
        visible_scores(request.user)
        .filter(country_id=country.iso3)
        .order_by("cycle")
        .values(*SCORE_FIELDS)
    )
    cycles = [h["cycle"] for h in history]
    context = {"country": country, "cycles": cycles, "cycle": cycle}
    if cycle is None and cycles:
        cycle = cycles[-1]
    score = next((h for h in history if h["cycle"] == cycle), None)
    filename = f"country-{country.iso3}"
    if score is None:
        context["cycle"] = cycle
        if "export" in request.GET:
            return bad_request(request, _("There are no validated scores to export."))
        return render(
            request, "dashboards/country.html", {**context, "principal": principal_of(request.user)}
        )
    areas = area_names()
    spreads = divergence_rows(country.iso3, cycle)
    tables = country_tables(score, history, spreads, areas)
    context.update(
        {
            "cycle": cycle,
            "score": score,
            "band_label": band_label(score["band"]),
            "charts": None
            if "export" in request.GET
            else country_charts(score, history, spreads, areas),
        }
    )
    return page(request, "dashboards/country.html", context, tables, f"{filename}-{cycle}")


# --- Cross-country comparison ------------------------------------------------------------

COMPARE_COLUMNS = [
    "country",
    "name",
    "overall",
    "band",
    "horizontal",
    "vertical",
    "divergence",
    "assessments",
    *Dimension.values,
]
NUMERIC_COLUMNS = {
    "overall",
    "horizontal",
    "vertical",
    "divergence",
    "assessments",
    *Dimension.values,
}


def parse_sort(params) -> tuple[str, bool]:
    value = (params.get("sort") or "country").strip()
    key, descending = (value[1:], True) if value.startswith("-") else (value, False)
    if key not in COMPARE_COLUMNS:
        raise BadRequest(_("Unknown sort column: “%(v)s”.") % {"v": value})
    return key, descending


def comparison_frame(rows: list[dict]) -> pd.DataFrame:
    records = []
    for r in rows:
        dims = {d["code"]: d.get("score") for d in r["dimensions"] or []}
        records.append(
            {
                "country": r["country_id"],
                "name": r["country__name"],
                "overall": r["overall"],
                "band": r["band"],
                "horizontal": r["horizontal"],
                "vertical": r["vertical"],
                "divergence": r["divergence"],
                "assessments": r["assessments"],
                **{d: dims.get(d) for d in Dimension.values},
            }
        )
    return pd.DataFrame.from_records(records, columns=COMPARE_COLUMNS)


def sort_frame(frame: pd.DataFrame, key: str, descending: bool) -> pd.DataFrame:
    """Sorted on one column, missing values last either way, ties by country."""
    return frame.sort_values(
        [key, "country"], ascending=[not descending, True], na_position="last", kind="stable"
    ).reset_index(drop=True)


@login_required
def compare(request):
    """Every country with validated scores in a cycle, as the user may see them."""
    try:
        cycle = parse_cycle(request.GET)
        key, descending = parse_sort(request.GET)
    except BadRequest as problem:
        return bad_request(request, str(problem))
    scores = visible_scores(request.user)
    cycles = list(scores.order_by("-cycle").values_list("cycle", flat=True).distinct())
    if cycle is None and cycles:
        cycle = cycles[0]
    rows = list(
        scores.filter(cycle=cycle).values(
            "country_id",
            "country__name",
            "overall",
            "band",
            "horizontal",
            "vertical",
            "divergence",
            "assessments",
            "dimensions",
        )
    )
    frame = sort_frame(comparison_frame(rows), key, descending)
    records = [
        [
            charts.number(v) if c in NUMERIC_COLUMNS else v
            for c, v in zip(COMPARE_COLUMNS, row, strict=True)
        ]
        for row in frame.itertuples(index=False, name=None)
    ]
    dims, short = dimension_labels(), charts.short_dimension_labels()
    countries = table(
        "countries",
        _("Countries"),
        COMPARE_COLUMNS,
        records,
        labels=[
            _("Country"),
            _("Name"),
            _("Overall"),
            _("Band"),
            _("Horizontal"),
            _("Vertical"),
            _("Divergence"),
            _("Assessments"),
            *[short[d] for d in Dimension.values],
        ],
        links=[reverse("dashboards:country", args=[r[0]]) + f"?cycle={cycle}" for r in records],
        sortable=True,
    )
    params = request.GET.copy()
    for name in ("sort", "export", "table"):
        params.pop(name, None)
    for column in countries["columns"]:
        column_key = column["key"]
        next_sort = f"-{column_key}" if column_key == key and not descending else column_key
        column["url"] = f"?{urlencode({**params.dict(), 'sort': next_sort})}"
        if column_key == key:
            column["aria"] = "descending" if descending else "ascending"
    context = {"cycle": cycle, "cycles": cycles, "sort": key}
    if "export" not in request.GET and len(frame):
        by_country = frame.sort_values("country", kind="stable")
        context["charts"] = {
            "scatter": charts.comparison_scatter(
                by_country, title=_("Horizontal against vertical coherence")
            ),
            "heatmap": charts.comparison_heatmap(
                by_country,
                dimensions=Dimension.values,
                labels=dims,
                title=_("Countries by dimension"),
            ),
        }
    return page(
        request, "dashboards/compare.html", context, [countries], f"comparison-{cycle or 'none'}"
    )


# --- Interactions -----------------------------------------------------------------------


def interaction_set(country: str | None, area: str | None):
    """Interactions between instruments of the filtered catalogue (both ends in it).
    The target is checked with EXISTS rather than a second IN: with two IN lists on the
    (source, target) index SQLite walks their cross product."""
    queryset = Interaction.objects.all()
    if country or area:
        chosen = instruments_for(country=country, area=area)
        queryset = queryset.filter(source_id__in=chosen.values("id")).filter(
            Exists(chosen.filter(pk=OuterRef("target_id")))
        )
    return queryset


INTERACTION_COLUMNS = ["id", "source", "target", "score"]
NAME_LOOKUP_LIMIT = 900  # beyond this many codes, read every name rather than a long IN


def interaction_frame(country: str | None, area: str | None) -> pd.DataFrame:
    """The filtered interactions — id, codes, score — in one query: every figure of the
    page is aggregated from it (the filter subqueries run once, not once a figure)."""
    rows = (
        interaction_set(country, area)
        .order_by()
        .values_list("id", "source__code", "target__code", "score")
    )
    return pd.DataFrame.from_records(list(rows), columns=INTERACTION_COLUMNS)


def instrument_names(codes: set[str]) -> dict[str, str]:
    """code -> name for the instruments a page lists, in one query."""
    instruments = Instrument.objects.order_by()
    if len(codes) <= NAME_LOOKUP_LIMIT:
        instruments = instruments.filter(code__in=codes)
    return dict(instruments.values_list("code", "name"))


def matrix_instruments(frame: pd.DataFrame, size: int = MATRIX_SIZE) -> list[str]:
    """The `size` most connected instruments (interactions in and out; ties by code),
    sorted by code."""
    ends = pd.concat([frame["source"], frame["target"]], ignore_index=True)
    degree = ends.value_counts().rename_axis("code").reset_index(name="n")
    ranked = degree.sort_values(["n", "code"], ascending=[False, True]).head(size)
    return sorted(ranked["code"])


def reinforcers_of(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """(code, how many instruments it affects with +2 or +3), most first."""
    counts = frame.loc[frame["score"] >= 2, "source"].value_counts()
    return sorted(((code, int(n)) for code, n in counts.items()), key=lambda r: (-r[1], r[0]))


def incoherences_of(
    frame: pd.DataFrame, country: str | None, area: str | None, limit: int | None
) -> pd.DataFrame:
    """Incoherences (−2, −3), worst first, with their rationale: read for the listed
    ones only on the page, for all in one query when exporting."""
    bad = frame[frame["score"] <= -2].sort_values(["score", "source", "target"])
    if limit is not None:
        bad = bad.head(limit)
        rationale = Interaction.objects.filter(id__in=[int(i) for i in bad["id"]])
    else:
        rationale = interaction_set(country, area).filter(score__lte=-2)
    texts = dict(rationale.order_by().values_list("id", "rationale"))
    return bad.assign(rationale=[texts.get(int(pk), "") for pk in bad["id"]])


def matrix_cell(score: int | None) -> tuple[str, str]:
    """(class, text) of a cell of the page's matrix table."""
    if score is None:
        return "none", ""
    kind = "incoherent" if score <= -2 else "reinforcing" if score >= 2 else "weak"
    return kind, f"{score:+d}" if score else "0"


def matrix_table_rows(codes: list[str], position: dict) -> str:
    """The body of the page's matrix table, escaped, built in one pass: at 40 × 40 cells a
    template loop costs more than the rest of the page."""
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                source,
                format_html_join(
                    "",
                    '<td class="{}">{}</td>',
                    (matrix_cell(position.get((source, target))) for target in codes),
                ),
            )
            for source in codes
        ),
    )


@login_required
def interactions(request):
    """The directed interaction matrix, the incoherences and the strongest reinforcers."""
    try:
        country = grid_views.parse_country(request.GET)
        area = grid_views.parse_area(request.GET)
    except grid_views.BadFilter as problem:
        return bad_request(request, str(problem))
    exporting = "export" in request.GET
    frame = interaction_frame(country, area)
    codes = matrix_instruments(frame)
    shown = frame[frame["source"].isin(codes) & frame["target"].isin(codes)]
    pairs = [
        (s, t, int(v))
        for s, t, v in shown.sort_values(["source", "target"])[
            ["source", "target", "score"]
        ].itertuples(index=False)
    ]
    incoherence_total = int((frame["score"] <= -2).sum())
    bad = incoherences_of(frame, country, area, None if exporting else INCOHERENCE_LIMIT)
    reinforcers = reinforcers_of(frame)
    if not exporting:
        reinforcers = reinforcers[:REINFORCER_LIMIT]
    names = instrument_names({*bad["source"], *bad["target"], *(code for code, _n in reinforcers)})
    incoherences = [
        [source, names.get(source, ""), target, names.get(target, ""), int(score), rationale]
        for _pk, source, target, score, rationale in bad.itertuples(index=False)
    ]
    reinforcers = [(code, names.get(code, ""), n) for code, n in reinforcers]
    total = len(frame)
    tables = [
        table(
            "matrix",
            _("Interactions in the matrix"),
            ["source", "target", "score"],
            [list(p) for p in pairs],
            labels=[_("Acts"), _("Affected"), _("Score")],
        ),
        table(
            "incoherences",
            _("Incoherences (−2 or −3)"),
            ["source", "source_name", "target", "target_name", "score", "rationale"],
            incoherences,
            labels=[_("Acts"), _("Name"), _("Affected"), _("Name"), _("Score"), _("Rationale")],
        ),
        table(
            "reinforcers",
            _("Instruments that reinforce the most others"),
            ["instrument", "name", "reinforces"],
            [list(r) for r in reinforcers],
            labels=[_("Instrument"), _("Name"), _("Reinforces (+2/+3)")],
        ),
    ]
    position = {(s, t): v for s, t, v in pairs}
    context = {
        "filters": {"country": country, "area": area},
        "countries": list(Country.objects.values_list("iso3", "name")),
        "areas": list(area_names().items()),
        "total": total,
        "incoherence_total": incoherence_total,
        "incoherence_limit": INCOHERENCE_LIMIT,
        "matrix_codes": codes,
        "matrix_rows": matrix_table_rows(codes, position),
    }
    if not exporting:
        context["charts"] = {
            "matrix": charts.interaction_matrix(
                codes, pairs, title=_("How each instrument (row) affects the others (columns)")
            ),
            "reinforcers": charts.reinforcers_chart(
                [(code, n) for code, _name, n in reinforcers],
                title=_("Instruments that reinforce the most others"),
            ),
        }
    suffix = "-".join(v for v in (country, area) if v) or "all"
    return page(request, "dashboards/interactions.html", context, tables, f"interactions-{suffix}")


# --- Actors' interests -------------------------------------------------------------------


def priority_collisions(frame: pd.DataFrame, gap: int = COLLISION_GAP) -> list[dict]:
    """Areas where two actors' priorities differ by `gap` or more: the most and the least
    eager actors of each, widest difference first. `frame`: actor, area, priority."""
    if frame.empty:
        return []
    out = []
    for area, group in frame.groupby("area", sort=True):
        high, low = int(group["priority"].max()), int(group["priority"].min())
        if high - low < gap:
            continue
        out.append(
            {
                "area": area,
                "difference": high - low,
                "high": high,
                "high_actors": sorted(group.loc[group["priority"] == high, "actor"]),
                "low": low,
                "low_actors": sorted(group.loc[group["priority"] == low, "actor"]),
            }
        )
    return sorted(out, key=lambda c: (-c["difference"], c["area"]))


@login_required
def interests(request, iso3: str):
    """The country's actors × policy areas, by priority; where their priorities collide."""
    country = visible_country(request, iso3)
    actors = list(
        Actor.objects.filter(country_id=country.iso3).order_by("code").values_list("code", "name")
    )
    stated = list(
        Interest.objects.filter(actor__country_id=country.iso3).values_list(
            "actor__code", "area_id", "priority"
        )
    )
    areas = area_names()
    frame = pd.DataFrame.from_records(stated, columns=["actor", "area", "priority"])
    collisions = priority_collisions(frame)
    priority = {(a, area): p for a, area, p in stated}
    area_codes = list(areas)
    tables = [
        table(
            "priorities",
            _("Priorities (1–5) by actor and policy area"),
            ["actor", "name", *area_codes],
            [[code, name, *[priority.get((code, a)) for a in area_codes]] for code, name in actors],
            labels=[_("Actor"), _("Name"), *[areas[a] for a in area_codes]],
        ),
        table(
            "collisions",
            _("Where priorities collide"),
            ["area", "label", "difference", "high", "high_actors", "low", "low_actors"],
            [
                [
                    c["area"],
                    areas.get(c["area"], c["area"]),
                    c["difference"],
                    c["high"],
                    " ".join(c["high_actors"]),
                    c["low"],
                    " ".join(c["low_actors"]),
                ]
                for c in collisions
            ],
            labels=[
                _("Code"),
                _("Policy area"),
                _("Difference"),
                _("Highest"),
                _("Actors"),
                _("Lowest"),
                _("Actors"),
            ],
        ),
    ]
    context = {"country": country, "gap": COLLISION_GAP, "actors": actors}
    if "export" not in request.GET and actors:
        context["charts"] = {
            "interests": charts.interests_heatmap(
                frame,
                actors=[code for code, _name in actors],
                areas=area_codes,
                area_labels=areas,
                title=_("Priorities by actor and policy area"),
                collide=[c["area"] for c in collisions],
            )
        }
    return page(request, "dashboards/interests.html", context, tables, f"interests-{country.iso3}")


# --- The Annex B grid's downloads (the grid pages live in instruments.views) -------------


def _grid_filename(filters) -> str:
    return "-".join(["grid", *filters.params().values()])


@login_required
def grid_export(request):
    try:
        filters = grid_views.parse_grid_filters(request.GET)
    except grid_views.BadFilter as problem:
        return bad_request(request, str(problem))
    rows = grid_views.grid_rows(grid(**vars(filters)), filters.levels)
    tables = [table("grid", _("Annex B grid"), grid_views.GRID_HEADER, rows)]
    return export_response(request, tables, _grid_filename(filters))


@login_required
def grid_cell_export(request):
    try:
        filters, level, tool_type = grid_views.parse_cell(request.GET)
    except grid_views.BadFilter as problem:
        return bad_request(request, str(problem))
    rows = grid_views.cell_rows(filters, tool_type)
    tables = [table("instruments", _("Instruments"), grid_views.CELL_HEADER, rows)]
    return export_response(request, tables, f"{_grid_filename(filters)}-{tool_type}")


@login_required
def grid_compare_export(request):
    try:
        fa, fb, a, b = grid_views.parse_compare(request.GET)
        if not a or not b:
            raise grid_views.BadFilter(_("Choose two countries, a and b."))
    except grid_views.BadFilter as problem:
        return bad_request(request, str(problem))
    rows = grid_views.compare_rows(grid(**vars(fa)), grid(**vars(fb)), fa.levels, a, b)
    tables = [table("compare", _("Two grids"), grid_views.COMPARE_HEADER, rows)]
    return export_response(request, tables, f"grid-{a}-{b}")
