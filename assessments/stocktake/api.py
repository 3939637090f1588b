"""Stock-taking in the API: `stocktake/` (a country's validated stock-taking by cycle, read
like scores) and the write actions under `assessments/{id}/stocktake/`, which the
assessment's own focal point uses by the same rules as the page."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from actors.roles import principal_of
from assessments.choices import State
from assessments.models import Assessment
from assessments.selectors import SEES_EVERY_COUNTRY
from assessments.stocktake import services
from assessments.stocktake.checks import HOW_LENGTH, MitigationInput
from assessments.stocktake.models import StockInstrument, StockInteraction
from assessments.stocktake.selectors import country_stocks
from coherence.api.errors import APIError
from coherence.api.fields import StrictIntegerField
from coherence.api.filters import CountryFilter, CycleFilter
from coherence.api.serializers import StrictInputSerializer
from coherence.api.views import ReadOnlyViewSet
from coherence.choices import AREA_CHOICES, Level, Role, ToolKind

ORIGIN_HELP = (
    "Where it comes from: `paper` (the shipped catalogue, from the GFMD paper), `catalogue` "
    "(added to the catalogue since), or the code of the actor whose validated assessment "
    "reports it."
)
CODE_PATTERN = "^[A-Z0-9][A-Z0-9-]{0,59}$"
REVISION_HELP = (
    "The entry's `revision` as you read it from the assessment's stock-taking, to change "
    "it; 0 (or left out) to list a new one. If that entry was changed, listed or removed "
    "since, the answer is a 409 (`stocktake_conflict`) with the entry as it now is in "
    "`details`, and nothing is written. Other entries' changes never conflict; neither "
    "does a stock-taking change with the answers' `version`."
)


class StockMitigationSerializer(serializers.Serializer):
    safeguard = serializers.CharField(help_text="The code of the safeguard instrument.")
    how = serializers.CharField(help_text="How the safeguard limits the incoherence's harm.")


class StockInstrumentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The instrument's code.")
    name = serializers.CharField(help_text="The instrument's name.")
    tool_type = serializers.ChoiceField(choices=ToolKind.choices, help_text="The kind of tool.")
    levels = serializers.ListField(
        child=serializers.ChoiceField(choices=Level.choices), help_text="Its governance levels."
    )
    areas = serializers.ListField(
        child=serializers.ChoiceField(choices=AREA_CHOICES), help_text="Its policy areas."
    )
    link = serializers.CharField(help_text="A web address of its text, or empty.")
    owner = serializers.CharField(
        allow_null=True, help_text="The code of the actor that owns a new instrument, or null."
    )
    safeguard = serializers.BooleanField(help_text="Whether it is a safeguard.")
    source = serializers.CharField(help_text=ORIGIN_HELP)
    reported_by = serializers.ListField(
        child=serializers.CharField(), help_text="The actors whose validated assessments list it."
    )


class StockInteractionSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The code of the instrument that acts.")
    target = serializers.CharField(help_text="The code of the instrument acted upon.")
    score = serializers.IntegerField(
        min_value=-3, max_value=3, help_text="+3 indivisible … −3 cancelling."
    )
    rationale = serializers.CharField(help_text="Why the interaction has this score.")
    incoherence = serializers.BooleanField(help_text="A score of −2 or −3 (¶42).")
    mitigations = StockMitigationSerializer(
        many=True, help_text="The safeguards that limit the incoherence's harm, each with how."
    )
    unmitigated = serializers.BooleanField(help_text="An incoherence with no mitigation.")
    origin = serializers.CharField(
        help_text=ORIGIN_HELP + " (`source` is the instrument that acts, as in interactions/.)"
    )
    divergent = serializers.BooleanField(
        help_text="Another report of the same pair gives it another score."
    )


class CountryStockSerializer(serializers.Serializer):
    """A country's validated stock-taking in a cycle (DESIGN §2, §6)."""

    country = serializers.CharField(help_text="ISO 3166-1 alpha-3.")
    cycle = serializers.IntegerField(help_text="The reporting cycle (a year).")
    instruments = StockInstrumentSerializer(many=True, help_text="The country's instruments.")
    interactions = StockInteractionSerializer(
        many=True, help_text="Their interactions, by source and target, paper first."
    )
    incoherences = serializers.IntegerField(help_text="The interactions scored −2 or −3.")
    unmitigated = serializers.IntegerField(
        help_text="The pairs of instruments with an incoherence and no mitigation named."
    )

    def to_representation(self, stock):
        return {
            "country": stock.country,
            "cycle": stock.cycle,
            "instruments": stock.instruments,
            "interactions": stock.interactions,
            "incoherences": len(stock.incoherences),
            "unmitigated": stock.unmitigated,
        }


class StocktakeFilter(filters.FilterSet):
    country = CountryFilter(field_name="country", help_text="This country's (ISO3).")
    cycle = CycleFilter(field_name="cycle", help_text="This cycle's (a year).")

    class Meta:
        model = Assessment
        fields = ["country", "cycle"]


