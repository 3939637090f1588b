"""Stock-taking edits have a concurrency of their own: they never make an answer save
conflict, and two changes of the same entry made from the same reading do — the second is
refused, told what the entry now is, and nothing is written — while changes of different
entries never do. On the page and in the API."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.stocktake.models import StockInstrument, StockInteraction
from assessments.stocktake.services import (
    InstrumentInput,
    InteractionInput,
    save_instrument,
    save_interaction,
)
from coherence.choices import Role
from tests.api.conftest import assert_error, client_for
from tests.factories import make_user
from tests.pages.conftest import read_form, signed_in
from tests.stocktake.test_stocktake_api import NEW

pytestmark = pytest.mark.django_db
API = "/api/v1/assessments/"

NAGA = NEW  # the Naga City plan, a new instrument of the country's own
ENABLES = {
    "source": "PHL-NAGA-PLAN",
    "target": "PHL-LMP",
    "score": 1,
    "rationale": "¶16: the city plan relays the national policy.",
}


@pytest.fixture
def colleague(catalogue):
    """A second focal point of the same ministry (PHL-DMW)."""
    return make_user("focal-phl-2", Role.FOCAL_POINT, catalogue["actors"]["PHL-DMW"])


@pytest.fixture
def listed(assessment, users, safeguards):
    """Two instruments and an interaction between them, at revisions 1, 2 and 3."""
    focal = users["focal_phl"]
    save_instrument(assessment, by=focal, spec=InstrumentInput(code="PHL-LMP"))
    save_instrument(assessment, by=focal, spec=InstrumentInput(**NAGA))
    save_interaction(assessment, by=focal, spec=InteractionInput(**ENABLES))
    return assessment


def written(assessment) -> tuple:
    """What a refused change must leave as it was: the entries and their history rows."""
    return (
        sorted(
            StockInstrument.objects.filter(assessment=assessment).values_list(
                "code", "name", "revision"
            )
        ),
        sorted(
            StockInteraction.objects.filter(assessment=assessment).values_list(
                "source__code", "target__code", "score", "rationale", "revision"
            )
        ),
        StockInstrument.history.filter(assessment_id=assessment.pk).count(),
        StockInteraction.history.filter(assessment_id=assessment.pk).count(),
    )


def naga_name(assessment) -> str:
    return StockInstrument.objects.get(assessment=assessment, code="PHL-NAGA-PLAN").name


# --- Answers never conflict with the stock-taking --------------------------------------------


def test_answers_saved_on_the_page_after_a_stocktaking_change_are_saved(
    client_of, listed, users, colleague
):
    client = client_of("focal_phl")
    detail = reverse("assessments:detail", args=[listed.pk])
    form = read_form(client.get(detail + "?section=all"))
    assert form["version"] == ["1"]
    # Meanwhile a colleague lists an instrument in another tab.
    save_instrument(listed, by=colleague, spec=InstrumentInput(code="MIGOF"))
    form["v-H-INS-01"] = ["yes"]
    response = client.post(reverse("assessments:save", args=[listed.pk]), form, follow=True)
    page = response.content.decode()
    assert "Saved: 1 answers changed (version 2)." in page
    assert "Someone else saved" not in page
    answer = Answer.objects.get(assessment=listed, indicator__code="H-INS-01")
    assert answer.value == 1.0


def test_answers_saved_in_the_api_after_a_stocktaking_change_are_saved(listed, users):
    focal = client_for(users["focal_phl"])
    version = focal.get(f"{API}{listed.pk}/").json()["version"]
    listing = focal.post(f"{API}{listed.pk}/stocktake/instruments/", {"code": "MIGOF"})
    assert listing.status_code == 201
    assert listing.json()["version"] == version  # the answers' counter is left as it was
    response = focal.put(
        f"{API}{listed.pk}/answers/",
        {"version": version, "answers": [{"indicator": "H-INS-01", "value": 1}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == version + 1


def test_a_stocktaking_change_after_an_answer_save_is_made(listed, users):
    focal = client_for(users["focal_phl"])
    (_lmp, naga) = focal.get(f"{API}{listed.pk}/stocktake/").json()["instruments"]
    saved = focal.put(
        f"{API}{listed.pk}/answers/",
        {"version": 1, "answers": [{"indicator": "H-INS-01", "value": 1}]},
        format="json",
    )
    assert saved.status_code == 200
    body = {**NAGA, "name": "Naga City plan 2024", "revision": naga["revision"]}
    assert focal.post(f"{API}{listed.pk}/stocktake/instruments/", body).status_code == 201
    assert naga_name(listed) == "Naga City plan 2024"


# --- The same entry, twice, from the same reading: the API ----------------------------------


def test_two_api_changes_of_the_same_instrument_the_second_is_a_409(listed, users, colleague):
    first, second = client_for(users["focal_phl"]), client_for(colleague)
    url = f"{API}{listed.pk}/stocktake/instruments/"
    revision = second.get(f"{API}{listed.pk}/stocktake/").json()["instruments"][1]["revision"]
    assert revision == 2
    done = first.post(url, {**NAGA, "name": "Naga plan (first)", "revision": revision})
    assert done.status_code == 201
    before = written(listed)
    refused = second.post(url, {**NAGA, "name": "Naga plan (second)", "revision": revision})
    error = assert_error(refused, 409, "stocktake_conflict")
    assert "PHL-NAGA-PLAN was changed by someone else" in error["message"]
    assert error["details"]["entry"] == "PHL-NAGA-PLAN"
    assert error["details"]["revision"] == 4
    assert error["details"]["current"]["name"] == "Naga plan (first)"
    assert error["details"]["current"]["updated_by"] == "focal-phl"
    assert written(listed) == before
    assert naga_name(listed) == "Naga plan (first)"


def test_two_api_listings_of_the_same_new_code_the_second_is_a_409(assessment, users, colleague):
    first, second = client_for(users["focal_phl"]), client_for(colleague)
    url = f"{API}{assessment.pk}/stocktake/instruments/"
    assert first.post(url, {**NAGA, "name": "First"}).status_code == 201
    before = written(assessment)
    error = assert_error(second.post(url, {**NAGA, "name": "Second"}), 409, "stocktake_conflict")
    assert "listed by someone else" in error["message"]
    assert error["details"]["current"]["name"] == "First"
    assert written(assessment) == before
    # Listing exactly what is listed already changes nothing, and is no conflict.
    assert second.post(url, {**NAGA, "name": "First"}).status_code == 201
    assert written(assessment) == before


def test_a_removal_read_before_a_change_is_a_409_and_removes_nothing(listed, users, colleague):
    first, second = client_for(users["focal_phl"]), client_for(colleague)
    instruments = f"{API}{listed.pk}/stocktake/instruments/"
    first.post(instruments, {**NAGA, "name": "Naga plan 2024", "revision": 2})
    before = written(listed)
    refused = second.delete(f"{instruments}PHL-NAGA-PLAN/?revision=2")
    assert_error(refused, 409, "stocktake_conflict")
    assert written(listed) == before
    # Read again, the removal goes through, with the interaction it is in.
    assert second.delete(f"{instruments}PHL-NAGA-PLAN/?revision=4").status_code == 200
    assert not StockInstrument.objects.filter(code="PHL-NAGA-PLAN").exists()
    assert not StockInteraction.objects.exists()


def test_two_api_changes_of_the_same_interaction_the_second_is_a_409(listed, users, colleague):
    first, second = client_for(users["focal_phl"]), client_for(colleague)
    url = f"{API}{listed.pk}/stocktake/interactions/"
    (interaction,) = second.get(f"{API}{listed.pk}/stocktake/").json()["interactions"]
    revision = interaction["revision"]
    body = {**ENABLES, "score": 2, "rationale": "Reinforcing.", "revision": revision}
    assert first.post(url, body, format="json").status_code == 201
    before = written(listed)
    other = {**ENABLES, "score": 0, "rationale": "Consistent.", "revision": revision}
    error = assert_error(second.post(url, other, format="json"), 409, "stocktake_conflict")
    assert error["details"]["entry"] == "PHL-NAGA-PLAN>PHL-LMP"
    assert error["details"]["current"]["score"] == 2
    assert written(listed) == before
    withdrawn = second.delete(f"{url}PHL-NAGA-PLAN/PHL-LMP/?revision={revision}")
    assert_error(withdrawn, 409, "stocktake_conflict")
    assert written(listed) == before


def test_a_removal_without_its_revision_is_a_400_naming_it(listed, users):
    focal = client_for(users["focal_phl"])
    before = written(listed)
    error = assert_error(
        focal.delete(f"{API}{listed.pk}/stocktake/instruments/PHL-LMP/"), 400, "invalid"
    )
    assert "revision" in error["details"]
    error = assert_error(
        focal.delete(f"{API}{listed.pk}/stocktake/instruments/PHL-LMP/?revision=one"), 400
    )
    assert "revision" in error["details"]
    assert written(listed) == before


def test_a_revision_in_the_body_must_be_a_json_number(listed, users):
    focal = client_for(users["focal_phl"])
    body = {**NAGA, "name": "Naga", "revision": "2"}
    response = focal.post(f"{API}{listed.pk}/stocktake/instruments/", body, format="json")
    assert "revision" in assert_error(response, 400)["details"]


def test_changes_of_different_entries_never_conflict(listed, users, colleague):
    first, second = client_for(users["focal_phl"]), client_for(colleague)
    read = second.get(f"{API}{listed.pk}/stocktake/").json()  # before the first's change
    naga = read["instruments"][1]
    (interaction,) = read["interactions"]
    assert (
        first.post(
            f"{API}{listed.pk}/stocktake/instruments/",
            {**NAGA, "name": "Naga plan 2024", "revision": naga["revision"]},
        ).status_code
        == 201
    )
    changed = second.post(
        f"{API}{listed.pk}/stocktake/interactions/",
        {**ENABLES, "score": 2, "rationale": "Reinforcing.", "revision": interaction["revision"]},
        format="json",
    )
    assert changed.status_code == 201, changed.json()
    new = second.post(f"{API}{listed.pk}/stocktake/instruments/", {"code": "MIGOF"})
    assert new.status_code == 201
    assert naga_name(listed) == "Naga plan 2024"
    assert StockInteraction.objects.get().score == 2
    assert Assessment.objects.get(pk=listed.pk).version == 1


# --- The same entry, twice, from the same reading: the page ---------------------------------


def page_forms(client, assessment) -> dict:
    page = client.get(reverse("assessments:detail", args=[assessment.pk]))
    return {
        "instrument": read_form(page, "stock-add-instrument"),
        "interaction": read_form(page, "stock-add-interaction"),
        "remove": read_form(page, "stock-remove-PHL-NAGA-PLAN"),
    }


def post(client, assessment, data):
    return client.post(reverse("assessments:stocktake", args=[assessment.pk]), data)


def test_two_page_changes_of_the_same_instrument_the_second_is_told_and_keeps_its_input(
    client_of, listed, colleague
):
    first, second = client_of("focal_phl"), signed_in(colleague)
    mine, theirs = page_forms(first, listed), page_forms(second, listed)
    assert mine["instrument"]["revisions"] == ["PHL-LMP=1 PHL-NAGA-PLAN=2"]
    change = {**NAGA, "name": "Naga plan (first)"}
    assert post(first, listed, {**mine["instrument"], **change}).status_code == 302
    before = written(listed)
    late = {**NAGA, "name": "Naga plan (second)", "link": "https://example.org/naga"}
    response = post(second, listed, {**theirs["instrument"], **late})
    assert response.status_code == 200
    page = response.content.decode()
    assert "PHL-NAGA-PLAN was changed by someone else since you read it" in page
    assert 'id="stock-conflict"' in page
    # The second person's input is back in the form; the list shows the first's change.
    again = read_form(response, "stock-add-instrument")
    assert again["name"] == ["Naga plan (second)"]
    assert again["link"] == ["https://example.org/naga"]
    assert again["levels"] == ["subnational"] and again["owner"] == ["PHL-NAGA"]
    assert again["revisions"] == ["PHL-LMP=1 PHL-NAGA-PLAN=4"]
    assert "Naga plan (first)" in page
    assert written(listed) == before
    # Sent again from the page as it now is, the change is made.
    assert post(second, listed, again).status_code == 302
    assert naga_name(listed) == "Naga plan (second)"


def test_a_page_removal_read_before_a_change_is_told_and_removes_nothing(
    client_of, listed, colleague
):
    first, second = client_of("focal_phl"), signed_in(colleague)
    mine, theirs = page_forms(first, listed), page_forms(second, listed)
    done = post(first, listed, {**mine["instrument"], **NAGA, "name": "Naga 2024"})
    assert done.status_code == 302
    before = written(listed)
    response = post(second, listed, theirs["remove"])
    assert "PHL-NAGA-PLAN was changed by someone else" in response.content.decode()
    assert written(listed) == before


def test_a_page_interaction_change_read_before_another_is_told(client_of, listed, colleague):
    first, second = client_of("focal_phl"), signed_in(colleague)
    mine, theirs = page_forms(first, listed), page_forms(second, listed)
    assert mine["interaction"]["revisions"] == ["PHL-NAGA-PLAN>PHL-LMP=3"]
    change = {"source": "PHL-NAGA-PLAN", "target": "PHL-LMP", "rationale": "Reinforcing."}
    assert post(first, listed, {**mine["interaction"], **change, "score": "2"}).status_code == 302
    before = written(listed)
    late = {**change, "score": "-1", "rationale": "It constrains it."}
    response = post(second, listed, {**theirs["interaction"], **late})
    page = response.content.decode()
    assert "PHL-NAGA-PLAN&gt;PHL-LMP was changed by someone else" in page
    again = read_form(response, "stock-add-interaction")
    assert (again["score"], again["rationale"]) == (["-1"], ["It constrains it."])
    assert written(listed) == before


def test_page_changes_of_different_entries_never_conflict(client_of, listed, colleague):
    first, second = client_of("focal_phl"), signed_in(colleague)
    mine, theirs = page_forms(first, listed), page_forms(second, listed)
    done = post(first, listed, {**mine["instrument"], **NAGA, "name": "Naga 2024"})
    assert done.status_code == 302
    change = {"source": "PHL-NAGA-PLAN", "target": "PHL-LMP", "score": "2", "rationale": "R."}
    assert post(second, listed, {**theirs["interaction"], **change}).status_code == 302
    listing = post(second, listed, {**theirs["instrument"], "code": "MIGOF", "name": ""})
    assert listing.status_code == 302
    assert naga_name(listed) == "Naga 2024"
    assert StockInteraction.objects.get().score == 2
    assert StockInstrument.objects.filter(code="MIGOF").exists()


def test_a_page_form_without_its_revisions_writes_nothing(client_of, listed):
    before = written(listed)
    response = post(client_of("focal_phl"), listed, {"op": "remove_instrument", "code": "PHL-LMP"})
    assert "The form was incomplete" in response.content.decode()
    assert written(listed) == before


def test_two_removals_of_the_same_entry_the_second_is_told_it_is_gone(
    client_of, listed, users, colleague
):
    first, second = client_of("focal_phl"), signed_in(colleague)
    mine, theirs = page_forms(first, listed), page_forms(second, listed)
    assert post(first, listed, mine["remove"]).status_code == 302
    before = written(listed)
    response = post(second, listed, theirs["remove"])
    assert response.status_code == 200  # the page again, not a 404
    assert "PHL-NAGA-PLAN was removed by someone else" in response.content.decode()
    assert written(listed) == before
    # In the API alike; an entry that never was is still a 404.
    api = client_for(colleague)
    url = f"{API}{listed.pk}/stocktake/"
    assert_error(api.delete(f"{url}instruments/PHL-NAGA-PLAN/?revision=2"), 409)
    assert_error(api.delete(f"{url}interactions/PHL-NAGA-PLAN/PHL-LMP/?revision=3"), 409)
    assert_error(api.delete(f"{url}instruments/MIGOF/?revision=1"), 404)
    assert written(listed) == before
