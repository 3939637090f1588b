"""Catching up scores whose recompute was lost.

A save marks its scores stale and queues their recompute when it commits; if the broker
was down then, or the queue was lost, nothing would ever recompute them. Celery beat runs
`requeue_stale_scores` every minute, and each worker once when it starts: it re-queues the
country-cycles whose scores are stale, as chunks of the full recompute.

It must not pile duplicates on work that is merely waiting: it does nothing while a
recompute queue holds messages (what waits there may be these very recomputes; once the
queues drain, whatever is still stale was lost), and re-queues a country-cycle only once
it has been seen stale for `grace` seconds (a minute by default), at most once a `grace`.
"""

import logging
import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from kombu.exceptions import ChannelError

from assessments import recompute

log = logging.getLogger(__name__)

SEEN = "scores:stale-seen"  # (country, cycle) → when a sweep first saw it stale (epoch s)
RECOMPUTE_QUEUES = ("celery", "heavy")


def waiting_recomputes() -> int:
    """Messages waiting in the recompute queues (not those a worker is running)."""
    if current_app.conf.task_always_eager:
        return 0
    waiting = 0
    with current_app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in RECOMPUTE_QUEUES:
            try:
                waiting += channel.queue_declare(queue=queue, passive=True).message_count
            except ChannelError:  # a queue never used, or emptied: Redis keeps no key
                continue
    return waiting


def requeue_stale_scores(grace: float | None = None) -> dict:
    """Queue the recompute of every country-cycle stale for `grace` seconds or more
    (settings.SCORES_REQUEUE_AFTER by default); returns what it found and did."""
    from assessments import tasks

    grace = settings.SCORES_REQUEUE_AFTER if grace is None else grace
    pairs = recompute.stale_country_cycles()
    if not pairs:
        cache.delete(SEEN)
        return {"stale": 0, "queued": 0}
    if waiting_recomputes():
        return {"stale": len(pairs), "queued": 0}
    now = time.time()
    seen = cache.get(SEEN) or {}
    seen = {pair: seen.get(pair, now) for pair in pairs}  # forget those caught up
    due = sorted(pair for pair, since in seen.items() if now - since >= grace)
    for pair in due:
        seen[pair] = now  # not again before another `grace`
    cache.set(SEEN, seen, None)
    for chunk in _chunks(due):
        tasks.recompute_country_cycles.delay(chunk)
    if due:
        log.info("Re-queued the recompute of %d stale country-cycles", len(due))
    return {"stale": len(pairs), "queued": len(due)}


def _chunks(pairs: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """The country-cycles in chunks of the full recompute's size."""
    chunks, _counts = recompute.plan_chunks()
    wanted = set(pairs)
    out = []
    for chunk in chunks:
        kept = [pair for pair in chunk if pair in wanted]
        wanted.difference_update(kept)
        if kept:
            out.append(kept)
    if wanted:  # consolidations left of country-cycles that no longer have assessments
        out.append(sorted(wanted))
    return out
