"""Two journeys in Chromium, a screenshot at each step (test-artifacts/<test>/):

(a) a focal point starts an assessment, answers part of it, saves, downloads the XLSX
    template, uploads it with one error (named by row and column), fixes it, uploads it
    again and submits;
(b) a reviewer returns two indicators with a reason; the focal point reads the comments,
    corrects those two (the others are locked) and resubmits; the reviewer validates and
    the consolidated score appears, computed by the tasks that run after each commit.

Every page must log no console error and load nothing from another host."""

import pytest
from openpyxl import load_workbook

from assessments.models import Assessment
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.pages.conftest import bring_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def snap(shot, page, step: str) -> None:
    """A full-page screenshot resizes the viewport and back: let the layout settle
    before the next click, or it lands where the sticky save bar used to be."""
    shot(page, step)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def clean(page) -> None:
    assert page.console_errors == []
    assert page.external_requests == []


def sign_out(page) -> None:
    with page.expect_navigation():
        page.click("header form button[type=submit]:has-text('Sign out')")


def answers_of(assessment_id: int) -> dict:
    assessment = Assessment.objects.get(pk=assessment_id)
    return {a.indicator.code: a for a in assessment.answers.select_related("indicator")}


def test_focal_point_fills_in_saves_works_offline_and_submits(page, shot, users, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "focal-phl", PASSWORD)
    snap(shot, page, "start")
    clean(page)

    # Start an assessment for 2026, perspective both.
    page.fill("#id_cycle", "2026")
    page.check("input[name=perspective][value=both]")
    with page.expect_navigation():
        page.click("text=Start the assessment")
    assessment = Assessment.objects.get()
    assert page.url.endswith(f"/assessments/{assessment.pk}/")
    assert "Assessment for 2026 started" in page.inner_text(".messages")
    snap(shot, page, "new-assessment")
    clean(page)

    # Answer part of it, every section on one page; the progress counts follow.
    with page.expect_navigation():
        page.click("text=All sections on one page")
    page.check("#v-H-INS-01-yes")
    page.fill("#e-H-INS-01", "Inter-agency committee, Executive Order 2024-12")
    page.click("#ind-H-INS-01 details summary")
    page.check("#ind-H-INS-01 input[value=PHL-LMP]")
    page.check("#ind-H-INS-01 input[value=MIGOF]")
    page.fill("#v-H-DIA-01", "37.5")
    assert page.inner_text("[data-progress=all]") == "2"
    assert page.is_visible("[data-dirty-note]")
    snap(shot, page, "answered-part")
    with page.expect_navigation():
        page.click("#save-answers")
    assert "Saved: 2 answers changed" in page.inner_text(".messages")
    stored = answers_of(assessment.pk)
    assert stored["H-INS-01"].value == 1 and stored["H-INS-01"].instruments == ["MIGOF", "PHL-LMP"]
    assert stored["H-DIA-01"].value == 37.5
    snap(shot, page, "saved")
    clean(page)

    # Download the template: it holds what was saved.
    with page.expect_download() as download_info:
        page.click("#download-template")
    download = download_info.value
    assert download.suggested_filename == "coherence-PHL-2026-PHL-DMW.xlsx"
    template = tmp_path / "template.xlsx"
    download.save_as(template)
    book = load_workbook(template)
    sheet = book["responses"]
    assert (sheet["D2"].value, sheet["E2"].value) == ("H-INS-01", "yes")
    assert (sheet["D4"].value, sheet["D9"].value, sheet["E9"].value) == (
        "H-LAB-01",
        "H-DIA-01",
        37.5,
    )

    # Upload it with one error: H-LAB-01 takes 0, 5 or 10.
    sheet["E3"] = "yes"  # V-SUB-01
    sheet["E4"] = 7
    sheet["F4"] = "Bilateral labour agreements with 12 countries"
    book.save(template)
    page.set_input_files("#id_file", str(template))
    with page.expect_navigation():
        page.click("#upload-template")
    errors = page.inner_text("#upload-errors")
    assert "row 4, column value: 7 is not one of 0, 5, 10" in errors
    assert "V-SUB-01" not in answers_of(assessment.pk)  # nothing written
    snap(shot, page, "upload-refused")
    clean(page)

    # Fix it and upload again from the error page.
    sheet["E4"] = 10
    book.save(template)
    page.set_input_files("#id_file", str(template))
    with page.expect_navigation():
        page.click("#upload-template")
    assert "Uploaded template.xlsx: 2 answers changed." in page.inner_text(".messages")
    stored = answers_of(assessment.pk)
    assert stored["H-LAB-01"].value == 10 and stored["V-SUB-01"].value == 1
    page.goto(f"/assessments/{assessment.pk}/?section=costs")
    assert page.is_checked("#v-H-LAB-01-10")
    snap(shot, page, "upload-accepted")
    clean(page)

    # Submit: the answers lock.
    with page.expect_navigation():
        page.click("#submit-assessment")
    assert "Submitted" in page.inner_text(".messages")
    assert Assessment.objects.get().state == "submitted"
    assert page.locator("#answers-form").count() == 0
    snap(shot, page, "submitted")
    clean(page)


