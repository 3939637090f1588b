"""Keyboard-only helpers for browser tests: Tab to a control found by its accessible role and
name (never by a CSS class), check that the focused control shows a visible focus indicator,
and walk a whole page with Tab checking that nothing fixed or sticky covers the focused
control (WCAG 2.2 2.4.11 Focus Not Obscured, which axe-core does not automate)."""

from playwright.sync_api import Locator, Page

# What a Tab stop looks like: its tag, id, role, text, and, when covered, what covers it.
FOCUSED = """(probe) => {
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const luminance = (c) => {
        const [r, g, b] = rgb(c).slice(0, 3).map((v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a, b) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
    };
    const backgroundOf = (n) => {
        for (; n; n = n.parentElement) {
            const c = getComputedStyle(n).backgroundColor;
            const alpha = rgb(c)[3];
            if (c && c !== 'transparent' && alpha !== 0) return c;
        }
        return 'rgb(255, 255, 255)';
    };
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const describe = (n) => {
        const text = (n.getAttribute('aria-label') || n.innerText || n.value || '')
            .trim().replace(/\\s+/g, ' ').slice(0, 60);
        return n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') +
            (n.getAttribute('name') ? `[name=${n.getAttribute('name')}]` : '') +
            (text ? ` "${text}"` : '');
    };
    const out = {element: describe(el)};
    if (!probe) return out;
    if (!window.__firstStop) window.__firstStop = el;
    else if (window.__firstStop === el) out.again = true;
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    out.outline = `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`;
    out.boxShadow = style.boxShadow;
    out.outlineContrast = contrast(style.outlineColor, backgroundOf(el.parentElement));
    // Chromium's own ring ('auto') is two-toned, visible on any background.
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        && (style.outlineStyle === 'auto' || out.outlineContrast >= 3);
    out.visibleFocus = outlined || (style.boxShadow && style.boxShadow !== 'none');
    out.box = {x: r.left, y: r.top, width: r.width, height: r.height};
    // The centre of the focused control: whatever the browser hits there must be the control
    // itself (or inside it); if it is inside a fixed or sticky box that does not hold the
    // control, that box covers it.
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    if (hit && hit !== el && !el.contains(hit) && !hit.contains(el)) {
        for (let n = hit; n && n !== document.body; n = n.parentElement) {
            const position = getComputedStyle(n).position;
            if ((position === 'fixed' || position === 'sticky') && !n.contains(el)) {
                out.obscuredBy = describe(n);
                break;
            }
        }
    }
    return out;
}"""


def focused(page: Page, *, probe: bool = False) -> dict | None:
    """The focused element, described; with probe, also its focus style and what covers it."""
    return page.evaluate(FOCUSED, probe)


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("(el) => el === document.activeElement")


def tab_to(
    page: Page, target: Locator, *, max_tabs: int = 200, allow_obscured: bool = False
) -> int:
    """Press Tab until `target` (a locator by role and name, e.g. page.get_by_role("button",
    name="Save")) has the focus; each stop on the way, the target included, must show a
    visible focus indicator and (unless allow_obscured) not be covered. Returns the number of
    Tab presses, 0 when the target already has the focus. Fails when the target is never
    reached (not focusable, or not in the tab order)."""
    if is_focused(target):
        return 0
    stops = []
    for presses in range(1, max_tabs + 1):
        page.keyboard.press("Tab")
        stop = focused(page, probe=True)
        stops.append(stop and stop["element"])
        if stop is not None:
            assert_visible_focus(stop, allow_obscured=allow_obscured)
        if is_focused(target):
            return presses
    raise AssertionError(f"{target} not reached in {max_tabs} Tab presses; stops: {stops}")


def choose_radio(page: Page, group: Locator, name: str, *, allow_obscured: bool = False) -> None:
    """Choose the option `name` of a radio group (a locator by role "group" or
    "radiogroup") as a keyboard user does: Tab stops once in the group, on its checked
    option (or its first), then the arrow keys move and check."""
    checked = group.get_by_role("radio", checked=True)
    entry = checked if checked.count() else group.get_by_role("radio").first
    tab_to(page, entry, allow_obscured=allow_obscured)
    option = group.get_by_role("radio", name=name, exact=True)
    for _ in range(group.get_by_role("radio").count()):
        if option.is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert option.is_checked() and is_focused(option), f"{name} not chosen in {group}"
    assert_visible_focus(focused(page, probe=True), allow_obscured=allow_obscured)


def assert_visible_focus(stop: dict, *, allow_obscured: bool = False) -> None:
    """The focused control draws an outline of 3:1 or more against what surrounds it (or
    Chromium's own ring, or a shadow), and nothing fixed or sticky covers it."""
    assert stop["visibleFocus"], f"no visible focus indicator on {stop['element']}: {stop}"
    assert allow_obscured or not stop.get("obscuredBy"), (
        f"{stop['element']} is covered by {stop['obscuredBy']} when focused"
    )


def focus_walk(page: Page, *, max_tabs: int = 400) -> list[dict]:
    """Tab through the whole page from the top: every stop, probed. Ends when the focus
    leaves the document or comes back to the first stop."""
    page.evaluate(START_AT_THE_TOP)
    stops = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        stop = focused(page, probe=True)
        if stop is None or stop.get("again"):
            break
        stops.append(stop)
    # Leave nothing focused: a focused skip link sits over the header for the next check.
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    return stops


# Tab starts from the focused element, or from where the user last clicked: a throw-away
# focus target before everything else makes the next Tab land on the page's first stop.
START_AT_THE_TOP = """() => {
    window.__firstStop = null;
    const start = document.createElement('span');
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
    start.addEventListener('blur', () => start.remove(), {once: true});
    window.scrollTo(0, 0);
}"""


def focus_problems(stops: list[dict]) -> list[str]:
    """The stops that fail 2.4.11 (covered by a fixed or sticky box) or show no focus."""
    problems = []
    for stop in stops:
        if stop.get("obscuredBy"):
            problems.append(f"focus-obscured: {stop['element']} under {stop['obscuredBy']}")
        if not stop["visibleFocus"]:
            problems.append(
                f"focus-invisible: {stop['element']} ({stop['outline']}, "
                f"contrast {stop['outlineContrast']})"
            )
    return problems
