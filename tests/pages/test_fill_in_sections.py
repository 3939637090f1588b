"""The fill-in page one section (a dimension) at a time: the section navigation with each
section's progress, the filter (unanswered / flagged), a save that comes back to the same
section at the saved question, the error summary of a refused save, the checkbox
instruments picker, labelled read-only answers, and the start page's word on a return."""

import re

import pytest
from django.urls import reverse

from assessments.models import Answer
from tests.pages.conftest import answer_values, read_form

pytestmark = pytest.mark.django_db


def detail(assessment, query=""):
    return reverse("assessments:detail", args=[assessment.pk]) + query


def save_url(assessment):
    return reverse("assessments:save", args=[assessment.pk])


def shown_codes(html):
    """The questions on the page that the filter does not hide."""
    return re.findall(r'data-indicator="([A-Z0-9-]+)"(?: data-flagged)?>', html)


def test_the_page_opens_at_the_first_section_with_every_sections_progress(client_of, in_state):
    assessment = in_state("draft")  # H-INS-01, H-LAB-01, H-DIA-01 answered
    response = client_of("focal_phl").get(detail(assessment))
    html = response.content.decode()
    assert re.findall(r'data-indicator="([A-Z0-9-]+)"', html) == ["H-INS-01", "V-SUB-01"]
    nav = html.split('<nav class="sections"')[1].split("</nav>")[0]
    entries = re.findall(
        r'<a href="([^"]+)"(?: aria-current="page")?>([^<]+)</a>\s*'
        r'<span class="progress-count">([^<]+)',
        nav,
    )
    assert [(label, count.strip()) for _url, label, count in entries] == [
        ("Promote institutional coherence", "1/2 answered"),
        ("Reduce the costs of migration", "1/2 answered"),
        ("Protect migrants and their families", "0/2 answered"),
        ("Promote (re)integration", "0/1 answered"),
        ("Enhance the development impact", "1/1 answered"),
        ("All sections on one page", "3/8 answered"),
    ]
    assert 'aria-current="page">Promote institutional coherence' in nav
    # The whole assessment's count stays in the facts above.
    assert re.search(r'data-progress="all">3</span> / 8', html)
    # Save and submit come right after the navigation and the filter, before the questions.
    assert html.index('id="save-answers-top"') < html.index('id="submit-assessment"')
    assert html.index('id="submit-assessment"') < html.index('data-indicator="H-INS-01"')
    assert read_form(response)["codes"] == ["H-INS-01", "V-SUB-01"]


def test_saving_one_section_writes_it_and_comes_back_to_the_saved_question(client_of, in_state):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    response = client.get(detail(assessment, "?section=costs"))
    data = read_form(response)
    assert data["codes"] == ["H-LAB-01", "V-BIL-01"] and data["section"] == ["costs"]
    data["v-V-BIL-01"] = ["10"]
    data["e-V-BIL-01"] = ["Bilateral agreement with Japan, 2019"]
    response = client.post(save_url(assessment), data)
    assert response.status_code == 302
    assert response.url == detail(assessment, "?section=costs#ind-V-BIL-01")
    stored = answer_values(assessment)
    assert stored["V-BIL-01"][:3] == (10.0, False, "Bilateral agreement with Japan, 2019")
    assert stored["H-INS-01"][0] == 1.0  # the other sections' answers untouched
    # The script names the question the user was at; it wins over the first one changed.
    data = read_form(client.get(detail(assessment, "?section=costs")))
    data["v-H-LAB-01"], data["at"] = ["10"], ["V-BIL-01"]
    response = client.post(save_url(assessment), data)
    assert response.url.endswith("?section=costs#ind-V-BIL-01")


