"""The evidence pages: the download view (the only way a document's bytes are served) and
the fill-in page's form fallback, which attaches or removes without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from assessments.evidence.selectors import file_response, visible_document
from assessments.evidence.services import DocumentsRefused, attach_documents, remove_document
from assessments.evidence.uploads import bound_uploads
from assessments.selectors import get_visible_assessment
from coherence.errors import NotFound, Refusal


@login_required
def download(request, pk: int, document: int):
    """A document's bytes, for whoever may see the assessment (removed ones too: the
    answer's history links to them); 404 for anyone else."""
    return file_response(visible_document(request.user, pk, document))


@csrf_exempt
def documents(request, pk: int):
    """The upload handlers are chosen before the CSRF check reads the body."""
    bound_uploads(request)
    return _documents(request, pk)


@csrf_protect
@login_required
@require_POST
def _documents(request, pk: int):
    """Attach the files chosen for one answer (`attach` names its indicator), or remove a
    document (`remove` names it); either way back to the answer on the page, with what was
    done or refused on top."""
    assessment = get_visible_assessment(request.user, pk)
    code = request.POST.get("attach", "")
    try:
        if request.POST.get("remove"):
            try:
                document = int(request.POST["remove"])
            except ValueError:
                raise Http404("No such document.") from None
            done = remove_document(assessment, document=document, by=request.user)
            code = done.answer.indicator.code
            messages.success(request, _("“%(name)s” removed.") % {"name": done.name})
        else:
            if request.evidence_too_many:
                raise DocumentsRefused(_("Too many files at once: nothing was attached."), {})
            if request.evidence_oversized:
                raise DocumentsRefused(
                    _("Nothing was attached: larger than the limit for one file: %(names)s.")
                    % {"names": ", ".join(request.evidence_oversized)}
                )
            files = request.FILES.getlist(f"files-{code}")
            done = attach_documents(assessment, indicator=code, files=files, by=request.user)
            messages.success(
                request,
                _("Attached: %(names)s.") % {"names": ", ".join(d.name for d in done)},
            )
    except Refusal as refusal:
        if isinstance(refusal, NotFound):
            raise Http404(refusal.message) from None
        messages.error(request, refusal.message)
    anchor = f"#ind-{code}" if code else ""
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + anchor)
