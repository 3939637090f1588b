"""Signing in under attack: whose address a request comes from, a log line for every
failed or refused sign-in, and the password-reset limits per address and per client.

The lockout itself is django-axes' (settings AXES_*): it counts the failures this module
logs and refuses an account, or an address, once AXES_FAILURE_LIMIT is reached."""

import hashlib
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render

from coherence.api.caching import CACHE_DOWN

log = logging.getLogger("coherence.auth")

HOUR = 3600


def client_ip(request) -> str | None:
    """The client's address: the connection's own, or, behind TRUSTED_PROXY_COUNT proxies,
    the entry the outermost of them appended to X-Forwarded-For (earlier entries are the
    client's word and can be forged)."""
    if request is None:
        return None
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_login_failed, dispatch_uid="coherence.auth.log_failed_sign_in")
def log_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced the password in `credentials`; only the username is named.
    log.warning(
        "sign-in failed: username=%r ip=%s path=%s",
        credentials.get("username", ""),
        client_ip(request),
        getattr(request, "path", None),
    )


@receiver(user_locked_out, dispatch_uid="coherence.auth.log_lockout")
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    log.warning(
        "sign-in locked out: username=%r ip=%s for %s",
        username,
        ip_address,
        settings.AXES_COOLOFF_TIME,
    )


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets, on both sign-in pages (429)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


def _key(kind: str, value: str) -> str:
    # A digest keeps addresses out of the cache's key space and its length bounded.
    return f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def reset_keys(email: str, ip: str | None) -> list[str]:
    return [_key("address", email.strip().lower()), _key("client", ip or "unknown")]


def _count(key: str) -> int:
    # add() starts the hour's window; incr() is atomic on Redis, so concurrent requests
    # can't both slip under the limit.
    cache.add(key, 0, timeout=HOUR)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=HOUR)
        return 1


def allow_password_reset(email: str, ip: str | None) -> bool:
    """Count this request against its address and its client; False once either is past
    its hourly limit (PASSWORD_RESET_PER_ADDRESS, PASSWORD_RESET_PER_CLIENT)."""
    address, client = reset_keys(email, ip)
    allowed = True
    for key, limit in (
        (client, settings.PASSWORD_RESET_PER_CLIENT),
        (address, settings.PASSWORD_RESET_PER_ADDRESS),
    ):
        try:
            count = _count(key)
        except CACHE_DOWN:
            # Without the cache there is no broker either: the mail cannot be queued, so
            # nothing floods an inbox; the page answers as always.
            log.warning("password reset not counted: the cache is unreachable")
            return True
        if count > limit:
            allowed = False
    if not allowed:
        log.warning("password reset refused: over the hourly limit, ip=%s", ip)
    return allowed
