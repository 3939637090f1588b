"""The stock-taking's history page: every change to an assessment's instruments and
interactions — the entry by its name, each field before and after with the vocabularies'
names, who and when — newest first; one click from the stock-taking section of the fill-in
and review pages; read in a fixed number of queries."""

import re

import pytest
from django.urls import reverse

from assessments import services
from assessments.stocktake.checks import MitigationInput
from assessments.stocktake.services import (
    InstrumentInput,
    InteractionInput,
    remove_instrument,
    save_instrument,
    save_interaction,
)
from coherence.models import PolicyArea
from instruments.models import Instrument

pytestmark = pytest.mark.django_db

NAGA = {
    "code": "PHL-NAGA-PLAN",
    "name": "Naga City migration plan",
    "tool_type": "strategy",
    "levels": ["subnational"],
    "areas": ["labour_migration"],
    "owner": "PHL-NAGA",
}


def history_url(assessment) -> str:
    return reverse("assessments:stocktake_history", args=[assessment.pk])


def rows_of(html: str) -> list[tuple[str, ...]]:
    """The table's rows as (entry and what happened, field, before, after); an entry's
    first row carries it, the rows below it (rowspan) repeat it here."""
    body = html.split('<table class="data history stock-history">')[1].split("</table>")[0]
    rows, entry = [], None
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        found = re.search(r'<td[^>]*class="stock-entry">(.*?)</td>', row, re.S)
        if found:
            entry = re.sub(r"<[^>]+>", "", found.group(1)).strip()
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        rows.append((entry, *(re.sub(r"<br>", " / ", c) for c in cells[-3:])))
    return rows


@pytest.fixture
def named(catalogue):
    """The catalogue's names, as a reader sees them (the test catalogue's are codes)."""
    Instrument.objects.filter(code="PHL-LMP").update(name="Labour migration policy")
    PolicyArea.objects.filter(code="labour_migration").update(name_en="Labour migration")


def test_the_history_shows_names_and_every_change_before_and_after(
    client_of, assessment, users, safeguards, named
):
    focal = users["focal_phl"]
    save_instrument(assessment, by=focal, spec=InstrumentInput(code="PHL-LMP"))
    save_instrument(assessment, by=focal, spec=InstrumentInput(**NAGA))
    save_interaction(
        assessment,
        by=focal,
        spec=InteractionInput("PHL-NAGA-PLAN", "PHL-LMP", 1, "The plan relays the policy."),
    )
    save_instrument(
        assessment,
        by=focal,
        spec=InstrumentInput(**{**NAGA, "name": "Naga plan 2024", "levels": ["national"]}),
    )
    save_interaction(
        assessment,
        by=focal,
        spec=InteractionInput(
            "PHL-NAGA-PLAN",
            "PHL-LMP",
            -2,
            "Recruitment fees.",
            mitigations=[MitigationInput("BLA-COMPLAINT-MECHANISM", "Workers complain.")],
        ),
    )
    remove_instrument(assessment, by=focal, code="PHL-NAGA-PLAN")

    html = client_of("focal_phl").get(history_url(assessment)).content.decode()
    rows = rows_of(html)
    # Newest first: the plan's removal, the interaction withdrawn with it, the change of
    # the interaction, the plan's change, the interaction reported, the plan and the
    # catalogue instrument listed.
    assert rows[0][0] == "Naga plan 2024 (removed)"
    assert ("Naga plan 2024 (removed)", "Name", "Naga plan 2024", "—") in rows
    assert [r[1] for r in rows[5:8]] == ["Score", "Rationale", "Mitigations"]
    assert rows[5][0] == "Naga plan 2024 → Labour migration policy (withdrawn)"
    changed = [r for r in rows if r[0] == "Naga plan 2024 → Labour migration policy (changed)"]
    assert changed == [
        (changed[0][0], "Score", "+1 enabling", "−2 counteracting"),
        (changed[0][0], "Rationale", "The plan relays the policy.", "Recruitment fees."),
        (changed[0][0], "Mitigations", "—", "Complaint mechanisms: Workers complain."),
    ]
    renamed = [r[1:] for r in rows if r[0] == "Naga plan 2024 (changed)"]
    assert renamed == [
        ("Name", "Naga City migration plan", "Naga plan 2024"),
        ("Levels", "Sub-national", "National"),
    ]
    listed = [r[1:] for r in rows if r[0] == "Naga City migration plan (listed)"]
    assert ("Tool type", "—", "Strategy") in listed
    assert ("Policy areas", "—", "Labour migration") in listed
    assert ("Owner", "—", "Naga City") in listed
    assert rows[-1] == (
        "Labour migration policy (listed)",
        "Catalogue instrument",
        "—",
        "Labour migration policy",
    )
    # Names, not codes, wherever a person reads.
    assert "PHL-NAGA-PLAN" not in html.split("<main")[-1]
    assert "labour_migration" not in html and "subnational" not in html
    assert html.count("focal-phl") >= 7


