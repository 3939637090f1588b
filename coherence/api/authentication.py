"""Token authentication with the token and its user cached for a minute, forgotten
when either changes; keys kept hashed."""

import hashlib
import logging
import re
import uuid
from contextlib import suppress

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.cache.backends.redis import RedisSerializer
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from coherence.api.caching import CACHE_DOWN, raw_redis
from coherence.api.throttling import UserThrottle, token_ident

log = logging.getLogger(__name__)

TOKEN_SECONDS = 60
TOKEN_KEY = re.compile(r"^[0-9A-Za-z]{1,64}$")


def token_cache_key(stored: str) -> str:
    return "api:token:" + hashlib.sha256(stored.encode()).hexdigest()


# --- Keys at rest ---------------------------------------------------------------------------
#
# A key is shown once, when it is issued (`issue_token`); the database keeps only its first
# SHOWN characters, so that the admin can tell tokens apart and a partner can recognise its
# own, and a hash of the whole key, in DRF's Token.key column (40 characters). A key is 40
# random hex characters (160 bits): a fast hash is as safe as a slow one against guessing,
# and a request can afford it. Existing keys were hashed by coherence/migrations/0002.

SHOWN = 6


def stored_key(key: str) -> str:
    """What the database keeps of `key`: its first SHOWN characters and a hash of it."""
    digest = hashlib.blake2b(key.encode(), digest_size=17, person=b"coherence-token").hexdigest()
    return key[:SHOWN] + digest


def masked(stored: str) -> str:
    """A stored key as the admin shows it: the key's first characters, the rest hidden."""
    return stored[:SHOWN] + "…"


def issue_token(user) -> str:
    """A new key for `user`, replacing (revoking) any it had; the only time it is known."""
    key = Token.generate_key()
    with transaction.atomic():
        Token.objects.filter(user=user).delete()  # signals: dropped from the cache too
        Token.objects.create(user=user, key=stored_key(key))
    return key


class CachedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; the token and its user are cached for a minute, so a
    warm request costs no query to authenticate. Deleting a token (how the admin revokes
    it), or saving its user, drops it from the cache at once."""

    # What every request reads about a user (its role, say), loaded before the user is
    # cached: apps register loaders with `load_with_user`, as `coherence` imports none of them.
    user_loaders: list = []

    def prepare_user(self, user) -> None:
        for loader in self.user_loaders:
            loader(user)

    def is_prepared(self, user) -> bool:
        return getattr(user, "_api_prepared", False)

    def authenticate(self, request):
        self.request = request
        try:
            return super().authenticate(request)
        except UnicodeError:  # a header no real server passes on, but never a 500
            raise exceptions.AuthenticationFailed("Invalid token header.") from None

    def cached_token(self, stored: str, cache_key: str):
        """The cached token, if it was cached under the current users' generation; on Redis,
        in the same round trip, this token's count in the current throttle window too, left
        on the request for UserThrottle, and the cache keys the view reads on every request
        (its `read_along`), left for `read_along`. None when the cache cannot be reached:
        the caller then asks the database, as on a miss."""
        view = (self.request.parser_context or {}).get("view")
        along = list(getattr(view, "read_along", ()))
        try:
            redis = raw_redis()
            if redis is None:
                found = cache.get_many([cache_key, USERS_GENERATION])
                self.request._api_users_generation = found.get(USERS_GENERATION)
                return _current(found.get(cache_key), found.get(USERS_GENERATION))
            window = UserThrottle.window_of(token_ident(stored))
            pipe = redis.pipeline(transaction=False)
            # make_key, not make_and_validate_key: these keys are ours, hex digests and codes.
            for name in (cache_key, USERS_GENERATION, *along):
                pipe.get(cache.make_key(name))
            if window is not None:
                window_key, seconds = window
                full_key = cache.make_key(window_key)
                pipe.incr(full_key).expire(full_key, seconds + 1)
            found, users, *rest = pipe.execute()
        except CACHE_DOWN:
            self.request._api_cache_down = True
            return None
        self.request._api_read_along = {
            along_key: None if value is None else _redis_values.loads(value)
            for along_key, value in zip(along, rest, strict=False)
        }
        if window is not None:
            self.request._api_window = (window[0], rest[len(along)])
        users = None if users is None else _redis_values.loads(users)
        self.request._api_users_generation = users
        return _current(None if found is None else _redis_values.loads(found), users)

    def authenticate_credentials(self, key):
        if not TOKEN_KEY.match(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        stored = stored_key(key)
        cache_key = token_cache_key(stored)
        token = self.cached_token(stored, cache_key)
        if token is None or not self.is_prepared(token.user):
            if token is None:
                model = self.get_model()
                try:
                    token = model.objects.select_related("user").get(key=stored)
                except model.DoesNotExist:
                    raise exceptions.AuthenticationFailed("Invalid token.") from None
            self.prepare_user(token.user)
            token.user._api_prepared = bool(self.user_loaders)
            if not getattr(self.request, "_api_cache_down", False):
                users = getattr(self.request, "_api_users_generation", None)
                with suppress(*CACHE_DOWN):  # the next request asks the database again
                    cache.set(cache_key, (users or users_generation(), token), TOKEN_SECONDS)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token


def _current(entry, users: str | None):
    """The token of a cache entry made under the users' generation `users`, else None."""
    if entry is None or users is None:
        return None
    generation, token = entry
    return token if generation == users else None


