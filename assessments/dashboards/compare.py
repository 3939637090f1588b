"""The cross-country comparison of consolidated scores for a cycle."""

from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from assessments.dashboards import charts
from assessments.dashboards.common import BadRequest, dimension_labels, page, parse_cycle
from assessments.publication import comparable_scores, country_link
from coherence.choices import Band, Dimension
from coherence.countries import country_name
from coherence.tables import bad_request, table

# The consolidated score's figures each country's row shows, in the table's order.
FIGURES = ["overall", "band", "horizontal", "vertical", "divergence", "assessments"]
COMPARE_COLUMNS = ["country", "name", *FIGURES, *Dimension.values]
NUMERIC_COLUMNS = {*FIGURES, *Dimension.values} - {"band"}


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
                **{name: r[name] for name in FIGURES},
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
    # A focal point compares its own country with the cycles others published.
    scores = comparable_scores(request.user)
    cycles = list(scores.order_by("-cycle").values_list("cycle", flat=True).distinct())
    if cycle is None and cycles:
        cycle = cycles[0]
    rows = list(
        scores.filter(cycle=cycle).values("country_id", "country__name", *FIGURES, "dimensions")
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
    names = {r["country_id"]: country_name(r["country_id"], r["country__name"]) for r in rows}
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
        links=[country_link(request.user, r[0], cycle) for r in records],
        sortable=True,
        hidden=("country",),
        # On screen the name reads in the user's language; the export keeps the stored one.
        names={
            "band": {code: str(label) for code, label in Band.choices},
            "name": {r["country__name"]: names[r["country_id"]] for r in rows},
        },
        formats={k: "score" for k in NUMERIC_COLUMNS - {"assessments"}},
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
                by_country, title=_("Horizontal against vertical coherence"), names=names
            ),
            "heatmap": charts.comparison_heatmap(
                by_country,
                dimensions=Dimension.values,
                labels=dims,
                title=_("Countries by dimension"),
                names=names,
            ),
        }
    return page(
        request, "dashboards/compare.html", context, [countries], f"comparison-{cycle or 'none'}"
    )
