"""Every page of every role through axe-core (WCAG 2.0/2.1 A and AA, and 2.2 AA) and through
a Tab walk for 2.2's Focus Not Obscured (2.4.11), which axe does not automate: every Tab stop
shows a focus indicator, and no fixed or sticky box covers it; and at 390 px, that the page
does not scroll sideways. Pages reached by a form are checked too: after a save, after a
refused save, a refused sign-in, a refused return.

The same walk screenshots each page at 1366 and 390 px wide into
$SCREENSHOT_DIR/<role>/<page>-<width>.png (default test-artifacts/screenshots/, which .ci/run
leaves in the clone as CI artefacts), and writes each role's findings to
test-artifacts/axe/<role>.json. One browser for the session, one context per role. Any
violation fails the role's test: none is accepted."""

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from assessments import discussion
from assessments.models import Assessment
from assessments.services import create_assessment
from assessments.stocktake.services import (
    InstrumentInput,
    InteractionInput,
    save_instrument,
    save_interaction,
)
from coherence.models import Country
from tests.browser import axe, keyboard
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.browser.test_dashboards_browser import ALL_DRAWN, dashboards_data  # noqa: F401
from tests.factories import PASSWORD
from tests.pages.conftest import bring_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or ARTIFACTS / "screenshots")
WIDTHS = {1366: 800, 390: 844}
# Plotly redraws its charts for the new width a moment after the window changes: the walk
# waits for every chart to have done so before it measures or takes a screenshot.
RESIZED = """() => window.Plotly && Promise.all([...document.querySelectorAll(".js-plotly-plot")]
    .map((chart) => window.Plotly.Plots.resize(chart)))"""
# How far the page is wider than the window (0: it does not scroll sideways).
SIDEWAYS = "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def walk_data(catalogue, users, dashboards_data):  # noqa: F811 (a fixture)
    """PHL-DMW's assessments in every state (2026 draft, 2025 submitted, 2024 returned,
    2023 validated; the first two with a stock-taking and its history), PHL-DOH's 2025
    submitted (the reviewer's comparison and validation), and the dashboards' scores."""
    actors = catalogue["actors"]
    # A long country name: the filters' lists as wide as it must still fit a phone.
    Country.objects.get_or_create(iso3="COD", defaults={"name": "Congo (the Democratic Republic)"})
    ids = {}
    for cycle, state in [(2026, "draft"), (2025, "submitted"), (2024, "returned")]:
        fresh = create_assessment(actor=actors["PHL-DMW"], cycle=cycle, by=users["focal_phl"])
        if state in ("draft", "submitted"):
            take_stock(fresh, users["focal_phl"])
        ids[state] = bring_to(fresh, state, users).pk
    validated = create_assessment(actor=actors["PHL-DMW"], cycle=2023, by=users["focal_phl"])
    ids["validated"] = bring_to(validated, "validated", users).pk
    health = create_assessment(actor=actors["PHL-DOH"], cycle=2025, by=users["focal_phl_health"])
    health.refresh_from_db()
    health = bring_to(health, "submitted", {**users, "focal_phl": users["focal_phl_health"]})
    ids["health"] = health.pk
    ids["comment"] = edited_comment(Assessment.objects.get(pk=ids["submitted"]), users).pk
    return ids


def edited_comment(assessment: Assessment, users: dict):
    """A reviewer's comment, edited once: the threads show it with its earlier version,
    the admin lists it."""
    said = discussion.post_comment(
        assessment,
        by=users["reviewer"],
        indicator="H-INS-01",
        body="Which decree set the committee up?",
    )
    discussion.edit_comment(
        assessment, by=users["reviewer"], comment_id=said.pk, body="Which decree, and when?"
    )
    return said


