"""The country profile: one printable page of a validated cycle, in the
reader's language, built from the dashboards' own selectors — the same page signed in, on
/public/ and in the PDF.

What a reader sees depends on its scope, never on more: `full` (it sees the country: its
own focal points, reviewers, partners), `peers` (another country's focal point or a
reviewer reading a profile published to peers or the public) or `public` (anyone, a
profile published to the public). The trend across cycles lists only the cycles the scope
may read."""

import hashlib
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.roles import Principal, principal_of
from assessments import pdf
from assessments.choices import Audience
from assessments.dashboards import svg
from assessments.dashboards.common import area_names, band_label, dimension_labels, link_labels
from assessments.dashboards.country import (
    SCORE_FIELDS,
    crosswalk_entries,
    crosswalk_notice,
    divergence_rows,
)
from assessments.models import ConsolidatedScore, Publication
from assessments.publication import (
    PEERS,
    may_publish,
    publish,
    withdraw,
)
from assessments.selectors import sees_country
from assessments.stocktake.selectors import country_stock
from coherence.choices import Band, Level, ToolKind
from coherence.errors import NotFound, Refusal
from coherence.models import Country
from instruments.models import Instrument
from instruments.selectors import UNIVERSAL_LEVELS

FULL, PEER, PUBLIC = "full", "peers", "public"
DIVERGENCE_TOP = 10
# The audiences whose publications each scope reads.
SCOPE_AUDIENCES = {PEER: (Audience.PEERS, Audience.PUBLIC), PUBLIC: (Audience.PUBLIC,)}


def band_meanings() -> dict[str, str]:
    return {
        Band.INITIAL: _(
            "Initial (below 25): few of the mechanisms and policies the indicators ask about "
            "are in place yet."
        ),
        Band.DEVELOPING: _(
            "Developing (25 to 50): some mechanisms and policies are in place; many gaps "
            "remain between areas and levels."
        ),
        Band.ESTABLISHED: _(
            "Established (50 to 75): most mechanisms are in place and working; coherence "
            "is uneven across areas or levels."
        ),
        Band.ADVANCED: _(
            "Advanced (75 and above): mechanisms and policies are in place and connected "
            "across most areas and levels."
        ),
    }


def method_text() -> str:
    return _(
        "Each ministry or agency of the country answers the indicators of the framework "
        "(modelled on the KNOMAD/OECD dashboard of indicators for policy and institutional "
        "coherence) with evidence, and a reviewer validates its assessment. Each answer is "
        "read on a scale from 0 to 1; a score is 100 times the weighted mean of the answers "
        "it covers, over the indicators answered (not applicable and unanswered carry no "
        "value). The country's figures consolidate its validated assessments: each "
        "indicator takes the mean of the values they gave it. Overall is the mean of "
        "horizontal and vertical coherence; divergence is the mean spread between the "
        "ministries' answers to the same indicator. Coverage is the share of an area's "
        "indicators answered. This is a stock-taking self-assessment, not a ranking."
    )


def scope_of(principal: Principal, iso3: str) -> str:
    if sees_country(principal, iso3):
        return FULL
    return PEER if principal.role in PEERS else PUBLIC


def history_for(iso3: str, scope: str) -> list[dict]:
    """The country's validated cycles the scope may read, oldest first (one query)."""
    scores = ConsolidatedScore.objects.filter(country_id=iso3, assessments__gt=0)
    if scope != FULL:
        scores = scores.filter(
            cycle__in=Publication.objects.filter(
                country_id=iso3, audience__in=SCOPE_AUDIENCES[scope]
            ).values("cycle")
        )
    return list(scores.order_by("cycle").values(*SCORE_FIELDS))


