"""What the browser tests do on the page: open views, find controls by role, read the plots."""

from typing import Any

from playwright.sync_api import Page

DESCENT = "[data-view=descent]"
CONDITIONING = "[data-view=conditioning]"
TRAJECTORY = "gdviz:trajectory"
STARTS = "gdviz:starts"


def role(name: str, view: str = DESCENT) -> str:
    """The selector of a view's control (views find controls by data-role, never by id)."""
    return f"{view} [data-role={name}]"


def open_descent(page: Page, server_url: str, hash_: str = "#descent") -> None:
    """Open the page (at `hash_`) and wait until the descent view has drawn its surface."""
    page.goto(server_url + "/" + hash_)
    page.wait_for_selector(f"{DESCENT}[data-mounted][data-surface]", state="attached")


def choose_surface(page: Page, name: str) -> None:
    """Select a surface and wait until its plots are drawn."""
    page.select_option(role("surface"), name)
    wait_for_surface(page, name)


def wait_for_surface(page: Page, name: str) -> None:
    page.wait_for_function(
        "([sel, name]) => document.querySelector(sel).dataset.surface === name", arg=[DESCENT, name]
    )


def set_range(page: Page, selector: str, value: float) -> None:
    """Move a slider as a person does: input events while dragging, change on release."""
    page.eval_on_selector(
        selector,
        """(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input'));
                        el.dispatchEvent(new Event('change')); }""",
        value,
    )


def plot_data(page: Page, plot: str, view: str = DESCENT) -> list[dict[str, Any]]:
    """The traces of a plot (the parts of them the tests read)."""
    data: list[dict[str, Any]] = page.evaluate(
        """sel => (document.querySelector(sel).data || []).map(t => ({
               type: t.type, meta: t.meta ?? null, name: t.name ?? null,
               x: Array.from(t.x ?? []), y: Array.from(t.y ?? []) }))""",
        role(plot, view),
    )
    return data


def tagged_points(page: Page, tag: str, plot: str = "plot-contour") -> list[list[list[float]]]:
    """The (x, y) points of each trace carrying `tag`, in order."""
    return [
        [[x, y] for x, y in zip(t["x"], t["y"], strict=True)]
        for t in plot_data(page, plot)
        if t["meta"] == tag
    ]


def starts(page: Page) -> list[list[float]]:
    return tagged_points(page, STARTS)[0]


def trajectories(page: Page) -> list[list[list[float]]]:
    return tagged_points(page, TRAJECTORY)


def count_tagged(page: Page, tag: str, plot: str = "plot-contour") -> str:
    """A JS expression for the number of `tag` traces on a plot, for wait_for_function."""
    return f"""(document.querySelector('{role(plot)}').data || [])
               .filter(t => t.meta === '{tag}').length"""


def click_contour(page: Page, fx: float, fy: float) -> None:
    """Click the contour map at a fraction of its plotting area (0, 0 is the upper left)."""
    box = page.locator(f"{role('plot-contour')} .nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def wait_for_outcomes(page: Page, count: int, view: str = DESCENT) -> list[str]:
    """Wait until `count` trajectories have ended, and return their sentences."""
    page.wait_for_function(
        """([sel, n]) => { const items = [...document.querySelectorAll(sel + ' li')];
                           return items.length === n
                             && items.every(li => /^status-/.test(li.className)); }""",
        arg=[role("outcomes", view), count],
        timeout=60_000,
    )
    texts: list[str] = page.eval_on_selector_all(
        role("outcomes", view) + " li", "els => els.map(e => e.textContent)"
    )
    return texts


def wait_finished(page: Page) -> None:
    page.wait_for_selector(f"{DESCENT}[data-progress=finished]", state="attached", timeout=60_000)


def hash_params(page: Page) -> dict[str, str]:
    """The view's state as the URL holds it."""
    params: dict[str, str] = page.evaluate(
        """() => Object.fromEntries(new URLSearchParams(
               location.hash.slice(location.hash.indexOf('?') + 1)))"""
    )
    return params


# Counts the animation frames the page's own playback asks for (Plotly's WebGL scene has a
# loop of its own, which is not ours to stop): each call's stack names the module.
COUNT_PLAYBACK_FRAMES = """
(() => {
  const ask = window.requestAnimationFrame.bind(window);
  window.__playbackFrames = 0;
  window.requestAnimationFrame = (callback) => {
    if ((new Error().stack || '').includes('/static/js/playback.js')) window.__playbackFrames += 1;
    return ask(callback);
  };
})();
"""


def playback_frames(page: Page) -> int:
    n: int = page.evaluate("() => window.__playbackFrames")
    return n


# ---- the gradient views: formulas of one's own, Backprop, Gradient check --------------------

BACKPROP = "[data-view=backprop]"
GRADCHECK = "[data-view=gradcheck]"


def wait_for_expression(page: Page, text: str) -> None:
    """Wait until the descent view has drawn the typed formula `text`."""
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).dataset.expression === text",
        arg=[DESCENT, text],
    )


def formula_error(page: Page, view: str = DESCENT) -> dict[str, Any]:
    """Wait for a formula box's error and return its column, caret block and sentence."""
    box = role("expr-error", view)
    page.wait_for_selector(f"{box}:not([hidden])")
    error: dict[str, Any] = page.eval_on_selector(
        box,
        """el => ({ column: el.dataset.column ? Number(el.dataset.column) : null,
                    caret: el.querySelector('.expr-caret')?.textContent ?? null,
                    marked: el.querySelector('mark')?.textContent ?? null,
                    message: el.querySelector('.expr-message')?.textContent ?? '' })""",
    )
    return error


def open_backprop(page: Page, server_url: str, hash_: str = "#backprop") -> None:
    """Open the Backprop view and wait for its graph."""
    page.goto(server_url + "/" + hash_)
    page.wait_for_selector(f"{BACKPROP}[data-graph]", state="attached")


def backprop_step(page: Page) -> int:
    step: int = page.evaluate("sel => Number(document.querySelector(sel).dataset.step)", BACKPROP)
    return step


def wait_for_step(page: Page, step: int) -> None:
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel).dataset.step === String(n)", arg=[BACKPROP, step]
    )


def node_texts(page: Page) -> dict[str, dict[str, str]]:
    """Each node of the graph by its label: the value and the gradient it shows."""
    nodes: dict[str, dict[str, str]] = page.eval_on_selector_all(
        f"{BACKPROP} [data-role=graph] [data-node]",
        """els => Object.fromEntries(els.map(g => [g.dataset.label, {
                 value: g.querySelector('[data-role=value]').textContent,
                 grad: g.querySelector('[data-role=grad]').textContent }]))""",
    )
    return nodes


def open_gradcheck(page: Page, server_url: str, hash_: str = "#gradcheck") -> None:
    """Open the Gradient check view and wait until its check, sweep and cost are shown."""
    page.goto(server_url + "/" + hash_)
    page.wait_for_selector(
        f"{GRADCHECK}[data-checked][data-cost]", state="attached", timeout=60_000
    )
