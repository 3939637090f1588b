"""Instrument interactions: the matrix of the most connected instruments, reinforcers and
incoherences."""

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from assessments.dashboards import charts
from assessments.dashboards.common import area_names, page
from assessments.dashboards.stock_tables import stock_interactions_table
from assessments.stocktake.selectors import country_stock
from coherence.countries import country_name
from coherence.models import Country
from coherence.tables import bad_request, table
from instruments.grid.filters import BadFilter, parse_area, parse_country, parse_cycle
from instruments.models import Interaction
from instruments.selectors import instrument_names, instruments_for

MATRIX_SIZE = 40  # instruments in the interaction matrix: the most connected
INCOHERENCE_LIMIT = 100  # rows of the incoherence list on the page (exports have all)
REINFORCER_LIMIT = 50


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


def interaction_frame(country: str | None, area: str | None) -> pd.DataFrame:
    """The filtered interactions — id, codes, score — in one query: every figure of the
    page is aggregated from it (the filter subqueries run once, not once a figure)."""
    rows = (
        interaction_set(country, area)
        .order_by()
        .values_list("id", "source__code", "target__code", "score")
    )
    return pd.DataFrame.from_records(list(rows), columns=INTERACTION_COLUMNS)


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


ROW_NAME_LIMIT = 60  # characters of an instrument's name heading a row of the matrix table


def matrix_heading(name: str, limit: int) -> str:
    """An instrument's name heading the matrix table, escaped: cut to `limit` characters
    for the eye, whole for screen readers and in the tooltip."""
    short = charts.axis_name(name, limit)
    if short == name:
        return format_html("{}", name)
    return format_html(
        '<span title="{}" aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
        name,
        short,
        name,
    )


def matrix_table_head(codes: list[str], names: dict[str, str]) -> str:
    """The column headings of the page's matrix table: the affected instruments' names."""
    return format_html_join(
        "",
        '<th scope="col" class="rot"><span>{}</span></th>',
        ((matrix_heading(names.get(c) or c, charts.AXIS_NAME_LIMIT),) for c in codes),
    )


def matrix_table_rows(codes: list[str], position: dict, names: dict[str, str]) -> str:
    """The body of the page's matrix table, escaped, built in one pass: at 40 × 40 cells a
    template loop costs more than the rest of the page. Rows are headed by the acting
    instrument's name."""
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                matrix_heading(names.get(source) or source, ROW_NAME_LIMIT),
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
        country = parse_country(request.GET)
        area = parse_area(request.GET)
        cycle = parse_cycle(request.GET)  # with a country: its stock-taking's incoherences
    except BadFilter as problem:
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
    names = instrument_names(
        {*bad["source"], *bad["target"], *(code for code, _n in reinforcers), *codes}
    )
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
            labels=[_("Acts"), _("Acts"), _("Affected"), _("Affected"), _("Score"), _("Rationale")],
            hidden=("source", "target"),  # on screen the names; the exports keep the codes
        ),
        table(
            "reinforcers",
            _("Instruments that reinforce the most others"),
            ["instrument", "name", "reinforces"],
            [list(r) for r in reinforcers],
            labels=[_("Instrument"), _("Instrument"), _("Reinforces (+2/+3)")],
            hidden=("instrument",),
        ),
    ]
    stock = None
    if country and cycle:
        # The country's validated stock-taking of the cycle, last (DESIGN §5: tables and
        # columns are added at the end); the page lists its unmitigated ones first.
        stock = country_stock(country, cycle)
        tables.append(stock_interactions_table(stock))
    position = {(s, t): v for s, t, v in pairs}
    context = {
        "filters": {"country": country, "area": area, "cycle": cycle},
        "cycle_filter": True,
        "countries": sorted(
            (
                (iso3, country_name(iso3, name))
                for iso3, name in Country.objects.values_list("iso3", "name")
            ),
            key=lambda c: c[1],
        ),
        "areas": list(area_names().items()),
        "total": total,
        "incoherence_total": incoherence_total,
        "incoherence_limit": INCOHERENCE_LIMIT,
        "matrix_codes": codes,
        "matrix_head": matrix_table_head(codes, names),
        "matrix_rows": matrix_table_rows(codes, position, names),
        "stock": stock,
    }
    if not exporting:
        context["charts"] = {
            "matrix": charts.interaction_matrix(
                codes,
                pairs,
                title=_("How each instrument (row) affects the others (columns)"),
                names=names,
            ),
            "reinforcers": charts.reinforcers_chart(
                [(code, n) for code, _name, n in reinforcers],
                title=_("Instruments that reinforce the most others"),
                names=names,
            ),
        }
    suffix = "-".join(str(v) for v in (country, area, cycle if country else None) if v) or "all"
    return page(request, "dashboards/interactions.html", context, tables, f"interactions-{suffix}")
