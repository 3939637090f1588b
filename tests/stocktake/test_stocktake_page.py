"""The stock-taking section of the fill-in page: who may use its forms (role × country),
what is refused with a message naming the field, and what the page shows."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.stocktake.models import StockInstrument, StockInteraction
from assessments.stocktake.services import InstrumentInput, save_instrument

pytestmark = pytest.mark.django_db

NEW = {
    "op": "add_instrument",
    "revisions": "",  # the page's add form: the revisions of the entries it showed
    "code": "PHL-NAGA-PLAN",
    "name": "Naga City migration plan",
    "tool_type": "strategy",
    "levels": ["subnational"],
    "owner": "PHL-NAGA",
}


def post(client, assessment, data):
    return client.post(reverse("assessments:stocktake", args=[assessment.pk]), data)


def removal(code: str) -> dict:
    """What an instrument's remove button posts: its code and the revision shown."""
    revision = StockInstrument.objects.get(code=code).revision
    return {"op": "remove_instrument", "code": code, "revision": revision}


def errors_of(response) -> str:
    content = response.content.decode()
    return content if '<li class="error">' in content else ""


@pytest.mark.parametrize(
    ("role", "status", "written"),
    [
        ("focal_phl", 302, True),
        ("focal_phl_health", 404, False),  # another actor of the same country
        ("focal_mda", 404, False),  # another country's focal point
        ("reviewer", 404, False),  # a draft: reviewers do not see it
        ("partner", 404, False),
        ("anonymous", 302, False),  # to sign in
    ],
)
def test_who_may_list_an_instrument_on_a_draft(client_of, assessment, role, status, written):
    response = post(client_of(role), assessment, NEW)
    assert response.status_code == status
    assert StockInstrument.objects.exists() == written
    if role == "anonymous":
        assert response.url.startswith("/accounts/login/")


def test_a_reviewer_of_a_submitted_assessment_is_refused_on_the_page(client_of, assessment, users):
    services.submit(assessment, by=users["focal_phl"])
    response = post(client_of("reviewer"), assessment, NEW)
    assert response.status_code == 200
    assert "Only the assessment&#x27;s own focal point" in errors_of(response)
    assert not StockInstrument.objects.exists()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"code": "PHL-LMP"}, "code: The code PHL-LMP already exists in the catalogue"),
        ({"levels": ["orbital"]}, "levels: Levels are one or more of"),
        ({"tool_type": "dream"}, "tool_type: Unknown tool type"),
    ],
)
def test_a_bad_instrument_is_refused_naming_the_field(client_of, assessment, change, words):
    response = post(client_of("focal_phl"), assessment, {**NEW, **change})
    assert response.status_code == 200
    assert words in errors_of(response)
    assert not StockInstrument.objects.exists()


@pytest.fixture
def listed(assessment, users, safeguards):
    for spec in (
        InstrumentInput(code="PHL-LMP"),
        InstrumentInput(**{k: v for k, v in NEW.items() if k not in ("op", "revisions")}),
    ):
        save_instrument(assessment, by=users["focal_phl"], spec=spec)
    return assessment


INCOHERENCE = {
    "op": "add_interaction",
    "revisions": "",
    "source": "PHL-NAGA-PLAN",
    "target": "PHL-LMP",
    "score": "-3",
    "rationale": "¶16: the plans pull apart.",
}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"target": "PHL-NAGA-PLAN"}, "target: An instrument cannot interact with itself"),
        ({"score": "9"}, "score: The score is a whole number from −3 to +3"),
        ({}, "mitigations: An incoherence names the safeguards"),
        (
            {"mitigation-1-safeguard": "PHL-LMP", "mitigation-1-how": "It helps."},
            "mitigations: PHL-LMP is not a safeguard",
        ),
    ],
)
def test_a_bad_interaction_is_refused_naming_the_field(client_of, listed, change, words):
    response = post(client_of("focal_phl"), listed, {**INCOHERENCE, **change})
    assert response.status_code == 200
    assert words in errors_of(response)
    assert not StockInteraction.objects.exists()