def test_reviewer_returns_focal_point_corrects_reviewer_validates(page, shot, assessment, users):
    page.on("dialog", lambda dialog: dialog.accept())
    assessment = bring_to(assessment, "submitted", users)

    # The reviewer finds it in the queue and returns two indicators with a reason.
    sign_in(page, "cochair", PASSWORD)
    assert page.inner_text("h1") == "Review queue"
    snap(shot, page, "queue")
    clean(page)
    with page.expect_navigation():
        page.click("text=Department of Migrant Workers")
    snap(shot, page, "review")
    clean(page)
    page.check("#flag-H-INS-01")
    page.fill("#comment-H-INS-01", "Name the decree that set up the committee.")
    page.check("#flag-H-DIA-01")
    page.fill("#comment-H-DIA-01", "Give the source of the 40%.")
    page.fill("#id_reason", "Two answers need their evidence.")
    snap(shot, page, "return-form")
    with page.expect_navigation():
        page.click("#return-assessment")
    assert "Returned for correction" in page.inner_text(".messages")
    assert Assessment.objects.get(pk=assessment.pk).state == "returned"
    snap(shot, page, "returned")
    clean(page)
    sign_out(page)

    # The focal point sees the reason and the comments; only those two are open.
    sign_in(page, "focal-phl", PASSWORD)
    with page.expect_navigation():
        page.click("text=Department of Migrant Workers")
    with page.expect_navigation():
        page.click("text=All sections on one page")
    notice = page.inner_text(".notice.returned")
    assert "Two answers need their evidence." in notice
    assert "Name the decree that set up the committee." in notice
    assert "Give the source of the 40%." in notice
    assert page.is_disabled("#v-H-LAB-01-5") and page.is_disabled("#e-H-LAB-01")
    assert page.is_enabled("#v-H-INS-01-yes") and page.is_enabled("#v-H-DIA-01")
    snap(shot, page, "correcting")
    page.fill("#e-H-INS-01", "Executive Order 2024-12 set up the committee.")
    page.fill("#v-H-DIA-01", "45")
    page.fill("#e-H-DIA-01", "Labour force survey 2025, table 4")
    with page.expect_navigation():
        page.click("#save-answers")
    assert "Saved: 2 answers changed" in page.inner_text(".messages")
    with page.expect_navigation():
        page.click("#submit-assessment")
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    snap(shot, page, "resubmitted")
    clean(page)
    sign_out(page)

    # The reviewer validates; the scores are computed after the commit.
    sign_in(page, "cochair", PASSWORD)
    with page.expect_navigation():
        page.click("text=Department of Migrant Workers")
    log = page.inner_text("table.log")
    assert "Two answers need their evidence." in log and "H-DIA-01" in log
    with page.expect_navigation():
        page.click("#validate-assessment")
    assert Assessment.objects.get(pk=assessment.pk).state == "validated"
    page.reload()
    consolidated = page.inner_text("#consolidated-overall")
    assert consolidated != "being computed" and float(consolidated) > 0
    assert page.inner_text("#assessment-overall") != "Scores are being computed."
    snap(shot, page, "validated")
    clean(page)
    sign_out(page)

    # The focal point's start page shows the scores instead of "being computed".
    sign_in(page, "focal-phl", PASSWORD)
    table = page.inner_text("table.consolidated")
    assert consolidated in table and "being computed" not in table
    assert "being computed" not in page.inner_text("table.assessments")
    snap(shot, page, "start-with-scores")
    clean(page)
