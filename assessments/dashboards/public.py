"""The public pages (DESIGN §7, §8): the profiles countries have published to
the public, readable without signing in, in English, French or Spanish (`?lang=`).

Pages are cached whole in the shared cache under the scores' generation and the
publications' generation: a recompute, a publication or a withdrawal moves one of them, and
nothing cached before is served again. Nothing here links into the signed-in site."""

import logging
from contextlib import suppress

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from actors.roles import ANONYMOUS
from assessments import pdf
from assessments.choices import Audience
from assessments.dashboards.profile import readable_head, readable_profile
from assessments.generation import KEY as SCORES_KEY
from assessments.generation import scores_generation
from assessments.models import ConsolidatedScore, Publication
from assessments.publication import GENERATION_KEY, publications_generation
from coherence.api.caching import CACHE_DOWN

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr", "es")
PAGE_SECONDS = 600


def _language(request) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in LANGUAGES else (translation.get_language() or "en")[:2]


def _lang_query(request) -> str:
    asked = request.GET.get("lang", "")
    return f"?lang={asked}" if asked in LANGUAGES else ""


def _cache_key(*parts) -> str | None:
    """The key of a cached page under both generations, or None where the cache is down."""
    try:
        known = cache.get_many([SCORES_KEY, GENERATION_KEY])
        scores = scores_generation(known.get(SCORES_KEY))
        publications = known.get(GENERATION_KEY) or publications_generation()
    except CACHE_DOWN:
        return None
    return ":".join(["public", scores, publications, *map(str, parts)])


def _cached_page(key: str | None, build) -> HttpResponse:
    body = None
    if key is not None:
        try:
            body = cache.get(key)
        except CACHE_DOWN:
            key = None
    if body is None:
        body = build()
        if key is not None:
            with suppress(*CACHE_DOWN):
                cache.set(key, body, PAGE_SECONDS)
    return HttpResponse(body, content_type="text/html; charset=utf-8")


def public_rows():
    """The profiles published to the public whose cycle is still validated, by country name
    and cycle."""
    validated = ConsolidatedScore.objects.filter(
        country_id=OuterRef("country_id"), cycle=OuterRef("cycle"), assessments__gt=0
    )
    return (
        Publication.objects.filter(audience=Audience.PUBLIC)
        .filter(Exists(validated))
        .order_by("country__name", "cycle")
        .values("country_id", "country__name", "cycle", "published_at")
    )


def index(request):
    """Every published profile, by country and cycle."""
    language = _language(request)
    with translation.override(language):

        def build() -> str:
            context = {"rows": list(public_rows()), "lang_query": _lang_query(request)}
            return render_to_string("profile/public_list.html", context, request=None)

        return _cached_page(_cache_key("index", language, _lang_query(request)), build)


def _check_public(iso3: str, cycle: int) -> None:
    if not Publication.objects.filter(
        country_id=iso3.upper(), cycle=cycle, audience=Audience.PUBLIC
    ).exists():
        raise Http404("No such profile.")


def _public_profile(iso3: str, cycle: int) -> dict:
    """The profile as anyone reads it: 404 unless it is published to the public."""
    _check_public(iso3, cycle)
    return readable_profile(ANONYMOUS, iso3, cycle)


def _public_head(iso3: str, cycle: int) -> dict:
    _check_public(iso3, cycle)
    return readable_head(ANONYMOUS, iso3, cycle)


def profile(request, iso3: str, cycle: int):
    """One published profile, without signing in."""
    language = _language(request)
    with translation.override(language):

        def build() -> str:
            context = _public_profile(iso3, cycle)
            context["lang_query"] = _lang_query(request)
            return render_to_string("profile/public_profile.html", context, request=None)

        key = _cache_key("profile", language, iso3.upper(), cycle, _lang_query(request))
        return _cached_page(key, build)


def profile_pdf(request, iso3: str, cycle: int):
    with translation.override(_language(request)):
        context = _public_head(iso3, cycle)
        context["base_template"] = "profile/public_base.html"
        status_url = reverse("public:profile_pdf_status", args=[context["country"].iso3, cycle])
        return pdf.serve_or_queue(request, context, status_url=status_url + _lang_query(request))


def profile_pdf_status(request, iso3: str, cycle: int):
    language = _language(request)
    with translation.override(language):
        context = _public_head(iso3, cycle)
        return JsonResponse({"state": pdf.state(pdf.key_of(context, language))})
