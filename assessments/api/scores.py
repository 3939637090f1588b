"""Consolidated scores for partners: bodies cached under the scores' generation."""

import hashlib

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from actors.roles import principal_of
from assessments import generation
from assessments.api.score_serializers import ConsolidatedScoreSerializer, consolidated_json
from assessments.choices import State
from assessments.models import (
    Assessment,
    ConsolidatedScore,
)
from assessments.selectors import visible_scores
from coherence.api.authentication import read_along
from coherence.api.caching import CACHE_DOWN, cached_body, conditional, content_etag, keep_body
from coherence.api.filters import CountryFilter, CycleFilter
from coherence.api.views import ReadOnlyViewSet

# Bodies are keyed by the scores' generation, which every write replaces; the bound only
# limits the life of an edit made behind the application's back.
SCORE_SECONDS = 300


def _validated_exists():
    return Exists(
        Assessment.objects.filter(
            country_id=OuterRef("country_id"), cycle=OuterRef("cycle"), state=State.VALIDATED
        )
    )


def score_cache_key(request, *parts) -> str | None:
    """A cache key for what `request` reads of the scores: their generation, what the caller
    may see (DESIGN §7: a focal point its own country, others all or nothing) and `parts`.
    None where the cache is the process's own (settings.API_CACHE_SCORES): a write made by
    another process could not reach it."""
    if not settings.API_CACHE_SCORES or getattr(request, "_api_cache_down", False):
        return None
    try:
        current = generation.scores_generation(read_along(request, generation.KEY))
    except CACHE_DOWN:  # no generation to trust: read the database, keep nothing
        return None
    principal = principal_of(request.user)
    scope = (current, principal.role, principal.country, *parts)
    return "api:scores:" + hashlib.sha256(repr(scope).encode()).hexdigest()


class ScoreFilter(filters.FilterSet):
    country = CountryFilter(field_name="country", help_text="Scores of this country (ISO3).")
    cycle = CycleFilter(field_name="cycle", help_text="Scores of this cycle (a year).")

    class Meta:
        model = ConsolidatedScore
        fields = ["country", "cycle"]


@extend_schema(tags=["scores"])
@extend_schema_view(
    list=extend_schema(summary="Consolidated scores, by country and cycle"),
)
class ScoreViewSet(ReadOnlyViewSet):
    """Each country's consolidated score per cycle, over its validated assessments; stored,
    never computed per request. Partners pull these often: each page and each score is
    cached, behind its ETag, until the next write to the scores, so a warm read costs no
    query."""

    serializer_class = ConsolidatedScoreSerializer
    filterset_class = ScoreFilter
    queryset = ConsolidatedScore.objects.none()
    read_along = [generation.KEY]

    def get_queryset(self):
        return (
            visible_scores(self.request.user)
            .filter(_validated_exists())
            .select_related("framework")
            .order_by("country_id", "cycle")
        )

    def list(self, request, *args, **kwargs):
        # Only a 200 is kept, so a cached page's URL has already passed every check. The
        # whole URL, host included, as the page's links name it.
        key = score_cache_key(request, request.accepted_media_type, request.build_absolute_uri())
        hit = None if key is None else cached_body(key, SCORE_SECONDS)
        if hit is not None:
            content, content_type, etag, link = hit
            response = HttpResponse(content, content_type=content_type)
            if link:
                response["Link"] = link
            return conditional(request, response, etag=etag)
        self._cache_as = key
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(self, "_cache_as", None)
        if key and response.status_code == 200:
            entry = (response.content, response["Content-Type"], response["ETag"])
            keep_body(key, (*entry, response.get("Link")), SCORE_SECONDS)
            self._cache_as = None
        return response

    @extend_schema(
        summary="One country's consolidated score in a cycle",
        description="404 where the country has no validated assessment in that cycle.",
        parameters=[
            OpenApiParameter(
                "country",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern="^[A-Za-z]{3}$",
                description="The country's ISO 3166-1 alpha-3 code (any case).",
            ),
            OpenApiParameter(
                "cycle",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="The reporting cycle (a year).",
            ),
        ],
        responses=ConsolidatedScoreSerializer,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"(?P<country>[A-Za-z]{3})/(?P<cycle>[0-9]{4})",
        url_name="one",
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer],
    )
    def one(self, request, country=None, cycle=None):
        country, cycle = country.upper(), int(cycle)
        key = score_cache_key(request, country, cycle)
        entry = None if key is None else cached_body(key, SCORE_SECONDS)
        if entry is None:
            entry = self._one_entry(country, cycle)
            if key is not None:
                keep_body(key, entry, SCORE_SECONDS)
        if entry == MISSING:  # by value: an entry from the shared cache is a new object
            raise exceptions.NotFound(f"No validated assessment of {country} in cycle {cycle}.")
        etag, last_modified, body = entry
        response = HttpResponse(body, content_type="application/json")
        return conditional(request, response, etag=etag, last_modified=last_modified)

    def _one_entry(self, country: str, cycle: int):
        """(ETag, Last-Modified, body) of the score, or MISSING."""
        score = self.get_queryset().filter(country_id=country, cycle=cycle).first()
        if score is None:
            return MISSING
        body = JSONRenderer().render(consolidated_json(score))
        last_modified = None if score.stale else score.computed_at
        return content_etag(body), last_modified, body


# A 404, cached too: a partner polling for a score not there yet costs no query.
MISSING = ("missing",)
