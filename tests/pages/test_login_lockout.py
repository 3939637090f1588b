"""Guessing passwords gets nowhere: after AXES_FAILURE_LIMIT wrong passwords an account,
and an address, is locked on both sign-in pages — the right password refused too — until
the cool-off ends; every failure is logged, never with the password."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5
PAGES = ["/accounts/login/", "/admin/login/"]


@pytest.fixture(autouse=True)
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        "catalogue-admin", "admin@example.org", PASSWORD
    )


def sign_in(page: str, username: str, password: str, ip: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=ip).post(page, {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.mark.parametrize("page", PAGES)
def test_the_right_password_is_refused_after_too_many_wrong_ones(page, users, admin_user):
    username = "focal-phl" if page == "/accounts/login/" else "catalogue-admin"
    for _ in range(LIMIT - 1):
        assert sign_in(page, username, "guess").status_code == 200
    # Below the limit the right password still works...
    assert signed_in(sign_in(page, username, PASSWORD))
    sign_in(page, username, "guess")
    # ...at the limit it is refused, with the lockout page in our layout.
    response = sign_in(page, username, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(response)
    html = response.content.decode()
    assert '<header class="top">' in html and "<h1>Sign-in locked</h1>" in html
    assert "15 minutes" in html


def test_the_lock_holds_from_another_address_and_ends_after_the_cool_off(users):
    for n in range(LIMIT):
        sign_in("/accounts/login/", "focal-phl", "guess", ip=f"198.51.100.{n + 1}")
    response = sign_in("/accounts/login/", "focal-phl", PASSWORD, ip="192.0.2.99")
    assert response.status_code == 429
    # Another account from a fresh address is not affected.
    assert signed_in(sign_in("/accounts/login/", "focal-mda", PASSWORD, ip="192.0.2.99"))

    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert signed_in(sign_in("/accounts/login/", "focal-phl", PASSWORD, ip="192.0.2.99"))


def test_signing_in_to_ones_own_account_does_not_reset_the_count(users):
    for _ in range(LIMIT - 1):
        sign_in("/accounts/login/", "focal-phl", "guess", ip="198.51.100.66")
    assert signed_in(sign_in("/accounts/login/", "focal-mda", PASSWORD, ip="198.51.100.66"))
    sign_in("/accounts/login/", "focal-phl", "guess", ip="198.51.100.66")
    assert sign_in("/accounts/login/", "focal-phl", PASSWORD, ip="192.0.2.5").status_code == 429


def test_an_address_guessing_many_accounts_is_locked(users):
    for name in ["focal-phl", "focal-mda", "cochair", "nobody", "partner"]:
        sign_in("/accounts/login/", name, "guess", ip="203.0.113.50")
    # Its next try fails even with an account's right password it has never tried...
    response = sign_in("/accounts/login/", "focal-phl-doh", PASSWORD, ip="203.0.113.50")
    assert response.status_code == 429
    # ...while that account signs in from elsewhere.
    assert signed_in(sign_in("/accounts/login/", "focal-phl-doh", PASSWORD, ip="192.0.2.1"))


def test_each_failure_is_logged_without_the_password(users, caplog):
    with caplog.at_level(logging.WARNING, logger="coherence.auth"):
        sign_in("/accounts/login/", "focal-phl", "Secret-Guess-1")
        sign_in("/admin/login/", "focal-mda", "Secret-Guess-2", ip="198.51.100.20")
    lines = [r.getMessage() for r in caplog.records if r.name == "coherence.auth"]
    failures = [line for line in lines if line.startswith("sign-in failed")]
    assert len(failures) == 2
    assert "username='focal-phl'" in failures[0] and "ip=203.0.113.7" in failures[0]
    assert "path=/accounts/login/" in failures[0]
    assert "username='focal-mda'" in failures[1] and "ip=198.51.100.20" in failures[1]
    assert "path=/admin/login/" in failures[1]
    assert not any("Secret-Guess" in r.getMessage() for r in caplog.records)


def test_the_lockout_is_logged(users, caplog):
    with caplog.at_level(logging.WARNING, logger="coherence.auth"):
        for _ in range(LIMIT):
            sign_in("/accounts/login/", "focal-phl", "guess")
    locked = [r.getMessage() for r in caplog.records if "locked out" in r.getMessage()]
    assert locked and "username='focal-phl'" in locked[0]


@pytest.mark.parametrize(
    "language, heading, wait",
    [
        ("fr", "Connexion bloquée", "Réessayez dans 15 minutes."),
        ("es", "Inicio de sesión bloqueado", "Vuelva a intentarlo dentro de 15 minutos."),
    ],
)
def test_the_lockout_page_speaks_the_users_language(users, language, heading, wait):
    client = Client(REMOTE_ADDR="203.0.113.8")
    client.cookies["django_language"] = language
    for _ in range(LIMIT + 1):
        response = client.post("/accounts/login/", {"username": "focal-phl", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 429
    assert f"<h1>{heading}</h1>" in html and wait in html
