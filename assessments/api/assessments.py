"""Assessments scoped by role, their answers, transitions and scores."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from actors.models import Actor
from actors.roles import principal_of
from assessments.api.discussion import DiscussionMixin
from assessments.api.score_serializers import AssessmentScoreSerializer
from assessments.api.serializers import (
    AnswersInputSerializer,
    AnswersSavedSerializer,
    AssessmentCreateSerializer,
    AssessmentDetailSerializer,
    AssessmentFilter,
    AssessmentSerializer,
    NoInputSerializer,
    ReasonSerializer,
    ReturnSerializer,
    TransitionResultSerializer,
)
from assessments.choices import Action
from assessments.errors import TransitionForbidden, TransitionWrongState
from assessments.evidence.selectors import answers_with_documents as with_documents
from assessments.models import (
    Answer,
    Assessment,
    AssessmentScore,
)
from assessments.selectors import get_visible_assessment, visible_assessments
from assessments.services import (
    KEEP,
    TRANSITION_FUNCTIONS,
    TRANSITIONS,
    AnswerInput,
    allowed_transitions,
    create_assessment,
    return_for_correction,
    save_answers,
)
from assessments.stocktake.api import StocktakeActions
from coherence.api.errors import APIError
from coherence.api.views import ReadOnlyViewSet
from coherence.choices import (
    Role,
)

SEES_ASSESSMENTS = (Role.FOCAL_POINT, Role.REVIEWER, Role.IMPORTER, Role.ADMIN)
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
class AssessmentViewSet(
    DiscussionMixin,
    StocktakeActions,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ReadOnlyViewSet,
):
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
        with_documents(assessment.answer_list, assessment)
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
        # A refusal answers by its kind (coherence.api.errors): a lost race to start the
        # same one included.
        assessment = create_assessment(
            actor=actor,
            cycle=serializer.validated_data["cycle"],
            perspective=serializer.validated_data["perspective"],
            by=request.user,
        )
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
        result = save_answers(
            assessment,
            by=request.user,
            version=serializer.validated_data["version"],
            answers=inputs,
        )
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
            if serializer.validated_data.get("stocktake"):  # a return flagging entries
                done = return_for_correction(
                    assessment,
                    by=request.user,
                    reason=serializer.validated_data.get("reason", ""),
                    indicators=serializer.validated_data.get("indicators") or None,
                    stocktake=serializer.validated_data["stocktake"],
                )
            else:
                done = TRANSITION_FUNCTIONS[action_name](
                    assessment,
                    by=request.user,
                    reason=serializer.validated_data.get("reason", ""),
                    indicators=serializer.validated_data.get("indicators") or None,
                )
        except TransitionWrongState:
            if principal.role in rule.roles:
                raise
            # Refused for its state first, but this role may never do it at all.
            allowed = " or ".join(str(Role(role).label).lower() for role in rule.roles)
            raise TransitionForbidden(
                f"Only a {allowed} may {action_name} an assessment.",
                {"role": principal.role, "allowed_roles": list(rule.roles)},
            ) from None
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
