"""axe-core in the browser tests: the vendored axe.min.js (tests/browser/vendor/, MPL-2.0,
never served by the app) put into a page and run over the WCAG 2.0, 2.1 and 2.2 A/AA rules.
The file is axe-core 4.14.1's axe.min.js from `npm pack axe-core` (npm integrity
sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==),
with its LICENSE and LICENSE-3RD-PARTY.txt beside it; to upgrade, replace the three files.

Under the app's Content-Security-Policy (script-src 'self') `page.add_script_tag` is refused:
it adds an inline <script>, which the policy blocks (and reports). So axe goes in through the
context's init script instead, which DevTools runs in every document before the page's own
scripts and outside the policy; the policy stays on for the app's own scripts, and a
violation by the app still fails the test. No `bypass_csp` is needed."""

from pathlib import Path

from playwright.sync_api import BrowserContext, Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(n => ({
            target: n.target.join(' '),
            html: n.html.slice(0, 200),
            summary: n.failureSummary,
        })),
    }));
}"""


def install(context: BrowserContext) -> None:
    """Every page of the context gets axe (see the module's docstring for why not a tag)."""
    context.add_init_script(path=str(AXE))


def violations(page: Page) -> list[dict]:
    """axe's violations of the page as it is now: [{id, impact, help, nodes: [...]}]."""
    return page.evaluate(RUN, TAGS)


def summary(found: list[dict]) -> list[str]:
    """One line per element and rule, for an assertion message a person can read."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {n['target']}" for v in found for n in v["nodes"]
    ]
