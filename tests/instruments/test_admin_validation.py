"""The admin refuses bad catalogue records with a message on the field, saving nothing."""

import pytest
from django.contrib.auth import get_user_model

from assessments.models import Indicator
from instruments.models import Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, catalogue):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "x-pass-2026")
    client.force_login(user)
    return client


def test_an_interaction_of_an_instrument_with_itself_is_refused(admin_client, catalogue):
    instrument = catalogue["instruments"]["PHL-LMP"]
    response = admin_client.post(
        "/admin/instruments/interaction/add/",
        {"source": instrument.pk, "target": instrument.pk, "score": 2, "rationale": "¶24"},
    )
    assert response.status_code == 200
    assert "cannot interact with itself" in response.content.decode()
    assert Interaction.objects.count() == 0


def test_an_out_of_range_interaction_score_is_refused(admin_client, catalogue):
    instruments = catalogue["instruments"]
    response = admin_client.post(
        "/admin/instruments/interaction/add/",
        {
            "source": instruments["PHL-LMP"].pk,
            "target": instruments["MIGOF"].pk,
            "score": 5,
            "rationale": "¶23",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Interaction.objects.count() == 0


def test_a_vertical_indicator_without_a_link_is_refused(admin_client, catalogue):
    indicator = catalogue["indicators"]["V-SUB-01"]
    before = Indicator.objects.count()
    response = admin_client.post(
        "/admin/assessments/indicator/add/",
        {
            "version": catalogue["framework"].pk,
            "code": "V-NEW-01",
            "rank": 99,
            "dimension": "institutional",
            "coherence_type": "vertical",
            "area": indicator.area_id,
            "link": "",
            "perspective": "both",
            "stage": "input",
            "answer_type": "yes_no",
            "weight": 1,
            "crosswalk": "[]",
            "question_en": "Q?",
        },
    )
    assert response.status_code == 200
    assert "choose its link" in response.content.decode()
    assert Indicator.objects.count() == before


def test_an_unknown_level_in_an_instrument_is_refused(admin_client, catalogue):
    response = admin_client.post(
        "/admin/instruments/instrument/add/",
        {"code": "NEW-1", "name": "New", "tool_type": "policy", "levels": ["galactic"]},
    )
    assert response.status_code == 200
    assert "galactic" in response.content.decode()
    assert not catalogue["instruments"]["PHL-LMP"].__class__.objects.filter(code="NEW-1").exists()


def test_a_link_typed_without_a_scheme_is_saved_as_https(admin_client, catalogue):
    response = admin_client.post(
        "/admin/instruments/instrument/add/",
        {
            "code": "NEW-2",
            "name": "New",
            "tool_type": "policy",
            "levels": ["national"],
            "link": "example.org/law-7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    instrument = catalogue["instruments"]["PHL-LMP"].__class__.objects.get(code="NEW-2")
    assert instrument.link == "https://example.org/law-7"
