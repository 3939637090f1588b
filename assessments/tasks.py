"""Celery tasks: thin, they take ids and call a service. Each recompute is idempotent
(it recomputes from the stored answers and replaces the stored scores in one
transaction), so late acknowledgement and redelivery are safe.

The full recompute runs as chunks (`recompute_country_cycles`, on the `heavy` queue), each
lasting seconds: a worker killed in the middle loses one chunk, which the broker hands out
again once its visibility timeout (minutes, coherence/settings.py) has passed."""

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError, transaction

from assessments import catchup, recompute

# Backoff stays far inside the visibility timeout: a retry waits in the worker, unacked.
_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 30,
    "max_retries": 5,
}


@shared_task(acks_late=True, **_RETRY)
def recompute_assessment(assessment_id: int) -> None:
    recompute.recompute_assessment(assessment_id)


@shared_task(acks_late=True, **_RETRY)
def recompute_assessments(assessment_ids: list[int]) -> int:
    return recompute.recompute_assessments(assessment_ids)


@shared_task(acks_late=True, **_RETRY)
def recompute_consolidation(country: str, cycle: int) -> None:
    recompute.recompute_consolidation(country, cycle)


@shared_task(acks_late=True, **_RETRY)
def recompute_country_cycles(pairs: list[list]) -> dict:
    """One chunk of the full recompute: these (country, cycle) pairs, whole."""
    return recompute.recompute_country_cycles([(country, cycle) for country, cycle in pairs])


@shared_task(acks_late=True, **_RETRY)
def recompute_all(framework_id: int | None = None, chunk: int | None = None) -> dict:
    """Everything (of one framework version, where given), after a weight change and
    nightly: marks every score stale, then queues the chunks once that has committed.
    Returns the counts and the number of chunks; progress is the stale scores left."""
    with transaction.atomic():
        recompute.mark_all_stale(framework_id)
        chunks, counts = recompute.plan_chunks(
            framework_id, chunk or recompute.FULL_RECOMPUTE_CHUNK
        )

        def queue_chunks() -> None:
            for pairs in chunks:
                recompute_country_cycles.delay(pairs)

        transaction.on_commit(queue_chunks)
    return {**counts, "chunks": len(chunks)}


@shared_task(acks_late=True, **_RETRY)
def requeue_stale_scores(grace: float | None = None) -> dict:
    """Every minute (beat) and at each worker's start: catch up stale scores whose
    recompute was lost (assessments.catchup)."""
    return catchup.requeue_stale_scores(grace)


def request_full_recompute(framework_id: int | None = None, chunk: int | None = None) -> None:
    """Ask for a full recompute: every affected score is stale from this transaction's
    commit on, and stays so until its chunk has run — even if the broker is down now (the
    stale scores are then caught up by `requeue_stale_scores`)."""
    from assessments.services import delay_safely

    recompute.mark_all_stale(framework_id)
    transaction.on_commit(lambda: delay_safely(recompute_all, framework_id, chunk))


@worker_ready.connect
def _catch_up_on_start(sender, **kwargs) -> None:
    """A worker that starts re-queues the stale scores at once (no grace): those of saves
    made while no worker or no broker was there."""
    from assessments.services import delay_safely

    delay_safely(requeue_stale_scores, 0)


@shared_task(acks_late=True, **_RETRY)
def render_profile_pdf(iso3: str, cycle: int, scope: str, language: str) -> str | None:
    """A country profile's PDF, rendered and stored; idempotent."""
    from assessments import pdf

    return pdf.render_and_store(iso3, cycle, scope, language)


@shared_task(acks_late=True, **_RETRY)
def mail_due_comments() -> int:
    """Every minute (beat): mail the discussions' comments that have waited unread for
    DISCUSSION_MAIL_DELAY (assessments.discussion.send_due_mails); a second run, or one
    at the same time, mails nobody twice."""
    from assessments import discussion

    return discussion.send_due_mails()
