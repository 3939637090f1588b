"""Attaching evidence documents in Chromium: a focal point picks two files at
once for one answer, each uploads with its own progress bar and lands in the answer's
list without leaving the page or marking the answers unsaved; a program renamed .pdf is
refused by name; one file is removed; after submitting, the reviewer downloads the other
from the answer's row. No console error but the refused upload's 400, no CSP violation,
nothing from another host."""

from pathlib import Path

import pytest

from assessments.models import EvidenceDocument
from assessments.services import submit
from tests.browser.conftest import sign_in
from tests.evidence_files import EXE, PDF, evidence_root, png, stored_files
from tests.factories import PASSWORD

__all__ = ["evidence_root"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_attaches_two_files_and_the_reviewer_downloads_one(
    page, shot, users, assessment, evidence_root, tmp_path, browser, live_server
):
    pdf, picture, program = tmp_path / "decree.pdf", tmp_path / "scan.png", tmp_path / "tool.pdf"
    pdf.write_bytes(PDF)
    picture.write_bytes(png(4, 4))
    program.write_bytes(EXE)
    sign_in(page, "focal-phl", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/")
    box = page.locator("#ind-H-INS-01 [data-evidence]")
    assert box.locator("[data-evidence-submit]").is_hidden()  # the script took over

    box.locator("input[type=file]").set_input_files([str(pdf), str(picture)])
    box.locator("a:has-text('decree.pdf')").wait_for()
    box.locator("a:has-text('scan.png')").wait_for()
    shot(page, "two-attached")
    assert "PDF" in box.inner_text() and "PNG" in box.inner_text()
    assert box.locator("[data-evidence-none]").is_hidden()
    assert page.locator("[data-dirty-note]").is_hidden()
    assert sorted(EvidenceDocument.objects.values_list("name", "content_type")) == [
        ("decree.pdf", "application/pdf"),
        ("scan.png", "image/png"),
    ]

    box.locator("input[type=file]").set_input_files([str(program)])
    box.locator(".evidence-error:has-text('tool.pdf')").wait_for()
    assert "its content is EXE" in box.locator(".evidence-error").inner_text()
    assert EvidenceDocument.objects.count() == 2

    box.locator("li:has-text('scan.png') button:has-text('Remove')").click()
    box.locator("li:has-text('scan.png')").wait_for(state="detached")
    shot(page, "one-removed")
    assert list(
        EvidenceDocument.objects.filter(removed_at=None).values_list("name", flat=True)
    ) == ["decree.pdf"]
    assert len(stored_files(evidence_root)) == 2  # the removed one stays for the history
    # The one console line is Chromium's note of the refused upload's 400, which the page
    # shows beside the file.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    assert page.external_requests == []

    submit(assessment, by=users["focal_phl"])
    reviewer = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(reviewer, "cochair", PASSWORD)
    reviewer.goto(f"/assessments/{assessment.pk}/")
    link = reviewer.locator("#ind-H-INS-01 a:has-text('decree.pdf')")
    with reviewer.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "decree.pdf"
    assert Path(download.path()).read_bytes() == PDF
    shot(reviewer, "reviewer")
    reviewer.context.close()
