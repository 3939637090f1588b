"""The reviewer's page starts with what a reviewer decides on — completeness by section,
the scores with their charts (provisional, with no band, until validated), where this
ministry departs from the others — then the answers, filterable; each answer carries its
flag and comment for the return form, which sits above the answers and shows its errors
in a summary at its top."""

import json
import re

import pytest
from django.urls import reverse

from assessments import recompute, services
from assessments.models import Assessment
from assessments.services import AnswerInput
from coherence.choices import Dimension

pytestmark = pytest.mark.django_db


def url(name, assessment, query=""):
    return reverse(f"assessments:{name}", args=[assessment.pk]) + query


def page(client, assessment, query="") -> str:
    response = client.get(url("detail", assessment, query))
    assert response.status_code == 200
    return response.content.decode()


def shown_rows(html: str) -> list[str]:
    return re.findall(
        r'<tr id="ind-([A-Z0-9-]+)" class="answer-row[^"]*"(?:(?! hidden)[^>])*>', html
    )


@pytest.fixture
def health(catalogue, users, in_state):
    """PHL-DMW's submitted assessment beside PHL-DOH's, which answers H-INS-01 no (DMW: yes,
    departs by 100), H-LAB-01 10 (DMW: 5, 50) and H-DIA-01 40 (DMW: 40, 0)."""
    dmw = in_state("submitted")
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
    return dmw


