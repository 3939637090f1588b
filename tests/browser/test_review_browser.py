"""The reviewer's jobs in Chromium, each with screenshots (test-artifacts/<test>/):
validating asks first (one click no longer validates), the return form is reachable from
the top by keyboard and puts the user on its errors, the answers' filter, the queue's
sorting, and a keyboard-only review: flag an answer with a comment, return with a reason.
Every page logs no console error and breaks no Content-Security-Policy rule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Answer, Assessment, TransitionLog
from assessments.services import AnswerInput
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.pages.conftest import bring_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def clean(page) -> None:
    assert page.console_errors == []
    assert page.external_requests == []


def focused(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, *, limit: int = 400, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the element has focus, as a keyboard user would."""
    for _ in range(limit):
        if focused(page) == element_id:
            return
        page.keyboard.press(key)
    raise AssertionError(f"#{element_id} never took focus; stopped on #{focused(page)}")


def state(assessment) -> str:
    return Assessment.objects.get(pk=assessment.pk).state


@pytest.fixture
def submitted(assessment, users):
    return bring_to(assessment, "submitted", users)


@pytest.fixture
def beside_health(submitted, catalogue, users):
    """PHL-DOH's submitted assessment answers H-INS-01 and H-LAB-01 away from PHL-DMW's."""
    doh = services.create_assessment(
        actor=catalogue["actors"]["PHL-DOH"], cycle=2026, by=users["focal_phl_health"]
    )
    services.save_answers(
        doh,
        by=users["focal_phl_health"],
        version=doh.version,
        answers={
            "H-INS-01": AnswerInput(value=0.0),
            "H-LAB-01": AnswerInput(value=10.0),
            "H-DIA-01": AnswerInput(value=40.0),
        },
    )
    services.submit(doh, by=users["focal_phl_health"])
    return submitted


