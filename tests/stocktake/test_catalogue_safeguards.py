"""The shipped catalogue marks its safeguards and mitigates the paper's incoherences where
the paper implies a safeguard; load_catalogue stays idempotent; bad mitigations are
refused, by the loader and by the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from instruments.models import Instrument, Interaction, Mitigation
from tests.catalogue.test_load_catalogue import broken  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_catalogue_marks_its_safeguards_and_adds_those_the_paper_implies():
    call_command("load_catalogue")
    safeguards = set(Instrument.objects.filter(safeguard=True).values_list("code", flat=True))
    assert {
        "REFUGEE-CONVENTION",
        "ICRMW",
        "NON-REFOULEMENT",
        "BLA-COMPLAINT-MECHANISM",
        "ILO-C157",
        "BILATERAL-SSA",
        "ILO-FAIR-RECRUITMENT",
        "WHO-CODE",
        "INDEPENDENT-EVALUATIONS",
        "MGSOG-REVIEW",
    } <= safeguards
    added = Instrument.objects.filter(code__in=["NON-REFOULEMENT", "ILO-C157", "CMW"])
    assert all(i.paragraph for i in added)
    assert not Instrument.objects.get(code="GBR-RWA-MEDP").safeguard


def test_paper_incoherences_carry_the_mitigations_the_paper_implies():
    call_command("load_catalogue")
    mitigated = Interaction.objects.get(source__code="GBR-IMA", target__code="REFUGEE-CONVENTION")
    assert [m.safeguard.code for m in mitigated.mitigations.all()] == ["NON-REFOULEMENT"]
    assert not mitigated.unmitigated
    rwanda = Interaction.objects.get(source__code="GBR-RWA-MEDP", target__code="REFUGEE-CONVENTION")
    assert rwanda.unmitigated
    assert all(
        m.interaction.score <= -2 and m.safeguard.safeguard for m in Mitigation.objects.all()
    )


def test_loading_twice_keeps_the_mitigations_and_an_administrators_own(capsys):
    call_command("load_catalogue")
    rwanda = Interaction.objects.get(source__code="GBR-RWA-MEDP", target__code="REFUGEE-CONVENTION")
    Mitigation.objects.create(
        interaction=rwanda,
        safeguard=Instrument.objects.get(code="NON-REFOULEMENT"),
        how="Courts stop relocations.",
    )
    before = list(Mitigation.objects.values_list("interaction_id", "safeguard_id", "how"))
    call_command("load_catalogue")
    assert "nothing changed" in capsys.readouterr().out.splitlines()[-1]
    assert list(Mitigation.objects.values_list("interaction_id", "safeguard_id", "how")) == before


def _mitigate_with(code):
    def change(data):
        for record in data:
            if record["source"] == "GBR-RWA-MEDP":
                record["mitigations"] = [{"safeguard": code, "how": "Somehow."}]

    return change


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("GBR-IMA", "mitigation 'GBR-IMA' is not a safeguard instrument"),
        ("NO-SUCH", "mitigation 'NO-SUCH' is not a safeguard instrument"),
    ],
)
def test_a_mitigation_that_is_not_a_safeguard_loads_nothing(broken, code, message):  # noqa: F811
    folder = broken("interactions.yaml", _mitigate_with(code))
    with pytest.raises(CommandError) as refused:
        call_command("load_catalogue", fixtures=str(folder))
    assert message in str(refused.value)
    assert Instrument.objects.count() == 0


def test_a_mitigation_of_an_interaction_that_is_no_incoherence_loads_nothing(broken):  # noqa: F811
    def change(data):
        record = next(r for r in data if r["score"] >= 0)
        record["mitigations"] = [{"safeguard": "ICRMW", "how": "Somehow."}]

    with pytest.raises(CommandError) as refused:
        call_command("load_catalogue", fixtures=str(broken("interactions.yaml", change)))
    assert "only an incoherence (-2 or -3) carries mitigations" in str(refused.value)


@pytest.fixture
def admin_client(client, catalogue):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "x-pass-2026")
    client.force_login(user)
    return client


def test_the_admin_refuses_a_mitigation_that_is_not_a_safeguard(admin_client, catalogue):
    instruments = catalogue["instruments"]
    interaction = Interaction.objects.create(
        source=instruments["PHL-LMP"], target=instruments["MIGOF"], score=-3, rationale="¶42"
    )
    response = admin_client.post(
        "/admin/instruments/mitigation/add/",
        {"interaction": interaction.pk, "safeguard": instruments["PHL-CHE-MP"].pk, "how": "x"},
    )
    assert response.status_code == 200
    assert Mitigation.objects.count() == 0


def test_the_admin_shows_safeguards_and_an_interactions_mitigations(admin_client, catalogue):
    instruments = catalogue["instruments"]
    Instrument.objects.filter(code="MIGOF").update(safeguard=True)
    interaction = Interaction.objects.create(
        source=instruments["PHL-LMP"], target=instruments["NAGA-MDC"], score=-2, rationale="¶42"
    )
    Mitigation.objects.create(interaction=interaction, safeguard=instruments["MIGOF"], how="Checks")
    listing = admin_client.get("/admin/instruments/instrument/?safeguard__exact=1")
    assert "MIGOF" in listing.content.decode() and "PHL-LMP" not in listing.content.decode()
    page = admin_client.get(f"/admin/instruments/interaction/{interaction.pk}/change/")
    assert page.status_code == 200 and "Checks" in page.content.decode()


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True  # setup_demo refuses to run with DEBUG off


def test_the_demo_countries_validated_assessments_carry_a_stocktaking(debug_on):
    from assessments.stocktake.models import StockInstrument, StockInteraction
    from assessments.stocktake.selectors import country_stock, unmitigated_counts

    call_command("setup_demo")
    for country in ("PHL", "MDA", "LKA", "GBR", "CHE"):
        stock = country_stock(country, 2025)
        assert len(stock.instruments) >= 4, country
        assert stock.interactions, country
    uk = country_stock("GBR", 2025)
    rwanda = [r for r in uk.interactions if r["source"] == "GBR-RWA-MEDP"]
    assert {r["origin"] for r in rwanda} == {"paper", "GBR-HO", "GBR-FCDO"}
    assert any(r["mitigations"] for r in rwanda) and any(r["unmitigated"] for r in rwanda)
    # In 2027 the Home Office says nothing mitigates it.
    assert unmitigated_counts([("GBR", 2027)])[("GBR", 2027)] >= 1
    naga = next(
        i for i in country_stock("PHL", 2025).instruments if i["code"] == "PHL-NAGA-MDC-PLAN"
    )
    assert naga["source"] == "PHL-DMW" and naga["levels"] == ["subnational"]
    counts = (StockInstrument.objects.count(), StockInteraction.objects.count())
    call_command("setup_demo")
    assert (StockInstrument.objects.count(), StockInteraction.objects.count()) == counts
