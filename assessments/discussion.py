"""The discussion on each answer (DESIGN §7): a thread per assessment and indicator between
the assessment's focal point and the reviewers, once it is no longer a draft.

Every entry point — the pages, the API, the mail task — calls these functions. Comments
are never deleted; their author may edit them for EDIT_WINDOW, every edit kept in their
history. The other side is mailed, batched, by a sweep that Celery beat runs every minute:
once an assessment's oldest comment not yet mailed is mail_delay() old, each recipient gets
one mail with every comment not yet mailed that it has not read.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from actors.roles import principal_of
from assessments.choices import State
from assessments.models import Assessment, Comment, CommentRead, DiscussionMail, Indicator
from coherence.choices import Role
from coherence.errors import Forbidden, Invalid, NotFound, Refusal, WrongState

MAX_LENGTH = 5000
EDIT_WINDOW = timedelta(minutes=15)


def mail_delay() -> int:
    """Seconds a comment waits, unread, before it is mailed; hence also the least between
    two mails to one recipient about one assessment (a mail carries every comment not yet
    mailed, so the next one waits for a later comment to be this old)."""
    return getattr(settings, "DISCUSSION_MAIL_DELAY", 600)


# --- Refusals -------------------------------------------------------------------------------


class DiscussionRefused(Refusal):
    code = "comment_refused"


class ThreadNotFound(DiscussionRefused, NotFound):
    """No such answer (indicator in scope) or comment in this assessment."""

    code = "not_found"


class DiscussionClosed(DiscussionRefused, WrongState):
    """A draft has no discussion."""


class CommentForbidden(DiscussionRefused, Forbidden):
    """Only the assessment's focal point and reviewers write; only the author edits."""


class CommentFixed(DiscussionRefused, WrongState):
    """The edit window has passed."""


class CommentInvalid(DiscussionRefused, Invalid):
    """Empty or too long."""


# --- Who may read and write -----------------------------------------------------------------


def may_write(user, assessment: Assessment) -> bool:
    """The assessment's own focal points and the reviewers, once it is not a draft."""
    if assessment.state == State.DRAFT:
        return False
    principal = principal_of(user)
    if principal.is_reviewer:
        return True
    return principal.is_focal_point and principal.actor_id == assessment.actor_id


def _check_open(assessment: Assessment) -> None:
    if assessment.state == State.DRAFT:
        raise DiscussionClosed(
            _("A draft has no discussion: comments open once the assessment is submitted."),
            {"state": assessment.state},
        )


def _indicator(assessment: Assessment, code: str) -> Indicator:
    indicator = Indicator.objects.filter(version_id=assessment.framework_id, code=code).first()
    if indicator is None or not indicator.in_scope(assessment.perspective):
        raise ThreadNotFound(
            _("No answer %(code)s in this assessment.") % {"code": code}, {"indicator": code}
        )
    return indicator


def _clean_body(body) -> str:
    text = (body or "").replace("\r\n", "\n").strip() if isinstance(body, str) else ""
    if not text:
        raise CommentInvalid(_("The comment is empty: write something."), {"body": "empty"})
    if len(text) > MAX_LENGTH:
        raise CommentInvalid(
            _("A comment has at most %(max)s characters; this one has %(n)s. Nothing was saved.")
            % {"max": f"{MAX_LENGTH:,}", "n": f"{len(text):,}"},
            {"body": "too_long", "max_length": MAX_LENGTH, "length": len(text)},
        )
    return text


def _writer(user, assessment: Assessment) -> bool:
    """Whether the writer is a reviewer; refused for anyone but the two sides."""
    _check_open(assessment)
    if not may_write(user, assessment):
        raise CommentForbidden(
            _("Only the assessment's focal point and the reviewers take part in its discussion."),
            {"role": principal_of(user).role},
        )
    return principal_of(user).is_reviewer


# --- Writes ---------------------------------------------------------------------------------


def post_comment(assessment: Assessment, *, by, indicator: str, body: str) -> Comment:
    """Add a comment to one answer's thread; the writer has read the thread by then. The
    other side is mailed it by the sweep (send_due_mails) mail_delay() later if unread."""
    by_reviewer = _writer(by, assessment)
    target = _indicator(assessment, indicator)
    text = _clean_body(body)
    with transaction.atomic():
        # Serialises comments with the mail sweep: a comment stamped before a mail's read
        # is in that mail.
        Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        comment = Comment(
            assessment=assessment,
            indicator=target,
            author=by,
            by_reviewer=by_reviewer,
            body=text,
            created_at=timezone.now(),
        )
        comment._history_user = by
        comment.save()
        _read_up_to(by, assessment, target, comment.pk)
    return comment


