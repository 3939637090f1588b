"""Keyboard only, as a user without a mouse: a focal point signs in, opens the assessment
from the start page, answers its first question and saves; a reviewer opens a submitted one
from the queue and returns one answer with a comment and a reason. Every control is reached
with Tab (found by its accessible role and name), every Tab stop shows a focus ring of 3:1 or
more, and what was done is stored."""

import pytest

from assessments.models import Assessment
from tests.browser.keyboard import choose_radio, is_focused, tab_to
from tests.factories import PASSWORD
from tests.pages.conftest import bring_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_sign_in_open_answer_and_save_with_the_keyboard_alone(page, assessment, users):
    page.goto("/accounts/login/")
    username = page.get_by_role("textbox", name="Username")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'username'")
    assert is_focused(username)  # the sign-in page starts there
    page.keyboard.type("focal-phl")
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    tab_to(page, page.locator("main").get_by_role("button", name="Sign in"))
    press_enter_and_wait(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Your assessments"

    tab_to(page, page.get_by_role("link", name="Department of Migrant Workers"))
    press_enter_and_wait(page)
    assert page.url.endswith(f"/assessments/{assessment.pk}/")

    first = page.get_by_role("group", name="H-INS-01")
    choose_radio(page, first, "Yes")
    presses = tab_to(
        page,
        # Forward from the first question: the Save after the questions (the toolbar's,
        # before them, is the one a keyboard reaches first from the top of the page).
        page.get_by_role("button", name="Save", exact=True).last,
    )
    press_enter_and_wait(page)

    assert page.get_by_role("status").filter(has_text="Saved: 1 answers changed").count() == 1
    answer = Assessment.objects.get(pk=assessment.pk).answers.get(indicator__code="H-INS-01")
    assert answer.value == 1
    assert presses < 200
    assert page.console_errors == []


def test_a_reviewer_returns_one_answer_with_the_keyboard_alone(page, assessment, users):
    assessment = bring_to(assessment, "submitted", users)
    page.goto("/accounts/login/")
    # Type once the page's own focus is on the username (typing earlier loses letters).
    page.wait_for_function("document.activeElement && document.activeElement.name === 'username'")
    page.keyboard.type("cochair")
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    tab_to(page, page.locator("main").get_by_role("button", name="Sign in"))
    press_enter_and_wait(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Review queue"

    tab_to(page, page.get_by_role("link", name="Department of Migrant Workers"))
    press_enter_and_wait(page)
    assert page.url.endswith(f"/assessments/{assessment.pk}/")

    # The link at the top takes the keyboard to the return form, above the answers; each
    # answer carries its flag and comment; the link after the answers leads back up.
    tab_to(page, page.get_by_role("link", name="Return for correction…"))
    page.keyboard.press("Enter")
    flag = page.get_by_role("checkbox", name="Flag H-INS-01")
    tab_to(page, flag)
    page.keyboard.press("Space")
    assert flag.is_checked()
    tab_to(page, page.get_by_role("textbox", name="Comment on H-INS-01"))
    page.keyboard.type("Name the decree that set up the committee.")
    tab_to(page, page.get_by_role("link", name="Return for correction: to the reason"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("textbox", name="Reason"))
    page.keyboard.type("One answer needs its evidence.")
    tab_to(page, page.get_by_role("button", name="Return for correction"))
    press_enter_and_wait(page)

    assert "Returned for correction" in page.get_by_role("status").inner_text()
    returned = Assessment.objects.get(pk=assessment.pk)
    assert returned.state == "returned"
    assert returned.transitions.last().indicators == {
        "H-INS-01": "Name the decree that set up the committee."
    }
    assert page.console_errors == []
