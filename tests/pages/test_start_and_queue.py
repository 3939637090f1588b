"""The start page: a focal point's assessments by cycle and state with their scores (or
"being computed"), and the form to start a new one; a reviewer's queue with its filters."""

import re

import pytest
from django.urls import reverse

from assessments import recompute, services
from assessments.models import Assessment
from coherence.numbers import score_text

pytestmark = pytest.mark.django_db


def test_the_focal_point_sees_its_assessments_by_cycle_with_scores(client_of, in_state):
    assessment = in_state("submitted")
    client = client_of("focal_phl")
    html = client.get("/").content.decode()
    assert "<caption>Cycle 2026</caption>" in html
    assert 'class="state state-submitted">Submitted<' in html
    assert "3 / 8" in html  # answered / in scope
    assert "being computed" in html
    recompute.recompute_assessment(assessment.pk)
    html = client.get("/").content.decode()
    assert "being computed" not in html
    overall = Assessment.objects.get(pk=assessment.pk).score.overall
    assert re.search(rf'<td class="score">{re.escape(score_text(overall))}', html)


def test_the_consolidated_score_shows_once_validated_and_computed(client_of, in_state):
    assessment = in_state("validated")
    client = client_of("focal_phl")
    recompute.recompute_consolidation("PHL", 2026)
    html = client.get("/").content.decode()
    assert "Consolidated scores of your country" in html
    score = assessment.country.scores.get(cycle=2026)
    assert f'<td class="score">{score_text(score.overall)}</td>' in html  # one decimal


def test_start_a_new_assessment(client_of, users):
    response = client_of("focal_phl").post(
        reverse("assessments:new"), {"cycle": "2027", "perspective": "origin"}
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assessments:detail", args=[assessment.pk])
    assert (assessment.actor.code, assessment.cycle, assessment.perspective) == (
        "PHL-DMW",
        2027,
        "origin",
    )
    assert assessment.created_by == users["focal_phl"]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"cycle": "", "perspective": "both"}, "cycle", "This field is required."),
        ({"cycle": "1999", "perspective": "both"}, "cycle", "greater than or equal to 2000"),
        ({"cycle": "abc", "perspective": "both"}, "cycle", "Enter a whole number."),
        ({"cycle": "2027", "perspective": "sideways"}, "perspective", "Select a valid choice"),
    ],
)
def test_new_assessment_errors_are_tied_to_their_fields(client_of, users, data, field, message):
    response = client_of("focal_phl").post(reverse("assessments:new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    error = html.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert message in error
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', html)
    assert not Assessment.objects.exists()


def test_an_existing_assessment_for_the_cycle_is_named(client_of, assessment):
    response = client_of("focal_phl").post(
        reverse("assessments:new"), {"cycle": "2026", "perspective": "both"}
    )
    assert response.status_code == 200
    assert "Your actor already has an assessment for 2026" in response.content.decode()
    assert Assessment.objects.count() == 1


def test_only_a_focal_point_starts_assessments(client_of, users):
    for who in ("reviewer", "partner"):
        response = client_of(who).post(reverse("assessments:new"), {"cycle": "2027"})
        assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.fixture
def several(catalogue, users, in_state):
    """PHL-DMW 2026 submitted, PHL-DOH 2026 validated, MDA-BMA 2025 submitted, and a
    PHL-DOH 2027 draft that a reviewer never sees."""
    dmw = in_state("submitted")
    doh = services.create_assessment(
        actor=catalogue["actors"]["PHL-DOH"], cycle=2026, by=users["focal_phl_health"]
    )
    services.submit(doh, by=users["focal_phl_health"])
    services.validate(doh, by=users["reviewer"])
    mda = services.create_assessment(
        actor=catalogue["actors"]["MDA-BMA"], cycle=2025, by=users["focal_mda"]
    )
    services.submit(mda, by=users["focal_mda"])
    services.create_assessment(
        actor=catalogue["actors"]["PHL-DOH"], cycle=2027, by=users["focal_phl_health"]
    )
    return {"dmw": dmw, "doh": doh, "mda": mda}


def listed(html: str) -> list[str]:
    return re.findall(r'<span class="code">([A-Z-]+)</span>', html)


def test_the_reviewers_start_page_is_the_queue_of_submitted_assessments(client_of, several):
    html = client_of("reviewer").get("/").content.decode()
    assert "<h1>Review queue</h1>" in html
    assert html.count('<table class="data queue"') == 1  # one table, not one per country
    assert listed(html) == ["PHL-DMW", "MDA-BMA"]  # the oldest submission first
    row = html.split("<tr>\n      <td>Moldova</td>")[1].split("</tr>")[0]
    assert ">Bureau for Migration and Asylum</a>" in row and '<td class="num">2025</td>' in row
    assert '<th scope="col" aria-sort="ascending"><a href="?sort=submitted&amp;order=desc"' in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?state=", ["PHL-DMW", "PHL-DOH", "MDA-BMA"]),
        ("?state=validated", ["PHL-DOH"]),
        ("?country=PHL&state=", ["PHL-DMW", "PHL-DOH"]),
        ("?cycle=2025&state=", ["MDA-BMA"]),
        ("?country=PHL&cycle=2025&state=submitted", []),
        ("?state=draft", []),  # not a choice: the filter is refused
        ("?cycle=1066", []),
    ],
)
def test_the_queue_filters(client_of, several, query, expected):
    response = client_of("reviewer").get(reverse("assessments:queue") + query)
    assert response.status_code == 200
    assert listed(response.content.decode()) == expected


def test_a_bad_filter_is_said_beside_its_field(client_of, several):
    html = client_of("reviewer").get(reverse("assessments:queue") + "?state=draft").content
    assert b'id="id_state_error"' in html and b'aria-describedby="id_state_error"' in html


def test_the_queue_is_not_for_focal_points(client_of, users):
    assert client_of("focal_phl").get(reverse("assessments:queue")).status_code == 404


def test_the_start_page_needs_signing_in(client_of, users):
    response = client_of("anonymous").get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
