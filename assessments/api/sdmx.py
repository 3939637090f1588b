"""SDMX 3.0 for statistics offices (DESIGN §6 `sdmx/`): the structure of consolidated scores
as SDMX-ML 3.0 and the scores themselves as SDMX-CSV 2.0, the same figures as `scores/`."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer

from assessments import generation
from assessments.api import sdmx_messages as messages
from assessments.api.score_serializers import consolidated_json
from assessments.api.scores import SCORE_SECONDS, ScoreFilter, _validated_exists, score_cache_key
from assessments.selectors import visible_scores
from coherence.api.caching import cached_body, conditional, keep_body
from coherence.api.filters import validated_filters
from coherence.api.views import APIViewMixin
from coherence.models import Country, PolicyArea


class SDMXStructureRenderer(BaseRenderer):
    """Names the structure's media type for content negotiation; the view writes the body."""

    media_type = messages.STRUCTURE_MEDIA_TYPE
    format = "sdmx-ml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class SDMXDataRenderer(SDMXStructureRenderer):
    media_type = messages.DATA_MEDIA_TYPE
    format = "sdmx-csv"


# An Accept without the version (or plain CSV) is served the same message.
class SDMXAnyStructureRenderer(SDMXStructureRenderer):
    media_type = messages.STRUCTURE_MEDIA_TYPE.split(";")[0]


class SDMXShortVersionStructureRenderer(SDMXStructureRenderer):
    media_type = messages.STRUCTURE_MEDIA_TYPE.removesuffix(".0")  # version=3.0


class SDMXAnyDataRenderer(SDMXDataRenderer):
    media_type = messages.DATA_MEDIA_TYPE.split(";")[0]


class SDMXPlainCSVRenderer(SDMXDataRenderer):
    media_type = "text/csv"


DATA_DESCRIPTION = (
    "The consolidated scores that `scores/` shows (validated assessments only, scoped as "
    "there: a focal point reads its own country's), as SDMX-CSV 2.0 against the dataflow "
    f"{messages.AGENCY}:{messages.DATAFLOW_ID}({messages.VERSION}) of `sdmx/structure/`: "
    "columns STRUCTURE, STRUCTURE_ID, ACTION (I, information), COUNTRY, MEASURE, "
    "TIME_PERIOD (the cycle), OBS_VALUE, then the attributes BAND, CATEGORY, STALE, "
    "FRAMEWORK_VERSION, ASSESSMENTS; one row per country, cycle and measure. A null figure "
    "has no row. Measures: OVERALL, HORIZONTAL, VERTICAL, DIVERGENCE, AREA_<area> and "
    "AREA_<area>_COVERAGE, DIMENSION_<dimension>, LINK_<link>, and each scored crosswalk "
    "tag (dots as underscores: SDG-10_7_2-D1) with its _COVERAGE. " + messages.INDICATIVE
)

STRUCTURE_DESCRIPTION = (
    "An SDMX 3.0 structure message (SDMX-ML 3.0) defining, under agency "
    f"{messages.AGENCY}, version {messages.VERSION}: the codelists CL_COUNTRY (ISO3 of the "
    "catalogue's countries), CL_MEASURE (every measure `sdmx/data/` can carry), CL_BAND and "
    "CL_CATEGORY (SDG indicator 10.7.2 reporting categories); the concept scheme "
    f"{messages.CONCEPTS_ID}; the data structure {messages.DSD_ID} (dimensions COUNTRY, "
    "MEASURE, TIME_PERIOD = the cycle; measure OBS_VALUE) and the dataflow "
    f"{messages.DATAFLOW_ID}. " + messages.INDICATIVE
)


def format_parameter(renderer) -> OpenApiParameter:
    return OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=[renderer.format],
        description=f"Optional: `{renderer.format}`, the only format (as Accept: "
        f"{renderer.media_type}).",
    )


@extend_schema(tags=["sdmx"])
class SDMXViewSet(APIViewMixin, viewsets.GenericViewSet):
    """SDMX 3.0: `structure/` and `data/`. Errors stay JSON in the error shape."""

    pagination_class = None
    filter_backends = []
    queryset = Country.objects.none()
    read_along = [generation.KEY]

    def allowed_query_params(self) -> set[str]:
        allowed = super().allowed_query_params()
        if self.action == "data":
            allowed |= set(ScoreFilter.base_filters)
        return allowed

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400 and isinstance(
            getattr(request, "accepted_renderer", None), SDMXStructureRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        summary="SDMX 3.0 structure of consolidated scores (SDMX-ML 3.0)",
        description=STRUCTURE_DESCRIPTION,
        parameters=[format_parameter(SDMXStructureRenderer)],
        responses={
            (200, messages.STRUCTURE_MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.STR, description="The SDMX-ML 3.0 structure message."
            )
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="structure",
        url_name="structure",
        renderer_classes=[
            SDMXStructureRenderer,
            SDMXAnyStructureRenderer,
            SDMXShortVersionStructureRenderer,
        ],
    )
    def structure(self, request):
        countries = Country.objects.order_by("iso3").values_list("iso3", "name")
        areas = dict(PolicyArea.objects.values_list("code", "name_en"))
        body = messages.structure_message(countries, areas)
        response = HttpResponse(body, content_type=messages.STRUCTURE_MEDIA_TYPE)
        return conditional(request, response)

    @extend_schema(
        summary="Consolidated scores as SDMX-CSV 2.0",
        description=DATA_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "country",
                OpenApiTypes.STR,
                pattern="^[A-Za-z]{3}$",
                description="A country's ISO 3166-1 alpha-3 code; the catalogue must know it.",
            ),
            OpenApiParameter(
                "cycle",
                {"type": "integer", "minimum": 2000, "maximum": 2100},
                description="A cycle (year).",
            ),
            format_parameter(SDMXDataRenderer),
        ],
        responses={
            (200, messages.DATA_MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.STR, description="The SDMX-CSV 2.0 data message."
            )
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="data",
        url_name="data",
        renderer_classes=[SDMXDataRenderer, SDMXAnyDataRenderer, SDMXPlainCSVRenderer],
    )
    def data(self, request):
        # Cached as scores/ caches its pages: under the scores' generation and what the
        # caller may see; only a 200 is kept, so a cached URL has passed every check.
        key = score_cache_key(request, "sdmx:data", request.get_full_path())
        body = None if key is None else cached_body(key, SCORE_SECONDS)
        if body is None:
            body = self._data_body(request)
            if key is not None:
                keep_body(key, body, SCORE_SECONDS)
        response = HttpResponse(body, content_type=messages.DATA_MEDIA_TYPE)
        return conditional(request, response)

    def _data_body(self, request) -> bytes:
        scores = (
            visible_scores(request.user)
            .filter(_validated_exists())
            .select_related("framework")
            .order_by("country_id", "cycle")
        )
        filterset = ScoreFilter(request.query_params, queryset=scores)
        validated_filters(filterset)  # malformed or unknown values: a 400 naming them
        # SDMX's measures are the scores and the crosswalk: no unmitigated count to read.
        return messages.data_message(
            consolidated_json(score, with_unmitigated=False) for score in filterset.qs
        )