def test_an_unmitigated_incoherence_shows_on_the_page(client_of, listed):
    client = client_of("focal_phl")
    response = post(client, listed, {**INCOHERENCE, "no_mitigation": "on"})
    assert response.status_code == 302
    page = client.get(reverse("assessments:detail", args=[listed.pk])).content.decode()
    assert 'id="stocktake"' in page
    assert "1 unmitigated incoherence" in page
    assert "PHL-NAGA-PLAN" in page


def test_a_locked_assessment_refuses_an_edit_and_hides_the_forms(client_of, listed, users):
    services.submit(listed, by=users["focal_phl"])
    client = client_of("focal_phl")
    response = post(client, listed, removal("PHL-LMP"))
    assert "its stock-taking is locked" in errors_of(response)
    assert StockInstrument.objects.filter(code="PHL-LMP").exists()
    page = client.get(reverse("assessments:detail", args=[listed.pk])).content.decode()
    assert 'id="stock-add-instrument"' not in page


def test_the_section_reads_in_a_fixed_number_of_queries(
    client_of, listed, django_assert_max_num_queries
):
    client = client_of("focal_phl")
    url = reverse("assessments:detail", args=[listed.pk])
    client.get(url)
    with django_assert_max_num_queries(17):  # the form's 11 (evidence included), the section's 6
        assert client.get(url).status_code == 200


def test_a_reviewer_returns_a_stocktaking_entry_from_the_page(client_of, listed, users):
    services.submit(listed, by=users["focal_phl"])
    reviewer = client_of("reviewer")
    page = reviewer.get(reverse("assessments:detail", args=[listed.pk])).content.decode()
    assert 'name="stock-flag" value="PHL-NAGA-PLAN" form="return-form"' in page
    response = reviewer.post(
        reverse("assessments:return", args=[listed.pk]),
        {
            "reason": "Check the plan's year.",
            "stock-flag": ["PHL-NAGA-PLAN"],
            "stock-comment-PHL-NAGA-PLAN": "Is it the 2024 plan?",
        },
    )
    assert response.status_code == 302
    entry = StockInstrument.objects.get(code="PHL-NAGA-PLAN")
    assert (entry.flagged, entry.flag_comment) == (True, "Is it the 2024 plan?")
    focal = client_of("focal_phl")
    refused = post(focal, listed, removal("PHL-LMP"))
    assert "Only the entries returned for correction may change." in errors_of(refused)
    done = post(focal, listed, removal("PHL-NAGA-PLAN"))
    assert done.status_code == 302


def test_the_section_names_tool_types_levels_and_the_instruments_of_an_interaction(
    client_of, listed
):
    client = client_of("focal_phl")
    post(client, listed, {**INCOHERENCE, "no_mitigation": "on"})
    client.cookies["django_language"] = "es"
    page = client.get(reverse("assessments:detail", args=[listed.pk])).content.decode()
    section = page[page.index('id="stocktake"') :]
    instruments = section[: section.index("</table>")]
    naga = instruments[instruments.index("Naga City migration plan") :].split("</tr>")[0]
    assert "Estrategia" in naga and "Subnacional" in naga  # strategy, subnational
    assert "strategy" not in naga and "subnational" not in naga
    interactions = section[section.index('class="stock-interactions"') :].split("</table>")[0]
    acts = interactions.split("<tbody>")[1].split("</td>")[0]
    assert acts.endswith("Naga City migration plan") and "PHL-NAGA-PLAN</code>" not in acts
    # the form's choices name the instruments; their values stay codes
    assert '<option value="PHL-NAGA-PLAN">Naga City migration plan</option>' in section


def test_the_form_names_the_policy_areas_in_the_readers_language(client_of, listed):
    client = client_of("focal_phl")
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("assessments:detail", args=[listed.pk])).content.decode()
    areas = page[page.index('id="st-areas"') :].split("</select>")[0]
    # the choice reads the area's French name; the value posted stays its code
    assert '<option value="labour_migration">labour_migration (fr)</option>' in areas
    assert areas.count("<option") == 18