def edit_comment(
    assessment: Assessment, *, by, comment_id: int, body: str, indicator: str | None = None
) -> Comment:
    """Change a comment's text: its author only, within EDIT_WINDOW of posting it. The text
    before is kept in the comment's history. `indicator`: the thread it must be in."""
    _check_open(assessment)
    text = _clean_body(body)
    found = Comment.objects.select_for_update().filter(assessment_id=assessment.pk, pk=comment_id)
    if indicator is not None:
        found = found.filter(indicator__code=indicator)
    with transaction.atomic():
        comment = found.select_related("indicator").first()
        if comment is None:
            raise ThreadNotFound(_("No such comment."), {"comment": comment_id})
        if comment.author_id != by.pk:
            raise CommentForbidden(_("Only its author edits a comment."), {"comment": comment_id})
        if timezone.now() - comment.created_at > EDIT_WINDOW:
            raise CommentFixed(
                _("A comment may be edited for 15 minutes after it is posted; this one is fixed."),
                {"comment": comment_id, "created_at": comment.created_at.isoformat()},
            )
        if comment.body != text:
            comment.body = text
            comment.edited_at = timezone.now()
            comment._change_reason = "edit"
            comment._history_user = by
            comment.save(update_fields=["body", "edited_at"])
    return comment


def mark_read(assessment: Assessment, *, by, indicator: str, language: str = "") -> int:
    """The user has read one answer's thread to its newest comment; returns that id."""
    _check_open(assessment)
    target = _indicator(assessment, indicator)
    newest = (
        Comment.objects.filter(assessment_id=assessment.pk, indicator_id=target.pk)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    ) or 0
    _read_up_to(by, assessment, target, newest, language=language)
    return newest


def _read_up_to(user, assessment, indicator, last: int, *, language: str = "") -> None:
    defaults = {"last_read": last}
    if language:
        defaults["language"] = language
    marker, created = CommentRead.objects.get_or_create(
        user=user, assessment=assessment, indicator=indicator, defaults=defaults
    )
    if not created and (marker.last_read < last or (language and marker.language != language)):
        CommentRead.objects.filter(pk=marker.pk).update(
            last_read=max(marker.last_read, last),
            language=language or marker.language,
            at=timezone.now(),
        )


# --- Reads ----------------------------------------------------------------------------------


def comments_of(assessment: Assessment, *, user, indicator: str):
    """One answer's thread, oldest first (the caller sees the assessment)."""
    _check_open(assessment)
    target = _indicator(assessment, indicator)
    return (
        Comment.objects.filter(assessment_id=assessment.pk, indicator_id=target.pk)
        .select_related("author", "indicator")
        .order_by("id")
    )


def _unread(user):
    """Comments by others that the user has not read."""
    seen = CommentRead.objects.filter(
        user_id=user.pk,
        assessment_id=OuterRef("assessment_id"),
        indicator_id=OuterRef("indicator_id"),
        last_read__gte=OuterRef("pk"),
    )
    return Comment.objects.exclude(author_id=user.pk).filter(~Exists(seen))


