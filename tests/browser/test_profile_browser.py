"""The profile in Chromium: printed, it shows the profile without navigation or
controls; the lead actor publishes it through the confirmation and anyone then reads it on
/public/; the PDF's "being prepared" page polls its status with its own script. No console
error and no Content-Security-Policy violation on any of them."""

import pytest
from django.core.cache import cache

from actors.roles import principal_of
from assessments import pdf
from assessments.dashboards.profile import readable_head

# The browser, page and shot fixtures come from tests/browser/conftest.py: one Playwright
# for the whole run (a second one inside the first's event loop cannot start).
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.profile.conftest import profile_storage, profiles  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/dashboards/country/PHL/2024/profile/"


def test_printed_the_profile_has_no_navigation_or_controls(page, shot, profiles):  # noqa: F811 (a fixture)
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(URL)
    assert page.locator("header.top").is_visible()
    assert page.locator(".controls").is_visible()
    page.emulate_media(media="print")
    shot(page, "printed")
    assert not page.locator("header.top").is_visible()
    assert not page.locator(".controls").is_visible()
    assert page.locator("article.profile table").first.is_visible()
    assert page.locator("article.profile svg").first.is_visible()
    assert page.console_errors == []


def test_the_lead_actor_publishes_and_anyone_reads_it(page, browser, shot, profiles):  # noqa: F811 (a fixture)
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(URL)
    page.select_option("#pub-audience", "public")
    with page.expect_navigation():
        page.click("text=Publish…")
    assert "anyone can read them without signing in" in page.content()
    shot(page, "confirm")
    with page.expect_navigation():
        page.click("text=Publish the profile")
    assert "Published to the public on" in page.content()
    anonymous = browser.new_context(base_url=page.url.split("/dashboards/")[0]).new_page()
    response = anonymous.goto("/public/PHL/2024/")
    assert response.status == 200
    assert "Philippines — 2024" in anonymous.content()
    anonymous.context.close()
    assert page.console_errors == []


def test_the_pdf_being_prepared_polls_its_status(page, profiles):  # noqa: F811 (a fixture)
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(URL)
    head = readable_head(principal_of(profiles["focal_phl"]), "PHL", 2024)
    cache.set(f"profile-pdf:{pdf.key_of(head, 'en')}", pdf.RENDERING, 60)
    with page.expect_request(lambda r: r.url.endswith("/profile/pdf-status/")):
        page.goto(URL.replace("/profile/", "/profile.pdf"))
        assert "being prepared" in page.content()
    assert page.console_errors == []


def test_the_profile_pages_pass_axe(page, profiles):  # noqa: F811 (a fixture)
    from tests.browser import axe

    axe.install(page.context)
    found = {}
    for name, url in [("public-list", "/public/"), ("public-profile", "/public/PHL/2025/")]:
        page.goto(url)
        found[name] = axe.summary(axe.violations(page))
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(URL)
    found["profile"] = axe.summary(axe.violations(page))
    page.select_option("#pub-audience", "peers")
    with page.expect_navigation():
        page.click("text=Publish…")
    found["confirm"] = axe.summary(axe.violations(page))
    assert found == {name: [] for name in found}
