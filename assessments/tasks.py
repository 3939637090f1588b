"""Celery tasks: thin, they take ids and call a service. Each recompute is idempotent
(it recomputes from the stored answers and replaces the stored scores in one
transaction), so late acknowledgement and redelivery are safe."""

from celery import shared_task
from django.db import OperationalError

from assessments import recompute

_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(acks_late=True, **_RETRY)
def recompute_assessment(assessment_id: int) -> None:
    recompute.recompute_assessment(assessment_id)


@shared_task(acks_late=True, **_RETRY)
def recompute_assessments(assessment_ids: list[int]) -> int:
    return recompute.recompute_assessments(assessment_ids)


@shared_task(acks_late=True, **_RETRY)
def recompute_consolidation(country: str, cycle: int) -> None:
    recompute.recompute_consolidation(country, cycle)


@shared_task(bind=True, acks_late=True, **_RETRY)
def recompute_all(self) -> dict:
    """Everything, after a weight change and nightly; progress goes to the task state
    (`current` / `total`) for a progress bar."""

    def progress(current: int, total: int) -> None:
        if self.request.id and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"current": current, "total": total})

    return recompute.recompute_all(progress=progress)
