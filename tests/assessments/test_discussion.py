"""The discussion on each answer (DESIGN §7), through its service functions: who writes,
what is refused (with nothing stored), the 15-minute edit window, the edit history, unread
counts, how a comment is shown, and the batched mails (tasks in process, locmem mail)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from assessments import discussion
from assessments.discussion import (
    CommentFixed,
    CommentForbidden,
    CommentInvalid,
    DiscussionClosed,
    ThreadNotFound,
)
from assessments.models import Comment, DiscussionMail
from coherence.errors import Forbidden, Invalid, NotFound, WrongState
from tests.pages.conftest import bring_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def submitted(assessment, users):
    return bring_to(assessment, "submitted", users)


def post(assessment, user, code="H-INS-01", body="Which decree?"):
    return discussion.post_comment(assessment, by=user, indicator=code, body=body)


def test_focal_point_and_reviewer_talk_on_one_answer(submitted, users):
    post(submitted, users["reviewer"], body="Which decree set the committee up?")
    post(submitted, users["focal_phl"], body="Executive Order 2024-12.")
    thread = list(discussion.comments_of(submitted, user=users["reviewer"], indicator="H-INS-01"))
    assert [(c.author.username, c.by_reviewer, c.body) for c in thread] == [
        ("cochair", True, "Which decree set the committee up?"),
        ("focal-phl", False, "Executive Order 2024-12."),
    ]
    # Another answer's thread is its own.
    assert (
        list(discussion.comments_of(submitted, user=users["reviewer"], indicator="H-LAB-01")) == []
    )


def test_a_draft_has_no_discussion(assessment, users):
    with pytest.raises(DiscussionClosed) as refused:
        post(assessment, users["focal_phl"])
    assert isinstance(refused.value, WrongState)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("state", ["returned", "validated"])
def test_every_state_but_draft_is_open(assessment, users, state):
    assessment = bring_to(assessment, state, users)
    post(assessment, users["focal_phl"])
    post(assessment, users["reviewer"])
    assert Comment.objects.filter(assessment=assessment).count() == 2


def test_other_actors_and_partners_do_not_write(submitted, users):
    for name in ("focal_phl_health", "focal_mda", "partner"):
        with pytest.raises(CommentForbidden) as refused:
            post(submitted, users[name])
        assert isinstance(refused.value, Forbidden)
    assert Comment.objects.count() == 0


def test_an_indicator_out_of_the_assessment_is_not_found(submitted, users):
    with pytest.raises(ThreadNotFound) as refused:
        post(submitted, users["reviewer"], code="X-NONE-01")
    assert isinstance(refused.value, NotFound)


@pytest.mark.parametrize("body", ["", "   \n  ", None])
def test_an_empty_comment_is_refused(submitted, users, body):
    with pytest.raises(CommentInvalid) as refused:
        post(submitted, users["reviewer"], body=body)
    assert isinstance(refused.value, Invalid)
    assert "empty" in refused.value.message
    assert Comment.objects.count() == 0


def test_a_one_megabyte_comment_is_refused_with_its_length(submitted, users):
    with pytest.raises(CommentInvalid) as refused:
        post(submitted, users["reviewer"], body="x" * 1_048_576)
    assert refused.value.message == (
        "A comment has at most 5,000 characters; this one has 1,048,576. Nothing was saved."
    )
    assert Comment.objects.count() == 0
    post(submitted, users["reviewer"], body="y" * 5000)  # the limit itself is fine
    assert Comment.objects.get().body == "y" * 5000


def test_the_author_edits_within_15_minutes_then_it_is_fixed(submitted, users):
    comment = post(submitted, users["reviewer"], body="Whch decree?")
    discussion.edit_comment(submitted, by=users["reviewer"], comment_id=comment.pk, body="Which?")
    comment.refresh_from_db()
    assert comment.body == "Which?" and comment.edited_at is not None
    # 14 minutes 59 seconds after posting: still open.
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=14, seconds=59)
    )
    discussion.edit_comment(
        submitted, by=users["reviewer"], comment_id=comment.pk, body="Which one?"
    )
    # Past 15 minutes: fixed, and nothing changes.
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=15, seconds=1)
    )
    with pytest.raises(CommentFixed) as refused:
        discussion.edit_comment(submitted, by=users["reviewer"], comment_id=comment.pk, body="No")
    assert isinstance(refused.value, WrongState)
    comment.refresh_from_db()
    assert comment.body == "Which one?"


def test_only_the_author_edits(submitted, users):
    comment = post(submitted, users["reviewer"])
    for name in ("reviewer_phl", "focal_phl"):
        with pytest.raises(CommentForbidden):
            discussion.edit_comment(submitted, by=users[name], comment_id=comment.pk, body="Mine")
    assert Comment.objects.get().body == "Which decree?"


def test_every_edit_is_kept_in_the_history(submitted, users):
    comment = post(submitted, users["focal_phl"], body="first")
    for text in ("second", "third"):
        discussion.edit_comment(submitted, by=users["focal_phl"], comment_id=comment.pk, body=text)
    bodies = list(comment.history.order_by("history_date").values_list("body", flat=True))
    assert bodies == ["first", "second", "third"]


def test_comments_are_never_deleted(submitted, users):
    comment = post(submitted, users["reviewer"])
    with pytest.raises(Exception, match="never deleted"):
        comment.delete()
    assert Comment.objects.count() == 1


def test_unread_counts_go_when_read_and_come_with_the_other_side(submitted, users):
    focal, reviewer = users["focal_phl"], users["reviewer"]
    post(submitted, reviewer, code="H-INS-01")
    post(submitted, reviewer, code="H-INS-01")
    post(submitted, reviewer, code="H-LAB-01")
    assert discussion.unread_counts(focal, [submitted.pk]) == {submitted.pk: 3}
    assert discussion.unread_counts(reviewer, [submitted.pk]) == {}  # one's own are read
    threads = discussion.threads(submitted, user=focal)
    by_code = {c.indicator.code: t.unread for t in threads.values() for c in t.comments[:1]}
    assert by_code == {"H-INS-01": 2, "H-LAB-01": 1}
    discussion.mark_read(submitted, by=focal, indicator="H-INS-01")
    assert discussion.unread_counts(focal, [submitted.pk]) == {submitted.pk: 1}
    # Answering a thread reads it.
    post(submitted, focal, code="H-LAB-01", body="Done.")
    assert discussion.unread_counts(focal, [submitted.pk]) == {}
    assert discussion.unread_counts(reviewer, [submitted.pk]) == {submitted.pk: 1}
    # A second reviewer has read nothing yet: every comment but its own is new to it.
    assert discussion.unread_counts(users["reviewer_phl"], [submitted.pk]) == {submitted.pk: 4}


# --- How a comment is shown -----------------------------------------------------------------


def test_a_script_stays_text():
    html = discussion.render_body('<script>alert("x")</script> & <b>bold</b>')
    assert "<script" not in html and "<b>" not in html
    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    )


def test_http_links_are_links_that_leave_without_context():
    html = discussion.render_body("See https://example.org/decree?a=1&b=2. And http://x.ph")
    assert html == (
        'See <a href="https://example.org/decree?a=1&amp;b=2" rel="nofollow noopener noreferrer">'
        "https://example.org/decree?a=1&amp;b=2</a>. And "
        '<a href="http://x.ph" rel="nofollow noopener noreferrer">http://x.ph</a>'
    )


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)//https://x",
        "data:text/html,<script>alert(1)</script>",
        "mailto:someone@example.org",
        'https://example.org/"onmouseover="alert(1)',
    ],
)
def test_no_other_scheme_becomes_a_link_nor_breaks_out(text):
    html = str(discussion.render_body(text))
    assert 'href="javascript' not in html.lower()
    assert 'href="data' not in html and 'href="mailto' not in html
    assert '"onmouseover' not in html and "<script" not in html


def test_line_breaks_are_kept():
    assert discussion.render_body("one\ntwo") == "one<br>two"


# --- Mails (the sweep beat runs every minute, called here directly) -------------------------


def age(seconds: int) -> None:
    """Every comment so far was posted that many seconds ago."""
    Comment.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_a_comment_is_mailed_once_it_has_waited_the_delay(submitted, users):
    post(submitted, users["focal_phl"], body="First point.")
    post(submitted, users["focal_phl"], body="Second point.")
    age(599)
    assert discussion.send_due_mails() == 0  # not yet: 10 minutes have not passed
    assert mail.outbox == [] and not Comment.objects.filter(mailed_at__isnull=False).exists()
    age(601)
    assert discussion.send_due_mails() == 2
    # Both reviewers, once each, both comments in one mail; the focal point (the writer's
    # side) not at all.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "cochair-phl@example.org",
        "cochair@example.org",
    ]
    assert DiscussionMail.objects.count() == 2
    assert set(DiscussionMail.objects.values_list("comments", flat=True)) == {2}
    body = mail.outbox[0].body
    assert "First point." in body and "Second point." in body and "H-INS-01" in body
    assert f"http://127.0.0.1:8000/assessments/{submitted.pk}/" in body
    assert mail.outbox[0].subject.startswith("New comments on Department of Migrant Workers")
    assert not Comment.objects.filter(mailed_at__isnull=True).exists()


def test_a_second_sweep_mails_nobody_again(submitted, users):
    post(submitted, users["reviewer"], body="Which decree?")
    age(700)
    assert discussion.send_due_mails() == 1
    assert discussion.send_due_mails() == 0
    assert len(mail.outbox) == 1 and DiscussionMail.objects.count() == 1


def test_a_reviewer_comment_mails_the_assessments_focal_point_only(submitted, users):
    post(submitted, users["reviewer"], body="Which decree?")
    age(601)
    discussion.send_due_mails()
    assert [m.to for m in mail.outbox] == [["focal-phl@example.org"]]


def test_a_comment_read_in_time_is_not_mailed(submitted, users):
    post(submitted, users["reviewer"], body="Which decree?")
    discussion.mark_read(submitted, by=users["focal_phl"], indicator="H-INS-01")
    age(601)
    assert discussion.send_due_mails() == 0
    assert mail.outbox == []
    assert not Comment.objects.filter(mailed_at__isnull=True).exists()  # dealt with all the same


def test_a_later_comment_rides_with_the_due_one_and_the_next_waits_its_turn(submitted, users):
    post(submitted, users["reviewer"], body="One.")
    age(601)
    post(submitted, users["reviewer"], body="Two.")  # posted just now: it rides along
    assert discussion.send_due_mails() == 1
    assert "One." in mail.outbox[0].body and "Two." in mail.outbox[0].body
    post(submitted, users["reviewer"], body="Three.")
    assert discussion.send_due_mails() == 0  # at most one mail in the delay
    Comment.objects.filter(body="Three.").update(created_at=timezone.now() - timedelta(seconds=601))
    assert discussion.send_due_mails() == 1
    assert "Three." in mail.outbox[1].body and "One." not in mail.outbox[1].body


def test_the_mail_is_in_the_language_the_recipient_reads_in(submitted, users):
    discussion.mark_read(submitted, by=users["focal_phl"], indicator="H-INS-01", language="fr")
    post(submitted, users["reviewer"], body="Quel décret ?")
    age(601)
    discussion.send_due_mails()
    assert mail.outbox[0].subject.startswith("Nouveaux commentaires")


def test_a_mail_server_that_fails_leaves_the_comments_for_the_next_sweep(
    submitted, users, settings
):
    post(submitted, users["reviewer"], body="Which decree?")
    age(601)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with pytest.raises(OSError):
        discussion.send_due_mails()
    assert Comment.objects.get().mailed_at is None and not DiscussionMail.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert discussion.send_due_mails() == 1
    assert [m.to for m in mail.outbox] == [["focal-phl@example.org"]]


def test_beat_runs_the_sweep_every_minute(settings):
    from assessments import tasks

    sweeps = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("_comments")]
    assert [(e["task"], e["schedule"]) for e in sweeps] == [(tasks.mail_due_comments.name, 60.0)]


def test_comments_from_before_the_sweep_are_not_mailed_again(submitted, users):
    """The migration to the sweep: comments already in a mail, or old enough that their
    mail task has run, count as mailed; one still waiting for its task is left to the
    sweep."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("assessments.migrations.0007_comment_mailed_at")
    now = timezone.now()
    old = post(submitted, users["reviewer"], body="Old.")
    in_a_mail = post(submitted, users["reviewer"], body="In a mail.")
    waiting = post(submitted, users["reviewer"], body="Waiting.")
    Comment.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=2))
    Comment.objects.filter(pk=in_a_mail.pk).update(created_at=now - timedelta(seconds=300))
    DiscussionMail.objects.create(
        assessment=submitted,
        recipient=users["focal_phl"],
        comments=1,
        sent_at=now - timedelta(seconds=200),
    )
    Comment.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(seconds=100))

    migration.mark_mailed_before(apps, None)

    mailed = dict(Comment.objects.values_list("body", "mailed_at"))
    assert mailed["Old."] == Comment.objects.get(pk=old.pk).created_at
    assert mailed["In a mail."] is not None and mailed["Waiting."] is None
