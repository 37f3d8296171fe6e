"""Accessibility in a real browser: axe-core finds no serious or critical violation in any view
(charts drawn, runs finished), in English and in Chinese, in presentation mode and with the
share dialog open; Tab reaches every control of every view with a visible focus ring, and
nothing clickable is a bare div or span; the descent view can be driven from the keyboard
alone; the nav stays one row at 1024 px and scrolls sideways on a phone."""

from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Console, PageFactory, screenshot
from tests.browser.helpers import DESCENT, role, set_range, starts, wait_finished

# Each view in a state where its charts are drawn, and what says that they are.
DESCENT_HASH = "#descent?surface=himmelblau&starts=1,1;-1,2&steps=40"
VIEWS: dict[str, tuple[str, str]] = {
    "lessons": ("#lessons", "body[data-ready=lessons]"),
    "descent": (DESCENT_HASH, f"{DESCENT}[data-surface=himmelblau]"),
    "conditioning": ("#conditioning", "[data-view=conditioning][data-drawn]"),
    "experiments": ("#experiments", "[data-view=experiments][data-drawn]"),
    "backprop": ("#backprop", "[data-view=backprop][data-graph]"),
    "gradcheck": ("#gradcheck", "[data-view=gradcheck][data-checked][data-cost]"),
    "data": ("#data?steps=100", "[data-view=data][data-progress=finished]"),
    "svm": ("#svm", "[data-view=svm][data-walked]"),
    "network": ("#network?steps=60", "[data-view=network][data-progress=finished]"),
}
SHARE = "[data-share-dialog]"
# A test that failed with a dialog open leaves none to the next one.
CLOSE_DIALOGS = "() => document.querySelectorAll('dialog[open]').forEach(d => d.close())"
HIDE_TOAST = "() => { document.getElementById('toast').hidden = true; }"  # one an earlier test left
AXE = Axe()
SERIOUS = {"serious", "critical"}
# Findings of lesser impact that the page has fixed and must not bring back: a page title as
# its one <h1>, and no header cell without text (the SVM view's dW table had an empty corner).
ALSO_FAILING = {"page-has-heading-one", "empty-table-header"}


class Pages(NamedTuple):
    en: Page
    zh: Page
    console: Console


# The page's requests in flight, so a test can wait until a view has stopped fetching (the
# network view probes two dozen steps after its run ends, and draws again when they are in).
COUNT_FETCHES = """(() => {
  let n = 0;
  const fetch = window.fetch;
  window.fetch = (...args) => {
    n += 1;
    const reply = fetch(...args);
    reply.finally(() => { n -= 1; }).catch(() => {});
    return reply;
  };
  Object.defineProperty(window, 'fetchesInFlight', { get: () => n });
})()"""
# No request in flight for half a second: the view has settled.
SETTLED = """() => {
  const now = performance.now();
  if (window.fetchesInFlight > 0 || window.busyAt === undefined) window.busyAt = now;
  return window.fetchesInFlight === 0 && now - window.busyAt > 500;
}"""


@pytest.fixture(scope="module")
def pages(browser: Browser, server_url: str) -> Iterator[Pages]:
    """One page per language for the whole file, each view mounted once and visited again by
    each test; as a person who prefers reduced motion, so that runs are shown whole."""
    console = Console()
    opened: list[Page] = []
    for locale in ("en-US", "zh-CN"):
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale=locale, reduced_motion="reduce"
        )
        context.add_init_script(COUNT_FETCHES)
        page = context.new_page()
        page.on("console", console.on_console)
        page.on("pageerror", console.on_page_error)
        page.set_default_timeout(30_000)
        page.goto(server_url + "/#lessons")
        opened.append(page)
    yield Pages(opened[0], opened[1], console)
    for page in opened:
        page.context.close()


def show(pages: list[Page], view: str) -> None:
    """Go to a view by its link (a hash change, as a click on the nav does) in each page at once,
    and wait until its charts are drawn; the descent view also runs its two starts to the end."""
    hash_, drawn = VIEWS[view]
    for page in pages:
        page.evaluate("h => { location.hash = h }", hash_)
    for page in pages:
        page.wait_for_selector(f"body[data-ready={view}]", state="attached", timeout=60_000)
        page.wait_for_selector(drawn, state="attached", timeout=60_000)
    if view != "descent":
        for page in pages:
            page.evaluate("() => { window.busyAt = undefined; }")
            page.wait_for_function(SETTLED, polling=100, timeout=60_000)
        return
    running = [page for page in pages if page.get_attribute(DESCENT, "data-progress") != "finished"]
    for page in running:
        set_range(page, role("speed"), 3)
        page.click(role("run"))
    for page in running:
        wait_finished(page)


