"""The discussion's mails sent by a real Celery worker on Redis, through the sweep beat runs
every minute: a comment that has waited the delay is mailed once, a newer one not yet, and
two sweeps (one after the other, or at the same time) mail nobody twice. Runs in CI
(DATABASE_URL and REDIS_URL set); skipped on the embedded defaults."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from assessments import discussion, tasks
from assessments.models import Assessment, Comment, DiscussionMail
from tests.pages.conftest import bring_to

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The worker's own delay: the default (it reads its settings from the environment).
DELAY = 600


def mails():
    return sorted(
        DiscussionMail.objects.values_list("recipient__username", "comments", "assessment_id")
    )


def sweep() -> int:
    """One sweep, run by the worker (as beat would have it), to its end."""
    return tasks.mail_due_comments.delay().get(timeout=30)


def test_the_sweep_mails_a_due_comment_once_and_a_newer_one_not_yet(
    celery_worker_process, assessment, users, fast_password_hashing
):
    submitted = bring_to(assessment, "submitted", users)
    for body in ("Which decree set the committee up?", "And when did it last meet?"):
        discussion.post_comment(submitted, by=users["reviewer"], indicator="H-INS-01", body=body)
    discussion.post_comment(submitted, by=users["focal_phl"], indicator="H-LAB-01", body="Why 5?")
    Comment.objects.update(created_at=timezone.now() - timedelta(seconds=DELAY - 60))

    assert sweep() == 0  # nine minutes old: not yet
    assert mails() == [] and Comment.objects.filter(mailed_at__isnull=True).count() == 3

    Comment.objects.update(created_at=timezone.now() - timedelta(seconds=DELAY + 1))
    assert sweep() == 3
    # The focal point: one mail for the reviewer's two comments. Each reviewer: one mail
    # for the focal point's comment (the other reviewer's are not theirs to be told of).
    expected = [
        ("cochair", 1, submitted.pk),
        ("cochair-phl", 1, submitted.pk),
        ("focal-phl", 2, submitted.pk),
    ]
    assert mails() == expected
    assert Comment.objects.filter(mailed_at__isnull=True).count() == 0

    assert sweep() == 0  # a second sweep: nobody mailed again
    assert mails() == expected


def test_two_sweeps_at_once_mail_once(
    celery_worker_process, assessment, users, fast_password_hashing
):
    submitted = bring_to(assessment, "submitted", users)
    discussion.post_comment(submitted, by=users["reviewer"], indicator="H-INS-01", body="Why?")
    Comment.objects.update(created_at=timezone.now() - timedelta(seconds=DELAY + 1))

    # One sweep in this process holds the assessment, mid-way, while the worker's runs.
    holding, release = threading.Event(), threading.Event()

    def first_sweep():
        try:
            with transaction.atomic():
                Assessment.objects.select_for_update().get(pk=submitted.pk)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=first_sweep)
    thread.start()
    holding.wait(10)
    try:
        assert sweep() == 0  # the worker's skips the assessment another sweep holds
    finally:
        release.set()
        thread.join()
    assert mails() == [] and Comment.objects.get().mailed_at is None

    results = [tasks.mail_due_comments.delay() for _ in range(2)]
    assert sorted(r.get(timeout=30) for r in results) == [0, 1]
    assert mails() == [("focal-phl", 1, submitted.pk)]
