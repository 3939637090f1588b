"""Accounts' pages: password reset that tells nobody who has an account, and two-factor
set-up, verification and the one showing of the recovery codes."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from actors import tasks, two_factor
from actors.forms import CodeForm
from actors.signin import allow_password_reset, client_ip

log = logging.getLogger("coherence.auth")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, but the answer never depends on the address: the request is
    counted against its address and client (hourly limits), and the lookup and the mail
    happen in a task, so the page takes as long for an unknown address as for a known one."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if allow_password_reset(email, client_ip(self.request)):
            try:
                tasks.send_password_reset.delay(
                    email,
                    domain=self.request.get_host(),
                    use_https=self.request.is_secure(),
                    language=translation.get_language(),
                )
            except Exception:  # a broker down must not tell anything either
                log.exception("password reset could not be queued")
        return HttpResponseRedirect(self.get_success_url())


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("start")


@never_cache
@login_required
def verify(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    if two_factor.is_verified(request.user):
        return HttpResponseRedirect(_next(request))
    if not user_has_device(request.user):
        return redirect(reverse("two_factor_setup") + "?" + request.GET.urlencode())
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Throttled already (django-otp doubles the wait after each wrong code): say so,
        # rather than call a possibly right code wrong.
        waiting = two_factor.throttled(request.user)
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session[two_factor.SESSION_KEY] = two_factor.VERIFY
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("Recovery code used: %(left)s left. Ask an administrator for new ones.")
                    % {"left": two_factor.recovery_codes_left(request.user)},
                )
            return HttpResponseRedirect(_next(request))
        log.warning(
            "two-factor code refused: username=%r ip=%s",
            request.user.get_username(),
            client_ip(request),
        )
        if waiting:
            form.add_error("code", _("Too many wrong codes: wait a minute, then try again."))
        else:
            form.add_error("code", _("This code is not valid. Try the next one your app shows."))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@never_cache
@login_required
def setup(request):
    """Set up an authenticator app: scan the code, give one code back to confirm."""
    if user_has_device(request.user):
        # Someone who has an app proves it before anything else: never a second one here.
        return redirect(reverse("two_factor_verify") + "?" + request.GET.urlencode())
    device = two_factor.pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = two_factor.confirm_authenticator(device)
            otp_login(request, device)
            request.session[two_factor.SESSION_KEY] = two_factor.VERIFY
            request.session[two_factor.CODES_SESSION_KEY] = codes
            query = urlencode({"next": _next(request)})
            return HttpResponseRedirect(reverse("two_factor_codes") + "?" + query)
        form.add_error("code", _("This code is not valid. Try the next one your app shows."))
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.readable_secret(device),
        "required": two_factor.requires_two_factor(request.user),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
def recovery_codes(request):
    """The recovery codes, once: right after setup; a reload shows them no more."""
    codes = request.session.pop(two_factor.CODES_SESSION_KEY, None)
    if not codes:
        return HttpResponseRedirect(_next(request))
    return render(
        request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)}
    )
