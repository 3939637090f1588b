"""A country's dashboard: its stored consolidated scores, their history and where the
ministries' views part."""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import render
from django.utils.translation import gettext as _

from actors.roles import principal_of
from assessments.dashboards import charts
from assessments.dashboards.common import (
    BadRequest,
    area_names,
    band_label,
    dimension_labels,
    link_labels,
    page,
    parse_cycle,
    published,
    visible_country,
)
from assessments.dashboards.stock_tables import country_stock_tables
from assessments.models import CONSOLIDATED_FIELDS, IndicatorConsolidation
from assessments.selectors import visible_scores
from assessments.stocktake.selectors import country_stock
from coherence.choices import CROSSWALK_NAMES, Band, Category, CrosswalkFramework
from coherence.countries import country_name
from coherence.numbers import score_text
from coherence.tables import bad_request, table

# A consolidated score as the page reads it: the framework's code rather than its id.
SCORE_FIELDS = tuple(
    "framework__code" if name == "framework" else name
    for name in CONSOLIDATED_FIELDS
    if name != "country"
)


def divergence_rows(country: str, cycle: int, limit: int | None = None) -> list[dict]:
    """Indicator by indicator, widest spread first (the first `limit`), the question in the
    user's language."""
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
            "indicator__area",
            "indicator__link",
            "indicator__question_en",
            "indicator__question_fr",
            "indicator__question_es",
        )
        .order_by(F("spread").desc(), "indicator__rank", "indicator__code")
    )
    if limit is not None:
        consolidations = consolidations[:limit]
    return [
        {
            "code": c.indicator.code,
            "question": c.indicator.translated("question"),
            "area": c.indicator.area_id,
            "link": c.indicator.link,
            "value": published(None if c.value is None else 100 * c.value),
            "spread": published(c.spread),
            "n": c.n,
        }
        for c in consolidations
    ]


def crosswalk_notice() -> str:
    return _("An indicative crosswalk from a self-assessment, not an official SDG 10.7.2 return.")


def crosswalk_entries(score: dict) -> list[dict]:
    """The stored crosswalk entries with their names and 10.7.2 category labels, in the
    user's language."""
    categories = {code: str(label) for code, label in Category.choices}
    return [
        {
            **e,
            "name": str(CROSSWALK_NAMES.get(e["code"], e["code"])),
            "category_label": categories.get(e.get("category")),
        }
        for e in score.get("crosswalk") or []
    ]


def crosswalk_table(entries: list[dict]) -> dict:
    """Every crosswalk entry, then the note that says what it is (in the exports too)."""
    frameworks = {code: str(label) for code, label in CrosswalkFramework.choices}
    rows = [
        [
            e["framework"],
            e["code"],
            e["name"],
            e.get("score"),
            e.get("coverage"),
            e["category_label"],
        ]
        for e in entries
    ]
    rows.append(["note", None, crosswalk_notice(), None, None, None])
    notes = {"note": _("Note"), **frameworks}
    return table(
        "crosswalk",
        _("Crosswalk: %(frameworks)s") % {"frameworks": ", ".join(frameworks.values())},
        ["framework", "code", "name", "score", "coverage", "category"],
        rows,
        labels=[
            _("Framework"),
            _("Code"),
            _("Objective or domain"),
            _("Score"),
            _("Coverage"),
            _("SDG 10.7.2 category"),
        ],
        names={"framework": notes},
        formats={"score": "score", "coverage": "percent"},
    )


def _breakdown_table(kind: str, title: str, heading: str, labels: dict, entries: list) -> dict:
    """A score's dimensions or links: code, label and score of each it lists, in the
    vocabulary's order (that of `labels`)."""
    scores = {e["code"]: e.get("score") for e in entries}
    return table(
        f"{kind}s",
        title,
        [kind, "label", "score"],
        [[code, label, scores[code]] for code, label in labels.items() if code in scores],
        labels=[_("Code"), heading, _("Score")],
        hidden=(kind,),
        formats={"score": "score"},
    )


def summary_names() -> dict:
    """The summary table's figures and bands as a person reads them."""
    return {
        "overall": _("Overall"),
        "band": _("Band"),
        "horizontal": _("Horizontal"),
        "vertical": _("Vertical"),
        "divergence": _("Divergence"),
        "assessments": _("Validated assessments"),
        "framework": _("Framework"),
    }


def band_names() -> dict:
    return {code: str(label) for code, label in Band.choices}


def summary_value(value):
    """A value of the summary table on screen: a band named, a score by the one rule."""
    if isinstance(value, str):
        return band_names().get(value, value)
    return score_text(value) if isinstance(value, float) else value


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
    crosswalk = crosswalk_entries(score)
    area_rank = {code: i for i, code in enumerate(areas)}
    stored_areas = sorted(score["areas"], key=lambda e: (area_rank.get(e["code"], 99), e["code"]))
    return [
        table(
            "summary",
            _("Scores"),
            ["figure", "value"],
            summary,
            labels=[_("Figure"), _("Value")],
            names={"figure": summary_names(), "value": summary_value},
        ),
        _breakdown_table("dimension", _("Dimensions"), _("Dimension"), dims, score["dimensions"]),
        _breakdown_table("link", _("Vertical links"), _("Link"), links, score["links"]),
        table(
            "areas",
            _("Policy areas"),
            ["area", "label", "score", "coverage"],
            [
                [e["code"], areas.get(e["code"], e["code"]), e.get("score"), e.get("coverage")]
                for e in stored_areas
            ],
            labels=[_("Code"), _("Policy area"), _("Score"), _("Coverage")],
            hidden=("area",),
            formats={"score": "score", "coverage": "percent"},
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
            names={"band": band_names()},
            formats={k: "score" for k in ("overall", "horizontal", "vertical", "divergence")},
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
            formats={"value": "score", "spread": "score"},
        ),
        crosswalk_table(crosswalk),
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
            spreads,
            title=_("Widest divergence between ministries"),
            areas=areas,
            links=link_labels(),
        ),
        "crosswalk": [
            {"framework": code, "label": str(label), "figure": figure}
            for code, label in CrosswalkFramework.choices
            if (
                figure := charts.crosswalk_chart(
                    crosswalk_entries(score),
                    framework=code,
                    names=CROSSWALK_NAMES,
                    title=str(label),
                )
            )
            is not None
        ],
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
    context = {
        "country": country,
        "country_name": country_name(country.iso3, country.name),
        "cycles": cycles,
        "cycle": cycle,
    }
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
    stock = country_stock(country.iso3, cycle)
    tables = country_tables(score, history, spreads, areas) + country_stock_tables(stock)
    context.update(
        {
            "cycle": cycle,
            "score": score,
            "stock": stock,
            "band_label": band_label(score["band"]),
            "crosswalk_notice": crosswalk_notice(),
            "charts": None
            if "export" in request.GET
            else country_charts(score, history, spreads, areas),
        }
    )
    return page(request, "dashboards/country.html", context, tables, f"{filename}-{cycle}")