@pytest.fixture
def admin_data(catalogue, users):
    """The catalogue (MIGOF's change form), one submitted assessment with an edited comment
    (the admin's comment pages) and the catalogue's administrator: the admin's pages need
    no more, so the staff walk skips walk_data's set-up (about 18 s on 2 cores)."""
    submitted = create_assessment(
        actor=catalogue["actors"]["PHL-DMW"], cycle=2025, by=users["focal_phl"]
    )
    submitted = bring_to(submitted, "submitted", users)
    get_user_model().objects.create_superuser(
        "catalogue-admin", email="admin@example.org", password=PASSWORD
    )
    return {
        "instrument": catalogue["instruments"]["MIGOF"].pk,
        "comment": edited_comment(submitted, users).pk,
    }


def take_stock(assessment, focal) -> None:
    """Two instruments and an interaction, the interaction changed once."""
    for code in ("PHL-LMP", "NAGA-MDC"):
        save_instrument(assessment, by=focal, spec=InstrumentInput(code=code))
    for score in (1, 2):
        save_interaction(
            assessment,
            by=focal,
            spec=InteractionInput("NAGA-MDC", "PHL-LMP", score, "The city relays the policy."),
        )


@dataclass
class Walk:
    """What one role's walk found, page by page."""

    role: str
    found: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0

    def check(self, page, name: str) -> None:
        """axe and the Tab walk at both widths, and the screenshots, of the page as it is."""
        started = time.monotonic()
        if page.locator("[data-chart]").count():
            page.wait_for_function(ALL_DRAWN)
        folder = SCREENSHOTS / self.role
        folder.mkdir(parents=True, exist_ok=True)
        rules: dict[str, set[str]] = {}
        details = []
        phases = {"axe": 0.0, "tab": 0.0, "shot": 0.0, "stops": 0}
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate(RESIZED)
            t0 = time.monotonic()
            for v in axe.violations(page):
                rules.setdefault(v["id"], set()).update(n["target"] for n in v["nodes"])
                details.append({"width": width, **v})
            t1 = time.monotonic()
            stops = keyboard.focus_walk(page)
            for problem in keyboard.focus_problems(stops):
                rule, where = problem.split(": ", 1)
                rules.setdefault(rule, set()).add(where)
                details.append({"width": width, "id": rule, "nodes": [{"target": where}]})
            wide = page.evaluate(SIDEWAYS)
            if wide:  # the page itself scrolls sideways (a table in its own box may)
                rules.setdefault("page-scrolls-sideways", set()).add(f"{wide} px at {width}")
                details.append({"width": width, "id": "page-scrolls-sideways", "nodes": []})
            t2 = time.monotonic()
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
            phases["axe"] += t1 - t0
            phases["tab"] += t2 - t1
            phases["shot"] += time.monotonic() - t2
            phases["stops"] += len(stops)
        page.set_viewport_size({"width": 1366, "height": WIDTHS[1366]})
        self.found[name] = {
            "url": page.url,
            "violations": {rule: sorted(targets) for rule, targets in rules.items()},
            "seconds": round(time.monotonic() - started, 2),
            "phases": {k: round(v, 2) for k, v in phases.items()},
            "details": details,
        }

    def violations(self) -> list[str]:
        return [
            f"{name}: {rule} at {target}"
            for name, result in self.found.items()
            for rule, targets in result["violations"].items()
            for target in targets
        ]

    def write(self) -> Path:
        out = ARTIFACTS / "axe" / f"{self.role}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        counts = {
            name: sum(len(t) for t in r["violations"].values()) for name, r in self.found.items()
        }
        report = {"role": self.role, "seconds": round(self.seconds, 1), "counts": counts}
        out.write_text(json.dumps({**report, "pages": self.found}, indent=1, ensure_ascii=False))
        print(f"\n{self.role}: {len(self.found)} pages in {self.seconds:.1f} s; {counts}")
        return out


