"""API keys are shown once, when issued: the database keeps a hash, and the admin shows
only the key's first characters."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from coherence.api.authentication import SHOWN
from tests.api.conftest import client_for, token_key


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "x-pass-2026")
    client.force_login(user)
    return client


def test_the_database_holds_no_key(users):
    key = token_key(users["partner"])
    assert client_for(users["partner"]).get("/api/v1/levels/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM authtoken_token")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(key[SHOWN:] not in value for value in stored)
    assert Token.objects.get(user=users["partner"]).key.startswith(key[:SHOWN])


def test_the_admin_lists_tokens_without_their_keys(users, admin_client):
    keys = [token_key(users[name]) for name in ("partner", "reviewer")]
    page = admin_client.get("/admin/authtoken/tokenproxy/")
    assert page.status_code == 200
    html = page.content.decode()
    for key in keys:
        assert key[:SHOWN] + "…" in html  # a masked prefix, to tell them apart
        assert key not in html and key[SHOWN:] not in html
    detail = admin_client.get(f"/admin/authtoken/tokenproxy/{users['partner'].pk}/change/")
    assert detail.status_code == 200
    assert keys[0] not in detail.content.decode()


def test_the_admin_issues_no_key_it_would_have_to_show(admin_client):
    assert admin_client.get("/admin/authtoken/tokenproxy/add/").status_code == 403


def test_deleting_in_the_admin_revokes_the_key(users, admin_client):
    client = client_for(users["partner"])
    assert client.get("/api/v1/levels/").status_code == 200
    url = f"/admin/authtoken/tokenproxy/{users['partner'].pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert client.get("/api/v1/levels/").status_code == 401
