"""The fill-in page: one page grouped by dimension then policy area, the indicators of
the assessment's perspective only, the right control for each answer type, texts in the
user's language, the instruments of the country on offer."""

import re

import pytest
from django.urls import reverse

from assessments.services import create_assessment
from instruments.models import Instrument

pytestmark = pytest.mark.django_db


def page_of(client, assessment, query="?section=all"):
    """The fill-in page, every section on one page unless `query` asks for one."""
    response = client.get(reverse("assessments:detail", args=[assessment.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_groups_indicators_by_dimension_then_area(client_of, assessment):
    html = page_of(client_of("focal_phl"), assessment)
    dimensions = re.findall(r'<section class="dimension" id="dim-([a-z]+)"', html)
    assert dimensions == ["institutional", "costs", "rights", "integration", "development"]
    # The institutional dimension holds the institutional area's two indicators.
    section = html.split('id="dim-institutional"')[1].split('<section class="dimension"')[0]
    assert "H-INS-01" in section and "V-SUB-01" in section and "H-LAB-01" not in section


def test_each_answer_type_has_its_control(client_of, assessment):
    html = page_of(client_of("focal_phl"), assessment)
    # yes_no: yes, no, unanswered; no n/a since H-INS-01 does not allow it.
    assert re.findall(r'name="v-H-INS-01" value="([^"]*)"', html) == ["yes", "no", ""]
    # three_level with n/a allowed: 0, 5, 10, n/a, unanswered.
    assert re.findall(r'name="v-V-BIL-01" value="([^"]*)"', html) == ["0", "5", "10", "n/a", ""]
    # scale: 0–4 and unanswered.
    assert re.findall(r'name="v-H-LAB-02" value="([^"]*)"', html) == ["0", "1", "2", "3", "4", ""]
    # percent: a number input 0–100, step any, and n/a where allowed.
    assert re.search(
        r'<input type="number" id="v-H-DIA-01" name="v-H-DIA-01" min="0" max="100" step="any"',
        html,
    )
    assert 'name="na-H-DIA-01"' in html
    assert 'name="na-V-INT-01"' not in html  # V-INT-01 does not allow n/a
    # Each block is a fieldset whose legend is the question; the unanswered radio is checked.
    assert '<legend><span class="code">H-INS-01</span> Question H-INS-01?</legend>' in html
    assert re.search(r'id="v-H-INS-01-none" name="v-H-INS-01" value="" checked', html)


def test_only_indicators_in_the_perspective_are_shown(client_of, catalogue, users):
    origin = create_assessment(
        actor=catalogue["actors"]["PHL-DMW"],
        cycle=2027,
        by=users["focal_phl"],
        perspective="origin",
    )
    html = page_of(client_of("focal_phl"), origin)
    assert 'data-indicator="H-LAB-01"' in html  # origin
    assert 'data-indicator="H-LAB-02"' not in html  # destination only
    assert 'data-indicator="V-REG-01"' not in html
    assert 'data-indicator="H-INS-01"' in html  # both
    assert re.search(r'data-progress="all">0</span> / 6', html)


def test_questions_come_in_the_users_language(client_of, assessment):
    client = client_of("focal_phl")
    client.cookies["django_language"] = "fr"
    html = page_of(client, assessment)
    assert "Question H-INS-01 ?" in html
    assert '<html lang="fr">' in html
    assert "Enregistrer" in html  # the save button, translated
    client.cookies["django_language"] = "es"
    html = page_of(client, assessment)
    assert "¿Pregunta H-INS-01?" in html and "Guardar" in html


def test_the_instrument_picker_offers_the_countrys_and_universal_instruments(client_of, assessment):
    moldovan = Instrument.objects.create(code="MDA-NSM", name="Moldova only", tool_type_id="policy")
    moldovan.levels.set(["national"])
    moldovan.countries.set(["MDA"])
    html = page_of(client_of("focal_phl"), assessment)
    # Offered once a page, in the template the pickers copy from.
    choices = html.split('<template id="instrument-choices">')[1].split("</template>")[0]
    offered = re.findall(r'<input type="checkbox" name="i-@" value="([^"]+)"', choices)
    assert offered == ["MIGOF", "NAGA-MDC", "PHL-CHE-MP", "PHL-LMP"]
    # Without the script, "show every instrument" lists them in the picker itself.
    html = page_of(client_of("focal_phl"), assessment, "?section=institutional&pick=H-INS-01")
    picker = html.split('id="ind-H-INS-01"')[1].split('class="history-link"')[0]
    offered = re.findall(r'<input type="checkbox" name="i-H-INS-01" value="([^"]+)"', picker)
    # The Philippines' own instruments and MIGOF, international and naming no country.
    assert offered == ["MIGOF", "NAGA-MDC", "PHL-CHE-MP", "PHL-LMP"]


def test_progress_counts_answered_over_in_scope(client_of, in_state):
    assessment = in_state("draft")
    html = page_of(client_of("focal_phl"), assessment)
    assert re.search(r'data-progress="all">3</span> / 8', html)
    assert re.search(r'data-progress="dim-institutional">1</span> / 2', html)


def test_the_page_loads_nothing_from_another_host(client_of, assessment):
    html = page_of(client_of("focal_phl"), assessment)
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"^(https?:)?//", url), url