def test_the_unanswered_filter_hides_answered_questions_and_a_save_moves_to_the_next(
    client_of, in_state
):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    html = client.get(detail(assessment, "?section=all&show=unanswered")).content.decode()
    assert shown_codes(html) == ["V-SUB-01", "V-BIL-01", "H-LAB-02", "V-INT-01", "V-REG-01"]
    assert 'name="show" value="unanswered" checked' in html
    # Answering V-SUB-01 under "unanswered only": back at the next unanswered question.
    data = read_form(client.get(detail(assessment, "?section=institutional&show=unanswered")))
    data["v-V-SUB-01"] = ["yes"]
    response = client.post(save_url(assessment), data)
    assert response.url == detail(assessment, "?section=institutional&show=unanswered")
    data = read_form(client.get(detail(assessment, "?section=all&show=unanswered")))
    data["v-V-BIL-01"], data["at"] = ["5"], ["V-BIL-01"]
    response = client.post(save_url(assessment), data)
    assert response.url == detail(assessment, "?section=all&show=unanswered#ind-H-LAB-02")
    # With a filter and no section asked for, the page opens at the first that has one.
    html = client.get(detail(assessment, "?show=unanswered")).content.decode()
    assert shown_codes(html) == ["H-LAB-02", "V-INT-01"]


def test_a_refused_save_shows_an_error_summary_linking_each_field(client_of, in_state):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    data = read_form(client.get(detail(assessment, "?section=development")))
    data["v-H-DIA-01"] = ["150"]
    response = client.post(save_url(assessment), data)
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('<div class="error-summary"')[1].split("</div>")[0]
    assert 'role="alert" tabindex="-1"' in summary and "data-focus-on-load" in summary
    assert "There is a problem: nothing was saved" in summary
    assert (
        '<a href="#v-H-DIA-01" data-field="v-H-DIA-01">H-DIA-01: 150 is out of range 0–100</a>'
        in (summary)
    )
    # The summary comes before the page's heading; the section posted is the one shown.
    assert html.index('class="error-summary"') < html.index("<h1>")
    assert shown_codes(html) == ["H-DIA-01"]
    assert 'id="v-H-DIA-01"' in html and answer_values(assessment)["H-DIA-01"][0] == 40.0
    # A radio question's link leads to its first radio.
    data = read_form(client.get(detail(assessment)))
    data["v-H-INS-01"] = ["maybe"]
    html = client.post(save_url(assessment), data).content.decode()
    assert 'href="#v-H-INS-01-yes"' in html


def test_a_returned_assessment_opens_at_its_flags_and_the_start_page_says_what_to_do(
    client_of, in_state
):
    assessment = in_state("returned", flag=("H-LAB-01", "V-INT-01"))
    client = client_of("focal_phl")
    start = client.get("/").content.decode()
    todo = start.split('<div class="returned-todo">')[1].split("</div>")[0]
    assert "Reviewer's reason" in todo and "Evidence missing" in todo
    link = re.search(r'<a href="([^"]+)">Correct the 2 flagged questions</a>', todo).group(1)
    assert link == detail(assessment, "?show=flagged")
    html = client.get(link).content.decode()
    assert shown_codes(html) == ["H-LAB-01"]  # the first section with a flag: costs
    assert 'aria-current="page">Reduce the costs of migration' in html
    nav = html.split('<nav class="sections"')[1].split("</nav>")[0]
    assert nav.count("1 flagged") == 2
    # The notice's links lead to each flagged question's section.
    notice = html.split('class="notice returned"')[1].split("</section>")[0]
    assert f'href="{detail(assessment, "?section=rights#ind-V-INT-01")}"' in notice.replace(
        "&amp;", "&"
    )
    assert 'href="#ind-H-LAB-01"' in notice
    # Opened without a filter, it still starts where the flags are.
    html = client.get(detail(assessment)).content.decode()
    assert re.findall(r'data-indicator="([A-Z0-9-]+)"', html) == ["H-LAB-01", "V-BIL-01"]


def test_a_whole_return_says_so_on_the_start_page(client_of, in_state):
    assessment = in_state("returned", flag=())
    start = client_of("focal_phl").get("/").content.decode()
    assert "Correct the assessment: all of it is open again" in start
    assert f'href="{detail(assessment)}"' in start