def open_review(page, assessment) -> None:
    sign_in(page, "cochair", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/")


def test_one_click_on_validate_no_longer_validates(page, shot, submitted):
    open_review(page, submitted)
    page.click("#validate-assessment")
    dialog = page.locator("#confirm-validate")
    assert dialog.is_visible()
    assert "Validating locks the answers" in dialog.inner_text()
    assert focused(page) == "confirm-validate-no"  # the safe choice has focus
    shot(page, "asked")
    assert state(submitted) == "submitted"
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert focused(page) == "validate-assessment"  # back where the user was
    page.click("#validate-assessment")
    page.click("#confirm-validate-no")
    assert not dialog.is_visible()
    assert state(submitted) == "submitted"
    assert not TransitionLog.objects.filter(action="validate").exists()
    page.click("#validate-assessment")
    with page.expect_navigation():
        page.click("#confirm-validate-yes")
    assert state(submitted) == "validated"
    assert "Validated" in page.inner_text(".messages")
    shot(page, "validated")
    clean(page)


def test_reopen_asks_too_and_a_missing_reason_is_said_first(page, submitted, users):
    services.validate(submitted, by=users["reviewer"])
    open_review(page, submitted)
    with page.expect_navigation():
        page.click("#reopen-assessment")  # no reason: the server says so, no dialog
    assert "Not reopened: a reason is required." in page.inner_text(".messages")
    page.fill("#id_reopen-reason", "New survey data")
    page.click("#reopen-assessment")
    assert page.is_visible("#confirm-reopen")
    assert state(submitted) == "validated"
    with page.expect_navigation():
        page.click("#confirm-reopen-yes")
    assert state(submitted) == "returned"
    assert Assessment.objects.get(pk=submitted.pk).return_reason == "New survey data"
    clean(page)


def test_without_javascript_validating_goes_through_a_confirmation_page(
    browser, live_server, submitted
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "cochair", PASSWORD)
        page.goto(f"/assessments/{submitted.pk}/")
        with page.expect_navigation():
            page.click("#validate-assessment")
        assert page.inner_text("h1") == "Validate this assessment?"
        assert state(submitted) == "submitted"
        with page.expect_navigation():
            page.click("#confirm-validate-yes")
        assert state(submitted) == "validated"
    finally:
        context.close()


def test_the_return_form_is_reachable_from_the_top_and_focuses_its_errors(page, shot, submitted):
    open_review(page, submitted)
    page.keyboard.press("Tab")
    tab_to(page, "go-to-return")
    page.keyboard.press("Enter")
    assert focused(page) == "return-title"
    page.keyboard.press("Tab")
    assert focused(page) == "id_reason"
    tab_to(page, "return-assessment")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # no reason given
    assert focused(page) == "return-errors"
    summary = page.inner_text("#return-errors")
    assert "Give a reason: the focal point reads it." in summary
    box = page.locator("#return-errors").bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"]  # where the user is
    shot(page, "errors")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "id_reason"
    assert state(submitted) == "submitted"
    clean(page)


def test_the_answers_filter(page, shot, beside_health):
    open_review(page, beside_health)

    def rows():
        return page.eval_on_selector_all(
            "tr.answer-row", "rows => rows.filter(r => !r.hidden).map(r => r.id.slice(4))"
        )

    assert len(rows()) == 8
    page.check("#show-answered")
    assert rows() == ["H-INS-01", "H-LAB-01", "H-DIA-01"]
    assert page.inner_text("#filter-status") == "Showing 3 of 8 answers."
    page.check("#show-departing")
    assert rows() == ["H-INS-01", "H-LAB-01"]
    assert "show=departing" in page.url
    shot(page, "departing")
    page.check("#show-flagged")
    assert rows() == []
    assert page.is_visible("[data-filter-empty]")
    page.check("#show-all")
    page.check("#flag-V-SUB-01")  # flagging now counts as flagged
    page.check("#show-flagged")
    assert rows() == ["V-SUB-01"]
    assert page.inner_text("[data-flag-count]") == "1"
    clean(page)


def test_the_queue_sorts_by_its_headers(page, shot, submitted, catalogue, users):
    mda = services.create_assessment(
        actor=catalogue["actors"]["MDA-BMA"], cycle=2025, by=users["focal_mda"]
    )
    services.submit(mda, by=users["focal_mda"])
    TransitionLog.objects.filter(assessment=mda).update(at=timezone.now() - timedelta(days=9))
    sign_in(page, "cochair", PASSWORD)

    def actors():
        return page.eval_on_selector_all(
            "table.queue tbody tr td:nth-child(1)", "c => c.map(x => x.innerText)"
        )

    assert actors() == ["Moldova", "Philippines"]  # oldest submission first
    assert page.get_attribute("th:has(a[data-sort=submitted])", "aria-sort") == "ascending"
    with page.expect_navigation():
        page.click("a[data-sort=country]")
    assert page.get_attribute("th:has(a[data-sort=country])", "aria-sort") == "ascending"
    assert page.get_attribute("th:has(a[data-sort=submitted])", "aria-sort") is None
    assert actors() == ["Moldova", "Philippines"]
    with page.expect_navigation():
        page.click("a[data-sort=country]")
    assert page.get_attribute("th:has(a[data-sort=country])", "aria-sort") == "descending"
    assert actors() == ["Philippines", "Moldova"]
    shot(page, "by-country-descending")
    with page.expect_navigation():
        page.click("a[data-sort=waiting]")
    assert actors() == ["Philippines", "Moldova"]  # waiting least first
    assert page.inner_text("table.queue tbody tr:last-child td.days-waiting") == "9"
    clean(page)


def test_keyboard_only_review_flag_an_answer_and_return(page, shot, submitted):
    sign_in(page, "cochair", PASSWORD)
    # From the queue to the assessment.
    page.keyboard.press("Tab")
    link = page.locator("table.queue a:has-text('Department of Migrant Workers')")
    link.evaluate("a => a.id = 'open-assessment'")
    tab_to(page, "open-assessment")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Flag H-DIA-01 with a comment, inline in its answer.
    page.keyboard.press("Tab")
    tab_to(page, "flag-H-DIA-01")
    page.keyboard.press("Space")
    assert page.is_checked("#flag-H-DIA-01")
    page.keyboard.press("Tab")
    assert focused(page) == "comment-H-DIA-01"
    page.keyboard.type("Give the source of the 40%.")
    shot(page, "flagged")
    # To the return form, the reason, and return.
    tab_to(page, "back-to-return")
    page.keyboard.press("Enter")
    assert focused(page) == "return-title"
    assert page.inner_text("[data-flag-count]") == "1"
    page.keyboard.press("Tab")
    assert focused(page) == "id_reason"
    page.keyboard.type("One answer needs its source.")
    page.keyboard.press("Tab")
    assert focused(page) == "return-assessment"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assessment = Assessment.objects.get(pk=submitted.pk)
    assert (assessment.state, assessment.return_reason) == (
        "returned",
        "One answer needs its source.",
    )
    flagged = dict(
        Answer.objects.filter(assessment=assessment, flagged=True).values_list(
            "indicator__code", "flag_comment"
        )
    )
    assert flagged == {"H-DIA-01": "Give the source of the 40%."}
    shot(page, "returned")
    clean(page)


# The right edge of the widest element of the page's main part, tables that scroll in their
# own region aside. The header's navigation and the transition log are shared by every
# assessment page (the reading pages' own tests check that they fit); this checks what the review
# adds.
WIDEST = """() => Math.max(...Array.from(document.querySelectorAll("main *"))
    .filter(el => !el.closest(".table-scroll, dialog, svg, table.log"))
    .map(el => el.getBoundingClientRect().right))"""


def test_the_review_page_and_queue_fit_a_phone(page, shot, beside_health):
    page.set_viewport_size({"width": 390, "height": 844})
    open_review(page, beside_health)
    page.wait_for_selector("#plot-review-departures[data-drawn]")
    shot(page, "review-390")
    assert page.evaluate(WIDEST) <= 390
    page.goto("/assessments/queue/")
    shot(page, "queue-390")
    assert page.evaluate(WIDEST) <= 390
    clean(page)