# The whole page but the views not shown, which axe would pass over anyway (display: none)
# after the work of walking them.
START_AXE = """() => { window.axeReport = axe.run({ exclude: [['[data-view][hidden]']] },
                                                { resultTypes: ['violations'] }); }"""


def scan(pages: list[Page], where: str) -> list[str]:
    """axe-core's serious and critical violations in each page as it is, and those in
    ALSO_FAILING, one line each. The pages are scanned side by side (each in its own renderer),
    then their reports read."""
    for page in pages:
        if not page.evaluate("() => 'axe' in window"):
            page.evaluate(AXE.axe_script)  # the axe-core that axe-playwright-python ships
        page.evaluate(START_AXE)
    found: list[str] = []
    for page in pages:
        lang = page.evaluate("() => document.documentElement.lang")
        response: dict[str, Any] = page.evaluate("() => window.axeReport")
        found += [
            f"{lang} {where}: {v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"])
            for v in response["violations"]
            if v["impact"] in SERIOUS or v["id"] in ALSO_FAILING
        ]
    return found


PLANT_FAULTS = """() => document.querySelector('[data-view=descent] .stage').insertAdjacentHTML(
  'afterbegin', '<div data-planted><p style="color: #bbb">pale</p><input type="text"></div>')"""


# The page's <h1> made an <h2> for a moment, and a table with an empty header cell put in.
PLANT_LESSER = """() => {
  const h1 = document.querySelector('h1');
  const h2 = document.createElement('h2');
  h2.className = h1.className;
  h2.dataset.wasH1 = '';
  h2.replaceChildren(...h1.childNodes);
  h1.replaceWith(h2);
  document.querySelector('[data-view=descent] .stage').insertAdjacentHTML('afterbegin',
    '<table data-planted><tr><th></th><th>a</th></tr><tr><th>b</th><td>1</td></tr></table>');
}"""
UNPLANT_LESSER = """() => {
  document.querySelector('[data-planted]').remove();
  const h2 = document.querySelector('[data-was-h1]');
  const h1 = document.createElement('h1');
  h1.className = h2.className;
  h1.replaceChildren(...h2.childNodes);
  h2.replaceWith(h1);
}"""


def test_axe_finds_no_serious_violation_in_any_view_in_either_language(pages: Pages) -> None:
    both = [pages.en, pages.zh]
    found: list[str] = []
    for view in VIEWS:
        show(both, view)
        found += scan(both, f"#{view}")
    # The same descent state, presented beside its lesson (the run already drawn stays).
    for page in both:
        page.evaluate("h => { location.hash = h }", DESCENT_HASH + "&course=descent&present=1")
    for page in both:
        page.wait_for_selector("[data-present-panel] [data-role=present-card][data-lesson=descent]")
    found += scan(both, "presentation mode")
    for page in both:
        page.keyboard.press("Escape")
        page.wait_for_selector("html:not([data-present])", state="attached")
        page.click("[data-role=share-open]")
    for page in both:
        page.wait_for_selector(f"{SHARE}[open]:not([aria-busy]) [data-role=share-qr] svg")
    found += scan(both, "share dialog")
    for page in both:  # Escape closes the dialog and gives the focus back to its button
        assert page.evaluate("() => document.activeElement.closest('dialog') !== null")
        page.keyboard.press("Escape")
        page.wait_for_selector(f"{SHARE}:not([open])", state="attached")
        assert page.evaluate("() => document.activeElement.dataset.role") == "share-open"
    assert [page.inner_text("[data-role=share-open]") for page in both] == ["Share", "分享"]
    assert found == [], "\n".join(found)
    # The scan sees what it should: pale text and a field without a name, put in on purpose.
    pages.en.evaluate(PLANT_FAULTS)
    planted = scan([pages.en], "planted")
    pages.en.evaluate("() => document.querySelector('[data-planted]').remove()")
    assert [line.split(": ")[1].split(" ")[0] for line in planted] == ["color-contrast", "label"]
    # And it sees the two lesser findings: a page without an <h1>, a header cell without text.
    pages.en.evaluate(PLANT_LESSER)
    planted = scan([pages.en], "planted")
    pages.en.evaluate(UNPLANT_LESSER)
    found_ids = sorted(line.split(": ")[1].split(" ")[0] for line in planted)
    assert found_ids == ["empty-table-header", "page-has-heading-one"]
    assert pages.console.errors == []


# ---- the keyboard ---------------------------------------------------------------------------