# Reads back what Django's Redis cache wrote, in its own format, for raw pipeline reads.
_redis_values = RedisSerializer()


def read_along(request, key: str):
    """The cache's value of `key`, read in the token lookup's round trip when the view
    names it in `read_along`, else read now; raises CACHE_DOWN's errors."""
    known = getattr(request, "_api_read_along", {})
    return known[key] if key in known else cache.get(key)


def load_with_user(loader) -> None:
    """Register `loader(user)` to run before a token's user is cached."""
    if loader not in CachedTokenAuthentication.user_loaders:
        CachedTokenAuthentication.user_loaders.append(loader)


USERS_GENERATION = "api:users:generation"


def users_generation() -> str:
    """The generation of the users' table: a cached token counts only under the generation
    it was cached in, and every write to a user replaces it."""
    value = cache.get(USERS_GENERATION)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(USERS_GENERATION, value, None):
            value = cache.get(USERS_GENERATION) or value
    return value


def users_changed(using: str | None = None) -> None:
    """Drop every cached token now, and once more when the transaction commits (a token
    looked up in between read the user as it was)."""
    _replace_users_generation()
    transaction.on_commit(_replace_users_generation, using=using)


def _replace_users_generation() -> None:
    try:
        cache.set(USERS_GENERATION, uuid.uuid4().hex, None)
    except CACHE_DOWN:  # tokens cached before stay cached for TOKEN_SECONDS at most
        log.warning("Could not drop the cached tokens after a write to the users")


def forget_token(key: str) -> None:
    try:
        cache.delete(token_cache_key(key))
    except CACHE_DOWN:
        log.warning("Could not drop a cached token: the cache is unreachable")


def forget_tokens_of(user_id) -> None:
    for key in Token.objects.filter(user_id=user_id).values_list("key", flat=True):
        forget_token(key)


def _token_deleted(sender, instance, **kwargs):
    # Now, and again when the deletion commits: a request that read the row before the
    # commit may have cached it meanwhile.
    key = instance.key  # the deleted instance's primary key is None by commit time
    forget_token(key)
    transaction.on_commit(lambda: forget_token(key))


def _user_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing a token request reads
    forget_tokens_of(instance.pk)


post_delete.connect(_token_deleted, sender=Token, dispatch_uid="api_forget_deleted_token")
post_save.connect(_token_deleted, sender=Token, dispatch_uid="api_forget_saved_token")
post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="api_forget_user_tokens")


# --- Writes that send no signal ----------------------------------------------------------
#
# `User.objects.filter(...).update(is_active=False)` sends no signal, and a warm token read
# asks the database nothing: so every UPDATE or DELETE of the users' table that goes through
# Django (the ORM's bulk writes, raw SQL on Django's connection, in a request, a shell or a
# command alike) is seen here, on the statement itself, and replaces the users' generation.
# A warm read still costs no query and no extra round trip (the generation travels in the
# token's pipeline); a user write costs every cached token one database lookup. A sign-in's
# last_login update is left out. SQL run outside Django (psql) is seen when the cached
# tokens expire (TOKEN_SECONDS).


_statements: dict[str, tuple[tuple[str, ...], str]] = {}


def _users_statements(connection) -> tuple[tuple[str, ...], str]:
    """The beginnings of a write to the users' table, and of a sign-in's, in this backend's
    quoting."""
    found = _statements.get(connection.vendor)
    if found is None:
        quote = connection.ops.quote_name
        table = quote(get_user_model()._meta.db_table)
        # Beginnings to compare statements with, never run.
        writes = (f"UPDATE {table} ", f"DELETE FROM {table} ")  # noqa: S608
        sign_in = f"UPDATE {table} SET {quote('last_login')} = %s WHERE "  # noqa: S608
        found = _statements[connection.vendor] = (writes, sign_in)
    return found


def _watch_users(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and sql[:6] in ("UPDATE", "DELETE"):
        connection = context["connection"]
        writes, sign_in = _users_statements(connection)
        if sql.startswith(writes) and not sql.startswith(sign_in):
            users_changed(using=connection.alias)
    return result


def _watch_connection(sender, connection, **kwargs):
    # Django documents execute wrappers as the hook into every statement, installed with
    # the `connection.execute_wrapper()` context manager around a block of code; a block
    # cannot span a connection's life, so the wrapper joins the list that context manager
    # appends to, once per connection object (connection_created fires on each reconnect).
    if _watch_users not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_users)


connection_created.connect(_watch_connection, dispatch_uid="api_watch_user_writes")
for _open in connections.all(initialized_only=True):  # any opened before this module loaded
    _watch_connection(None, _open)
