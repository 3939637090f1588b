"""The review page's comparison names the other actors (their codes stay in the API), its
chart of departures reads the questions, the code last in the hover as a reference, and
the page's title names the actor and the country in the reader's language."""

import pytest
from django.utils import translation

from assessments import services
from assessments.services import AnswerInput
from coherence.countries import country_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def beside_health(catalogue, users, in_state):
    """PHL-DMW's submitted assessment beside the Department of Health's (PHL-DOH), which
    answers H-INS-01 no (DMW: yes) and H-LAB-01 10 (DMW: 5)."""
    dmw = in_state("submitted")
    doh = services.create_assessment(
        actor=catalogue["actors"]["PHL-DOH"], cycle=2026, by=users["focal_phl_health"]
    )
    services.save_answers(
        doh,
        by=users["focal_phl_health"],
        version=doh.version,
        answers={"H-INS-01": AnswerInput(value=0.0), "H-LAB-01": AnswerInput(value=10.0)},
    )
    services.submit(doh, by=users["focal_phl_health"])
    return dmw


def test_the_comparison_names_the_other_actors_in_french(client_of, beside_health):
    client = client_of("reviewer")
    client.cookies["django_language"] = "fr"
    response = client.get(f"/assessments/{beside_health.pk}/")
    html = response.content.decode()
    compare = html.split('<table class="data compare">')[1].split("</table>")[0]
    # the answers in French too: "non", and the three-level scale's label
    assert "<li>Department of Health: non</li>" in compare
    assert "<li>Department of Health: 10 — pleinement</li>" in compare
    assert "PHL-DOH" not in compare
    departing = html.split('class="departing-list"')[1].split("</ul>")[0]
    assert "Department of Health" in departing and "PHL-DOH" not in departing
    chart = response.context["review"]["charts"]["departures"]
    axis, bars = chart["layout"]["yaxis"], chart["data"][0]
    assert axis["tickvals"] == ["H-INS-01", "H-LAB-01"]
    assert axis["ticktext"] == ["Question H-INS-01 ?", "Question H-LAB-01 ?"]
    assert bars["customdata"][0] == "<b>Question H-INS-01 ?</b>: 100,0<br>H-INS-01"


def test_the_page_title_names_the_actor_and_the_country_in_the_readers_language(
    client_of, in_state
):
    assessment = in_state("submitted")
    client = client_of("reviewer")
    client.cookies["django_language"] = "es"
    html = client.get(f"/assessments/{assessment.pk}/").content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert "Department of Migrant Workers" in title and "PHL-DMW" not in title
    with translation.override("es"):
        spanish = country_name("PHL")
    assert spanish == "Filipinas"
    assert spanish in title and "PHL " not in title
    assert f"<h1>Department of Migrant Workers — {spanish} 2026</h1>" in html