def fingerprint(history: list[dict], cycle: int) -> str:
    """What the profile's figures were read from: every cycle shown, with when its scores
    were computed and whether they are stale. A recompute changes it; nothing else does."""
    parts = [cycle, *((h["cycle"], h["computed_at"], h["stale"]) for h in history)]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def tool_cells(iso3: str) -> list[tuple[str, str, int]]:
    """(level, tool type, instrument) of the country's instruments as the Annex B grid
    counts them (instruments.selectors.grid: those that name the country, and the regional
    and international ones that name none), in one query written as two subqueries rather
    than one OR over two outer joins: the profile needs the counts only."""
    named = Instrument.countries.through.objects.values("instrument_id")
    universal = (
        Instrument.levels.through.objects.filter(governancelevel_id__in=UNIVERSAL_LEVELS)
        .exclude(instrument_id__in=named)
        .values("instrument_id")
    )
    return list(
        Instrument.levels.through.objects.filter(
            Q(instrument_id__in=named.filter(country_id=iso3)) | Q(instrument_id__in=universal)
        ).values_list("governancelevel_id", "instrument__tool_type_id", "instrument_id")
    )


def tools_rows(iso3: str, cycle: int) -> dict:
    """The tools and safeguards partial: the country's instruments of the catalogue by level
    and tool type, then the cycle's validated stock-taking (assessments.stocktake): the
    instruments reported, the incoherences among them with their mitigations, named, and
    how many are unmitigated."""
    cells = tool_cells(iso3)
    counts = Counter((level, tool) for level, tool, _ in cells)
    stock = country_stock(iso3, cycle)
    names = {row["code"]: row["name"] for row in stock.instruments}
    incoherences = stock.incoherences
    missing = {m["safeguard"] for r in incoherences for m in r["mitigations"]} - set(names)
    missing |= {code for r in incoherences for code in (r["source"], r["target"])} - set(names)
    if missing:
        names |= dict(Instrument.objects.filter(code__in=missing).values_list("code", "name"))
    return {
        "tool_types": [str(label) for _code, label in ToolKind.choices],
        "rows": [
            {
                "level": str(label),
                "counts": [counts[(code, tool)] for tool in ToolKind.values],
                "total": sum(counts[(code, tool)] for tool in ToolKind.values),
            }
            for code, label in Level.choices
        ],
        "total": len({instrument for _, _, instrument in cells}),
        "reported": len(stock.instruments),
        "safeguards": sum(1 for row in stock.instruments if row["safeguard"]),
        "incoherences": [
            {
                "acts": names.get(r["source"], r["source"]),
                "affected": names.get(r["target"], r["target"]),
                "score": r["score"],
                "origin": r["origin"],
                "mitigations": [
                    {"safeguard": names.get(m["safeguard"], m["safeguard"]), "how": m["how"]}
                    for m in r["mitigations"]
                ],
            }
            for r in incoherences
        ],
        "unmitigated": stock.unmitigated,
    }


def profile_context(country: Country, cycle: int, scope: str) -> dict | None:
    """Everything the profile shows, or None where the cycle has no validated score the
    scope may read."""
    history = history_for(country.iso3, scope)
    score = next((h for h in history if h["cycle"] == cycle), None)
    if score is None:
        return None
    areas, dims, links = area_names(), dimension_labels(), link_labels()
    area_rank = {code: i for i, code in enumerate(areas)}
    dimension_scores = {e["code"]: e.get("score") for e in score["dimensions"]}
    link_scores = {e["code"]: e.get("score") for e in score["links"]}
    area_rows = [
        {"name": areas.get(e["code"], e["code"]), "score": e.get("score"), **e}
        for e in sorted(score["areas"], key=lambda e: (area_rank.get(e["code"], 99), e["code"]))
    ]
    for row in area_rows:
        row["coverage_pct"] = None if row.get("coverage") is None else round(100 * row["coverage"])
    dimension_rows = [
        {"code": c, "name": n, "score": dimension_scores[c]}
        for c, n in dims.items()
        if c in dimension_scores
    ]
    link_rows = [
        {"code": c, "name": n, "score": link_scores[c]}
        for c, n in links.items()
        if c in link_scores
    ]
    spreads = divergence_rows(country.iso3, cycle, limit=DIVERGENCE_TOP)
    crosswalk = crosswalk_entries(score)
    for row in (*area_rows, *dimension_rows, *link_rows, *crosswalk):
        row["bar"] = svg.bar(row.get("score"))
    for row in spreads:
        row["bar"] = svg.bar(row["spread"])
    series = {"overall": _("Overall"), "horizontal": _("Horizontal"), "vertical": _("Vertical")}
    for h in history:
        h["band_label"] = band_label(h["band"])
    return {
        "country": country,
        "cycle": cycle,
        "scope": scope,
        "score": score,
        "band_label": band_label(score["band"]),
        "band_meaning": band_meanings().get(score["band"]),
        "dimensions": dimension_rows,
        "links": link_rows,
        "areas": area_rows,
        "history": history,
        "divergence": spreads,
        "tools": tools_rows(country.iso3, cycle),
        "crosswalk": crosswalk,
        "crosswalk_notice": crosswalk_notice(),
        "method": method_text(),
        "fingerprint": fingerprint(history, cycle),
        "trend_svg": svg.trend_chart(history, labels=series),
    }


