"""Account writes that every entry point shares."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils import translation


class _SameWorkResetForm(PasswordResetForm):
    """Django's reset form, which does for an address no account has what it does for one
    that has: the same lookup, token and rendering, for a stand-in account, and no mail.
    (The page no longer waits for this; where tasks run in process it still may not tell.)"""

    def get_users(self, email):
        users = list(super().get_users(email))
        if users:
            return users
        stand_in = get_user_model()(pk=0, email=email, last_login=None)
        stand_in.set_unusable_password()
        stand_in._stand_in = True
        return [stand_in]

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        if getattr(context["user"], "_stand_in", False):
            loader.render_to_string(subject_template_name, context)
            loader.render_to_string(email_template_name, context)
            return
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def send_password_reset(email: str, *, domain: str, use_https: bool, language: str) -> None:
    """Mail a link to choose a new password to every active account with this address that
    has a usable password; nothing to an address no account has."""
    form = _SameWorkResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name="registration/password_reset_email.html",
            subject_template_name="registration/password_reset_subject.txt",
        )
