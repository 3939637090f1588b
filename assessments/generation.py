"""The generation of the stored consolidated scores: one value in the shared cache that
every write to them replaces. The API keys its cached score bodies on it, so that a warm
read of `scores/` asks the database nothing, and never serves a body older than the last
write it could see.

Writes through the ORM replace it by signal (assessments/apps.py); bulk writes
(stale marks, the full recompute) call `scores_changed` themselves. A write the cache cannot
be told of — Redis unreachable from the writing process, or a SQL edit made behind the
application's back — is seen when the generation's lease runs out (`lease`)."""

import logging
import threading
import uuid
import weakref

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from coherence.api.caching import CACHE_DOWN, local_bodies

log = logging.getLogger(__name__)

KEY = "scores:generation"


def lease() -> int:
    """How long a generation may stand unreplaced: the longest a body can be served after a
    write the cache could not be told of (it was unreachable from the writing process).
    A reader cannot learn of such a write without asking the database, which a warm read
    never does; so the generation expires, and with it every body cached under it."""
    return settings.API_SCORES_GENERATION_SECONDS


def scores_generation(known: str | None = None) -> str:
    """The current generation (`known`, where the caller has just read it); a new one if
    the cache has none (first use, evicted, or expired). Raises CACHE_DOWN's errors."""
    value = known if known is not None else cache.get(KEY)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(KEY, value, lease()):
            value = cache.get(KEY) or value
    return value


class _Pending:
    """Alive, in the transaction's on-commit callbacks, while its replacement is pending."""

    def __call__(self) -> None:
        if getattr(_local, "pending", _dead)() is self:
            _local.pending = _dead


def _dead() -> None:
    return None


# Held weakly: the transaction's on-commit list is the marker's only strong reference, so a
# rollback (of the transaction or of the savepoint that registered it) frees it, and the
# next write registers the replacement again.
_local = threading.local()


def scores_changed() -> None:
    """Replace the generation now, so that nothing cached before this write is served again,
    and once more when the transaction commits, so that a body read in between (of the rows
    still committed) is not served either."""
    replace_generation()
    if getattr(_local, "pending", _dead)() is None:
        marker = _Pending()
        _local.pending = weakref.ref(marker)
        transaction.on_commit(marker)
        transaction.on_commit(replace_generation)


def replace_generation() -> None:
    """Start a new generation now: nothing cached under the old one is read again."""
    try:
        cache.set(KEY, uuid.uuid4().hex, lease())
    except CACHE_DOWN:  # none may undo a write: what others cached expires with its lease
        local_bodies.clear()  # and this process's own copies go at once
        log.warning("Could not replace the scores generation", exc_info=True)