def test_the_picker_lists_chosen_instruments_first_by_name_and_keeps_unknown_ones(
    client_of, assessment, users
):
    from assessments import services

    services.save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-INS-01": services.AnswerInput(value=1.0, instruments=["PHL-LMP"])},
    )
    Answer.objects.filter(indicator__code="H-INS-01").update(instruments=["OLD-TOOL", "PHL-LMP"])
    client = client_of("focal_phl")
    html = client.get(detail(assessment)).content.decode()
    picker = html.split('id="ind-H-INS-01"')[1].split('class="history-link"')[0]
    # The chosen ones only, and a button to list the others (the script copies them in).
    assert re.findall(r'name="i-H-INS-01" value="([^"]+)" checked', picker) == [
        "OLD-TOOL",
        "PHL-LMP",
    ]
    assert (
        'name="pick" value="H-INS-01"' in picker and 'name="i-H-INS-01" value="MIGOF' not in picker
    )
    # Without the script that button saves and comes back with every instrument listed.
    data = read_form(client.get(detail(assessment)))
    data["pick"] = ["H-INS-01"]
    response = client.post(save_url(assessment), data)
    assert response.url == detail(assessment, "?section=institutional&pick=H-INS-01#ind-H-INS-01")
    html = client.get(response.url).content.decode()
    picker = html.split('id="ind-H-INS-01"')[1].split('class="history-link"')[0]
    boxes = re.findall(r'name="i-H-INS-01" value="([^"]+)"( checked)?> ([^<]+)</label>', picker)
    assert [(code, bool(checked)) for code, checked, _label in boxes] == [
        ("OLD-TOOL", True),
        ("PHL-LMP", True),
        ("MIGOF", False),
        ("NAGA-MDC", False),
        ("PHL-CHE-MP", False),
    ]
    labels = dict((code, label) for code, _c, label in boxes)
    assert labels["PHL-LMP"].startswith("PHL-LMP — ") and len(labels["PHL-LMP"]) > 12
    assert "<span data-chosen-count>2</span> chosen" in picker
    assert "<select" not in picker


def test_read_only_answers_show_their_labels(client_of, in_state):
    assessment = in_state("submitted")  # H-LAB-01 is 5, H-DIA-01 40, H-INS-01 yes
    html = client_of("reviewer").get(detail(assessment)).content.decode()
    cells = dict(
        re.findall(r'<tr id="ind-([A-Z0-9-]+)".*?<td class="value">([^<]*)</td>', html, re.S)
    )
    assert cells["H-LAB-01"] == "5 — partly"
    assert cells["H-DIA-01"] == "40 %"
    assert cells["H-INS-01"] == "yes"


@pytest.mark.parametrize(
    "who, status", [("focal_phl_health", 404), ("focal_mda", 404), ("anonymous", 302)]
)
def test_a_section_of_someone_elses_assessment_is_not_found(client_of, assessment, who, status):
    response = client_of(who).get(detail(assessment, "?section=costs&show=flagged"))
    assert response.status_code == status


def test_a_reviewer_gets_no_fill_in_form_whatever_the_section(client_of, in_state):
    assessment = in_state("submitted")
    html = client_of("reviewer").get(detail(assessment, "?section=costs")).content.decode()
    assert 'id="answers-form"' not in html and '<nav class="sections"' not in html
    assert html.count('<tr id="ind-') == 8


def test_a_conflict_in_another_section_links_there_and_keeps_the_input_here(
    client_of, in_state, users
):
    from assessments import services

    assessment = in_state("draft")
    client = client_of("focal_phl")
    data = read_form(client.get(detail(assessment, "?section=costs")))
    services.save_answers(  # meanwhile, in the institutional section
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-INS-01": services.AnswerInput(value=0.0)},
    )
    data["v-V-BIL-01"] = ["5"]
    response = client.post(save_url(assessment), data)
    assert response.status_code == 200
    html = response.content.decode()
    notice = html.split('class="notice conflict"')[1].split("</section>")[0]
    assert "data-focus-on-load" in notice
    link = detail(assessment, "?section=institutional#ind-H-INS-01")
    assert f'href="{link}"' in notice
    assert shown_codes(html) == ["H-LAB-01", "V-BIL-01"]  # still the section posted
    assert read_form(response)["v-V-BIL-01"] == ["5"]  # the user's input kept, not saved
    assert answer_values(assessment).get("V-BIL-01") is None
