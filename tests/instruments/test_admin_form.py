"""The instrument's admin form: levels and areas are ticked in checkboxes (one per level or
area, named by it, in a group named by the field), and what is ticked is what is saved."""

import re

import pytest
from django.contrib.auth import get_user_model

from coherence.models import GovernanceLevel, PolicyArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, catalogue):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "x-pass-2026")
    client.force_login(user)
    return client


def ticks(page: str, field: str) -> dict[str, bool]:
    """{the checkbox's label: ticked} of the field's checkboxes."""
    found = re.findall(
        rf'<label for="id_{field}_\d+"><input type="checkbox" name="{field}" value="[^"]*"'
        rf"([^>]*)>\s*([^<]+)</label>",
        page,
    )
    return {label.strip(): "checked" in attributes for attributes, label in found}


def test_the_form_ticks_the_instruments_levels_among_every_level(admin_client, catalogue):
    instrument = catalogue["instruments"]["MIGOF"]
    page = admin_client.get(f"/admin/instruments/instrument/{instrument.pk}/change/")
    html = page.content.decode()
    levels = ticks(html, "levels")
    assert levels == {
        str(level): level in instrument.levels.all() for level in GovernanceLevel.objects.all()
    }
    assert any(levels.values())
    assert set(ticks(html, "areas")) == {str(area) for area in PolicyArea.objects.all()}
    assert '<div id="id_levels" role="group" aria-label="Levels">' in html
    assert '<div id="id_areas" role="group" aria-label="Areas">' in html


def test_the_levels_ticked_are_the_levels_saved(admin_client, catalogue):
    instrument = catalogue["instruments"]["MIGOF"]
    page = admin_client.get(f"/admin/instruments/instrument/{instrument.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in ["code", "name", "tool_type", "paragraph"]}
    response = admin_client.post(
        f"/admin/instruments/instrument/{instrument.pk}/change/",
        {**{k: v for k, v in data.items() if v is not None}, "levels": ["national", "regional"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(instrument.levels.values_list("code", flat=True)) == ["national", "regional"]
