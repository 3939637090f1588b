"""Query counts pinned on the fill-in form (with a 150-indicator framework), the save of
150 answers, the reviewer's page, the start page and the queue: none of them may grow
with the number of indicators, answers or assessments."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor
from assessments import services
from assessments.models import FrameworkVersion, Indicator
from assessments.services import AnswerInput
from coherence.choices import AREA_CODES, AnswerType, Dimension, Link
from instruments.models import Instrument
from tests.pages.conftest import read_form

pytestmark = pytest.mark.django_db

# Measured on SQLite; a new query in these pages must be a decision, not an accident.
# The form: session, user, membership, assessment, indicators, answers, instruments,
# score, consolidated score, transition log, evidence documents; the stock-taking section's
# instruments and interactions, and for its forms the safeguards, the actors and the
# policy areas by name (its catalogue codes are the pickers' instruments, read once).
FORM_QUERIES = 16
# The form's but the section's forms, plus the other assessments and their answers, and the
# discussion's comments and read markers; the review summary (completeness, charts,
# departures, the answers' filter) adds none; the evidence documents one.
REVIEW_QUERIES = 17
SAVE_QUERIES = 22  # the form's reads, then save_answers' lock, bulk writes and history
START_QUERIES = 7  # with the unread comments of every assessment listed, in one query
QUEUE_QUERIES = 8  # one table (no consolidated scores), and the unread comments in one query

TYPES = list(AnswerType.values)
LINKS = list(Link.values)


@pytest.fixture
def framework_150(catalogue):
    """A newer published version with 150 indicators over every dimension, area, type
    and link; and 60 more Philippine instruments for the pickers."""
    version = FrameworkVersion.objects.create(code="2027.1", published_at=timezone.now())
    indicators = []
    for n in range(150):
        vertical = n % 3 == 0
        indicators.append(
            Indicator(
                version=version,
                code=f"T-{n:03d}",
                rank=n,
                dimension=Dimension.values[n % 5],
                coherence_type="vertical" if vertical else "horizontal",
                area_id=AREA_CODES[n % len(AREA_CODES)],
                link=LINKS[n % 4] if vertical else None,
                perspective="both",
                stage="input",
                answer_type=TYPES[n % 4],
                allow_na=n % 7 == 0,
                question_en=f"Question {n}?",
                guidance_en=f"Guidance for question {n}.",
            )
        )
    Indicator.objects.bulk_create(indicators)
    for n in range(60):
        tool = Instrument.objects.create(
            code=f"PHL-T{n:02d}", name=f"Tool {n}", tool_type_id="policy"
        )
        tool.countries.set(["PHL"])
        tool.levels.set(["national"])
    return version


def value_for(indicator_type: str, n: int) -> str:
    return {"yes_no": "yes", "three_level": "5", "scale": str(n % 5), "percent": "42.5"}[
        indicator_type
    ]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def answer_everything(assessment, user):
    services.save_answers(
        assessment,
        by=user,
        version=assessment.version,
        answers={
            i.code: AnswerInput(value=1.0 if i.answer_type == "yes_no" else 0.0, evidence="e")
            for i in assessment.framework.indicators.all()
        },
    )


def test_the_fill_in_form_does_not_grow_with_indicators(
    client_of, catalogue, users, framework_150, django_assert_max_num_queries
):
    dmw = catalogue["actors"]["PHL-DMW"]
    small = services.create_assessment(actor=dmw, cycle=2026, by=users["focal_phl"])
    small.framework = FrameworkVersion.objects.get(code="2026.1")
    small.save(update_fields=["framework"])
    big = services.create_assessment(actor=dmw, cycle=2027, by=users["focal_phl"])
    assert big.framework.indicators.count() == 150
    answer_everything(big, users["focal_phl"])
    client = client_of("focal_phl")
    url = reverse("assessments:detail", args=[big.pk]) + "?section=all"
    client.get(url)  # warm up: the session's first read
    with django_assert_max_num_queries(FORM_QUERIES):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response.content.decode().count('class="indicator') == 150
    small_count = queries(client, reverse("assessments:detail", args=[small.pk]))
    big_count = queries(client, url)
    print(
        f"\nfill-in form: {big_count} queries with 150 indicators, {small_count} with 8; "
        f"rendered in {elapsed * 1000:.0f} ms, {len(response.content) // 1024} KiB"
    )
    assert big_count == small_count


def test_one_section_of_the_fill_in_form_with_150_indicators(
    client_of, catalogue, users, framework_150, django_assert_num_queries
):
    """The page as a focal point opens it: one dimension of 30 questions, the same
    queries as the whole form, the 150 answers still counted in the section navigation."""
    big = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2027, by=users["focal_phl"]
    )
    answer_everything(big, users["focal_phl"])
    client = client_of("focal_phl")
    url = reverse("assessments:detail", args=[big.pk]) + "?section=rights&show=unanswered"
    client.get(url)
    with django_assert_num_queries(FORM_QUERIES):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    html = response.content.decode()
    assert html.count('class="indicator') == 30
    # Every question answered: "unanswered only" hides all 30, and says so.
    assert len(re.findall(r'data-indicator="T-\d+" hidden>', html)) == 30
    assert "No question of this section matches the filter." in html
    assert "30/30 answered" in html
    print(f"\none section of the fill-in form: rendered in {elapsed * 1000:.0f} ms")


def test_saving_150_answers(
    client_of, catalogue, users, framework_150, django_assert_max_num_queries
):
    big = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2027, by=users["focal_phl"]
    )
    client = client_of("focal_phl")
    url = reverse("assessments:detail", args=[big.pk])
    data = read_form(client.get(url))
    indicators = {i.code: i for i in big.framework.indicators.all()}
    for n, (code, indicator) in enumerate(sorted(indicators.items())):
        data[f"v-{code}"] = [value_for(indicator.answer_type, n)]
        data[f"e-{code}"] = [f"Evidence for {code}"]
        data[f"i-{code}"] = ["PHL-LMP", f"PHL-T{n % 60:02d}"]
    with django_assert_max_num_queries(SAVE_QUERIES) as captured:
        started = time.perf_counter()
        response = client.post(reverse("assessments:save", args=[big.pk]), data)
        elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert big.answers.count() == 150
    print(f"\nsave of 150 answers: {len(captured)} queries, {elapsed * 1000:.0f} ms")


def test_the_reviewers_page_does_not_grow_with_indicators(
    client_of, catalogue, users, framework_150, django_assert_num_queries
):
    big = services.create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2027, by=users["focal_phl"]
    )
    answer_everything(big, users["focal_phl"])
    services.submit(big, by=users["focal_phl"])
    other = services.create_assessment(
        actor=catalogue["actors"]["PHL-DOH"], cycle=2027, by=users["focal_phl_health"]
    )
    answer_everything(other, users["focal_phl_health"])
    services.submit(other, by=users["focal_phl_health"])
    client = client_of("reviewer")
    url = reverse("assessments:detail", args=[big.pk])
    client.get(url)
    with django_assert_num_queries(REVIEW_QUERIES) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    html = response.content.decode()
    assert html.count('<tr id="ind-') == 150
    assert 'id="completeness-title"' in html and 'id="departures-title"' in html
    assert 'id="answer-filter"' in html and html.count('form="return-form" name="flag"') == 150
    print(
        f"\nreviewer's page: {len(captured)} queries with 150 indicators, "
        f"rendered in {elapsed * 1000:.0f} ms, {len(response.content) // 1024} KiB"
    )


def start_and_queue_counts(client_of):
    return (
        queries(client_of("focal_phl"), "/"),
        queries(client_of("reviewer"), reverse("assessments:queue") + "?state="),
    )


def test_the_start_page_and_queue_do_not_grow_with_assessments(
    client_of, catalogue, users, importer, django_assert_max_num_queries, django_assert_num_queries
):
    dmw = catalogue["actors"]["PHL-DMW"]
    first = services.create_assessment(actor=dmw, cycle=2000, by=users["focal_phl"])
    services.submit(first, by=users["focal_phl"])
    client_of("focal_phl").get("/")
    client_of("reviewer").get("/")
    one = start_and_queue_counts(client_of)
    for n in range(1, 20):
        services.submit(
            services.create_assessment(actor=dmw, cycle=2000 + n, by=users["focal_phl"]),
            by=users["focal_phl"],
        )
        actor = Actor.objects.create(
            code=f"PHL-A{n:02d}",
            name=f"Agency {n}",
            type="line_ministry",
            level="national",
            country_id="PHL",
        )
        services.submit(
            services.create_assessment(actor=actor, cycle=2026, by=importer), by=importer
        )
    with django_assert_max_num_queries(START_QUERIES):
        html = client_of("focal_phl").get("/").content.decode()
    assert html.count('class="state state-submitted"') == 20
    with django_assert_num_queries(QUEUE_QUERIES):
        html = client_of("reviewer").get(reverse("assessments:queue") + "?state=").content
    assert html.decode().count('class="state state-submitted"') == 39
    twenty = start_and_queue_counts(client_of)
    print(f"\nstart page and queue: {one} queries with 1 assessment, {twenty} with 20")
    assert twenty == one
