"""The API of the framework, assessments and scores (DESIGN §6, §7).

Views parse, scope through `assessments.selectors` and hand every write to
`assessments.services`; refusals come back in the shared error shape: 409 for a state or
version conflict, 403 where the caller's role may never do it, 400 for bad input, 404 for
what the caller may not see.
"""

import hashlib

from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from actors.models import Actor
from actors.roles import principal_of
from assessments import generation
from assessments.choices import Action, State
from assessments.models import (
    MAX_CYCLE,
    MIN_CYCLE,
    Answer,
    Assessment,
    AssessmentScore,
    ConsolidatedScore,
    FrameworkVersion,
    Indicator,
)
from assessments.selectors import get_visible_assessment, visible_assessments, visible_scores
from assessments.services import (
    KEEP,
    TRANSITION_FUNCTIONS,
    TRANSITIONS,
    AnswerInput,
    AnswersRefused,
    Conflict,
    TransitionRefused,
    WorkflowError,
    allowed_transitions,
    create_assessment,
    save_answers,
)
from coherence.api.authentication import read_along
from coherence.api.caching import cached_body, conditional, content_etag, keep_body
from coherence.api.errors import APIError
from coherence.api.fields import (
    JSONNumberField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from coherence.api.filters import CodeFilter, CountryFilter, CycleFilter
from coherence.api.views import ReadOnlyViewSet
from coherence.api.vocabularies import LANGUAGES, NamesSerializer
from coherence.choices import (
    AREA_CHOICES,
    AnswerType,
    Band,
    CoherenceType,
    Dimension,
    Link,
    Perspective,
    Role,
    Stage,
)

INDICATOR_CODE = RegexValidator(r"^[A-Z][A-Z0-9-]*$", "An indicator code, e.g. H-LAB-03.")
INSTRUMENT_CODE = RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", "An instrument code.")

# --- Indicators ----------------------------------------------------------------------------


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    question = NamesSerializer(help_text="The question in English, French and Spanish.")
    guidance = NamesSerializer(help_text="Guidance in English, French and Spanish.")
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    coherence_type = serializers.ChoiceField(choices=CoherenceType.choices)
    area = serializers.ChoiceField(choices=AREA_CHOICES)
    link = serializers.ChoiceField(
        choices=Link.choices, allow_null=True, help_text="Null for horizontal indicators."
    )
    perspective = serializers.ChoiceField(choices=Perspective.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)
    answer_type = serializers.ChoiceField(choices=AnswerType.choices)
    weight = serializers.FloatField(min_value=0)
    allow_na = serializers.BooleanField()
    crosswalk = serializers.ListField(child=serializers.CharField())
    version = serializers.CharField(help_text="The framework version's code.")

    def to_representation(self, indicator):
        return {
            "code": indicator.code,
            "question": {lang: getattr(indicator, f"question_{lang}") for lang in LANGUAGES},
            "guidance": {lang: getattr(indicator, f"guidance_{lang}") for lang in LANGUAGES},
            "dimension": indicator.dimension,
            "coherence_type": indicator.coherence_type,
            "area": indicator.area_id,
            "link": indicator.link,
            "perspective": indicator.perspective,
            "stage": indicator.stage,
            "answer_type": indicator.answer_type,
            "weight": float(indicator.weight),
            "allow_na": indicator.allow_na,
            "crosswalk": list(indicator.crosswalk or []),
            "version": indicator.version.code,
        }


class IndicatorFilter(filters.FilterSet):
    dimension = filters.ChoiceFilter(choices=Dimension.choices)
    coherence_type = filters.ChoiceFilter(choices=CoherenceType.choices)
    area = filters.ChoiceFilter(choices=AREA_CHOICES, field_name="area_id")
    link = filters.ChoiceFilter(choices=Link.choices)
    perspective = filters.ChoiceFilter(choices=Perspective.choices)
    stage = filters.ChoiceFilter(choices=Stage.choices)
    answer_type = filters.ChoiceFilter(choices=AnswerType.choices)

    class Meta:
        model = Indicator
        fields = [
            "dimension",
            "coherence_type",
            "area",
            "link",
            "perspective",
            "stage",
            "answer_type",
        ]


@extend_schema(tags=["framework"])
@extend_schema_view(
    list=extend_schema(summary="The current framework version's indicators, sorted by code"),
    retrieve=extend_schema(summary="One indicator of the current framework version"),
)
class IndicatorViewSet(mixins.RetrieveModelMixin, ReadOnlyViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    lookup_field = "code"
    lookup_value_regex = "[A-Z][A-Z0-9-]{0,19}"
    queryset = Indicator.objects.none()

    def get_queryset(self):
        current = FrameworkVersion.current()
        if current is None:
            return Indicator.objects.none()
        return Indicator.objects.filter(version=current).select_related("version").order_by("code")


# --- Assessments: reading --------------------------------------------------------------------

TRANSITION_CHOICES = Action.choices


class AnswerSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.code")
    value = JSONNumberField(
        allow_null=True,
        help_text="yes_no 1/0, three_level 0/5/10, scale 0–4, percent 0–100; null when "
        "unanswered or not applicable.",
    )
    na = serializers.BooleanField(help_text="Answered 'not applicable'.")
    evidence = serializers.CharField(allow_blank=True)
    instruments = serializers.ListField(child=serializers.CharField(), help_text="Codes.")
    flagged = serializers.BooleanField(help_text="Returned for correction.")
    flag_comment = serializers.CharField(allow_blank=True)


class AssessmentSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", help_text="ISO 3166-1 alpha-3.")
    actor = serializers.CharField(source="actor.code", help_text="The actor's code.")
    framework = serializers.CharField(source="framework.code", help_text="Framework version.")
    perspective = serializers.ChoiceField(choices=Perspective.choices)
    state = serializers.ChoiceField(choices=State.choices)
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The transitions the caller may make now."
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "country",
            "cycle",
            "actor",
            "framework",
            "perspective",
            "state",
            "version",
            "allowed_transitions",
            "return_reason",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=TRANSITION_CHOICES))
    )
    def get_allowed_transitions(self, assessment) -> list[str]:
        return allowed_transitions(self.context["request"].user, assessment)


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = AnswerSerializer(many=True, read_only=True, source="answer_list")

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "answers"]


