"""HTTP caching (ETag, Last-Modified, 304) and the cache of rendered bodies, in the
process and in the shared cache."""

import hashlib
import json
import threading
import time
from collections import OrderedDict

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from rest_framework import status

from coherence.api.errors import error_body


def content_etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def conditional(request, response, *, etag: str | None = None, last_modified=None):
    """Set ETag (the content's hash unless given), Last-Modified and caching headers, and
    answer 304 when the client's copy is current."""
    if etag:
        response["ETag"] = etag
    elif not response.has_header("ETag"):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        response["ETag"] = content_etag(response.content)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Clients must revalidate, and a body differs by who asks. Most responses carry neither
    # header yet: set them, sparing the parsing that merging needs.
    if response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    else:
        response["Cache-Control"] = "private, no-cache"
    if response.has_header("Vary"):
        patch_vary_headers(response, ("Authorization",))
    else:
        response["Vary"] = "Authorization"
    modified = response.get("Last-Modified")
    answer = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(modified) if modified else None,
        response=response,
    )
    if answer.status_code == status.HTTP_412_PRECONDITION_FAILED:
        body = error_body("precondition_failed", "If-Match or If-Unmodified-Since failed.")
        answer = HttpResponse(json.dumps(body), status=412, content_type="application/json")
        answer["ETag"] = response["ETag"]
    return answer


_redis_clients: dict = {}


def raw_redis(alias: str = "default"):
    """A redis-py client on the server behind the Redis cache `alias`, for pipelines the
    cache API cannot express; kept for the process. None for any other cache backend.

    Django's RedisCache has no public accessor for its client (only `_cache`), and
    django-redis's `get_redis_connection` would mean swapping the cache backend and its
    pickling for one call site: the client is built here from the cache's own documented
    settings (LOCATION and OPTIONS), so it reaches the same server with the same timeouts."""
    if alias in _redis_clients:
        return _redis_clients[alias]
    client = None
    if isinstance(caches[alias], RedisCache):
        config = settings.CACHES[alias]
        location = config["LOCATION"]
        location = location[0] if isinstance(location, list | tuple) else location
        options = {
            name: value
            for name, value in config.get("OPTIONS", {}).items()
            if name.startswith("socket_") or name in {"health_check_interval", "retry_on_timeout"}
        }
        client = redis.Redis.from_url(location.split(",")[0], **options)
    _redis_clients[alias] = client
    return client


@receiver(setting_changed)
def _forget_redis_clients(setting, **kwargs):
    if setting == "CACHES":
        _redis_clients.clear()


# What a cache that cannot be reached raises: redis-py's errors (and OSError beneath them),
# the other backends' never. Reads and writes of the cache degrade on these, never fail.
CACHE_DOWN = (redis.RedisError, OSError)


class LocalBodies:
    """Rendered response bodies kept in the process, under keys that name the version of
    what they show (a row's id and computed_at, say): an entry never needs invalidating,
    and it saves the shared cache's round trip on the hottest reads. Least recently used
    bodies go first once the process keeps `budget` bytes."""

    def __init__(self, budget: int = 16 * 2**20):
        self.budget = budget
        self.size = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def weight(value) -> int:
        parts = value if isinstance(value, tuple) else (value,)
        return sum(len(part) for part in parts if isinstance(part, bytes | str))

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, value = item
            if expires < time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return value

    def set(self, key: str, value, seconds: int) -> None:
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic() + seconds, value)
            self.size += self.weight(value)
            while self.size > self.budget and self._items:
                self._drop(next(iter(self._items)))

    def _drop(self, key: str) -> None:
        _, value = self._items.pop(key)
        self.size -= self.weight(value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


local_bodies = LocalBodies()


def cached_body(key: str, seconds: int):
    """A body from the process, else from the shared cache (then kept in the process); None
    when the shared cache cannot be reached, so the caller renders it afresh."""
    value = local_bodies.get(key)
    if value is None:
        try:
            value = cache.get(key)
        except CACHE_DOWN:
            return None
        if value is not None:
            local_bodies.set(key, value, seconds)
    return value


def keep_body(key: str, value, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except CACHE_DOWN:
        return  # kept nowhere: the key names a generation nobody else could confirm
    local_bodies.set(key, value, seconds)