# Each element that takes the focus, and whether a person can see that it has it: a ring
# (outline or box-shadow) on it, or on the label that stands for a visually hidden input.
# Recorded as the focus moves, so that Tab can be pressed without a round trip per key.
RECORD_FOCUS = """() => {
  window.focusLog = [];
  if (window.recordingFocus) return;
  window.recordingFocus = true;
  document.addEventListener('focusin', (event) => {
    const el = event.target;
    const shown = (e) => {
      const s = getComputedStyle(e);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      return outline || s.boxShadow !== 'none';
    };
    const box = el.getBoundingClientRect();
    const ring = box.width > 2 && box.height > 2 ? el : el.closest('label');
    const view = el.closest('[data-view]')?.dataset.view;
    window.focusLog.push({ key: el.dataset?.focusKey ?? null, tag: el.tagName,
      focusVisible: el.matches(':focus-visible'), ring: ring !== null && shown(ring),
      where: view ?? (el.closest('.topbar') ? 'topbar' : 'elsewhere'),
      name: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40) });
  });
}"""

# The view's and the top bar's controls that Tab should reach, each marked with a key (of a
# group of radio buttons, Tab reaches the one checked; the arrow keys choose among them).
TABBABLE = """view => {
  const sel = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const roots = [document.querySelector('.topbar'), document.querySelector(`[data-view=${view}]`)];
  const otherRadio = (el) => el.type === 'radio' && !el.checked
    && document.querySelector(`input[type=radio][name="${el.name}"]:checked`) !== null;
  const els = roots.flatMap(r => [...r.querySelectorAll(sel)]).filter(el =>
    !el.disabled && el.tabIndex >= 0 && el.getClientRects().length
    && getComputedStyle(el).visibility !== 'hidden' && !otherRadio(el));
  els.forEach((el, i) => { el.dataset.focusKey = String(i); });
  return els.length;
}"""

# What looks usable but is no control: an element with a pointer cursor that is neither a
# control nor has a role and a tabindex, and a div or span that takes the focus with no role.
# Inside a Plotly chart the cursor is Plotly's; the points one clicks there have keyboard
# twins (the descent view's start fields, the SVM view's Previous and Next).
BARE = """view => [...document.querySelectorAll(`[data-view=${view}] *`)].filter(el => {
    const control = 'a[href], button, input, select, textarea, summary, label, .js-plotly-plot';
    return el.getClientRects().length && !el.hasAttribute('role') && (
      el.matches('div[tabindex], span[tabindex]')
      || (getComputedStyle(el).cursor === 'pointer' && !el.hasAttribute('tabindex')
          && !el.closest(control)));
  }).map(el => el.tagName + '.' + (el.getAttribute('class') || ''))"""


# The next Tab goes to the page's first control: the body takes the focus for a moment.
START_AT_THE_TOP = """() => { document.body.tabIndex = -1; document.body.focus();
                              document.body.removeAttribute('tabindex'); }"""


def tab_through(page: Page, view: str) -> list[dict[str, Any]]:
    """Press Tab from the top of the page once for each control, and once more to leave the
    last; returns what took the focus, in order."""
    count: int = page.evaluate(TABBABLE, view)
    page.evaluate(START_AT_THE_TOP)
    page.evaluate(RECORD_FOCUS)
    for _ in range(count + 1):
        page.keyboard.press("Tab")
    seen: list[dict[str, Any]] = page.evaluate("() => window.focusLog")
    assert [f["key"] for f in seen[:count]] == [str(i) for i in range(count)], (view, seen)
    return seen[:count]


def test_tab_reaches_every_control_of_every_view_with_a_visible_ring(pages: Pages) -> None:
    page = pages.en
    page.evaluate(CLOSE_DIALOGS)
    for view in VIEWS:
        show([page], view)
        seen = tab_through(page, view)
        assert len(seen) >= 20, (view, len(seen))  # the nav and the tools, then the view's own
        unseen = [f for f in seen if not (f["focusVisible"] and f["ring"])]
        assert unseen == [], (view, unseen)
        assert {f["where"] for f in seen} == {"topbar", view}
        assert page.evaluate(BARE, view) == [], view
    assert pages.console.errors == []


