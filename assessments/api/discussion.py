"""The discussion on each answer through the API: list and post an answer's comments, edit
one's own within 15 minutes (assessments.discussion decides)."""

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from assessments import discussion
from coherence.api.errors import ErrorSerializer
from coherence.api.fields import StrictCharField
from coherence.api.serializers import StrictInputSerializer

INDICATOR_CODE = "[A-Z][A-Z0-9-]{0,19}"
COMMENT_ID = "[0-9]{1,18}"
INDICATOR_PATH = rf"answers/(?P<indicator>{INDICATOR_CODE})/comments"
COMMENT_PATH = INDICATOR_PATH + rf"/(?P<comment>{COMMENT_ID})"

PATH_PARAMETERS = [
    OpenApiParameter(
        "indicator",
        str,
        OpenApiParameter.PATH,
        description="The answer's indicator code.",
        pattern=f"^{INDICATOR_CODE}$",
    ),
]
COMMENT_PARAMETER = OpenApiParameter(
    "comment",
    str,
    OpenApiParameter.PATH,
    description="The comment's id.",
    pattern=f"^{COMMENT_ID}$",
)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The comment's id.")
    indicator = serializers.CharField(source="indicator.code", help_text="The answer's indicator.")
    author = serializers.CharField(source="author.username", help_text="Who wrote it.")
    by_reviewer = serializers.BooleanField(
        help_text="Written by a reviewer (else by the assessment's focal point)."
    )
    body = serializers.CharField(help_text="Plain text as written (escape it to show it).")
    created_at = serializers.DateTimeField(help_text="When it was posted (UTC).")
    edited_at = serializers.DateTimeField(
        allow_null=True, help_text="When its author last edited it, or null."
    )
    editable_until = serializers.SerializerMethodField(
        help_text="Until when its author may still edit it (UTC); fixed after."
    )

    def get_editable_until(self, comment) -> str:
        return (comment.created_at + discussion.EDIT_WINDOW).isoformat()


class CommentInputSerializer(StrictInputSerializer):
    # Length and emptiness are the service's to refuse, with the same message as on the
    # page (how long it is, what the limit is); the request's size is bounded before.
    body = StrictCharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Plain text, at most {discussion.MAX_LENGTH} characters; not empty.",
    )


# Actions on one answer's thread: no filters, JSON only.
THREAD = {"filter_backends": [], "renderer_classes": [JSONRenderer]}


class DiscussionMixin:
    """Comment actions of the assessments' viewset (assessments.api.assessments)."""

    def allowed_query_params(self) -> set[str]:
        allowed = super().allowed_query_params()
        if getattr(self, "action", None) == "comments" and self.request.method == "GET":
            allowed |= {"page", "page_size"}
        return allowed

    @extend_schema(
        methods=["GET"],
        summary="An answer's comments, oldest first; reading them marks them read",
        parameters=PATH_PARAMETERS,
        # A draft has no discussion: 409, as for a post.
        responses={200: CommentSerializer(many=True), 409: ErrorSerializer},
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on an answer (the assessment's focal point or a reviewer)",
        parameters=PATH_PARAMETERS,
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path=INDICATOR_PATH, **THREAD)
    def comments(self, request, pk=None, indicator=None):
        assessment = self._visible(pk)
        if request.method == "POST":
            serializer = CommentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            comment = discussion.post_comment(
                assessment,
                by=request.user,
                indicator=indicator,
                body=serializer.validated_data["body"],
            )
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = discussion.comments_of(assessment, user=request.user, indicator=indicator)
        page = self.paginate_queryset(comments)
        discussion.mark_read(
            assessment, by=request.user, indicator=indicator, language=get_language() or ""
        )
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(
        summary="Edit one's own comment, within 15 minutes of posting it",
        parameters=[*PATH_PARAMETERS, COMMENT_PARAMETER],
        request=CommentInputSerializer,
        responses={200: CommentSerializer},
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=COMMENT_PATH,
        url_name="comment",
        pagination_class=None,
        **THREAD,
    )
    def comment(self, request, pk=None, indicator=None, comment=None):
        assessment = self._visible(pk)
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edited = discussion.edit_comment(
            assessment,
            by=request.user,
            comment_id=int(comment),
            body=serializer.validated_data["body"],
            indicator=indicator,
        )
        return Response(CommentSerializer(edited).data)
