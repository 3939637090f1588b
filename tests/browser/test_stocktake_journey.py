"""A stock-taking journey in Chromium, a screenshot at each step: the focal
point lists a catalogue instrument and a new one and reports an unmitigated incoherence
between them, then submits; the reviewer validates; the country's grid and dashboard for
that cycle show them, and the API counts the unmitigated incoherence."""

import pytest
from rest_framework.test import APIClient

from assessments.models import Assessment
from coherence.api.authentication import issue_token
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import clean, sign_out, snap
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_takes_stock_reviewer_validates_grid_dashboard_and_api_show_it(
    page, shot, assessment, users
):
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before submitting
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/")
    page.fill("#st-code", "PHL-LMP")
    with page.expect_navigation():
        page.click("#stock-add-instrument button[type=submit]")
    page.fill("#st-code", "PHL-NAGA-PLAN")
    page.fill("#st-name", "Naga City migration and development plan")
    page.select_option("#st-tool", "strategy")
    page.check("#stock-add-instrument input[name=levels][value=subnational]")
    page.select_option("#st-owner", "PHL-NAGA")
    with page.expect_navigation():
        page.click("#stock-add-instrument button[type=submit]")
    assert "PHL-NAGA-PLAN is listed." in page.inner_text(".messages")
    snap(shot, page, "instruments-listed")
    page.select_option("#st-source", "PHL-NAGA-PLAN")
    page.select_option("#st-target", "PHL-LMP")
    page.select_option("#st-score", "-3")
    page.fill("#st-rationale", "¶16: the city's plan and the national policy pull apart.")
    page.check("#st-none")
    with page.expect_navigation():
        page.click("#stock-add-interaction button[type=submit]")
    assert "1 unmitigated incoherence" in page.inner_text("#stocktake")
    snap(shot, page, "incoherence-reported")
    with page.expect_navigation():
        page.click("#submit-assessment")
    clean(page)
    sign_out(page)

    sign_in(page, "cochair", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/")
    assert "PHL-NAGA-PLAN" in page.inner_text("#stocktake")
    page.click("#validate-assessment")  # asks first, saying what validating does
    with page.expect_navigation():
        page.click("#confirm-validate-yes")
    assert Assessment.objects.get(pk=assessment.pk).state == "validated"
    page.goto("/grid/?country=PHL&cycle=2026")
    assert "Naga City migration and development plan" in page.content()  # its cell's hover
    snap(shot, page, "grid")
    page.goto("/dashboards/country/PHL/?cycle=2026")
    assert page.inner_text("#unmitigated-count") == "1"
    assert "Naga City migration and development plan" in page.inner_text("#tools-safeguards")
    snap(shot, page, "dashboard")
    clean(page)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(users['partner'])}")
    (stock,) = api.get("/api/v1/stocktake/?country=PHL&cycle=2026").json()["results"]
    assert stock["unmitigated"] == 1
    assert api.get("/api/v1/scores/PHL/2026/").json()["unmitigated"] == 1