class AssessmentFilter(filters.FilterSet):
    country = CountryFilter(field_name="country")
    cycle = CycleFilter(field_name="cycle")
    state = filters.ChoiceFilter(choices=State.choices)
    actor = CodeFilter(field_name="actor__code")
    perspective = filters.ChoiceFilter(choices=Perspective.choices)

    class Meta:
        model = Assessment
        fields = ["country", "cycle", "state", "actor", "perspective"]


# --- Assessments: writing ----------------------------------------------------------------------


class AssessmentCreateSerializer(serializers.Serializer):
    cycle = StrictIntegerField(min_value=MIN_CYCLE, max_value=MAX_CYCLE)
    perspective = serializers.ChoiceField(choices=Perspective.choices, default=Perspective.BOTH)


class AnswerInputSerializer(serializers.Serializer):
    indicator = StrictCharField(
        max_length=20, validators=[INDICATOR_CODE], help_text="The indicator's code."
    )
    value = JSONNumberField(
        required=False,
        allow_null=True,
        help_text="A JSON number or null (unanswered). Left out together with `na`: the "
        "stored value is kept.",
    )
    na = StrictBooleanField(required=False, help_text="true: not applicable.")
    evidence = StrictCharField(
        required=False, allow_blank=True, max_length=20000, help_text="Left out: kept."
    )
    instruments = serializers.ListField(
        child=StrictCharField(max_length=60, validators=[INSTRUMENT_CODE]),
        required=False,
        max_length=200,
        help_text="Instrument codes; left out: kept.",
    )


class AnswersInputSerializer(serializers.Serializer):
    version = StrictIntegerField(
        min_value=1, help_text="The assessment version the answers were read at."
    )
    answers = AnswerInputSerializer(many=True, max_length=1000)

    def validate_answers(self, answers):
        seen, twice = set(), set()
        for answer in answers:
            (twice if answer["indicator"] in seen else seen).add(answer["indicator"])
        if twice:
            raise serializers.ValidationError(
                f"Each indicator once; repeated: {', '.join(sorted(twice))}."
            )
        return answers


class AnswersSavedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    version = serializers.IntegerField(help_text="The new version, to send with the next save.")
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the answers that changed."
    )


class TransitionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    version = serializers.IntegerField()
    allowed_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=TRANSITION_CHOICES)
    )


