"""Validated stock-taking on the dashboards and the grid page: the country dashboard's
"tools and safeguards", the interactions dashboard's unmitigated incoherences first, the
grid of a country in a cycle; each read by the roles that may read the country."""

import pytest

from tests.stocktake.test_stocktake_api import validated_with_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def phl_2026(catalogue, users, safeguards):
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    validated_with_stock(catalogue, users, "PHL-DOH", "focal_phl_health", mitigated=True)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("focal_phl", 200),
        ("focal_phl_health", 200),  # another actor of the same country
        ("focal_mda", 404),  # another country's focal point
        ("reviewer", 200),
        ("partner", 200),
        ("anonymous", 302),
    ],
)
def test_the_country_dashboard_shows_tools_and_safeguards(client_of, phl_2026, role, status):
    response = client_of(role).get("/dashboards/country/PHL/?cycle=2026")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert 'id="tools-safeguards"' in page
        assert "Naga City migration and development plan" in page  # by name, not code
        assert "PHL-NAGA-PLAN" not in page.split('id="tools-safeguards"')[1]
        assert "divergence" in page  # −3 by the DMW, −2 by the DOH
        assert 'id="unmitigated-count">0<' in page  # the DOH names a safeguard


def test_the_country_dashboard_counts_an_unmitigated_incoherence(
    client_of, catalogue, users, safeguards
):
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    page = client_of("reviewer").get("/dashboards/country/PHL/?cycle=2026").content.decode()
    assert 'id="unmitigated-count">1<' in page


@pytest.mark.parametrize(("role", "status"), [("reviewer", 200), ("anonymous", 302)])
def test_the_interactions_dashboard_lists_unmitigated_incoherences_first(
    client_of, catalogue, users, safeguards, role, status
):
    validated_with_stock(catalogue, users, "PHL-DMW", "focal_phl", mitigated=False)
    response = client_of(role).get("/dashboards/interactions/?country=PHL&cycle=2026")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        first = page.index('id="unmitigated"')
        assert first < page.index('id="table-matrix-grid"') if "table-matrix-grid" in page else True
        table = page[first : page.index("</section>", first)]
        # instruments and who reported by name; the codes stay in the exports and the API
        assert "Naga City migration and development plan" in table
        assert "Department of Migrant Workers" in table
        assert "PHL-NAGA-PLAN" not in table and "PHL-DMW" not in table
        assert "PHL-CHE-MP" not in table  # the paper's is mitigated


def test_a_bad_cycle_is_a_400_naming_it(client_of, phl_2026):
    response = client_of("reviewer").get("/dashboards/interactions/?country=PHL&cycle=20x6")
    assert response.status_code == 400
    assert "20x6" in response.content.decode()


def test_the_grid_page_of_a_country_and_cycle_holds_its_instruments(client_of, phl_2026):
    # the cell's hover names it (a reported instrument's name is its reporter's)
    page = client_of("reviewer").get("/grid/?country=PHL&cycle=2026").content.decode()
    assert "Naga City migration and development plan" in page
    other = client_of("reviewer").get("/grid/?country=PHL").content.decode()
    assert "Naga City migration and development plan" not in other


def test_the_grid_hover_names_a_reported_instrument(client_of, phl_2026):
    response = client_of("reviewer").get("/grid/?country=PHL&cycle=2026")
    trace = response.context["figure"]["data"][0]
    cell = trace["customdata"][trace["y"].index("subnational")][trace["x"].index("strategy")]
    assert "Naga City migration and development plan" in cell and "PHL-NAGA-PLAN" not in cell


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/dashboards/country/PHL/?cycle=2026", 16),
        ("/dashboards/interactions/?country=PHL&cycle=2026", 16),
        ("/grid/?country=PHL&cycle=2026", 10),
    ],
)
def test_the_pages_read_in_a_fixed_number_of_queries(
    client_of, phl_2026, django_assert_max_num_queries, url, queries
):
    client = client_of("reviewer")
    client.get(url)
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_country_profile_names_the_incoherences_their_mitigations_and_the_unmitigated(
    client_of, phl_2026
):
    page = client_of("reviewer").get("/dashboards/country/PHL/2026/profile/").content.decode()
    section = page[
        page.index('id="p-tools"') : page.index("</section>", page.index('id="p-tools"'))
    ]
    assert "lists 3 instruments" in section  # PHL-LMP, PHL-CHE-MP and the new Naga plan
    # The DMW's −3 with no mitigation, the DOH's −2 with the complaint mechanism; the pair
    # counts as mitigated since one of its reports names a safeguard.
    table = section[section.index('id="p-incoherences"') :]
    assert table.count("Naga City migration and development plan") == 2
    assert "Complaint mechanisms: Workers complain." in table
    assert "<strong>Unmitigated</strong>" in table
    assert "and 0 unmitigated." in section
    assert "PHL-NAGA-PLAN" not in section  # names, not codes


def test_a_mitigation_by_a_catalogue_safeguard_the_country_did_not_list_is_named(
    client_of, catalogue, users, safeguards
):
    from assessments import recompute, services
    from assessments.stocktake.checks import MitigationInput
    from assessments.stocktake.services import (
        InstrumentInput,
        InteractionInput,
        save_instrument,
        save_interaction,
    )
    from tests.api.conftest import VALIDATED_ANSWERS
    from tests.stocktake.test_stocktake_api import NEW

    focal = users["focal_phl"]
    assessment = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2026, by=focal
    )
    services.save_answers(
        assessment, by=focal, version=assessment.version, answers=VALIDATED_ANSWERS
    )
    save_instrument(assessment, by=focal, spec=InstrumentInput(code="PHL-LMP"))
    save_instrument(assessment, by=focal, spec=InstrumentInput(**NEW))
    how = MitigationInput("REFUGEE-CONVENTION", "Non-refoulement binds the plan.")
    save_interaction(
        assessment,
        by=focal,
        spec=InteractionInput("PHL-NAGA-PLAN", "PHL-LMP", -2, "¶16", mitigations=[how]),
    )
    services.submit(assessment, by=focal)
    services.validate(assessment, by=users["reviewer"])
    recompute.recompute_consolidation("PHL", 2026)
    page = client_of("reviewer").get("/dashboards/country/PHL/?cycle=2026").content.decode()
    tools = page.split('id="tools-safeguards"')[1]
    assert "Refugee Convention: Non-refoulement binds the plan." in tools
    assert "REFUGEE-CONVENTION" not in tools