def unread_counts(user, assessment_ids) -> dict[int, int]:
    """Assessment id → comments unread by the user, in one query."""
    ids = list(assessment_ids)
    if not ids or not user.is_authenticated:
        return {}
    rows = (
        _unread(user)
        .filter(assessment_id__in=ids)
        .values_list("assessment_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def with_unread(assessments: list, user) -> list:
    """Set `unread_comments` on each assessment (one query for all)."""
    counts = unread_counts(user, [a.pk for a in assessments])
    for assessment in assessments:
        assessment.unread_comments = counts.get(assessment.pk, 0)
    return assessments


@dataclass
class Thread:
    """One answer's comments as the page shows them."""

    comments: list = field(default_factory=list)
    unread: int = 0


def threads(assessment: Assessment, *, user) -> dict[int, Thread]:
    """Indicator id → its thread, for the whole assessment in two queries; empty for a
    draft."""
    if assessment.state == State.DRAFT:
        return {}
    markers = dict(
        CommentRead.objects.filter(user_id=user.pk, assessment_id=assessment.pk).values_list(
            "indicator_id", "last_read"
        )
    )
    now = timezone.now()
    result: dict[int, Thread] = {}
    comments = (
        Comment.objects.filter(assessment_id=assessment.pk).select_related("author").order_by("id")
    )
    comments = list(comments)
    earlier = earlier_versions([c for c in comments if c.edited_at is not None])
    for comment in comments:
        thread = result.setdefault(comment.indicator_id, Thread())
        comment.is_unread = comment.author_id != user.pk and comment.pk > markers.get(
            comment.indicator_id, 0
        )
        comment.editable = comment.author_id == user.pk and now - comment.created_at <= EDIT_WINDOW
        comment.earlier_versions = earlier.get(comment.pk, [])
        thread.unread += comment.is_unread
        thread.comments.append(comment)
    return result


@dataclass
class Version:
    """A comment's text as it read before an edit: who wrote it, and when."""

    body: str
    by: object
    at: object

    @property
    def html(self) -> SafeString:
        return render_body(self.body)


def earlier_versions(comments) -> dict[int, list[Version]]:
    """Comment id → its texts before the current one, oldest first, from its history: one
    query for all the comments given, none when none was edited."""
    edited = {c.pk: c for c in comments if c.edited_at is not None}
    if not edited:
        return {}
    rows = (
        Comment.history.filter(id__in=list(edited))
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    versions: dict[int, list[Version]] = {}
    for row in rows:
        comment = edited[row.id]
        versions.setdefault(row.id, []).append(
            Version(
                body=row.body,
                by=row.history_user or comment.author,
                at=row.created_at if row.history_type == "+" else row.edited_at or row.history_date,
            )
        )
    # The newest version is the comment as it reads now.
    return {pk: found[:-1] for pk, found in versions.items() if len(found) > 1}


# --- Showing a comment ----------------------------------------------------------------------

# http and https links only; trailing punctuation belongs to the sentence.
LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}'\""


def render_body(text: str) -> SafeString:
    """The comment as HTML: every character escaped, line breaks kept, http(s) URLs made
    links that leave the site without its context (rel nofollow noopener)."""
    pieces, position = [], 0
    for match in LINK.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        end = match.start() + len(url)
        pieces.append(format_html("{}", text[position : match.start()]))
        pieces.append(
            format_html('<a href="{}" rel="nofollow noopener noreferrer">{}</a>', url, url)
        )
        position = end
    pieces.append(format_html("{}", text[position:]))
    html = "".join(pieces).replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 — every piece is format_html's, escaped


# --- Mail -----------------------------------------------------------------------------------


def _recipients(assessment: Assessment, *, reviewers: bool):
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if reviewers:
        return users.filter(membership__role=Role.REVIEWER)
    return users.filter(membership__role=Role.FOCAL_POINT, membership__actor_id=assessment.actor_id)


def send_due_mails(*, now=None) -> int:
    """The mail sweep (every minute, Celery beat): for each assessment whose oldest comment
    not yet mailed is mail_delay() old, mail each recipient of the other side the comments
    not yet mailed that it has not read, and mark them mailed — in one transaction per
    assessment, so a second or a concurrent sweep mails nobody twice. Returns the number
    of mails sent."""
    now = now or timezone.now()
    due = (
        Comment.objects.filter(
            mailed_at__isnull=True, created_at__lte=now - timedelta(seconds=mail_delay())
        )
        .values_list("assessment_id", flat=True)
        .distinct()
        .order_by()
    )
    return sum(_send_mails(assessment_id, now=now) for assessment_id in list(due))


def _send_mails(assessment_id: int, *, now) -> int:
    with transaction.atomic():
        # The lock serialises the sweep with comments (post_comment takes it too): a comment
        # committed before the sweep's read is in its mail, one after waits for the next.
        # A concurrent sweep holding it already deals with this assessment: skip it.
        assessment = (
            Assessment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("actor", "country")
            .filter(pk=assessment_id)
            .first()
        )
        if assessment is None:
            return 0
        pending = list(
            Comment.objects.filter(assessment=assessment, mailed_at__isnull=True)
            .select_related("author", "indicator")
            .order_by("id")
        )
        if not pending:  # another sweep has mailed them since this one looked
            return 0
        messages = []
        if assessment.state != State.DRAFT:
            for reviewers in (True, False):
                side = [c for c in pending if c.by_reviewer != reviewers]
                if side:
                    for user in _recipients(assessment, reviewers=reviewers):
                        message = _mail_for(assessment, user, side, now=now)
                        if message is not None:
                            messages.append(message)
        marked = Comment.objects.filter(
            pk__in=[c.pk for c in pending], mailed_at__isnull=True
        ).update(mailed_at=now)
        if marked != len(pending):  # cannot happen under the lock; never mail twice
            transaction.set_rollback(True)
            return 0
        if messages:
            DiscussionMail.objects.bulk_create([record for _m, record in messages])
            # Last: a mail server that fails rolls the marks back; the next sweep retries.
            get_connection().send_messages([m for m, _record in messages])
    return len(messages)


def _mail_for(assessment, user, comments, *, now):
    """The mail to one recipient, with its record; None when it has read them all (or
    wrote them)."""
    read = dict(
        CommentRead.objects.filter(user=user, assessment=assessment).values_list(
            "indicator_id", "last_read"
        )
    )
    new = [c for c in comments if c.author_id != user.pk and c.pk > read.get(c.indicator_id, 0)]
    if not new:
        return None
    language = (
        CommentRead.objects.filter(user=user)
        .exclude(language="")
        .order_by("-at")
        .values_list("language", flat=True)
        .first()
    ) or settings.LANGUAGE_CODE
    link = settings.SITE_URL.rstrip("/") + reverse("assessments:detail", args=[assessment.pk])
    with translation.override(language):
        subject = _("New comments on %(actor)s — %(country)s %(cycle)s") % {
            "actor": assessment.actor.name,
            "country": assessment.country.name,
            "cycle": assessment.cycle,
        }
        body = render_to_string(
            "assessments/discussion_mail.txt",
            {"assessment": assessment, "comments": new, "link": link, "user": user},
        )
    message = EmailMessage(subject=subject, body=body, to=[user.email])
    record = DiscussionMail(assessment=assessment, recipient=user, comments=len(new), sent_at=now)
    return message, record