@extend_schema(tags=["scores"])
@extend_schema_view(
    list=extend_schema(
        summary="Validated stock-taking, by country and cycle",
        description="Each country's instruments and interactions in a cycle, as its "
        "validated assessments report them, each with its source; incoherences with their "
        "mitigations and the number unmitigated. Read as the scores are.",
    )
)
class StocktakeViewSet(ReadOnlyViewSet):
    serializer_class = CountryStockSerializer
    filterset_class = StocktakeFilter
    queryset = Assessment.objects.none()
    renderer_classes = [JSONRenderer]

    def get_queryset(self):
        principal = principal_of(self.request.user)
        validated = Assessment.objects.filter(state=State.VALIDATED)
        if principal.role == Role.FOCAL_POINT:
            validated = validated.filter(country_id=principal.country)
        elif principal.role not in SEES_EVERY_COUNTRY:
            validated = validated.none()
        return validated.values("country", "cycle").distinct().order_by("country", "cycle")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        pairs = [(row["country"], row["cycle"]) for row in page]
        stocks = country_stocks(pairs)
        data = CountryStockSerializer([stocks[pair] for pair in pairs], many=True).data
        return self.get_paginated_response(data)


# --- Writes, under assessments/{id}/stocktake/ -----------------------------------------------


class MitigationInputSerializer(StrictInputSerializer):
    safeguard = serializers.RegexField(
        CODE_PATTERN, help_text="The code of a safeguard instrument (catalogue or listed)."
    )
    how = serializers.CharField(max_length=HOW_LENGTH, help_text="How it limits the harm.")


class InstrumentInputSerializer(StrictInputSerializer):
    code = serializers.CharField(
        max_length=60,
        help_text="A catalogue instrument's code to list it; or a new instrument's code, "
        "which no catalogue instrument may have.",
    )
    name = serializers.CharField(
        max_length=300, required=False, default="", help_text="A new instrument's name."
    )
    tool_type = serializers.CharField(
        required=False, default="", help_text="A new instrument's tool type (a code)."
    )
    levels = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Level codes."
    )
    areas = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Area codes."
    )
    link = serializers.CharField(required=False, default="", help_text="A web address.")
    owner = serializers.CharField(
        required=False, default="", help_text="The code of the actor of the country that owns it."
    )
    safeguard = serializers.BooleanField(
        required=False, default=False, help_text="Whether a new instrument is a safeguard."
    )
    revision = StrictIntegerField(min_value=0, required=False, default=0, help_text=REVISION_HELP)


class InteractionInputSerializer(StrictInputSerializer):
    source = serializers.CharField(help_text="The code of a listed instrument that acts.")
    target = serializers.CharField(help_text="The code of a listed instrument acted upon.")
    score = serializers.IntegerField(help_text="−3 … +3.")
    rationale = serializers.CharField(help_text="Why it has this score.")
    mitigations = MitigationInputSerializer(
        many=True, required=False, default=list, help_text="For −2/−3: the safeguards."
    )
    no_mitigation = serializers.BooleanField(
        required=False, default=False, help_text="For −2/−3: true when nothing mitigates it."
    )
    revision = StrictIntegerField(min_value=0, required=False, default=0, help_text=REVISION_HELP)


class StockSavedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The assessment's id.")
    version = serializers.IntegerField(
        help_text="The assessment's version now: the answers' counter, which stock-taking "
        "changes leave as it is."
    )
    instruments = serializers.ListField(
        child=serializers.DictField(),
        help_text="The assessment's listed instruments, each with its `revision`, to send "
        "back to change or remove it.",
    )
    interactions = serializers.ListField(
        child=serializers.DictField(),
        help_text="The interactions it reports, each with its `revision`, to send back to "
        "change or withdraw it.",
    )


def own_stock(assessment: Assessment, *, fresh: bool = True) -> dict:
    """The assessment's stock-taking, as its focal point and reviewers read it (`fresh`:
    its version read again, after a write)."""
    if fresh:
        assessment.refresh_from_db(fields=["version"])
    instruments = [
        {
            "code": s.code,
            "catalogue": s.instrument_id is not None,
            "name": s.display_name,
            "tool_type": s.instrument.tool_type_id if s.instrument_id else s.tool_type_id,
            "levels": (
                [lv.code for lv in s.instrument.levels.all()] if s.instrument_id else s.levels
            ),
            "areas": s.areas,
            "link": s.link,
            "owner": s.owner.code if s.owner_id else None,
            "safeguard": s.is_safeguard,
            "flagged": s.flagged,
            "flag_comment": s.flag_comment,
            "revision": s.revision,
        }
        for s in StockInstrument.objects.filter(assessment=assessment)
        .select_related("instrument", "owner")
        .prefetch_related("instrument__levels")
        .order_by("code")
    ]
    interactions = [
        {
            "source": i.source.code,
            "target": i.target.code,
            "score": i.score,
            "rationale": i.rationale,
            "incoherence": i.is_incoherence,
            "mitigations": i.mitigations,
            "no_mitigation": i.no_mitigation,
            "unmitigated": i.unmitigated,
            "flagged": i.flagged,
            "flag_comment": i.flag_comment,
            "revision": i.revision,
        }
        for i in StockInteraction.objects.filter(assessment=assessment)
        .select_related("source", "target")
        .order_by("source__code", "target__code")
    ]
    return {
        "id": assessment.pk,
        "version": assessment.version,
        "instruments": instruments,
        "interactions": interactions,
    }


