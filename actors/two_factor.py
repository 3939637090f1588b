"""Two-factor authentication (django-otp: an authenticator app's TOTP codes and single-use
recovery codes).

With REQUIRE_2FA on, a reviewer or an administrator (a catalogue administrator, staff or
superuser) must set up an authenticator app and give a code after the password before any
page, the API or the admin answers. A focal point may set one up; whoever has one is asked
for a code at every sign-in, setting on or off.

What a session still owes is decided once, at sign-in, and kept in the session, so a page
costs no query more than before."""

from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from actors.roles import principal_of
from coherence.choices import Role

SESSION_KEY = "two_factor"  # what the signed-in session owes: VERIFY, SETUP or NONE
CODES_SESSION_KEY = "two_factor_recovery_codes"  # shown once, right after setup
VERIFY, SETUP, NONE = "verify", "setup", "none"
RECOVERY_CODES = 10

# Paths a session that still owes a code may reach: the two-factor pages themselves,
# signing in and out, the language switch and static files.
_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/login/", "/accounts/logout/", "/i18n/")


def requires_two_factor(user) -> bool:
    """Reviewers and administrators; focal points and partners may choose."""
    if user.is_staff or user.is_superuser:
        return True
    return principal_of(user).role in (Role.REVIEWER, Role.ADMIN)


def owed(user) -> str:
    """What a user must do after the password: give a code (VERIFY), set up an app first
    (SETUP), or nothing (NONE)."""
    if user_has_device(user):
        return VERIFY
    if settings.REQUIRE_2FA and requires_two_factor(user):
        return SETUP
    return NONE


@receiver(user_logged_in, dispatch_uid="coherence.auth.two_factor_owed")
def _decide_at_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = owed(user)


def is_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


class TwoFactorMiddleware:
    """Sends a signed-in user who owes a code to give it (or to set up an app first), and
    keeps the admin from staff without a verified session; the API answers 403 instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refuse(request) or self.get_response(request)

    def refuse(self, request):
        path = request.path_info
        if path.startswith(_OPEN_PREFIXES) or path.startswith(settings.STATIC_URL):
            return None
        state = request.session.get(SESSION_KEY)
        admin = path.startswith("/admin/")
        if state == NONE and not (admin and settings.REQUIRE_2FA):
            return None
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        if state is None:  # a session from before two-factor: decide once
            state = request.session[SESSION_KEY] = owed(user)
        if state == NONE and admin and user.is_staff:
            state = SETUP  # staff reach the admin only with a verified session
        if state == NONE:
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "two_factor_required",
                        "message": _("Give your two-factor code in the browser first."),
                        "details": {},
                    }
                },
                status=403,
            )
        page = "two_factor_verify" if state == VERIFY else "two_factor_setup"
        return HttpResponseRedirect(
            reverse(page) + "?" + urlencode({"next": request.get_full_path()})
        )


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same key until it is confirmed, so
    reloading the page does not invalidate the code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code, drawn here (no image service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode")


def readable_secret(device: TOTPDevice) -> str:
    """The key, for typing into an app that can't scan: base32 in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_authenticator(device: TOTPDevice) -> list[str]:
    """Confirm the new authenticator and issue fresh recovery codes; returns the codes
    (stored only as single-use tokens, shown to the user once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def throttled(user) -> bool:
    """Every device of the user refuses codes for now: wrong codes double the wait."""
    return all(not device.verify_is_allowed()[0] for device in devices_for_user(user))


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
