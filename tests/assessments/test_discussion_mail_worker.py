"""The discussion's mails sent by a real Celery worker on Redis, batched: two comments in a
row make one mail to each recipient of the other side. Runs in CI (DATABASE_URL and
REDIS_URL set); skipped on the embedded defaults."""

import pytest

from assessments import discussion
from assessments.models import DiscussionMail
from coherence.celery import app
from tests.pages.conftest import bring_to
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def nothing_left_to_run() -> bool:
    """No task waiting for its countdown, none running, none queued."""
    inspect = app.control.inspect(timeout=1.0)
    scheduled, active, reserved = inspect.scheduled(), inspect.active(), inspect.reserved()
    if scheduled is None or active is None or reserved is None:
        return False
    waiting = [*scheduled.values(), *active.values(), *reserved.values()]
    return not any(waiting)


def test_two_comments_in_a_row_make_one_mail(
    celery_worker_process, assessment, users, settings, fast_password_hashing
):
    settings.DISCUSSION_MAIL_DELAY = 2  # the countdown the web side gives the task
    submitted = bring_to(assessment, "submitted", users)
    for body in ("Which decree set the committee up?", "And when did it last meet?"):
        discussion.post_comment(submitted, by=users["reviewer"], indicator="H-INS-01", body=body)
    discussion.post_comment(submitted, by=users["focal_phl"], indicator="H-LAB-01", body="Why 5?")

    wait_for(lambda: DiscussionMail.objects.exists())
    wait_for(nothing_left_to_run)  # the later comments' tasks have run too
    mails = sorted(
        DiscussionMail.objects.values_list("recipient__username", "comments", "assessment_id")
    )
    # The focal point: one mail for the reviewer's two comments. Each reviewer: one mail
    # for the focal point's comment (the other reviewer's are not theirs to be told of).
    assert mails == [
        ("cochair", 1, submitted.pk),
        ("cochair-phl", 1, submitted.pk),
        ("focal-phl", 2, submitted.pk),
    ]
