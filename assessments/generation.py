"""The generation of the stored consolidated scores: one value in the shared cache that
every write to them replaces. The API keys its cached score bodies on it, so that a warm
read of `scores/` asks the database nothing, and never serves a body older than the last
write it could see.

Writes through the ORM replace it by signal (assessments/apps.py); bulk writes
(stale marks, the full recompute) call `scores_changed` themselves. A SQL edit made behind
the application's back is seen when the cached bodies expire (api.SCORE_SECONDS)."""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

KEY = "scores:generation"


def scores_generation(known: str | None = None) -> str:
    """The current generation (`known`, where the caller has just read it); a new one if
    the cache has none (first use, or evicted)."""
    value = known if known is not None else cache.get(KEY)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(KEY, value, None):
            value = cache.get(KEY) or value
    return value


def scores_changed() -> None:
    """Replace the generation now, so that nothing cached before this write is served again,
    and once more when the transaction commits, so that a body read in between (of the rows
    still committed) is not served either."""
    replace_generation()
    connection = transaction.get_connection()
    if not any(callback is replace_generation for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(replace_generation)


def replace_generation() -> None:
    """Start a new generation now: nothing cached under the old one is read again."""
    try:
        cache.set(KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache's errors vary by backend; none may undo a write
        log.warning("Could not replace the scores generation", exc_info=True)
