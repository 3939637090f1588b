"""Playwright driving Debian's Chromium (/usr/bin/chromium) against the live test server.
Screenshots land in test-artifacts/ (kept by CI as artefacts); every page's console
errors are collected so a test can assert there are none, and so is every
Content-Security-Policy violation: a test that met one fails at teardown."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls. Set for browser tests only,
    # never for the rest of the suite (the deploy check rightly refuses it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield from _launch()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.console_errors = []
    page.external_requests = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            not r.url.startswith(live_server.url)
            and not r.url.startswith(("data:", "blob:"))
            and page.external_requests.append(r.url)
        ),
    )
    page.csp_violations = []
    context.expose_binding("__cspViolation", lambda source, text: page.csp_violations.append(text))
    context.add_init_script(CSP_COLLECTOR)
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert page.csp_violations == [], "Content-Security-Policy violations"


# Reports every violation of the page's Content-Security-Policy (a blocked inline script,
# style, eval or outside request) to page.csp_violations.
CSP_COLLECTOR = """
document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} on ${e.documentURI}` +
        (e.sample ? `: ${e.sample}` : "")
    );
});
"""


@pytest.fixture
def shot(request):
    """shot(page, "step") saves test-artifacts/<test>/<n>-<step>.png."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}

    def take(page, name: str) -> Path:
        counter["n"] += 1
        path = folder / f"{counter['n']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
