"""The REST API v1 (DESIGN §6): one router mounting every app's viewsets, mounted at
/api/v1/ by coherence/urls.py. Any other path under it is a 404 in the error shape."""

from django.urls import re_path
from rest_framework import exceptions
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.views import APIView

from actors.api import ActorViewSet
from assessments.api.assessments import AssessmentViewSet
from assessments.api.crosswalk import CrosswalkViewSet
from assessments.api.indicators import IndicatorViewSet
from assessments.api.published import PublishedViewSet
from assessments.api.scores import ScoreViewSet
from assessments.api.sdmx import SDMXViewSet
from assessments.evidence.api import PREFIX as EVIDENCE_PREFIX
from assessments.evidence.api import DocumentViewSet
from assessments.stocktake.api import StocktakeViewSet
from coherence.api.renderers import CSVRenderer
from coherence.api.views import APIViewMixin
from coherence.api.vocabularies import AreaViewSet, LevelViewSet, ToolTypeViewSet
from instruments.api import GridViewSet, InstrumentViewSet, InteractionViewSet


class RootView(APIViewMixin, APIRootView):
    """The endpoints of the API v1."""


class Router(DefaultRouter):
    APIRootView = RootView
    include_format_suffixes = False


class NoSuchEndpoint(APIViewMixin, APIView):
    """Every path under /api/v1/ that names no endpoint."""

    schema = None

    def check_query_params(self, request):
        """No endpoint takes no parameter: the 404 says what is wrong, not a 400."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        path = request.path
        hint = "" if path.endswith("/") else f" Paths end with a slash: {path}/"
        raise exceptions.NotFound(f"No endpoint at {path}.{hint}")

    get = post = put = patch = delete = head = options = http_method_not_allowed


router = Router()
# Partners pull scores most: their URLs are matched first.
router.register("scores", ScoreViewSet, basename="score")
router.register("crosswalk", CrosswalkViewSet, basename="crosswalk")
router.register("stocktake", StocktakeViewSet, basename="stocktake")
router.register("levels", LevelViewSet, basename="level")
router.register("tool-types", ToolTypeViewSet, basename="tool-type")
router.register("areas", AreaViewSet, basename="area")
router.register("actors", ActorViewSet, basename="actor")
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("grid", GridViewSet, basename="grid")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("sdmx", SDMXViewSet, basename="sdmx")
router.register(EVIDENCE_PREFIX, DocumentViewSet, basename="evidence-document")
router.register("published", PublishedViewSet, basename="published")


def csv_routes(router) -> list:
    """`<list>.csv` for each list that renders CSV: the list's rows as CSV, an operation of
    its own in the schema (a generated client's JSON operations stay JSON). `?format=csv`
    on the list keeps answering the same."""
    routes = []
    for prefix, viewset, basename in router.registry:
        renders_csv = any(issubclass(r, CSVRenderer) for r in viewset.renderer_classes)
        if not (renders_csv and hasattr(viewset, "list")):
            continue
        view = viewset.as_view({"get": "list"}, basename=basename, detail=False)
        routes.append(
            re_path(rf"^{prefix}\.csv$", view, {"format": "csv"}, name=f"{basename}-list-csv")
        )
    return routes


app_name = "api"
urlpatterns = [
    *router.urls,
    *csv_routes(router),
    re_path(r"^[\s\S]*$", NoSuchEndpoint.as_view(), name="no-such-endpoint"),
]
