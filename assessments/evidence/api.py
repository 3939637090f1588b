"""The evidence documents of an answer in the API: list, upload (multipart), read, download
and remove, at assessments/{id}/answers/{indicator}/documents/ — scoped as the assessment
is (404 for whoever may not see it)."""

from django.http import HttpResponseNotModified
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from actors.roles import principal_of
from assessments.evidence.checks import ACCEPTED
from assessments.evidence.selectors import attached, file_response, visible_document
from assessments.evidence.services import DocumentsRefused, attach_documents, remove_document
from assessments.evidence.uploads import bound_uploads
from assessments.selectors import get_visible_assessment
from coherence.api.serializers import StrictInputSerializer
from coherence.api.views import APIViewMixin
from coherence.choices import Role

SEES_ASSESSMENTS = (Role.FOCAL_POINT, Role.REVIEWER, Role.IMPORTER, Role.ADMIN)
PREFIX = (
    r"assessments/(?P<assessment_pk>[0-9]{1,18})"
    r"/answers/(?P<indicator>[A-Z][A-Z0-9-]{0,19})/documents"
)
ID = {"type": "string", "pattern": "^[0-9]{1,18}$"}
PATH = [
    OpenApiParameter(
        "assessment_pk", ID, OpenApiParameter.PATH, description="The assessment's id."
    ),
    OpenApiParameter(
        "indicator",
        {"type": "string", "pattern": "^[A-Z][A-Z0-9-]{0,19}$"},
        OpenApiParameter.PATH,
        description="The answer's indicator code.",
    ),
]
DOCUMENT = [
    *PATH,
    OpenApiParameter("id", ID, OpenApiParameter.PATH, description="The document's id."),
]


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The document's id.")
    indicator = serializers.CharField(
        source="answer.indicator.code", help_text="The code of the answer's indicator."
    )
    name = serializers.CharField(help_text="The file's name as uploaded, sanitised.")
    size = serializers.IntegerField(help_text="The file's size in bytes.")
    content_type = serializers.CharField(
        help_text="The media type read from the file's content (never from its name)."
    )
    type = serializers.SerializerMethodField(help_text="The type's short name, e.g. PDF, XLSX.")
    uploaded_by = serializers.CharField(
        source="uploaded_by.username", allow_null=True, help_text="Who attached it."
    )
    uploaded_at = serializers.DateTimeField(help_text="When it was attached.")
    removed = serializers.SerializerMethodField(
        help_text="Whether it was removed from the answer (kept in the answer's history)."
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where its bytes are served, to whoever may see the assessment."
    )

    def get_type(self, document) -> str:
        return ACCEPTED.get(document.content_type, document.content_type)

    def get_removed(self, document) -> bool:
        return "removed_at" in document.__dict__ and document.removed_at is not None

    def get_download_url(self, document) -> str:
        url = reverse(
            "api:evidence-document-download",
            kwargs={
                "assessment_pk": document.answer.assessment_id,
                "indicator": document.answer.indicator.code,
                "pk": document.pk,
            },
        )
        return self.context["request"].build_absolute_uri(url)


class DocumentUploadSerializer(StrictInputSerializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        allow_empty=False,
        help_text="One or more files (repeat the field): PDF, Word, Excel, PowerPoint or "
        "OpenDocument, CSV, PNG or JPEG, read from their content; at most 20 MB each, 200 MB "
        "per assessment, 20 per request. One refused file refuses them all.",
    )


class DocumentsAttachedSerializer(serializers.Serializer):
    documents = DocumentSerializer(many=True, help_text="The documents attached, in order.")


@extend_schema(tags=["assessments"])
class DocumentViewSet(APIViewMixin, viewsets.GenericViewSet):
    """The files attached to one answer as evidence (DESIGN §7)."""

    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser]
    renderer_classes = [JSONRenderer]
    filter_backends = []
    lookup_value_regex = "[0-9]{1,18}"

    def initialize_request(self, request, *args, **kwargs):
        bound_uploads(request)  # before the CSRF check reads the body
        return super().initialize_request(request, *args, **kwargs)

    def check_permissions(self, request):
        super().check_permissions(request)
        if principal_of(request.user).role not in SEES_ASSESSMENTS:
            raise exceptions.NotFound("Not found.")

    def _assessment(self):
        return get_visible_assessment(self.request.user, self.kwargs["assessment_pk"])

    def _documents(self, assessment):
        return attached([assessment.pk]).filter(answer__indicator__code=self.kwargs["indicator"])

    @extend_schema(summary="The documents attached to an answer", parameters=PATH)
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self._documents(self._assessment()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Attach files to an answer (multipart, field `files`, repeated)",
        parameters=PATH,
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentsAttachedSerializer},
    )
    def create(self, request, *args, **kwargs):
        assessment = self._assessment()
        data = request.data  # parsed here: the upload handler's notes are read after
        if request.evidence_too_many:
            raise DocumentsRefused(
                "Too many files in one request: nothing was attached.", {"files": "too many"}
            )
        oversized = request.evidence_oversized
        if oversized:
            raise DocumentsRefused(
                "Nothing was attached: larger than 20 MB: " + ", ".join(oversized) + ".",
                {name: "larger than the limit for one file" for name in oversized},
            )
        serializer = DocumentUploadSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        documents = attach_documents(
            assessment,
            indicator=kwargs["indicator"],
            files=serializer.validated_data["files"],
            by=request.user,
        )
        data = {"documents": self.get_serializer(documents, many=True).data}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One document's details", parameters=DOCUMENT)
    def retrieve(self, request, *args, **kwargs):
        document = self._visible(kwargs["pk"])
        return Response(self.get_serializer(document).data)

    @extend_schema(
        summary="Remove a document from the answer (kept in the answer's history)",
        parameters=DOCUMENT,
        responses={200: DocumentSerializer},
    )
    def destroy(self, request, *args, **kwargs):
        document = self._visible(kwargs["pk"])
        removed = remove_document(self._assessment(), document=document.pk, by=request.user)
        return Response(self.get_serializer(removed).data)

    @extend_schema(
        summary="The document's bytes, as an attachment of the type read from its content",
        parameters=DOCUMENT,
        responses={
            (200, content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, `Content-Disposition: attachment`."
            )
            for content_type in ACCEPTED
        },
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, *args, **kwargs):
        document = self._visible(kwargs["pk"])
        etag = f'"evidence-{document.pk}"'  # a document's bytes never change
        if request.headers.get("If-None-Match") == etag:
            response = HttpResponseNotModified()
        else:
            response = file_response(document)
        response["ETag"] = etag
        return response

    def _visible(self, pk):
        document = visible_document(self.request.user, self.kwargs["assessment_pk"], pk)
        if document.answer.indicator.code != self.kwargs["indicator"]:
            raise exceptions.NotFound("No such document on this answer.")
        return document
