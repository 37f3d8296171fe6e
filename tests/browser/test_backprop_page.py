"""The Backprop view in a real browser: the notes' examples stepped through gate by gate, the
keyboard, the URL, the words read out, and both languages."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Console, screenshot
from tests.browser.helpers import (
    BACKPROP,
    backprop_step,
    hash_params,
    node_texts,
    open_backprop,
    role,
    wait_for_step,
)


def announced(page: Page) -> str:
    text: str = page.inner_text(role("announce", BACKPROP))
    return text


def edge_labels(page: Page) -> list[str]:
    """What each edge says (its two lines read as one)."""
    labels: list[str] = page.eval_on_selector_all(
        f"{BACKPROP} .bp-edge-label",
        "els => els.map(e => [...e.children].map(s => s.textContent).join(' ').trim())",
    )
    return labels


def test_stepping_the_add_multiply_graph(page: Page, server_url: str, console: Console) -> None:
    open_backprop(page, server_url)  # the notes' first example is the default
    assert page.input_value(role("expr", BACKPROP)) == "(x+y)*z"
    assert page.input_value(role("preset", BACKPROP)) == "gates"
    assert backprop_step(page) == 0
    nodes = node_texts(page)
    assert {k: nodes[k]["value"] for k in "xyz"} == {"x": "-2", "y": "5", "z": "-4"}
    assert nodes["*"] == {"value": "", "grad": ""}  # nothing computed yet
    svg = f"{BACKPROP} svg[data-role=graph]"
    assert "(x+y)*z" in (page.text_content(f"{svg} title") or "")
    assert page.locator(f"{svg} desc").count() == 1
    assert page.get_attribute(role("announce", BACKPROP), "aria-live") == "polite"

    page.click(role("step", BACKPROP))
    wait_for_step(page, 1)
    assert node_texts(page)["+"]["value"] == "3"
    page.click(role("step", BACKPROP))
    wait_for_step(page, 2)  # the forward pass is done
    assert node_texts(page)["*"]["value"] == "-12"
    assert "f = -12" in announced(page)
    assert all(n["grad"] == "" for n in node_texts(page).values())

    page.locator(f"{BACKPROP} h2").first.click()  # focus leaves the buttons: keys step
    page.keyboard.press("ArrowRight")
    wait_for_step(page, 3)  # the backward pass through the × gate
    nodes = node_texts(page)
    assert nodes["*"]["grad"] == "1"
    assert (nodes["+"]["grad"], nodes["z"]["grad"]) == ("-4", "3")
    assert nodes["x"]["grad"] == ""  # the + gate has not sent its share yet
    assert sorted(t for t in edge_labels(page) if t) == ["1 × -4 = -4", "1 × 3 = 3"]
    page.keyboard.press("ArrowRight")
    wait_for_step(page, 4)
    nodes = node_texts(page)
    assert [nodes[k]["grad"] for k in "xyz"] == ["-4", "-4", "3"]
    labels = [t for t in edge_labels(page) if t]
    assert len(labels) == 4
    assert all("×" in t and "=" in t for t in labels)
    assert "∂f/∂x = -4" in announced(page)
    assert page.is_disabled(role("step", BACKPROP))
    assert hash_params(page)["step"] == "4"
    screenshot(page, "backprop-gates")

    page.keyboard.press("ArrowLeft")
    wait_for_step(page, 3)
    page.reload()  # the step, the formula and the values come back from the URL
    wait_for_step(page, 3)
    assert node_texts(page)["z"]["grad"] == "3"
    page.click(role("reset", BACKPROP))
    wait_for_step(page, 0)
    page.locator(f"{BACKPROP} h2").first.click()
    page.keyboard.press(" ")  # play: one step a second to the end
    page.wait_for_function(
        "sel => document.querySelector(sel).dataset.step === '4'", arg=BACKPROP, timeout=10_000
    )
    assert page.inner_text(role("play", BACKPROP)) == "Play"  # it stops by itself

    page.fill(f"{role('values', BACKPROP)} input[data-var=x]", "1")
    page.press(f"{role('values', BACKPROP)} input[data-var=x]", "Enter")
    page.wait_for_function(  # (1 + 5) × -4, computed again at the same step
        """sel => [...document.querySelectorAll(sel + ' [data-node]')].some(g =>
                   g.dataset.label === '*'
                   && g.querySelector('[data-role=value]').textContent === '-24')""",
        arg=BACKPROP,
    )
    assert backprop_step(page) == 4
    assert hash_params(page)["v.x"] == "1"
    assert console.errors == []


# The notes' sigmoid neuron at w = (2, -3, -3), x = (-1, -2): f = σ(1) = 0.7311, and
# dw = (-0.1966, -0.3932, 0.1966), dx = (0.3932, -0.5898).
NEURON = {"w0": "-0.1966", "w1": "-0.3932", "w2": "0.1966", "x0": "0.3932", "x1": "-0.5898"}


def finish(page: Page) -> int:
    """Step to the end of the backward pass with the keyboard; returns the number of steps."""
    page.locator(f"{BACKPROP} h2").first.click()
    steps = 0
    while page.is_enabled(role("step", BACKPROP)):
        page.keyboard.press("ArrowRight")
        steps += 1
        wait_for_step(page, steps)
    return steps


def test_the_sigmoid_neuron_gives_the_notes_gradients(
    page: Page, server_url: str, console: Console
) -> None:
    open_backprop(page, server_url)
    graph = page.get_attribute(BACKPROP, "data-graph")
    page.select_option(role("preset", BACKPROP), "neuron")
    page.wait_for_function(
        "([sel, g]) => document.querySelector(sel).dataset.graph !== g", arg=[BACKPROP, graph]
    )
    assert page.input_value(role("expr", BACKPROP)) == "1/(1+exp(-(w0*x0+w1*x1+w2)))"
    long_walk = finish(page)
    nodes = node_texts(page)
    assert {name: nodes[name]["grad"] for name in NEURON} == NEURON
    assert nodes["/"]["value"] == "0.7311"
    screenshot(page, "backprop-neuron")

    graph = page.get_attribute(BACKPROP, "data-graph")
    page.select_option(role("preset", BACKPROP), "sigmoid")
    page.wait_for_function(
        "([sel, g]) => document.querySelector(sel).dataset.graph !== g", arg=[BACKPROP, graph]
    )
    assert "local gradient" in page.inner_text(role("preset-note", BACKPROP))
    short_walk = finish(page)
    nodes = node_texts(page)
    assert {name: nodes[name]["grad"] for name in NEURON} == NEURON  # the same gradients
    assert nodes["sigmoid"]["value"] == "0.7311"
    assert short_walk < long_walk  # σ as one gate: fewer steps
    assert hash_params(page)["expr"] == "sigmoid(w0*x0+w1*x1+w2)"
    assert console.errors == []


def test_backprop_speaks_chinese(page: Page, server_url: str, console: Console) -> None:
    open_backprop(page, server_url, "#backprop?expr=(x%2By)*z&v.x=-2&v.y=5&v.z=-4&step=4")
    wait_for_step(page, 4)
    page.click("[data-lang=zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('反向传播完成')",
        arg=role("announce", BACKPROP),
    )
    assert page.inner_text(role("progress", BACKPROP)) == "第 4 步，共 4 步：反向传播"
    assert page.inner_text(role("step", BACKPROP)) == "前进"
    assert "计算图" in (page.text_content(f"{BACKPROP} svg title") or "")
    assert "链式法则" in page.inner_text(BACKPROP)
    assert [node_texts(page)[k]["grad"] for k in "xyz"] == ["-4", "-4", "3"]
    page.fill(role("expr", BACKPROP), "x*(y")
    page.wait_for_selector(f"{role('expr-error', BACKPROP)}:not([hidden])")
    page.wait_for_function(
        "sel => /[\\u4e00-\\u9fff]/.test(document.querySelector(sel).textContent)",
        arg=role("expr-error", BACKPROP),
    )
    screenshot(page, "backprop-zh")
    assert [e for e in console.errors if "422" not in e] == []


@pytest.mark.parametrize("formula", ["x*x + 2", "max(x, y) * relu(x - y)"])
def test_shared_inputs_add_up(page: Page, server_url: str, console: Console, formula: str) -> None:
    """A value used twice receives the sum of both paths (x*x at x = 3: 3 + 3 = 6)."""
    open_backprop(
        page, server_url, "#backprop?expr=" + formula.replace("+", "%2B") + "&v.x=3&v.y=1"
    )
    finish(page)
    grads = {k: v["grad"] for k, v in node_texts(page).items() if k in ("x", "y")}
    if formula == "x*x + 2":
        assert grads == {"x": "6"}
    else:  # max(x, y) relu(x - y) = x (x - y) for x > y: d/dx = 2x - y = 5, d/dy = -x = -3
        assert grads == {"x": "5", "y": "-3"}
    assert console.errors == []