def test_the_descent_view_works_from_the_keyboard(pages: Pages) -> None:
    page = pages.en
    page.evaluate(CLOSE_DIALOGS)
    page.evaluate("() => { location.hash = '#descent?surface=booth&lr=0.1&steps=200' }")
    page.wait_for_selector(f"{DESCENT}[data-surface=booth]", state="attached")
    # A start typed into the x and y boxes, Enter in a box adding it.
    assert page.inner_text(role("add-x-name")) == "x"
    page.focus(role("add-x"))
    page.keyboard.press("Control+A")
    page.keyboard.type("-2.5")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("1.5")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "sel => document.querySelector(sel).textContent === '1 start.'", arg=role("start-count")
    )
    assert starts(page) == [[-2.5, 1.5]]
    # Tab goes on to the Add button, which refuses a point off the map.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.role") == "add-start"
    page.fill(role("add-x"), "40")
    page.evaluate(HIDE_TOAST)
    page.focus(role("add-start"))
    page.keyboard.press("Space")
    page.wait_for_selector("#toast:not([hidden])")
    assert "outside the plotted box" in page.inner_text("#toast")
    assert len(starts(page)) == 1
    # Run with Enter on the button, Reset with Space.
    page.focus(role("run"))
    page.keyboard.press("Enter")
    wait_finished(page)
    assert page.inner_text(role("outcomes")).startswith("start 1 (-2.5, 1.5): converged")
    page.focus(role("reset"))
    page.keyboard.press("Space")
    page.wait_for_selector(f"{DESCENT}[data-progress=idle]", state="attached")
    # The log sliders say the value they stand for, not its logarithm.
    assert float(page.input_value(role("lr"))) == pytest.approx(-1)
    assert page.get_attribute(role("lr"), "aria-valuetext") == "0.1"
    set_range(page, role("speed"), 2)
    assert page.get_attribute(role("speed"), "aria-valuetext") == "100 steps/s"
    assert pages.console.errors == []


def test_the_conditioning_race_starts_where_typed(pages: Pages) -> None:
    page, view = pages.en, "[data-view=conditioning]"
    page.evaluate(CLOSE_DIALOGS)
    page.evaluate("() => { location.hash = '#conditioning?dim=2&k=10' }")
    page.wait_for_selector(f"{view}:not([aria-busy]) [data-role=start-fields]:not([hidden])")
    drawn = int(page.get_attribute(view, "data-drawn") or 0)
    page.fill(role("add-x", view), "0.25")
    page.fill(role("add-y", view), "-0.5")
    page.press(role("add-y", view), "Enter")
    page.wait_for_function(
        "([sel, n]) => Number(document.querySelector(sel).dataset.drawn) > n", arg=[view, drawn]
    )
    assert "start=0.25,-0.5" in page.url
    paths = page.evaluate(
        """sel => document.querySelector(sel).data.filter(t => t.type === 'scatter')
                   .map(t => [t.x[0], t.y[0]])""",
        role("plot-contour", view),
    )
    assert paths == [[0.25, -0.5]] * 3  # each racer sets off from there
    page.fill(role("add-x", view), "")
    page.evaluate(HIDE_TOAST)
    page.click(role("add-start", view))
    page.wait_for_selector("#toast:not([hidden])")
    assert page.inner_text("#toast") == "Type both coordinates of the start."
    assert pages.console.errors == []


def test_the_nav_is_one_row_at_1024_px_and_scrolls_on_a_phone(
    new_page: PageFactory, server_url: str, console: Console
) -> None:
    page = new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(server_url + "/#svm")
    page.wait_for_selector("body[data-ready=svm]", state="attached")
    tops = page.eval_on_selector_all("[data-view-link]", "as => as.map(a => a.offsetTop)")
    assert len(tops) == 9
    assert len(set(tops)) == 1  # one line
    nav = page.locator("nav.views")
    assert nav.evaluate("n => n.scrollWidth <= n.clientWidth")  # all of it in sight
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(server_url + "/#network?steps=20")
    page.wait_for_selector("body[data-ready=network]", state="attached")
    tops = page.eval_on_selector_all("[data-view-link]", "as => as.map(a => a.offsetTop)")
    assert len(set(tops)) == 1  # still one line,
    assert nav.evaluate("n => n.scrollWidth > n.clientWidth")  # which scrolls sideways
    current = page.locator("[data-view-link][aria-current=page]")
    assert current.get_attribute("data-view-link") == "network"
    inside = """a => { const r = a.getBoundingClientRect();
                       const n = a.parentElement.getBoundingClientRect();
                       return r.left >= n.left - 1 && r.right <= n.right + 1; }"""
    assert current.evaluate(inside)  # the current view's link is scrolled into sight
    assert not page.locator("[data-view-link=lessons]").evaluate(inside)
    page.focus(".brand")
    page.keyboard.press("Tab")  # to the first link, which scrolls into sight
    assert page.evaluate("() => document.activeElement.dataset.viewLink") == "lessons"
    assert page.locator("[data-view-link=lessons]").evaluate(inside)
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-ready=lessons]", state="attached")
    assert page.get_attribute("[data-view-link=lessons]", "aria-current") == "page"
    screenshot(page, "nav-phone")
    assert console.errors == []
