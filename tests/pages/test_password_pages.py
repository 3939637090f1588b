"""Password change and reset: Django's views in our layout, errors tied to fields."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_password_change_in_our_layout(client_of):
    client = client_of("focal_phl")
    html = client.get("/accounts/password_change/").content.decode()
    assert '<header class="top">' in html and "<h1>Change your password</h1>" in html
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in html
    assert re.search(r'aria-describedby="[^"]*id_old_password_error"', html)


def test_password_change_goes_through(client_of, users):
    client = client_of("focal_phl")
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "test-pass-2026",
            "new_password1": "a-longer-Passphrase-77",
            "new_password2": "a-longer-Passphrase-77",
        },
        follow=True,
    )
    assert "<h1>Password changed</h1>" in response.content.decode()
    users["focal_phl"].refresh_from_db()
    assert users["focal_phl"].check_password("a-longer-Passphrase-77")


def test_password_reset_in_our_layout(client, users):
    html = client.get("/accounts/password_reset/").content.decode()
    assert '<header class="top">' in html and "<h1>Reset your password</h1>" in html
    response = client.post("/accounts/password_reset/", {"email": "focal-phl@example.org"})
    assert response.status_code == 302
    assert "Check your e-mail" in client.get(response.url).content.decode()
    (message,) = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    html = response.content.decode()
    assert "<h1>Choose a new password</h1>" in html and 'id="id_new_password1"' in html
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "another-Passphrase-88", "new_password2": "another-Passphrase-88"},
        follow=True,
    )
    assert "<h1>Password set</h1>" in response.content.decode()


def test_a_used_reset_link_says_so(client, users):
    html = client.get("/accounts/reset/MQ/set-password/", follow=True).content.decode()
    assert "This link is no longer valid" in html
