"""The discussion in Chromium, a screenshot at each step (test-artifacts/<test>/): a
reviewer comments on an answer (inside the return form of its page); the focal point sees
the unread count on its start page and beside the answer, opens the thread (the count
goes), answers; the reviewer sees the count come on its queue. Every page logs no console
error, breaks no Content-Security-Policy rule and loads nothing from another host."""

import pytest

from assessments import discussion
from assessments.models import Comment, CommentRead
from tests.browser import axe
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import clean, sign_out, snap
from tests.factories import PASSWORD
from tests.pages.conftest import bring_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THREAD = "#discussion-H-INS-01"


def test_reviewer_comments_focal_point_reads_and_answers(page, shot, assessment, users):
    submitted = bring_to(assessment, "submitted", users)
    detail = f"/assessments/{submitted.pk}/"

    # The reviewer opens the thread beside H-INS-01 and comments, with a link and a tag.
    sign_in(page, "cochair", PASSWORD)
    page.goto(detail)
    page.click(f"{THREAD} > summary")
    page.fill("#say-H-INS-01", "Which decree? See https://example.org/eo-2024 <b>now</b>")
    snap(shot, page, "reviewer-writes")
    with page.expect_navigation():
        page.click("#post-H-INS-01")
    assert page.url.endswith(f"{detail}?discussion=H-INS-01#discussion-H-INS-01")
    assert "Comment posted on H-INS-01" in page.inner_text(".messages")
    assert page.get_attribute(THREAD, "open") is not None
    link = page.locator(f"{THREAD} .comment-body a")
    assert link.get_attribute("href") == "https://example.org/eo-2024"
    assert link.get_attribute("rel") == "nofollow noopener noreferrer"
    assert "<b>now</b>" in page.inner_text(f"{THREAD} .comment-body")  # shown as text
    assert Comment.objects.get().by_reviewer is True
    snap(shot, page, "reviewer-posted")
    clean(page)
    sign_out(page)

    # The focal point: one unread comment on its start page and beside the answer.
    sign_in(page, "focal-phl", PASSWORD)
    assert page.inner_text("[data-unread-comments]") == "1 unread comment"
    snap(shot, page, "focal-start-unread")
    page.goto(detail)
    assert page.inner_text(f"{THREAD} > summary .unread-badge") == "1 unread"
    # Opening the thread reads it: the script tells the server, the badge goes.
    page.click(f"{THREAD} > summary")
    page.wait_for_selector(f"{THREAD} > summary .unread-badge", state="detached")
    assert CommentRead.objects.get(user=users["focal_phl"]).last_read == Comment.objects.get().pk
    snap(shot, page, "focal-read")
    page.goto("/")
    assert page.locator("[data-unread-comments]").count() == 0
    clean(page)

    # It answers in the same thread.
    page.goto(detail)
    page.click(f"{THREAD} > summary")
    page.fill("#say-H-INS-01", "Executive Order 2024-12, attached to the evidence.")
    with page.expect_navigation():
        page.click("#post-H-INS-01")
    texts = page.locator(f"{THREAD} .comment-body").all_inner_texts()
    assert texts[-1] == "Executive Order 2024-12, attached to the evidence."
    snap(shot, page, "focal-answered")
    clean(page)
    sign_out(page)

    # The reviewer's queue shows the answer as unread.
    sign_in(page, "cochair", PASSWORD)
    assert page.inner_text("[data-unread-comments]") == "1 unread comment"
    snap(shot, page, "reviewer-queue-unread")
    clean(page)


def test_typing_a_comment_is_not_an_unsaved_answer(page, assessment, users):
    """On the fill-in page of a returned assessment, the thread sits inside the answers
    form: typing a comment must not raise the unsaved-answers warning."""
    returned = bring_to(assessment, "returned", users)
    sign_in(page, "focal-phl", PASSWORD)
    # The link back from a comment's mail or post opens the section holding the answer.
    page.goto(f"/assessments/{returned.pk}/?discussion=H-INS-01")  # its thread open
    page.fill("#say-H-INS-01", "A question back.")
    assert page.is_hidden("[data-dirty-note]")
    with page.expect_navigation():  # no "leave the page?" dialog stops it
        page.click("#post-H-INS-01")
    assert Comment.objects.get().body == "A question back."
    clean(page)


def test_an_edited_comment_opens_its_earlier_version(page, shot, assessment, users):
    """The reader opens the thread, then the comment's earlier versions: a disclosure that
    the keyboard reaches and opens, which axe finds nothing wrong with, open or closed."""
    submitted = bring_to(assessment, "submitted", users)
    comment = discussion.post_comment(
        submitted, by=users["reviewer"], indicator="H-INS-01", body="Which decre?"
    )
    discussion.edit_comment(
        submitted, by=users["reviewer"], comment_id=comment.pk, body="Which decree?"
    )
    sign_in(page, "focal-phl", PASSWORD)
    axe.install(page.context)
    page.goto(f"/assessments/{submitted.pk}/?discussion=H-INS-01")
    versions = page.locator(f"#comment-{comment.pk}-versions")
    assert "edited" in page.inner_text(f"#comment-{comment.pk} .comment-meta")
    assert versions.locator(".comment-body").is_hidden()
    summary = versions.locator("summary")
    assert summary.inner_text() == "Show the earlier version"
    summary.focus()
    page.keyboard.press("Enter")
    assert versions.get_attribute("open") is not None
    assert versions.locator(".comment-body").inner_text() == "Which decre?"
    assert versions.locator(".comment-meta").inner_text().startswith("Posted by cochair · ")
    snap(shot, page, "earlier-version")
    assert axe.summary(axe.violations(page)) == []
    clean(page)
