"""Each answer's history — who, when, before, after — one click from the answer."""

import re

import pytest
from django.urls import reverse

from assessments import services
from assessments.services import AnswerInput

pytestmark = pytest.mark.django_db


def history_url(assessment, code):
    return reverse("assessments:history", args=[assessment.pk, code])


def test_the_history_lists_who_when_before_and_after(client_of, in_state, users):
    assessment = in_state("draft")
    services.save_answers(
        assessment,
        by=users["focal_phl"],
        version=assessment.version,
        answers={"H-LAB-01": AnswerInput(value=10.0, evidence="Bilateral labour agreements")},
    )
    client = client_of("focal_phl")
    page = reverse("assessments:detail", args=[assessment.pk]) + "?section=costs"
    detail = client.get(page).content.decode()
    assert f'href="{history_url(assessment, "H-LAB-01")}"' in detail  # one click away
    html = client.get(history_url(assessment, "H-LAB-01")).content.decode()
    rows = html.split('<table class="data history">')[1]
    # Newest first: 5 → 10 with its evidence, then the first answer — → 5.
    changes = re.findall(r"<td>(Answer|Evidence)</td><td>([^<]*)</td><td>([^<]*)</td>", rows)
    assert changes == [
        ("Answer", "5", "10"),
        ("Evidence", "—", "Bilateral labour agreements"),
        ("Answer", "—", "5"),
    ]
    assert rows.count("focal-phl") == 2
    # And back to the question, in its section of the form.
    assert f'href="{page}#ind-H-LAB-01"' in html


def test_a_return_shows_in_the_history(client_of, in_state):
    assessment = in_state("returned", flag=("H-LAB-01",))
    html = client_of("reviewer").get(history_url(assessment, "H-LAB-01")).content.decode()
    assert "Returned for correction" in html and "Please check H-LAB-01" in html
    assert "cochair" in html


@pytest.mark.parametrize(
    "who, code, status",
    [
        ("focal_phl", "NO-SUCH-01", 404),
        ("focal_phl_health", "H-LAB-01", 404),
        ("focal_mda", "H-LAB-01", 404),
        ("reviewer", "H-LAB-01", 200),
    ],
)
def test_who_may_read_a_history(client_of, in_state, who, code, status):
    assessment = in_state("submitted")
    assert client_of(who).get(history_url(assessment, code)).status_code == status


def test_an_indicator_outside_the_perspective_has_no_history_page(client_of, catalogue, users):
    origin = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"],
        cycle=2027,
        by=users["focal_phl"],
        perspective="origin",
    )
    assert client_of("focal_phl").get(history_url(origin, "H-LAB-02")).status_code == 404