Step = tuple[str, str | Callable]


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def anonymous_steps(ids: dict) -> list[Step]:
    def refused_sign_in(page):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("focal-phl")
        page.get_by_label("Password").fill("not the password")
        submit(page, page.get_by_role("button", name="Sign in"))

    def reset_sent(page):
        page.goto("/accounts/password_reset/")
        page.get_by_label("Email").fill("focal-phl@example.org")
        submit(page, page.locator("main").get_by_role("button"))

    return [
        ("sign-in", "/accounts/login/"),
        ("sign-in-refused", refused_sign_in),
        ("password-reset", "/accounts/password_reset/"),
        ("password-reset-sent", reset_sent),
        ("password-reset-bad-link", "/accounts/reset/MQ/set-password-wrong-token/"),
    ]


def api_docs_steps(ids: dict) -> list[Step]:
    def api_docs(page):
        # One operation open and tried (its parameters, curl, response), the rest closed:
        # one check covers both states. The published profiles answer without a token.
        page.goto("/api/docs/")
        page.locator('[id$="-published_list"] .opblock-summary-control').click()
        page.get_by_role("button", name="Try it out").click()
        page.get_by_role("button", name="Execute").click()
        page.locator(".live-responses-table").wait_for()

    return [("api-docs", api_docs)]


def focal_point_steps(ids: dict) -> list[Step]:
    def start_refused(page):
        page.goto("/")
        page.get_by_label("Cycle (year)").fill("2026")  # already has one
        submit(page, page.get_by_role("button", name="Start the assessment"))

    def started(page):
        page.goto("/")
        page.get_by_label("Cycle (year)").fill("2027")
        submit(page, page.get_by_role("button", name="Start the assessment"))

    def saved(page):
        page.goto(f"/assessments/{ids['draft']}/")
        page.get_by_role("group", name="V-SUB-01").get_by_role("radio", name="Yes").check()
        submit(page, page.get_by_role("button", name="Save", exact=True).first)

    def save_refused(page):
        page.goto(f"/assessments/{ids['draft']}/?section=all")  # a percentage question
        page.get_by_role("spinbutton").first.fill("150")
        submit(page, page.get_by_role("button", name="Save", exact=True).first)

    def upload_refused(page):
        page.goto(f"/assessments/{ids['draft']}/")
        bad = b"country,cycle,actor,indicator,value\nPHL,2026,PHL-DMW,H-LAB-01,7\n"
        page.get_by_label("Filled-in template").set_input_files(
            {"name": "answers.csv", "mimeType": "text/csv", "buffer": bad}
        )
        submit(page, page.get_by_role("button", name="Upload"))

    a = "/assessments"
    return [
        ("start", "/"),
        ("start-refused", start_refused),
        ("fill-in-started", started),
        ("fill-in-draft", f"{a}/{ids['draft']}/"),
        ("fill-in-saved", saved),
        ("fill-in-save-refused", save_refused),
        ("upload-refused", upload_refused),
        ("assessment-submitted", f"{a}/{ids['submitted']}/"),
        ("fill-in-returned", f"{a}/{ids['returned']}/"),
        ("assessment-validated", f"{a}/{ids['validated']}/"),
        ("history", f"{a}/{ids['draft']}/history/H-INS-01/"),
        ("stocktake-history", f"{a}/{ids['draft']}/stocktake/history/"),
        ("framework", f"{a}/framework/"),
        ("password-change", "/accounts/password_change/"),
        *READING,
        ("dashboard-country", "/dashboards/country/PHL/"),
        ("dashboard-interests", "/dashboards/interests/PHL/"),
    ]


READING = [
    ("grid", "/grid/"),
    ("grid-filtered", "/grid/?country=PHL&area=&level="),
    ("grid-cell", "/grid/cell/?level=national&tool_type=policy"),
    ("grid-compare", "/grid/compare/?a=PHL&b=MDA"),
    ("dashboard-compare", "/dashboards/compare/"),
    ("dashboard-interactions", "/dashboards/interactions/"),
    ("dashboard-interactions-phl", "/dashboards/interactions/?country=PHL"),
]