class NoInputSerializer(serializers.Serializer):
    pass


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=5000, help_text="Why; required.")


class ReturnSerializer(ReasonSerializer):
    indicators = serializers.DictField(
        child=StrictCharField(max_length=5000),
        required=False,
        help_text="Indicator code → comment: return only these for correction.",
    )


def _refusal(exc: WorkflowError, status_code: int) -> APIError:
    return APIError(exc.message, code=exc.code, status_code=status_code, details=exc.details)


# --- Stored scores ----------------------------------------------------------------------------


class AreaScoreSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=AREA_CHOICES)
    score = serializers.FloatField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True, min_value=0, max_value=1)


class DimensionScoreSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Dimension.choices)
    score = serializers.FloatField(allow_null=True)


class LinkScoreSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Link.choices)
    score = serializers.FloatField(allow_null=True)


def _timestamp(value) -> str | None:
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


class ScoreFiguresSerializer(serializers.Serializer):
    framework = serializers.CharField(help_text="The framework version's code.")
    overall = serializers.FloatField(allow_null=True)
    horizontal = serializers.FloatField(allow_null=True)
    vertical = serializers.FloatField(allow_null=True)
    band = serializers.ChoiceField(choices=Band.choices, allow_null=True)
    areas = AreaScoreSerializer(many=True)
    dimensions = DimensionScoreSerializer(many=True)
    links = LinkScoreSerializer(many=True)
    stale = serializers.BooleanField(help_text="Inputs changed; a recompute is pending.")
    computed_at = serializers.DateTimeField(allow_null=True)


# The fields of a consolidated score, in the order of DESIGN §6.
CONSOLIDATED_FIELDS = [
    "country",
    "cycle",
    "framework",
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
]


class ConsolidatedScoreSerializer(ScoreFiguresSerializer):
    """A country's consolidated score in a cycle, exactly as DESIGN §6 reads."""

    country = serializers.CharField(help_text="ISO 3166-1 alpha-3.")
    cycle = serializers.IntegerField()
    divergence = serializers.FloatField(allow_null=True)
    assessments = serializers.IntegerField(help_text="The number of validated assessments.")

    def get_fields(self):
        fields = super().get_fields()
        return {name: fields[name] for name in CONSOLIDATED_FIELDS}

    def to_representation(self, score):
        return consolidated_json(score)


def consolidated_json(score: ConsolidatedScore) -> dict:
    """The score as DESIGN §6 reads it: every field of CONSOLIDATED_FIELDS, in order."""
    derived = {
        "country": score.country_id,
        "framework": score.framework.code,
        "computed_at": _timestamp(score.computed_at),
    }
    return {
        name: derived[name] if name in derived else getattr(score, name)
        for name in CONSOLIDATED_FIELDS
    }


class AssessmentScoreSerializer(ScoreFiguresSerializer):
    """One assessment's scores: the consolidated shape without divergence and the count."""

    assessment = serializers.IntegerField(help_text="The assessment's id.")
    country = serializers.CharField(help_text="ISO 3166-1 alpha-3.")
    cycle = serializers.IntegerField()

    def get_fields(self):
        fields = super().get_fields()
        order = ["assessment", "country", "cycle", "framework", "overall", "horizontal"]
        order += ["vertical", "band", "areas", "dimensions", "links", "stale", "computed_at"]
        return {name: fields[name] for name in order}

    def to_representation(self, score):
        return {
            "assessment": score.assessment_id,
            "country": score.assessment.country_id,
            "cycle": score.assessment.cycle,
            "framework": score.framework.code,
            "overall": score.overall,
            "horizontal": score.horizontal,
            "vertical": score.vertical,
            "band": score.band,
            "areas": score.areas,
            "dimensions": score.dimensions,
            "links": score.links,
            "stale": score.stale,
            "computed_at": _timestamp(score.computed_at),
        }


# --- Assessments: the viewset -------------------------------------------------------------------

SEES_ASSESSMENTS = (Role.FOCAL_POINT, Role.REVIEWER, Role.IMPORTER, Role.ADMIN)
EDITS_ANSWERS = (Role.FOCAL_POINT, Role.IMPORTER)
ID_REGEX = "[0-9]{1,18}"
# Actions on one object: no filters, no pages, JSON only.
ONE_OBJECT = {"filter_backends": [], "pagination_class": None, "renderer_classes": [JSONRenderer]}


