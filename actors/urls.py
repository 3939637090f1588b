"""Accounts: Django's sign-in and password pages (the reset page our own), and two-factor
authentication. Names are Django's (`login`, `password_reset`, …) plus `two_factor_*`."""

from django.urls import include, path

from actors import views

urlpatterns = [
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("two-factor/", views.verify, name="two_factor_verify"),
    path("two-factor/setup/", views.setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="two_factor_codes"),
    path("", include("django.contrib.auth.urls")),
]
