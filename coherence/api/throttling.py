"""Fixed-window throttles per token or user and per anonymous address."""

import hashlib
import logging
import re
import threading
import time

from django.core.exceptions import ImproperlyConfigured
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from coherence.api.caching import CACHE_DOWN, raw_redis

log = logging.getLogger(__name__)


def token_ident(stored: str) -> str:
    """Who a token is to the throttle, from what the database keeps of its key."""
    return "token-" + hashlib.sha256(stored.encode()).hexdigest()[:32]


class _WindowThrottle:
    """A fixed-window counter in the cache (Redis when REDIS_URL is set): one increment per
    request, where DRF's default keeps a growing list of timestamps per client."""

    def get_rate(self):
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if rate is not None and not re.match(r"^\d+/(s|sec|m|min|h|hour|d|day)\w*$", rate):
            raise ImproperlyConfigured(f"Throttle rate {rate!r} for {self.scope!r} is malformed.")
        return rate

    @classmethod
    def window_of(cls, ident: str) -> tuple[str, int] | None:
        """The cache key of `ident`'s current window, and the window's length."""
        throttle = cls()
        if throttle.rate is None:
            return None
        key = cls.cache_format % {"scope": cls.scope, "ident": ident}
        return f"{key}:{int(time.time() // throttle.duration)}", throttle.duration

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"{self.key}:{window}"
        counted = getattr(request, "_api_window", None)
        if counted is not None and counted[0] == key:  # counted with the token's lookup
            count = counted[1]
        elif getattr(request, "_api_cache_down", False):  # the token's lookup found it down
            _warn_open()
            return True
        else:
            try:
                count = self.count(key)
            except CACHE_DOWN:
                _warn_open()
                return True
        self._wait = max((window + 1) * self.duration - now, 1)
        return count <= self.num_requests

    def count(self, key: str) -> int:
        """This request's number in its window."""
        redis = raw_redis()
        if redis is not None:  # one round trip: count, and let the window's key expire
            full_key = self.cache.make_and_validate_key(key)
            count, _ = (
                redis.pipeline(transaction=False)
                .incr(full_key)
                .expire(full_key, self.duration + 1)
                .execute()
            )
            return count
        try:
            return self.cache.incr(key)
        except ValueError:
            return 1 if self.cache.add(key, 1, self.duration + 1) else self.cache.incr(key)

    def wait(self):
        return getattr(self, "_wait", None)


# Without the cache nothing can be counted: the API stays open rather than answer 500 to
# everyone, and says so in the log once a minute per process, not once per request.
WARN_EVERY = 60.0
_warned_at = [float("-inf")]
_warn_lock = threading.Lock()


def _warn_open() -> None:
    now = time.monotonic()
    with _warn_lock:
        if now - _warned_at[0] < WARN_EVERY:
            return
        _warned_at[0] = now
    log.warning("The cache is unreachable: API throttling is off until it is back")


class UserThrottle(_WindowThrottle, UserRateThrottle):
    """Per token (counted in the token lookup's round trip), else per signed-in user."""

    def get_cache_key(self, request, view):
        if isinstance(request.auth, Token):
            return self.cache_format % {"scope": self.scope, "ident": token_ident(request.auth.key)}
        return super().get_cache_key(request, view)


class AnonThrottle(_WindowThrottle, AnonRateThrottle):
    """Per anonymous client address."""
