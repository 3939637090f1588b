"""Token authentication with the token and its user cached for a minute, forgotten
when either changes."""

import hashlib
import re

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.cache.backends.redis import RedisSerializer
from django.db.models.signals import post_delete, post_save
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from coherence.api.caching import raw_redis
from coherence.api.throttling import UserThrottle, token_ident

TOKEN_SECONDS = 60
TOKEN_KEY = re.compile(r"^[0-9A-Za-z]{1,64}$")


def token_cache_key(key: str) -> str:
    return "api:token:" + hashlib.sha256(key.encode()).hexdigest()


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

    def cached_token(self, key: str, cache_key: str):
        """The cached token; on Redis, in the same round trip, this token's count in the
        current throttle window too, left on the request for UserThrottle, and the cache
        keys the view reads on every request (its `read_along`), left for `read_along`."""
        redis = raw_redis(cache)
        if redis is None:
            return cache.get(cache_key)
        window = UserThrottle.window_of(token_ident(key))
        view = (self.request.parser_context or {}).get("view")
        along = list(getattr(view, "read_along", ()))
        pipe = redis.pipeline(transaction=False)
        # make_key, not make_and_validate_key: these keys are ours, hex digests and codes.
        pipe.get(cache.make_key(cache_key))
        for along_key in along:
            pipe.get(cache.make_key(along_key))
        if window is not None:
            window_key, seconds = window
            full_key = cache.make_key(window_key)
            pipe.incr(full_key).expire(full_key, seconds + 1)
        found, *rest = pipe.execute()
        self.request._api_read_along = {
            along_key: None if value is None else _redis_values.loads(value)
            for along_key, value in zip(along, rest, strict=False)
        }
        if window is not None:
            self.request._api_window = (window[0], rest[len(along)])
        return None if found is None else _redis_values.loads(found)

    def authenticate_credentials(self, key):
        if not TOKEN_KEY.match(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        cache_key = token_cache_key(key)
        token = self.cached_token(key, cache_key)
        if token is None or not self.is_prepared(token.user):
            if token is None:
                model = self.get_model()
                try:
                    token = model.objects.select_related("user").get(key=key)
                except model.DoesNotExist:
                    raise exceptions.AuthenticationFailed("Invalid token.") from None
            self.prepare_user(token.user)
            token.user._api_prepared = bool(self.user_loaders)
            cache.set(cache_key, token, TOKEN_SECONDS)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token


# Reads back what Django's Redis cache wrote, in its own format, for raw pipeline reads.
_redis_values = RedisSerializer()


def read_along(request, key: str):
    """The cache's value of `key`, read in the token lookup's round trip when the view
    names it in `read_along`, else read now."""
    known = getattr(request, "_api_read_along", {})
    return known[key] if key in known else cache.get(key)


def load_with_user(loader) -> None:
    """Register `loader(user)` to run before a token's user is cached."""
    if loader not in CachedTokenAuthentication.user_loaders:
        CachedTokenAuthentication.user_loaders.append(loader)


def forget_token(key: str) -> None:
    cache.delete(token_cache_key(key))


def forget_tokens_of(user_id) -> None:
    for key in Token.objects.filter(user_id=user_id).values_list("key", flat=True):
        forget_token(key)


def _token_deleted(sender, instance, **kwargs):
    forget_token(instance.key)


def _user_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing a token request reads
    forget_tokens_of(instance.pk)


post_delete.connect(_token_deleted, sender=Token, dispatch_uid="api_forget_deleted_token")
post_save.connect(_token_deleted, sender=Token, dispatch_uid="api_forget_saved_token")
post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="api_forget_user_tokens")
