"""`python manage.py create_partner_token NAME`: a partner's user and token, the key alone
on the last line and nowhere else (only a hash of it is kept); run again, a new key that
revokes the old; deleted in the admin, revoked."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coherence.api.authentication import stored_key
from coherence.choices import Role


def create_token(name: str) -> str:
    out = io.StringIO()
    call_command("create_partner_token", name, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()[-1]


def test_it_creates_a_partner_and_prints_the_key_alone_on_the_last_line(catalogue):
    key = create_token("psa-stats")
    user = get_user_model().objects.get(username="psa-stats")
    assert user.membership.role == Role.PARTNER
    assert not user.has_usable_password()
    assert key.isalnum() and len(key) == 40
    stored = Token.objects.get(user=user).key
    assert stored == stored_key(key) and key[6:] not in stored  # kept hashed

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/indicators/").status_code == 200
    assert client.get("/api/v1/assessments/").status_code == 404


def test_running_it_again_reuses_the_user_and_issues_a_new_key(catalogue):
    old = create_token("psa-stats")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/levels/").status_code == 200  # now cached
    new = create_token("psa-stats")
    assert new != old
    assert get_user_model().objects.filter(username="psa-stats").count() == 1
    assert client.get("/api/v1/levels/").status_code == 401  # at once, though cached
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get("/api/v1/levels/").status_code == 200


def test_a_deleted_token_is_revoked_and_a_new_run_issues_a_new_key(catalogue):
    old = create_token("psa-stats")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/levels/").status_code == 200
    Token.objects.filter(key=stored_key(old)).delete()  # what the admin's delete does
    assert client.get("/api/v1/levels/").status_code == 401
    assert create_token("psa-stats") != old


def test_it_refuses_a_user_of_another_role(users):
    with pytest.raises(CommandError, match="already exists as"):
        create_token("cochair")
    assert not Token.objects.filter(user=users["reviewer"]).exists()


def test_it_refuses_an_invalid_name(db):
    with pytest.raises(CommandError, match="not a valid user name"):
        create_token("no spaces please")
