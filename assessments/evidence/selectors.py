"""Reads of evidence documents that pages, the API and the workbook share: always through
the assessments the user may see (assessments.selectors), 404 for the rest."""

from collections import defaultdict

from django.db.models import QuerySet
from django.http import FileResponse, Http404

from assessments.models import Assessment, EvidenceDocument
from assessments.selectors import visible_assessments


def attached(assessment_ids) -> QuerySet[EvidenceDocument]:
    """The documents attached now (not removed) to the answers of these assessments, with
    their indicator's code and uploader: one query, in upload order."""
    return (
        EvidenceDocument.objects.filter(
            answer__assessment_id__in=assessment_ids, removed_at__isnull=True
        )
        .select_related("uploaded_by", "answer__indicator")
        .only(
            "id",
            "name",
            "size",
            "content_type",
            "uploaded_at",
            "uploaded_by__username",
            "answer__assessment",
            "answer__indicator__code",
        )
        .order_by("uploaded_at", "id")
    )


def documents_by_indicator(assessment: Assessment) -> dict[str, list[EvidenceDocument]]:
    """Indicator code → the documents attached to its answer now."""
    by_code: dict[str, list[EvidenceDocument]] = defaultdict(list)
    for document in attached([assessment.pk]):
        by_code[document.answer.indicator.code].append(document)
    return by_code


def visible_document(user, assessment_pk, document_pk) -> EvidenceDocument:
    """A document of an assessment the user may see — removed ones too, which the answer's
    history links to; Http404 otherwise."""
    try:
        return (
            EvidenceDocument.objects.select_related("answer__indicator")
            .filter(answer__assessment__in=visible_assessments(user))
            .get(pk=document_pk, answer__assessment_id=assessment_pk)
        )
    except (EvidenceDocument.DoesNotExist, ValueError, TypeError):
        raise Http404("No such document.") from None


def file_response(document: EvidenceDocument) -> FileResponse:
    """The document's bytes, streamed from storage: always as an attachment, with the type
    read from its content and `nosniff`, never cached by a shared cache."""
    from assessments.evidence.services import evidence_storage

    try:
        handle = evidence_storage().open(document.storage_name, "rb")
    except FileNotFoundError:
        raise Http404("The document's file is missing from storage.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def with_documents(sheet) -> None:
    """Set `documents` on each block of an answer sheet (the fill-in and review pages):
    the documents attached to its answer now, each with its type's `label`. One query."""
    from assessments.evidence.checks import ACCEPTED

    by_code = documents_by_indicator(sheet.assessment)
    for code, block in sheet.blocks.items():
        block.documents = by_code.get(code, [])
        for document in block.documents:
            document.label = ACCEPTED.get(document.content_type, document.content_type)


def document_history(assessment: Assessment, indicator) -> list[dict]:
    """The answer's history entries of its documents, as the history page lists them: one
    per attachment and one per removal, who and when, each linking to the file (a removed
    one too). One query."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    records = (
        EvidenceDocument.history.filter(
            answer__assessment_id=assessment.pk, answer__indicator_id=indicator.pk
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    for record in records:
        url = reverse("assessments:document", args=[assessment.pk, record.id])
        if record.history_type == "+":
            change = {"before": "", "after": record.name}
        elif record.removed_at is not None:
            change = {"before": record.name, "after": ""}
        else:
            continue
        entries.append(
            {"record": record, "changes": [{"field": _("Evidence document"), "url": url, **change}]}
        )
    return entries


def answers_with_documents(answers, assessment: Assessment) -> None:
    """Set `document_list` on each of the assessment's `answers`: the documents attached to
    it now. One query."""
    by_answer: dict[int, list[EvidenceDocument]] = defaultdict(list)
    for document in attached([assessment.pk]):
        by_answer[document.answer_id].append(document)
    for answer in answers:
        answer.document_list = by_answer.get(answer.pk, [])
