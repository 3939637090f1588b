import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_sets_up_an_authenticator_app_and_reaches_the_queue(page, shot, users, settings):
    settings.REQUIRE_2FA = True
    sign_in(page, "cochair", PASSWORD)
    assert "/accounts/two-factor/setup/" in page.url
    assert page.locator("figure.qr svg").is_visible()
    shot(page, "setup")
    device = TOTPDevice.objects.get(user=users["reviewer"], confirmed=False)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("#id_code", f"{code:06d}")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    shot(page, "recovery-codes")
    with page.expect_navigation():
        page.click("main a:has-text('continue')")
    assert page.locator("h1").inner_text() != "Your recovery codes"
    shot(page, "queue")
    assert page.console_errors == []
    assert page.external_requests == []


def test_too_many_wrong_passwords_show_the_lockout_page(page, shot, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(page, "focal-phl", "wrong")
    sign_in(page, "focal-phl", PASSWORD)
    assert page.locator("h1").inner_text() == "Sign-in locked"
    shot(page, "locked")
    # Chromium reports the 429 itself as a console error; nothing else may be there.
    assert all("429" in error for error in page.console_errors)
