"""Two-factor authentication (REQUIRE_2FA): a reviewer or an administrator gets past the
password only with a code from an authenticator app (or a recovery code, once); one
without an app is sent to set it up; a focal point is not asked; the admin and the API
refuse a session that has not given its code."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.REQUIRE_2FA = True


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the user's authenticator app shows now (or `steps_ahead` periods later)."""
    drift = device.drift + steps_ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def sign_in(username: str, page: str = "/accounts/login/") -> Client:
    client = Client()
    response = client.post(page, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def test_a_reviewer_without_an_app_is_sent_to_set_one_up(users):
    client = sign_in("cochair")
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/two-factor/setup/")
    assert client.get("/assessments/queue/").status_code == 302

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>Set up two-factor authentication</h1>" in html
    assert '<figure class="qr"' in html and "<svg" in html  # drawn here, not fetched
    # no inline script (the site's own files only) and no inline handler
    assert not re.search(r"<script(?![^>]*\ssrc=)", html) and not re.search(r"\son\w+=", html)
    device = TOTPDevice.objects.get(user=users["reviewer"], confirmed=False)
    assert device.config_url.split("secret=")[1][:4] in html.replace(" ", "")

    # A wrong code keeps the page; the right one confirms the app.
    refused = client.post(page.request["PATH_INFO"], {"code": "000000", "next": "/"})
    assert "This code is not valid" in refused.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    response = client.post(page.request["PATH_INFO"], {"code": code_of(device), "next": "/"})
    assert response.status_code == 302 and "/recovery-codes/" in response.url
    device.refresh_from_db()
    assert device.confirmed

    # The recovery codes are shown once.
    html = client.get(response.url).content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", html)
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=users["reviewer"]).values_list("token", flat=True)
    )
    assert client.get(response.url).status_code == 302  # not again

    # Verified: the queue opens.
    page = client.get("/")
    assert page.status_code == 200 and "<h1>" in page.content.decode()


def test_a_reviewer_with_an_app_gives_a_code_before_the_queue(users):
    device = with_app(users["reviewer"])
    client = sign_in("cochair")
    response = client.get("/assessments/queue/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")
    assert client.get("/api/v1/assessments/").status_code == 403

    page = client.get(response.url)
    assert "<h1>Two-factor code</h1>" in page.content.decode()
    wrong = client.post(response.url, {"code": code_of(device, steps_ahead=10)})
    assert wrong.status_code == 200 and "This code is not valid" in wrong.content.decode()
    assert client.get("/assessments/queue/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()

    response = client.post(response.url, {"code": code_of(device)})
    assert response.status_code == 302 and response.url == "/assessments/queue/"
    assert client.get("/assessments/queue/").status_code == 200
    assert client.get("/api/v1/assessments/").status_code == 200


def test_a_setup_page_never_adds_a_second_app_to_an_unverified_session(users):
    with_app(users["reviewer"])
    client = sign_in("cochair")
    response = client.get("/accounts/two-factor/setup/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")
    assert "/setup/" not in response.url
    assert TOTPDevice.objects.filter(user=users["reviewer"]).count() == 1


def test_a_recovery_code_works_once(users):
    with_app(users["reviewer"])
    recovery = StaticDevice.objects.create(user=users["reviewer"], name="Recovery codes")
    recovery.token_set.create(token="abcd2345")
    recovery.token_set.create(token="efgh6723")

    client = sign_in("cochair")
    response = client.post("/accounts/two-factor/?next=/", {"code": "ABCD 2345"})
    assert response.status_code == 302 and response.url == "/"
    page = client.get("/")
    assert page.status_code == 200 and "Recovery code used: 1 left" in page.content.decode()

    again = sign_in("cochair")
    refused = again.post("/accounts/two-factor/?next=/", {"code": "abcd2345"})
    assert "This code is not valid" in refused.content.decode()
    assert again.get("/").status_code == 302
    assert list(recovery.token_set.values_list("token", flat=True)) == ["efgh6723"]


def test_a_focal_point_is_not_asked(users):
    client = sign_in("focal-phl")
    assert client.get("/").status_code == 200


def test_a_focal_point_who_set_up_an_app_is_asked(users):
    with_app(users["focal_phl"])
    client = sign_in("focal-phl")
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")


def test_the_admin_refuses_an_unverified_staff_session(db):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = sign_in("root", page="/admin/login/?next=/admin/")
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")
    assert client.get("/admin/actors/membership/").status_code == 302

    # Even a session that signed in before two-factor was required.
    forced = Client()
    forced.force_login(admin)
    session = forced.session
    del session["two_factor"]
    session.save()
    assert forced.get("/admin/").status_code == 302

    device = with_app(admin)
    response = client.post("/accounts/two-factor/?next=/admin/", {"code": code_of(device)})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_off_the_setting_asks_nobody_without_an_app(users, settings):
    settings.REQUIRE_2FA = False
    client = sign_in("cochair")
    assert client.get("/").status_code == 200


def test_wrong_codes_make_the_next_one_wait(users, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 60
    device = with_app(users["reviewer"])
    client = sign_in("cochair")
    wrong = client.post("/accounts/two-factor/?next=/", {"code": code_of(device, steps_ahead=9)})
    assert "This code is not valid" in wrong.content.decode()
    # For a minute even the right code is refused, and the page says why.
    waiting = client.post("/accounts/two-factor/?next=/", {"code": code_of(device)})
    assert "Too many wrong codes" in waiting.content.decode()
    assert client.get("/").status_code == 302


def test_the_static_files_are_not_held_back_by_a_code_owed(users):
    """The set-up and code pages' own CSS and JS load before the code is given."""
    client = sign_in("cochair")
    assert client.get("/assessments/queue/").status_code == 302  # owes a code
    assert client.get("/static/css/coherence.css").status_code != 302