def test_a_return_for_correction_shows_with_its_reviewer(client_of, assessment, users):
    save_instrument(assessment, by=users["focal_phl"], spec=InstrumentInput(**NAGA))
    services.submit(assessment, by=users["focal_phl"])
    services.return_for_correction(
        assessment,
        by=users["reviewer"],
        reason="Check the plan",
        stocktake={"PHL-NAGA-PLAN": "Is it the 2024 plan?"},
    )
    html = client_of("reviewer").get(history_url(assessment)).content.decode()
    (newest, *_older) = rows_of(html)
    assert newest == (
        "Naga City migration plan (returned for correction)",
        "Returned for correction",
        "—",
        "Is it the 2024 plan?",
    )
    assert "cochair" in html


def test_the_history_is_one_click_from_the_fill_in_and_review_pages(client_of, assessment, users):
    save_instrument(assessment, by=users["focal_phl"], spec=InstrumentInput(**NAGA))
    link = f'href="{history_url(assessment)}"'
    detail = reverse("assessments:detail", args=[assessment.pk])
    assert link in client_of("focal_phl").get(detail).content.decode()
    services.submit(assessment, by=users["focal_phl"])
    assert link in client_of("reviewer").get(detail).content.decode()
    back = client_of("reviewer").get(history_url(assessment)).content.decode()
    assert f'href="{detail}#stocktake"' in back


def test_an_empty_stocktaking_says_so(client_of, assessment):
    html = client_of("focal_phl").get(history_url(assessment)).content.decode()
    assert "Nothing has been listed or reported in this stock-taking yet." in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("focal_phl", 200),
        ("focal_phl_health", 404),  # another actor of the same country
        ("focal_mda", 404),  # another country's
        ("reviewer", 404),  # a draft: reviewers do not see it
        ("partner", 404),
    ],
)
def test_who_may_read_the_history_of_a_draft(client_of, assessment, who, status):
    assert client_of(who).get(history_url(assessment)).status_code == status


def test_anonymous_is_sent_to_sign_in(client_of, assessment):
    response = client_of("anonymous").get(history_url(assessment))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def changes(assessment, by, n: int) -> None:
    """`n` changes: two instruments, an interaction, then renames of the new one (each a
    change with an owner, areas, levels and a tool type to name)."""
    save_instrument(assessment, by=by, spec=InstrumentInput(code="PHL-LMP"))
    save_instrument(assessment, by=by, spec=InstrumentInput(**NAGA))
    save_interaction(
        assessment,
        by=by,
        spec=InteractionInput(
            "PHL-NAGA-PLAN",
            "PHL-LMP",
            -2,
            "Fees.",
            mitigations=[MitigationInput("BLA-COMPLAINT-MECHANISM", "Complaints.")],
        ),
    )
    for k in range(n - 3):
        save_instrument(
            assessment, by=by, spec=InstrumentInput(**{**NAGA, "name": f"Naga plan {k}"})
        )


# The session, the user, the membership, the assessment; the two histories (with who);
# the catalogue instruments and safeguards named, the owners, the policy areas.
HISTORY_QUERIES = 9


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_reads_in_a_fixed_number_of_queries(
    client_of, assessment, users, safeguards, django_assert_num_queries, n
):
    changes(assessment, users["focal_phl"], n)
    client = client_of("focal_phl")
    url = history_url(assessment)
    client.get(url)
    with django_assert_num_queries(HISTORY_QUERIES):
        html = client.get(url).content.decode()
    assert len(re.findall(r'class="stock-entry"', html)) == n