def _country_or_404(iso3: str) -> Country:
    country = Country.objects.filter(iso3=iso3.upper()).only("iso3", "name").first()
    if country is None:
        raise Http404("No such country.")
    return country


def readable_profile(principal: Principal, iso3: str, cycle: int) -> dict:
    """The profile's context as this principal may read it; 404 otherwise (never 403)."""
    country = _country_or_404(iso3)
    context = profile_context(country, int(cycle), scope_of(principal, country.iso3))
    if context is None:
        raise Http404("No such profile.")
    return context


def readable_head(principal: Principal, iso3: str, cycle: int) -> dict:
    """What names the profile's PDF (country, cycle, scope, the scores' fingerprint), read
    as `readable_profile` reads it but without the rest: two queries."""
    country = _country_or_404(iso3)
    scope = scope_of(principal, country.iso3)
    history = history_for(country.iso3, scope)
    if int(cycle) not in {h["cycle"] for h in history}:
        raise Http404("No such profile.")
    return {
        "country": country,
        "cycle": int(cycle),
        "scope": scope,
        "fingerprint": fingerprint(history, int(cycle)),
    }


def _publication_control(principal: Principal, context: dict) -> dict:
    iso3, cycle = context["country"].iso3, context["cycle"]
    if context["scope"] != FULL:
        return {}
    publication = Publication.objects.filter(country_id=iso3, cycle=cycle).first()
    return {
        "publication": publication,
        "may_publish": may_publish(principal, iso3),
        "audiences": Audience.choices,
    }


@login_required
def profile(request, iso3: str, cycle: int):
    """The profile page, signed in."""
    principal = principal_of(request.user)
    context = readable_profile(principal, iso3, cycle)
    context.update(_publication_control(principal, context))
    context["principal"] = principal
    context["pdf_url"] = reverse("dashboards:profile_pdf", args=[context["country"].iso3, cycle])
    return render(request, "profile/page.html", context)


@login_required
def profile_pdf(request, iso3: str, cycle: int):
    """The profile's PDF from storage; rendered by a task first where it is not there yet
    (the page says it is being prepared and refreshes itself)."""
    context = readable_head(principal_of(request.user), iso3, cycle)
    status_url = reverse("dashboards:profile_pdf_status", args=[context["country"].iso3, cycle])
    return pdf.serve_or_queue(request, context, status_url=status_url)


@login_required
def profile_pdf_status(request, iso3: str, cycle: int):
    """JSON for the page's script: `ready`, `rendering` or `failed`."""
    context = readable_head(principal_of(request.user), iso3, cycle)
    return JsonResponse({"state": pdf.state(pdf.key_of(context, get_language()))})


@login_required
@require_POST
def publication(request, iso3: str, cycle: int):
    """Publish or withdraw, after a confirmation that says what will happen."""
    principal = principal_of(request.user)
    context = readable_profile(principal, iso3, cycle)
    if context["scope"] != FULL:
        raise Http404("No such profile.")
    action = request.POST.get("action", "")
    audience = request.POST.get("audience", "")
    here = reverse("dashboards:profile", args=[context["country"].iso3, cycle])
    if request.POST.get("confirm") != "yes":
        context.update(_publication_control(principal, context))
        context.update({"action": action, "audience": audience, "back": here})
        return render(request, "profile/confirm.html", context)
    try:
        if action == "withdraw":
            withdraw(country=context["country"].iso3, cycle=context["cycle"], by=request.user)
        else:
            publish(
                country=context["country"].iso3,
                cycle=context["cycle"],
                audience=audience,
                by=request.user,
            )
    except NotFound as refusal:
        raise Http404(refusal.message) from None
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect(here)
    return redirect(here)