ONE = {"filter_backends": [], "pagination_class": None, "renderer_classes": [JSONRenderer]}
CODE_PATH = "[A-Z0-9][A-Z0-9-]{0,59}"
REMOVALS = ("stocktake_instrument", "stocktake_interaction")
REVISION_PARAMETER = OpenApiParameter(
    "revision",
    int,
    OpenApiParameter.QUERY,
    required=True,
    description="The entry's `revision` as you read it. Changed since: a 409 "
    "(`stocktake_conflict`) with the entry as it now is, and nothing is removed.",
)


def _revision_read(request) -> int:
    """The `revision` query parameter of a removal: required, a whole number ≥ 1."""
    text = request.query_params.get("revision")
    if text is None or not text.isdigit() or int(text) < 1:
        raise APIError(
            "Invalid query parameter: revision.",
            details={"revision": ["Required: the entry's revision as you read it (≥ 1)."]},
        )
    return int(text)


class StocktakeActions:
    """The stock-taking actions of AssessmentViewSet (which gives `_visible`)."""

    def allowed_query_params(self) -> set[str]:
        allowed = super().allowed_query_params()
        if getattr(self, "action", None) in REMOVALS:
            allowed.add("revision")
        return allowed

    @extend_schema(
        summary="The assessment's stock-taking",
        responses=StockSavedSerializer,
        tags=["assessments"],
    )
    @action(detail=True, methods=["get"], url_path="stocktake", url_name="stocktake", **ONE)
    def stocktake(self, request, pk=None):
        return Response(own_stock(self._visible(pk)))

    @extend_schema(
        summary="List an instrument in the stock-taking: a catalogue one, or a new one",
        request=InstrumentInputSerializer,
        responses={201: StockSavedSerializer},
        tags=["assessments"],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="stocktake/instruments",
        url_name="stocktake-instruments",
        **ONE,
    )
    def stocktake_instruments(self, request, pk=None):
        assessment = self._visible(pk)
        serializer = InstrumentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        revision = data.pop("revision")
        spec = services.InstrumentInput(**data)
        services.save_instrument(assessment, by=request.user, spec=spec, revision=revision)
        return Response(own_stock(assessment), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take an instrument off the stock-taking (with its interactions)",
        request=None,
        responses={200: StockSavedSerializer},
        parameters=[
            OpenApiParameter(
                "code", str, OpenApiParameter.PATH, description="Its code.", pattern=CODE_PATTERN
            ),
            REVISION_PARAMETER,
        ],
        tags=["assessments"],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"stocktake/instruments/(?P<code>{CODE_PATH})",
        url_name="stocktake-instrument",
        **ONE,
    )
    def stocktake_instrument(self, request, pk=None, code=None):
        assessment = self._visible(pk)
        revision = _revision_read(request)
        services.remove_instrument(assessment, by=request.user, code=code, revision=revision)
        return Response(own_stock(assessment))

    @extend_schema(
        summary="Report an interaction between two listed instruments",
        request=InteractionInputSerializer,
        responses={201: StockSavedSerializer},
        tags=["assessments"],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="stocktake/interactions",
        url_name="stocktake-interactions",
        **ONE,
    )
    def stocktake_interactions(self, request, pk=None):
        assessment = self._visible(pk)
        serializer = InteractionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        revision = data.pop("revision")
        spec = services.InteractionInput(
            **{**data, "mitigations": [MitigationInput(**m) for m in data["mitigations"]]}
        )
        services.save_interaction(assessment, by=request.user, spec=spec, revision=revision)
        return Response(own_stock(assessment), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Withdraw a reported interaction",
        request=None,
        responses={200: StockSavedSerializer},
        parameters=[
            OpenApiParameter(
                "source", str, OpenApiParameter.PATH, description="It acts.", pattern=CODE_PATTERN
            ),
            OpenApiParameter(
                "target",
                str,
                OpenApiParameter.PATH,
                description="Acted upon.",
                pattern=CODE_PATTERN,
            ),
            REVISION_PARAMETER,
        ],
        tags=["assessments"],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"stocktake/interactions/(?P<source>{CODE_PATH})/(?P<target>{CODE_PATH})",
        url_name="stocktake-interaction",
        **ONE,
    )
    def stocktake_interaction(self, request, pk=None, source=None, target=None):
        assessment = self._visible(pk)
        revision = _revision_read(request)
        services.remove_interaction(
            assessment, by=request.user, source=source, target=target, revision=revision
        )
        return Response(own_stock(assessment))
