"""Under the Content-Security-Policy every page still works in Chromium: charts drawn by
Plotly, the answer sheet's script, the sign-in form and the API docs' Swagger UI — with no
violation reported (the page fixture fails a test that met one)."""

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_dashboards_browser import (  # noqa: F401 (a fixture)
    ALL_DRAWN,
    EVERY_PAGE,
    dashboards_data,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.usefixtures("dashboards_data")
def test_every_chart_page_draws_under_the_policy(page, shot):
    sign_in(page, "cochair", PASSWORD)
    for name, url in EVERY_PAGE:
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_function(ALL_DRAWN)
        charts = page.locator("[data-chart]")
        for i in range(charts.count()):
            assert charts.nth(i).locator("svg.main-svg").count() >= 1, (name, i)
        shot(page, name)
    assert page.csp_violations == []
    assert page.console_errors == []


def test_the_answer_sheet_runs_its_script_under_the_policy(page, shot, assessment, users):
    sign_in(page, "focal-phl", PASSWORD)
    response = page.goto(f"/assessments/{assessment.pk}/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    shot(page, "answer-sheet")
    assert page.csp_violations == []
    assert page.console_errors == []


def test_the_api_docs_render_under_their_policy(page, shot):
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Coherence API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    shot(page, "api-docs")
    assert page.csp_violations == []
    assert page.console_errors == []
