"""The discussion's pages: each answer's thread shown beside it on the assessment's page,
and the plain form posts that add, edit and mark read its comments (assessments.discussion
decides; these parse and redirect back to the answer)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import discussion
from assessments.choices import State
from assessments.selectors import get_visible_assessment
from coherence.errors import NotFound, Refusal


def attach(request, assessment, sheet) -> None:
    """Give each block of the sheet its thread (`b.thread`) and the sheet what the
    discussion partial needs (`sheet.discussion`): three queries for the whole page."""
    is_open = assessment.state != State.DRAFT
    threads = discussion.threads(assessment, user=request.user) if is_open else {}
    for block in sheet.blocks.values():
        thread = threads.get(block.indicator.pk) or discussion.Thread()
        for comment in thread.comments:
            comment.html = discussion.render_body(comment.body)
        block.thread = thread
    sheet.discussion = {
        "open": is_open,
        "can_write": is_open and discussion.may_write(request.user, assessment),
        "focus": request.GET.get("discussion", ""),
        "max_length": discussion.MAX_LENGTH,
    }


def _back(assessment, code: str):
    """Back to the answer on the assessment's page, its thread open."""
    url = reverse("assessments:detail", args=[assessment.pk])
    return redirect(f"{url}?discussion={code}#discussion-{code}")


def _refused(request, refusal: Refusal, assessment, code: str):
    if isinstance(refusal, NotFound):
        raise Http404(refusal.message)
    messages.error(request, refusal.message)
    return _back(assessment, code)


@login_required
@require_POST
def post(request, pk: int, code: str):
    """Add a comment to one answer's thread."""
    assessment = get_visible_assessment(request.user, pk)
    try:
        discussion.post_comment(
            assessment,
            by=request.user,
            indicator=code,
            body=request.POST.get(f"say-{code}", ""),
        )
    except discussion.DiscussionRefused as refusal:
        return _refused(request, refusal, assessment, code)
    messages.success(request, _("Comment posted on %(code)s.") % {"code": code})
    return _back(assessment, code)


@login_required
@require_POST
def edit(request, pk: int, code: str, comment: int):
    """Change one's own comment, within its edit window."""
    assessment = get_visible_assessment(request.user, pk)
    try:
        discussion.edit_comment(
            assessment,
            by=request.user,
            comment_id=comment,
            body=request.POST.get(f"edit-{comment}", ""),
            indicator=code,
        )
    except discussion.DiscussionRefused as refusal:
        return _refused(request, refusal, assessment, code)
    messages.success(request, _("Comment edited."))
    return _back(assessment, code)


@login_required
@require_POST
def read(request, pk: int, code: str):
    """Mark one answer's thread read: 204 for the page's script, else back to it."""
    assessment = get_visible_assessment(request.user, pk)
    try:
        discussion.mark_read(
            assessment, by=request.user, indicator=code, language=get_language() or ""
        )
    except discussion.DiscussionRefused as refusal:
        return _refused(request, refusal, assessment, code)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return _back(assessment, code)
