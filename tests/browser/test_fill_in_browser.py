"""The fill-in page in Chromium, against what made it hard work: a save keeps the user at
the question they were at (and says "Saving…" on a disabled button meanwhile); a refused
save's error summary takes focus and its links focus each field; the instruments picker
keeps earlier choices when another is ticked and when filtering; a keyboard-only journey
from the first Tab to a submitted assessment; no horizontal scroll at 390 px."""

import os

import pytest

from assessments.models import Assessment
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.pages.conftest import bring_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def stored(assessment_id: int) -> dict:
    assessment = Assessment.objects.get(pk=assessment_id)
    return {a.indicator.code: a for a in assessment.answers.select_related("indicator")}


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def top_of(page, selector: str) -> float:
    return page.evaluate(f"() => document.querySelector('{selector}').getBoundingClientRect().top")


PROBE = """() => document.getElementById("answers-form").addEventListener("submit", () => {
    const state = (id) => [document.getElementById(id).disabled,
                           document.getElementById(id).textContent];
    sessionStorage.setItem("probe", JSON.stringify({
        bottom: state("save-answers"), top: state("save-answers-top"),
        status: document.querySelector("[data-save-status]").textContent,
        busy: document.getElementById("answers-form").getAttribute("aria-busy"),
    }));
})"""


def test_a_save_keeps_the_user_at_the_saved_question(page, shot, assessment, users):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/?section=all")
    # A question far down the page: its evidence typed, then the save at the bottom.
    page.locator("#e-V-INT-01").scroll_into_view_if_needed()
    page.fill("#e-V-INT-01", "Refugee Act 2019, article 4")
    before = top_of(page, "#e-V-INT-01")
    assert page.evaluate("() => window.scrollY") > 1000
    # What the buttons say once the form is on its way, recorded by a listener that runs
    # after the page's own and kept in the tab's session storage across the navigation.
    page.evaluate(PROBE)
    with page.expect_navigation():
        page.click("#save-answers")
    page.wait_for_load_state("load")
    probe = page.evaluate("() => JSON.parse(sessionStorage.getItem('probe'))")
    assert probe == {
        "bottom": [True, "Saving…"],
        "top": [True, "Saving…"],
        "status": "Saving…",
        "busy": "true",
    }
    assert page.url.endswith("?section=all#ind-V-INT-01")
    assert stored(assessment.pk)["V-INT-01"].evidence == "Refugee Act 2019, article 4"
    # Where it was on screen, the control typed in focused again, the result announced.
    page.wait_for_function("() => document.activeElement.id === 'e-V-INT-01'")
    assert abs(top_of(page, "#e-V-INT-01") - before) < 40
    page.wait_for_function(
        "() => document.querySelector('[data-save-status]').textContent.includes('Saved')"
    )
    shot(page, "saved-in-place")
    assert page.console_errors == []


def test_the_error_summary_takes_focus_and_its_links_focus_the_fields(page, shot, assessment):
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/?section=all")
    page.fill("#v-H-DIA-01", "150")
    page.fill("#v-V-INT-01", "101")
    with page.expect_navigation():
        page.click("#save-answers-top")
    assert focused_id(page) == "error-summary"
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "There is a problem" in summary.inner_text()
    shot(page, "error-summary")
    # The first link by keyboard, the second by a click: each focuses its field.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('data-field')") == (
        "v-V-INT-01"
    )
    page.keyboard.press("Enter")
    assert focused_id(page) == "v-V-INT-01"
    page.click("#error-summary a[data-field='v-H-DIA-01']")
    assert focused_id(page) == "v-H-DIA-01"
    # The question's text is in view above its field.
    legend = page.locator("#ind-H-DIA-01 > fieldset > legend").bounding_box()
    assert 0 <= legend["y"] < page.viewport_size["height"]
    assert page.input_value("#v-H-DIA-01") == "150"  # the user's input is kept
    assert page.console_errors == []