@extend_schema(tags=["assessments"])
@extend_schema_view(
    list=extend_schema(summary="The assessments the caller may see, by id"),
    retrieve=extend_schema(summary="One assessment with its answers"),
    create=extend_schema(
        summary="Start the caller's actor's assessment of its country for a cycle",
        request=AssessmentCreateSerializer,
        responses={201: AssessmentDetailSerializer},
    ),
)
class AssessmentViewSet(mixins.RetrieveModelMixin, mixins.CreateModelMixin, ReadOnlyViewSet):
    """Scoped by role (DESIGN §7): a focal point sees its own actor's assessments, a reviewer
    every one that is not a draft; partners are answered 404."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    lookup_value_regex = ID_REGEX
    queryset = Assessment.objects.none()

    def check_permissions(self, request):
        super().check_permissions(request)
        if principal_of(request.user).role not in SEES_ASSESSMENTS:
            raise exceptions.NotFound("Not found.")

    def get_queryset(self):
        return visible_assessments(self.request.user).select_related("actor", "framework")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return AssessmentDetailSerializer
        return AssessmentSerializer

    def _visible(self, pk) -> Assessment:
        return get_visible_assessment(self.request.user, pk)

    def _detail(self, assessment: Assessment, status_code=status.HTTP_200_OK) -> Response:
        assessment.answer_list = list(
            Answer.objects.filter(assessment=assessment)
            .select_related("indicator")
            .only(
                "value",
                "na",
                "evidence",
                "instruments",
                "flagged",
                "flag_comment",
                "indicator__code",
                "indicator__rank",
            )
            .order_by("indicator__rank", "indicator__code")
        )
        context = self.get_serializer_context()
        data = AssessmentDetailSerializer(assessment, context=context).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self._visible(kwargs["pk"]))

    def create(self, request, *args, **kwargs):
        principal = principal_of(request.user)
        if not principal.is_focal_point:
            raise APIError(
                "Only a focal point may start an assessment.",
                code="permission_denied",
                status_code=status.HTTP_403_FORBIDDEN,
                details={"role": principal.role},
            )
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.objects.get(pk=principal.actor_id)
        try:
            assessment = create_assessment(
                actor=actor,
                cycle=serializer.validated_data["cycle"],
                perspective=serializer.validated_data["perspective"],
                by=request.user,
            )
        except TransitionRefused as exc:
            raise _refusal(exc, status.HTTP_403_FORBIDDEN) from None
        except WorkflowError as exc:  # a lost race to start the same one included
            raise _refusal(exc, status.HTTP_409_CONFLICT) from None
        assessment = self._visible(assessment.pk)
        response = self._detail(assessment, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{assessment.pk}/")
        return response

    @extend_schema(
        summary="Save some answers (the same for PUT and PATCH)",
        description="Only the answers given change. `version` is the assessment version "
        "the caller read: if someone saved since, the answer is 409 with the current "
        "version and the answers they changed in `details`, and nothing is written.",
        request=AnswersInputSerializer,
        responses={200: AnswersSavedSerializer},
    )
    @action(detail=True, methods=["put", "patch"], **ONE_OBJECT)
    def answers(self, request, pk=None):
        assessment = self._visible(pk)
        serializer = AnswersInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inputs = {
            answer["indicator"]: AnswerInput(
                # Neither given: the stored value and n/a are kept.
                value=answer.get("value") if "value" in answer or "na" in answer else KEEP,
                na=answer.get("na", False),
                evidence=answer.get("evidence"),
                instruments=answer.get("instruments"),
            )
            for answer in serializer.validated_data["answers"]
        }
        principal = principal_of(request.user)
        try:
            result = save_answers(
                assessment,
                by=request.user,
                version=serializer.validated_data["version"],
                answers=inputs,
            )
        except Conflict as exc:
            raise _refusal(exc, status.HTTP_409_CONFLICT) from None
        except AnswersRefused as exc:
            if principal.role not in EDITS_ANSWERS:
                raise _refusal(exc, status.HTTP_403_FORBIDDEN) from None
            if "state" in exc.details:
                raise _refusal(exc, status.HTTP_409_CONFLICT) from None
            raise _refusal(exc, status.HTTP_400_BAD_REQUEST) from None
        except WorkflowError as exc:
            raise _refusal(exc, status.HTTP_409_CONFLICT) from None
        state = Assessment.objects.filter(pk=assessment.pk).values_list("state", flat=True)
        body = {
            "id": assessment.pk,
            "state": state.first(),
            "version": result.version,
            "changed": result.changed,
        }
        return Response(body)

    def _transition(self, request, pk, action_name: str, serializer_class) -> Response:
        assessment = self._visible(pk)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        principal = principal_of(request.user)
        rule = TRANSITIONS[action_name]
        try:
            done = TRANSITION_FUNCTIONS[action_name](
                assessment,
                by=request.user,
                reason=serializer.validated_data.get("reason", ""),
                indicators=serializer.validated_data.get("indicators") or None,
            )
        except TransitionRefused as exc:
            if "role" in exc.details:
                raise _refusal(exc, status.HTTP_403_FORBIDDEN) from None
            if principal.role not in rule.roles:
                # Refused for its state first, but this role may never do it at all.
                allowed = " or ".join(str(Role(role).label).lower() for role in rule.roles)
                raise APIError(
                    f"Only a {allowed} may {action_name} an assessment.",
                    code=exc.code,
                    status_code=status.HTTP_403_FORBIDDEN,
                    details={"role": principal.role, "allowed_roles": list(rule.roles)},
                ) from None
            if "state" in exc.details:
                raise _refusal(exc, status.HTTP_409_CONFLICT) from None
            raise _refusal(exc, status.HTTP_400_BAD_REQUEST) from None
        except WorkflowError as exc:
            raise _refusal(exc, status.HTTP_409_CONFLICT) from None
        return Response(
            {
                "id": done.pk,
                "state": done.state,
                "version": done.version,
                "allowed_transitions": allowed_transitions(request.user, done),
            }
        )

    transition_schema = {"responses": {200: TransitionResultSerializer}}

    @extend_schema(
        summary="Submit (locks the answers)", request=NoInputSerializer, **transition_schema
    )
    @action(detail=True, methods=["post"], **ONE_OBJECT)
    def submit(self, request, pk=None):
        return self._transition(request, pk, Action.SUBMIT, NoInputSerializer)

    @extend_schema(
        summary="Return for correction: the whole assessment, or only the indicators named",
        request=ReturnSerializer,
        **transition_schema,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        **ONE_OBJECT,
    )
    def return_(self, request, pk=None):
        return self._transition(request, pk, Action.RETURN, ReturnSerializer)

    @extend_schema(summary="Validate", request=NoInputSerializer, **transition_schema)
    @action(detail=True, methods=["post"], **ONE_OBJECT)
    def validate(self, request, pk=None):
        return self._transition(request, pk, Action.VALIDATE, NoInputSerializer)

    @extend_schema(
        summary="Reopen a validated assessment", request=ReasonSerializer, **transition_schema
    )
    @action(detail=True, methods=["post"], **ONE_OBJECT)
    def reopen(self, request, pk=None):
        return self._transition(request, pk, Action.REOPEN, ReasonSerializer)

    @extend_schema(summary="The assessment's stored scores", responses=AssessmentScoreSerializer)
    @action(detail=True, methods=["get"], **ONE_OBJECT)
    def scores(self, request, pk=None):
        score = (
            AssessmentScore.objects.select_related("framework", "assessment")
            .filter(assessment__in=visible_assessments(request.user), assessment_id=pk)
            .first()
        )
        if score is None:
            raise exceptions.NotFound("No such assessment.")
        return Response(AssessmentScoreSerializer(score).data)


# --- Consolidated scores ---------------------------------------------------------------------

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
    if not settings.API_CACHE_SCORES:
        return None
    principal = principal_of(request.user)
    current = generation.scores_generation(read_along(request, generation.KEY))
    scope = (current, principal.role, principal.country, *parts)
    return "api:scores:" + hashlib.sha256(repr(scope).encode()).hexdigest()


class ScoreFilter(filters.FilterSet):
    country = CountryFilter(field_name="country")
    cycle = CycleFilter(field_name="cycle")

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
                "country", OpenApiTypes.STR, OpenApiParameter.PATH, pattern="^[A-Za-z]{3}$"
            ),
            OpenApiParameter("cycle", OpenApiTypes.INT, OpenApiParameter.PATH),
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
