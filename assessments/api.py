"""The API of the framework, assessments and scores (DESIGN §6, §7).

Views parse, scope through `assessments.selectors` and hand every write to
`assessments.services`; refusals come back in the shared error shape: 409 for a state or
version conflict, 403 where the caller's role may never do it, 400 for bad input, 404 for
what the caller may not see.
"""

import hashlib
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.core.validators import RegexValidator
from django.db import IntegrityError, connection
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import HttpResponse
from django.utils import timezone
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
from coherence.api import (
    LANGUAGES,
    APIError,
    CodeFilter,
    CountryFilter,
    CycleFilter,
    JSONNumberField,
    NamesSerializer,
    ReadOnlyViewSet,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    cached_body,
    conditional,
    keep_body,
    validated_filters,
)
from coherence.choices import (
    AREA_CODES,
    AnswerType,
    Band,
    CoherenceType,
    Dimension,
    Link,
    Perspective,
    Role,
    Stage,
)

AREA_CHOICES = [(code, code) for code in AREA_CODES]
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
    return {
        "country": score.country_id,
        "cycle": score.cycle,
        "framework": score.framework.code,
        "overall": score.overall,
        "horizontal": score.horizontal,
        "vertical": score.vertical,
        "band": score.band,
        "divergence": score.divergence,
        "assessments": score.assessments,
        "areas": score.areas,
        "dimensions": score.dimensions,
        "links": score.links,
        "stale": score.stale,
        "computed_at": _timestamp(score.computed_at),
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
        except WorkflowError as exc:
            raise _refusal(exc, status.HTTP_409_CONFLICT) from None
        except IntegrityError:
            raise APIError(
                "This actor already has an assessment of its country for that cycle.",
                code="conflict",
                status_code=status.HTTP_409_CONFLICT,
            ) from None
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
        given = serializer.validated_data["answers"]
        keep = [a["indicator"] for a in given if "value" not in a and "na" not in a]
        stored = {}
        if keep:
            stored = {
                code: (value, na)
                for code, value, na in Answer.objects.filter(
                    assessment=assessment, indicator__code__in=keep
                ).values_list("indicator__code", "value", "na")
            }
        inputs = {}
        for answer in given:
            code = answer["indicator"]
            if code in stored:
                value, na = stored[code]
            else:
                value, na = answer.get("value"), answer.get("na", False)
            inputs[code] = AnswerInput(
                value=value,
                na=na,
                evidence=answer.get("evidence"),
                instruments=answer.get("instruments"),
            )
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

# Bodies are keyed by what they show; the bound only limits an out-of-band edit's life.
SCORE_SECONDS = 300


def _validated_exists():
    return Exists(
        Assessment.objects.filter(
            country_id=OuterRef("country_id"), cycle=OuterRef("cycle"), state=State.VALIDATED
        )
    )


class CompiledRead:
    """A one-row read whose SQL is compiled once per key, with stand-in values where each
    request's own go, and then sent as is: on the hottest reads of the API the ORM's
    building and compiling cost ten times the query itself. The stand-ins are values no
    real request sends; should scoping ever fold one away, the read keeps to the ORM."""

    COUNTRY, CYCLE = "\x00country\x00", 32_767

    def __init__(self, query, *, empty):
        self.query = query  # query(user, country, cycle) -> the Query of a one-row read
        self.empty = empty  # the row when the caller may see nothing
        self.compiled: dict = {}

    def __call__(self, user, key, country=None, cycle=None):
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = self.compile(user, country, cycle)
        if compiled is EmptyResultSet:
            return self.empty
        if compiled == "orm":  # a stand-in was folded away
            sql, params = self.query(user, country, cycle).sql_with_params()
        else:
            sql, template = compiled
            values = {self.COUNTRY: country, self.CYCLE: cycle}
            params = [values.get(p, p) if p in values else p for p in template]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() or self.empty

    def compile(self, user, country, cycle):
        country_in = None if country is None else self.COUNTRY
        cycle_in = None if cycle is None else self.CYCLE
        try:
            sql, params = self.query(user, country_in, cycle_in).sql_with_params()
        except EmptyResultSet:
            return EmptyResultSet
        wanted = [v for v in (country_in, cycle_in) if v is not None]
        return (sql, list(params)) if all(v in params for v in wanted) else "orm"


def as_datetime(value):
    """A datetime column read with a raw cursor: SQLite hands them back as text, or naive."""
    if isinstance(value, str) or (isinstance(value, datetime) and timezone.is_naive(value)):
        return connection.ops.convert_datetimefield_value(value, None, connection)
    return value


def _scores_of(user, country, cycle):
    rows = visible_scores(user).order_by()
    if country is not None:
        rows = rows.filter(country_id=country)
    if cycle is not None:
        rows = rows.filter(cycle=cycle)
    return rows


def _score_row_query(user, country, cycle):
    return _scores_of(user, country, cycle).values_list("id", "computed_at", "stale")[:1].query


def _fingerprint_query(user, country, cycle):
    """One row, no grouping: how many rows, the newest computed_at, the highest id and how
    many are stale."""
    query = _scores_of(user, country, cycle).query.chain()
    query.clear_select_clause()
    figures = {
        "rows": Count("id"),
        "last": Max("computed_at"),
        "top": Max("id"),
        "stale": Count("id", filter=Q(stale=True)),
    }
    for name, aggregate in figures.items():
        query.add_annotation(aggregate, name, select=True)
    return query


_read_score_row = CompiledRead(_score_row_query, empty=None)
_read_fingerprint = CompiledRead(_fingerprint_query, empty=(0, None, None, 0))


def visible_score_row(user, country: str, cycle: int):
    """(id, computed_at, stale) of the consolidated score the user may see, or None."""
    row = _read_score_row(user, principal_of(user), country, cycle)
    if row is None:
        return None
    pk, computed_at, stale = row
    return pk, as_datetime(computed_at), bool(stale)


def visible_scores_fingerprint(user, country: str | None, cycle: int | None) -> tuple:
    """(rows, last computed_at, highest id, stale rows) of the scores a list shows."""
    key = (principal_of(user), country is None, cycle is None)
    rows, last, top, stale = _read_fingerprint(user, key, country, cycle)
    return rows, as_datetime(last), top, stale or 0


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
    never computed per request."""

    serializer_class = ConsolidatedScoreSerializer
    filterset_class = ScoreFilter
    queryset = ConsolidatedScore.objects.none()

    def get_queryset(self):
        return (
            visible_scores(self.request.user)
            .filter(_validated_exists())
            .select_related("framework")
            .order_by("country_id", "cycle")
        )

    def list(self, request, *args, **kwargs):
        # Partners pull this list whole and often: its rendered page is cached behind a
        # fingerprint of the rows it shows, read in one short query. Any recompute moves
        # `computed_at`, any stale mark the stale count, any row coming or going the count.
        # While a score is stale its assessments may be leaving `validated`: read afresh.
        filterset, given = None, {}
        if "country" in request.query_params or "cycle" in request.query_params:
            filterset = ScoreFilter(
                request.query_params, queryset=visible_scores(request.user), request=request
            )
            given = validated_filters(filterset)
        rows, last, top, stale = visible_scores_fingerprint(
            request.user, given.get("country") or None, given.get("cycle")
        )
        fingerprint = {"rows": rows, "last": last, "top": top}
        self._cache_as = None if stale else self._page_key(request, fingerprint)
        if self._cache_as is not None:
            hit = cached_body(self._cache_as, SCORE_SECONDS)
            if hit is not None:
                self._cache_as = None
                content, content_type, etag, link = hit
                response = HttpResponse(content, content_type=content_type)
                if link:
                    response["Link"] = link
                return conditional(request, response, etag=etag)
        shown = filterset.qs if filterset is not None else visible_scores(request.user)
        rows = (
            shown.filter(_validated_exists())
            .select_related("framework")
            .order_by("country_id", "cycle")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([consolidated_json(score) for score in page])

    def _page_key(self, request, fingerprint: dict) -> str:
        principal = principal_of(request.user)
        last = fingerprint["last"].timestamp() if fingerprint["last"] else 0
        scope = (
            fingerprint["rows"],
            last,
            fingerprint["top"],
            principal.role,
            principal.country,
            request.accepted_media_type,
            request.build_absolute_uri(),
        )
        return "api:scores:" + hashlib.sha256(repr(scope).encode()).hexdigest()

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
        # The hot path of partner pulls: one short query, then the body cached behind the
        # row's ETag. A score that is not stale was computed after the last transition into
        # or out of `validated` (each marks it stale in its own transaction), so only a
        # stale one needs asking whether a validated assessment is still there.
        row = visible_score_row(request.user, country, cycle)
        if row is not None and row[2]:
            validated = Assessment.objects.filter(
                country_id=country, cycle=cycle, state=State.VALIDATED
            )
            row = row if validated.exists() else None
        if row is None:
            raise exceptions.NotFound(f"No validated assessment of {country} in cycle {cycle}.")
        pk, computed_at, stale = row
        stamp = computed_at.timestamp() if computed_at else 0
        etag = f'"score-{pk}-{stamp}-{int(stale)}"'
        key = f"api:score:{pk}:{stamp}:{int(stale)}"
        last_modified = None if stale or computed_at is None else computed_at
        response = HttpResponse(content_type="application/json")
        not_modified = conditional(request, response, etag=etag, last_modified=last_modified)
        if not_modified.status_code == status.HTTP_304_NOT_MODIFIED:
            return not_modified
        body = cached_body(key, SCORE_SECONDS)
        if body is None:
            score = ConsolidatedScore.objects.select_related("framework").get(pk=pk)
            body = JSONRenderer().render(consolidated_json(score))
            keep_body(key, body, SCORE_SECONDS)
        response.content = body
        return response
