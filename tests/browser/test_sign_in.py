import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_signs_in_and_sees_its_assessment(page, shot, assessment, users):
    sign_in(page, "focal-phl", PASSWORD)
    assert page.url.rstrip("/") == page.url.split("/accounts")[0].rstrip("/")
    shot(page, "start")
    assert page.locator("h1").inner_text() == "Your assessments"
    assert "Department of Migrant Workers" in page.locator("table.data").inner_text()
    assert page.console_errors == []
    assert page.external_requests == []


def test_wrong_password_is_refused_without_leaving_the_page(page, users):
    sign_in(page, "focal-phl", "wrong")
    assert "/accounts/login/" in page.url
    assert page.locator("[role=alert]").count() == 1