def test_the_picker_keeps_earlier_choices_when_ticking_and_filtering(page, shot, assessment):
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/")
    page.click("#ind-H-INS-01 details summary")
    picker = page.locator("#ind-H-INS-01 [data-picker-list]")
    page.check("#ind-H-INS-01 input[value=PHL-LMP]")
    page.check("#ind-H-INS-01 input[value=MIGOF]")
    assert page.is_checked("#ind-H-INS-01 input[value=PHL-LMP]")
    # Names, not only codes.
    assert "PHL-LMP — " in picker.inner_text()
    # Filtering hides what does not match, never a ticked instrument.
    page.fill("#f-H-INS-01", "che-mp")
    visible = [
        label.locator("input").get_attribute("value")
        for label in picker.locator("label").all()
        if label.is_visible()
    ]
    assert visible == ["MIGOF", "PHL-CHE-MP", "PHL-LMP"]
    assert "3 of 4 instruments shown" in page.inner_text("#ind-H-INS-01 [data-picker-status]")
    page.check("#ind-H-INS-01 input[value=PHL-CHE-MP]")
    page.fill("#f-H-INS-01", "")
    assert page.inner_text("#ind-H-INS-01 [data-chosen-count]") == "3"
    shot(page, "picker")
    with page.expect_navigation():
        page.click("#save-answers-top")
    assert stored(assessment.pk)["H-INS-01"].instruments == ["MIGOF", "PHL-CHE-MP", "PHL-LMP"]
    # Back on the page the chosen ones come first, ticked.
    boxes = page.locator("#ind-H-INS-01 [data-picker-list] input")
    assert [boxes.nth(i).get_attribute("value") for i in range(3)] == [
        "MIGOF",
        "PHL-CHE-MP",
        "PHL-LMP",
    ]
    assert page.console_errors == []


def tab_to(page, selector: str, limit: int = 60, back: bool = False) -> int:
    """Press Tab (or Shift+Tab) until `selector` has focus; the number of presses."""
    for n in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            return n
    raise AssertionError(f"{selector} not reached in {limit} presses")


def test_a_keyboard_only_fill_in_journey(page, shot, assessment):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/")
    # Save and submit come early in the tab order, before the questions.
    assert tab_to(page, "#save-answers-top") <= 25
    assert tab_to(page, "#submit-assessment") == 1
    # On to the first question: the radios are one stop; an arrow key picks "yes".
    tab_to(page, "input[name='v-H-INS-01']")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#v-H-INS-01-yes")
    page.keyboard.press("Tab")
    assert focused_id(page) == "e-H-INS-01"
    page.keyboard.type("Executive Order 2024-12")
    # Back up to Save, and save with Enter.
    tab_to(page, "#save-answers-top", back=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'e-H-INS-01'")
    answer = stored(assessment.pk)["H-INS-01"]
    assert (answer.value, answer.evidence) == (1.0, "Executive Order 2024-12")
    shot(page, "saved-by-keyboard")
    # Submit, confirming the question it asks.
    tab_to(page, "#submit-assessment", back=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    shot(page, "submitted-by-keyboard")
    assert page.console_errors == []


WIDER = """() => Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > 390)
    .map((el) => `${el.tagName}.${el.className}#${el.id} ${el.getBoundingClientRect().right}`)"""


@pytest.mark.parametrize("query", ["", "?section=all", "?show=flagged"])
def test_no_horizontal_scroll_at_390_px(page, shot, assessment, users, query):
    bring_to(assessment, "returned", users, flag=("H-LAB-01", "H-DIA-01"))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/{query}")
    page.click("#ind-H-LAB-01 details summary")  # a picker open, with every instrument
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, page.evaluate(WIDER)
    shot(page, "phone")
    assert page.console_errors == []


SIZE = """() => ({height: document.documentElement.scrollHeight,
                 nodes: document.getElementsByTagName("*").length})"""


def test_one_section_is_a_fraction_of_the_whole_form(page):
    """The fill-in page's height, element count and bytes with the shipped framework, one
    section (what the page opens at) against every section on one page (what the page
    used to be), every indicator answered with evidence, at 1366 and 390 px. The figures
    are kept in test-artifacts/fill-in-size.json; the largest section holds 43 of the 122
    questions, so one section must stay under half the whole on each measure."""
    import json

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from assessments import catalogue, demo, services
    from tests.browser.conftest import ARTIFACTS

    call_command("load_catalogue", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    demo.setup(catalogue.FIXTURES)
    user = get_user_model().objects.get(username="focal-phl")
    draft = services.create_assessment(actor=user.membership.actor, cycle=2031, by=user)
    values = {"yes_no": 1.0, "three_level": 5.0, "scale": 2.0, "percent": 50.0}
    services.save_answers(
        draft,
        by=user,
        version=draft.version,
        answers={
            i.code: services.AnswerInput(value=values[i.answer_type], evidence="Act 2019, s. 4")
            for i in draft.framework.indicators.all()
        },
    )
    sign_in(page, "focal-phl", demo.DEMO_PASSWORD)
    figures = {"indicators": draft.framework.indicators.count()}
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, query in (("one section", ""), ("every section", "?section=all")):
            response = page.goto(f"/assessments/{draft.pk}/{query}")
            assert response.status == 200
            figures[f"{name} at {width} px"] = {
                **page.evaluate(SIZE),
                "bytes": len(response.body()),
            }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "fill-in-size.json").write_text(json.dumps(figures, indent=2))
    for width in (1366, 390):
        one, every = figures[f"one section at {width} px"], figures[f"every section at {width} px"]
        for measure in ("height", "nodes", "bytes"):
            assert one[measure] * 2 < every[measure], (width, measure, figures)