def test_the_page_starts_with_what_the_reviewer_decides_on(client_of, health):
    recompute.recompute_assessment(health.pk)
    html = page(client_of("reviewer"), health)
    order = [
        'id="actions-title"',
        'id="completeness-title"',
        'id="scores-title"',
        'id="departures-title"',
        'id="answers-title"',
        'id="return-title"',
        'id="answer-filter"',
        'id="ind-H-INS-01"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "3 of 8 answered (38 %)" in html


def test_completeness_by_section(client_of, in_state):
    html = page(client_of("reviewer"), in_state("submitted"))
    table = html.split('<table class="data compact completeness">')[1].split("</table>")[0]
    cells = re.findall(
        r'<tr class="(dimension|area)-row"><th scope="row">(?:<span class="indent">)?([^<]+)'
        r'(?:</span>)?</th><td class="num">(\d+)</td><td class="num">(\d+)</td>',
        table,
    )
    dimensions = {label: (int(a), int(t)) for kind, label, a, t in cells if kind == "dimension"}
    assert dimensions["Promote institutional coherence"] == (1, 2)
    assert sum(a for a, _t in dimensions.values()) == 3
    assert sum(t for _a, t in dimensions.values()) == 8


@pytest.mark.parametrize("state", ["submitted", "returned"])
def test_a_score_not_validated_is_provisional_with_no_band(client_of, in_state, state):
    assessment = in_state(state)
    recompute.recompute_assessment(assessment.pk)
    score = Assessment.objects.get(pk=assessment.pk).score
    assert score.band is not None
    for who in ("reviewer", "focal_phl"):
        html = page(client_of(who), assessment)
        scores = html.split('id="scores-title"')[1].split("</section>")[0]
        assert 'id="assessment-provisional">provisional<' in scores
        assert "Band" not in scores and score.get_band_display() not in scores


def test_a_validated_score_has_its_band(client_of, in_state):
    assessment = in_state("validated")
    recompute.recompute_assessment(assessment.pk)
    score = Assessment.objects.get(pk=assessment.pk).score
    html = page(client_of("reviewer"), assessment)
    scores = html.split('id="scores-title"')[1].split("</section>")[0]
    assert "provisional" not in scores
    assert f"<dd>{score.get_band_display()}</dd>" in scores


def test_the_scores_come_with_their_charts(client_of, in_state):
    assessment = in_state("submitted")
    client = client_of("reviewer")
    html = page(client, assessment)
    assert "vendor/plotly.min.js" not in html  # nothing to draw yet: scores being computed
    recompute.recompute_assessment(assessment.pk)
    html = page(client, assessment)
    assert "vendor/plotly.min.js" in html and "js/review.js" in html
    figure = json.loads(
        re.search(
            r'<script id="chart-review-dimensions" type="application/json">(.*?)</script>',
            html,
            re.S,
        ).group(1)
    )
    # A dimension with no score is left out of the bars (and named in the chart's note), the
    # others drawn at their stored score; the axis shows their names.
    names = {code: str(label) for code, label in Dimension.choices}
    stored = {
        d["code"]: d["score"]
        for d in Assessment.objects.get(pk=assessment.pk).score.dimensions
        if d["score"] is not None
    }
    assert stored
    assert dict(zip(figure["data"][0]["y"], figure["data"][0]["x"], strict=True)) == stored
    ticks = dict(
        zip(
            figure["layout"]["yaxis"]["tickvals"],
            figure["layout"]["yaxis"]["ticktext"],
            strict=True,
        )
    )
    assert {code: ticks[code] for code in stored} == {code: names[code] for code in stored}


def test_where_this_ministry_departs_from_the_others(client_of, health):
    html = page(client_of("reviewer"), health)
    section = html.split('id="departures-title"')[1].split("</section>")[0]
    assert "2 answers depart from the others." in section
    listed = re.findall(r'<li><a href="#ind-([A-Z0-9-]+)">', section)
    assert listed == ["H-INS-01", "H-LAB-01"]  # 100 then 50 points away; H-DIA-01 agrees
    assert 'id="chart-review-departures"' in html
    # The full comparison stays, folded.
    assert '<table class="data compare">' in section
    rows = dict(re.findall(r'<tr id="ind-([A-Z0-9-]+)" class="answer-row([^"]*)"', html))
    assert "departs" in rows["H-INS-01"] and "departs" not in rows["H-DIA-01"]


@pytest.mark.parametrize(
    "show, expected",
    [
        (
            "",
            {
                "H-INS-01",
                "H-LAB-01",
                "H-LAB-02",
                "H-DIA-01",
                "V-SUB-01",
                "V-BIL-01",
                "V-REG-01",
                "V-INT-01",
            },
        ),
        ("?show=answered", {"H-INS-01", "H-LAB-01", "H-DIA-01"}),
        ("?show=departing", {"H-INS-01", "H-LAB-01"}),
        ("?show=flagged", set()),
        (
            "?show=nonsense",
            {
                "H-INS-01",
                "H-LAB-01",
                "H-LAB-02",
                "H-DIA-01",
                "V-SUB-01",
                "V-BIL-01",
                "V-REG-01",
                "V-INT-01",
            },
        ),
    ],
)
def test_the_answers_filter_without_javascript(client_of, health, show, expected):
    html = page(client_of("reviewer"), health, show)
    assert set(shown_rows(html)) == expected
    assert f"Showing {len(expected)} of 8 answers." in html


def test_flagged_answers_filter(client_of, in_state, users):
    """Flagged: the answers the last return flagged (open for correction, then resubmitted:
    what the reviewer checks again) and those the reviewer has just flagged."""
    assessment = in_state("returned", flag=("H-LAB-01", "H-DIA-01"))
    client = client_of("reviewer")
    assert set(shown_rows(page(client, assessment, "?show=flagged"))) == {"H-LAB-01", "H-DIA-01"}
    services.submit(assessment, by=users["focal_phl"])
    html = page(client, assessment, "?show=flagged")
    assert set(shown_rows(html)) == {"H-LAB-01", "H-DIA-01"}
    assert "Flagged in the last return:</strong> Please check H-LAB-01" in html
    response = client.post(
        url("return", assessment), {"reason": "", "flag": ["V-SUB-01"], "comment-V-SUB-01": "?"}
    )
    assert response.status_code == 200  # refused: no reason
    html = response.content.decode()
    assert "data-flag-count>1<" in html
    assert 'data-filter-count="flagged">(3)<' in html


def test_each_answer_carries_its_flag_and_comment_for_the_return_form(client_of, in_state):
    html = page(client_of("reviewer"), in_state("submitted"))
    row = html.split('<tr id="ind-H-LAB-01"')[1].split("</tr>")[0]
    assert '<input type="checkbox" form="return-form" name="flag" value="H-LAB-01"' in row
    assert '<textarea form="return-form" id="comment-H-LAB-01" name="comment-H-LAB-01"' in row
    # The return form is above the answers and the link at the top leads to it.
    assert re.search(
        r'<a href="#return-title"[^>]*id="go-to-return" data-focus="return-title"', html
    )
    assert html.index('id="return-form"') < html.index('id="ind-H-INS-01"')


def test_a_refused_return_shows_an_error_summary_at_the_top_of_its_form(client_of, in_state):
    assessment = in_state("submitted")
    response = client_of("reviewer").post(
        url("return", assessment), {"reason": "", "flag": ["H-LAB-01"], "comment-H-LAB-01": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    form = html.split('id="return-form"')[1].split("</form>")[0]
    summary = form.split('<div class="error-summary"')[1].split("</div>")[0]
    assert "data-focus-on-load" in summary and 'role="alert"' in summary
    assert re.findall(r'<a href="#([\w-]+)"', summary) == ["id_reason", "comment-H-LAB-01"]
    assert "Give a reason: the focal point reads it." in summary
    assert "Say what to correct in H-LAB-01." in summary
    # The form's address takes the browser back to the form, where the summary is.
    assert re.search(r'<form method="post" action="/assessments/\d+/return/#return-errors"', html)
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"


def test_the_focal_point_gets_neither_the_review_summary_nor_the_filter(client_of, in_state):
    html = page(client_of("focal_phl"), in_state("submitted"))
    assert 'id="completeness-title"' not in html and 'id="answer-filter"' not in html
    assert "js/review.js" not in html
    assert html.count('id="scores-title"') == 1
