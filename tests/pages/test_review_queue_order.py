"""The review queue as one table — country, actor, cycle, state, submitted date, days
waiting — sorted by a column header (aria-sort on the sorted one), the oldest submission
first by default, the filters kept while sorting."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import TransitionLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(catalogue, users, in_state):
    """Three submitted assessments: MDA-BMA 2025 waiting 30 days, PHL-DMW 2026 waiting 12,
    PHL-DOH 2026 waiting 2 (their submissions moved back in time)."""
    dmw = in_state("submitted")
    doh = services.create_assessment(
        actor=catalogue["actors"]["PHL-DOH"], cycle=2026, by=users["focal_phl_health"]
    )
    services.submit(doh, by=users["focal_phl_health"])
    mda = services.create_assessment(
        actor=catalogue["actors"]["MDA-BMA"], cycle=2025, by=users["focal_mda"]
    )
    services.submit(mda, by=users["focal_mda"])
    now = timezone.now()
    for assessment, days in ((mda, 30), (dmw, 12), (doh, 2)):
        TransitionLog.objects.filter(assessment=assessment, action="submit").update(
            at=now - timedelta(days=days, hours=1)
        )
    return {"dmw": dmw, "doh": doh, "mda": mda}


def rows(html: str) -> list[tuple[str, str]]:
    """(actor code, days waiting) of each row, in order."""
    return re.findall(
        r'<span class="code">([A-Z-]+)</span>.*?<td class="num days-waiting">([^<]+)</td>',
        html,
        flags=re.S,
    )


def get(client, query: str = "") -> str:
    response = client.get(reverse("assessments:queue") + query)
    assert response.status_code == 200
    return response.content.decode()


def sorted_header(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*><a [^>]*data-sort="(\w+)"', html)


def test_the_oldest_submission_comes_first_with_its_days_waiting(client_of, waiting):
    html = get(client_of("reviewer"))
    assert rows(html) == [("MDA-BMA", "30"), ("PHL-DMW", "12"), ("PHL-DOH", "2")]
    assert sorted_header(html) == [("ascending", "submitted")]
    day = (timezone.now() - timedelta(days=30, hours=1)).date().isoformat()
    assert f">{day}</time>" in html


@pytest.mark.parametrize(
    "query, expected, header",
    [
        (
            "?sort=submitted&order=desc",
            ["PHL-DOH", "PHL-DMW", "MDA-BMA"],
            ("descending", "submitted"),
        ),
        ("?sort=country&order=asc", ["MDA-BMA", "PHL-DOH", "PHL-DMW"], ("ascending", "country")),
        ("?sort=country&order=desc", ["PHL-DOH", "PHL-DMW", "MDA-BMA"], ("descending", "country")),
        ("?sort=actor&order=asc", ["MDA-BMA", "PHL-DOH", "PHL-DMW"], ("ascending", "actor")),
        ("?sort=cycle&order=desc", ["PHL-DOH", "PHL-DMW", "MDA-BMA"], ("descending", "cycle")),
        ("?sort=waiting&order=desc", ["MDA-BMA", "PHL-DMW", "PHL-DOH"], ("descending", "waiting")),
        ("?sort=waiting&order=asc", ["PHL-DOH", "PHL-DMW", "MDA-BMA"], ("ascending", "waiting")),
        # Anything else is the default order, said as such.
        ("?sort=evil&order=asc", ["MDA-BMA", "PHL-DMW", "PHL-DOH"], ("ascending", "submitted")),
        ("?sort=country&order=up", ["MDA-BMA", "PHL-DMW", "PHL-DOH"], ("ascending", "submitted")),
    ],
)
def test_sorting_by_a_column(client_of, waiting, query, expected, header):
    html = get(client_of("reviewer"), query)
    assert [code for code, _days in rows(html)] == expected
    assert sorted_header(html) == [header]


def test_a_header_link_reverses_the_sorted_column_and_keeps_the_filters(client_of, waiting):
    html = get(client_of("reviewer"), "?country=PHL&state=submitted&sort=country&order=asc")
    links = {
        key: query
        for query, key in re.findall(
            r'<a href="\?([^"]+)" class="sort-link" data-sort="(\w+)"', html
        )
    }
    assert links["country"] == "country=PHL&amp;state=submitted&amp;sort=country&amp;order=desc"
    assert links["cycle"] == "country=PHL&amp;state=submitted&amp;sort=cycle&amp;order=asc"
    # The filter form carries the order along.
    assert '<input type="hidden" name="sort" value="country">' in html
    assert [code for code, _days in rows(html)] == ["PHL-DOH", "PHL-DMW"]


def test_only_submitted_assessments_count_days_waiting(client_of, waiting, users):
    services.validate(waiting["mda"], by=users["reviewer"])
    html = get(client_of("reviewer"), "?state=")
    assert dict(rows(html))["MDA-BMA"] == "—"
    assert dict(rows(html))["PHL-DMW"] == "12"
