"""Attaching and removing evidence documents (DESIGN §7): by the answer's edit rules
(assessments.rules), in one transaction with the assessment row locked, each entering
the document's history — which the answer's history page shows. A refusal stores
nothing: no row, no bytes."""

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.roles import principal_of
from assessments import rules
from assessments.errors import AnswersForbidden, AnswersLocked
from assessments.evidence.checks import Checked, DocumentRefused, check_file
from assessments.models import Answer, Assessment, EvidenceDocument, Indicator
from coherence.choices import Role
from coherence.errors import Invalid, NotFound


class DocumentsRefused(Invalid):
    """Files that cannot be attached; `details` maps each refused file's name to why.
    Nothing of the request is stored."""

    code = "invalid_documents"


def evidence_storage():
    return storages["evidence"]


def attach_documents(
    assessment: Assessment, *, indicator: str, files: Sequence[File], by
) -> list[EvidenceDocument]:
    """Attach `files` (each with a name and a size, readable from the start) to the
    answer to `indicator`, creating an empty answer where there is none. All or nothing:
    one refused file refuses the request, each refused file named with why."""
    principal = principal_of(by)
    most = settings.EVIDENCE_MAX_FILES_PER_UPLOAD
    if not files:
        raise DocumentsRefused(_("No file was given."), {})
    if len(files) > most:
        raise DocumentsRefused(
            _(
                "At most %(max)s files may be attached at once; %(n)s were sent. Nothing was "
                "attached."
            )
            % {"max": most, "n": len(files)},
            {"files": len(files)},
        )
    checked, refused = [], {}
    for file in files:
        try:
            checked.append(check_file(file.name, file, file.size))
        except DocumentRefused as refusal:
            refused[refusal.name] = refusal.why
    if refused:
        raise _refused(refused)
    storage, stored = evidence_storage(), []
    try:
        with transaction.atomic():
            current = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
            found = _indicator(current, indicator)
            answer = Answer.objects.filter(assessment=current, indicator=found).first()
            _check_edit(principal, current, answer)
            _check_quota(current, checked)
            if answer is None:  # an empty answer, to hold the files: no visible change
                (answer,) = Answer.objects.bulk_create(
                    [Answer(assessment=current, indicator=found, updated_by=by)]
                )
            documents = []
            for file, ok in zip(files, checked, strict=True):
                file.seek(0)
                stored.append(storage.save(f"{current.pk}/{uuid.uuid4().hex}", file))
                document = EvidenceDocument(
                    answer=answer,
                    name=ok.name,
                    size=ok.size,
                    content_type=ok.content_type,
                    storage_name=stored[-1],
                    uploaded_by=by,
                )
                document._history_user = by
                document.save()
                documents.append(document)
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return documents


def remove_document(assessment: Assessment, *, document: int, by) -> EvidenceDocument:
    """Mark a document removed from its answer. Its bytes stay: the answer's history
    links to it, for whoever may see the assessment."""
    principal = principal_of(by)
    with transaction.atomic():
        current = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
        found = (
            EvidenceDocument.objects.select_related("answer")
            .filter(pk=document, answer__assessment=current, removed_at__isnull=True)
            .first()
        )
        if found is None:
            raise NotFound(_("No such document on this assessment."))
        _check_edit(principal, current, found.answer)
        found.removed_at, found.removed_by = timezone.now(), by
        found._history_user = by
        found.save(update_fields=["removed_at", "removed_by"])
    return found


def _refused(refused: dict[str, str]) -> DocumentsRefused:
    listed = "; ".join(f"“{name}”: {why}" for name, why in refused.items())
    return DocumentsRefused(_("Nothing was attached. %(listed)s.") % {"listed": listed}, refused)


def _indicator(assessment: Assessment, code: str) -> Indicator:
    indicator = Indicator.objects.filter(version_id=assessment.framework_id, code=code).first()
    if indicator is None or not indicator.in_scope(assessment.perspective):
        raise NotFound(_("No indicator %(code)s in this assessment.") % {"code": code})
    return indicator


def _check_edit(principal, assessment: Assessment, answer: Answer | None) -> None:
    """The answer's edit rules, as for its value: only the assessment's own focal point
    (or the importer); not while submitted or validated; when returned with indicators
    flagged, only those."""
    if principal.role not in (Role.FOCAL_POINT, Role.IMPORTER) or (
        principal.role == Role.FOCAL_POINT and principal.actor_id != assessment.actor_id
    ):
        raise AnswersForbidden(
            _("Only the assessment's own focal point may attach or remove documents.")
        )
    if rules.answers_locked(assessment.state):
        raise AnswersLocked(
            _(
                "The assessment is %(state)s: its answers and documents are locked until it "
                "is returned."
            )
            % {"state": assessment.state},
            {"state": assessment.state},
        )
    flagged = rules.editable_only(
        assessment.state,
        lambda: assessment.answers.filter(flagged=True).values_list("pk", flat=True),
    )
    if flagged is not None and (answer is None or answer.pk not in flagged):
        raise AnswersLocked(
            _("Only the indicators returned for correction may change."),
            {"state": assessment.state},
        )


def _check_quota(assessment: Assessment, checked: list[Checked]) -> None:
    used = (
        EvidenceDocument.objects.filter(
            answer__assessment=assessment, removed_at__isnull=True
        ).aggregate(total=Sum("size"))["total"]
        or 0
    )
    adding = sum(c.size for c in checked)
    limit = settings.EVIDENCE_MAX_BYTES_PER_ASSESSMENT
    if used + adding > limit:
        raise _refused(
            {
                c.name: _(
                    "the assessment's documents would take %(total)s, more than the %(max)s "
                    "allowed per assessment (%(used)s used)"
                )
                % {
                    "total": filesizeformat(used + adding),
                    "max": filesizeformat(limit),
                    "used": filesizeformat(used),
                }
                for c in checked
            }
        )