def reviewer_steps(ids: dict) -> list[Step]:
    def return_refused(page):
        page.goto(f"/assessments/{ids['submitted']}/")
        submit(page, page.get_by_role("button", name="Return for correction"))

    def validate_asked(page):
        page.goto(f"/assessments/{ids['health']}/")
        page.get_by_role("button", name="Validate…").click()
        page.get_by_role("dialog", name="Validate this assessment?").wait_for()

    def validated(page):
        submit(page, page.get_by_role("button", name="Yes, validate"))

    a = "/assessments"
    return [
        ("start", "/"),
        ("queue", f"{a}/queue/"),
        ("queue-filtered", f"{a}/queue/?country=PHL&cycle=&state=submitted"),
        ("review-submitted", f"{a}/{ids['submitted']}/"),
        ("return-refused", return_refused),
        ("review-returned", f"{a}/{ids['returned']}/"),
        ("review-validated", f"{a}/{ids['validated']}/"),
        ("review-departing", f"{a}/{ids['submitted']}/?show=departing"),
        ("validate-asked", validate_asked),
        ("validate-done", validated),
        ("history", f"{a}/{ids['submitted']}/history/H-INS-01/"),
        ("stocktake-history", f"{a}/{ids['submitted']}/stocktake/history/"),
        ("framework", f"{a}/framework/"),
        ("two-factor-setup", "/accounts/two-factor/setup/"),
        *READING,
        ("dashboard-country", "/dashboards/country/PHL/"),
        ("dashboard-country-2025", "/dashboards/country/PHL/?cycle=2025"),
        ("dashboard-country-empty", "/dashboards/country/CHE/"),
        ("dashboard-interests", "/dashboards/interests/PHL/"),
    ]


def staff_steps(ids: dict) -> list[Step]:
    return [
        ("admin-index", "/admin/"),
        ("admin-instruments", "/admin/instruments/instrument/"),
        ("admin-instruments-search", "/admin/instruments/instrument/?q=MIGOF"),
        ("admin-instrument", f"/admin/instruments/instrument/{ids['instrument']}/change/"),
        ("admin-comments", "/admin/assessments/comment/"),
        ("admin-comment", f"/admin/assessments/comment/{ids['comment']}/change/"),
        ("admin-documents", "/admin/assessments/evidencedocument/?removed=no"),
    ]


# role → (who signs in, the fixture of the data its pages show, its steps). Signed-out
# pages need no data, the admin's only the catalogue (walk_data takes about 18 s on 2 cores).
ROLES = {
    "anonymous": (None, None, anonymous_steps),
    "focal_point": ("focal-phl", "walk_data", focal_point_steps),
    "reviewer": ("cochair", "walk_data", reviewer_steps),
    "staff": ("catalogue-admin", "admin_data", staff_steps),
    "api_docs": (None, None, api_docs_steps),
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_passes_axe(page, request, role):
    username, data, steps = ROLES[role]
    walk_data = request.getfixturevalue(data) if data else {}
    axe.install(page.context)
    walk = Walk(role)
    started = time.monotonic()
    if username:
        sign_in(page, username, PASSWORD)
    for name, step in steps(walk_data):
        if callable(step):
            step(page)
        else:
            response = page.goto(step)
            assert response.status == 200, (name, step, response.status)
        walk.check(page, name)
    walk.seconds = time.monotonic() - started
    walk.write()
    assert page.console_errors == []
    violations = walk.violations()
    assert violations == [], "\n".join(violations)


def test_the_walk_saw_every_state_of_the_assessment(walk_data):
    states = dict(Assessment.objects.values_list("pk", "state"))
    assert [states[walk_data[s]] for s in ("draft", "submitted", "returned", "validated")] == [
        "draft",
        "submitted",
        "returned",
        "validated",
    ]
