"""The experiments view in a real browser: the learning-rate sweep on the bowl diverges exactly
where theory says, the basin map of Himmelblau shows its four basins, Gaussian initialization on
the double well reaches one minimum at spread 0 and both when wide; both languages; the URL."""

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from tests.browser.conftest import Console, screenshot
from tests.browser.helpers import hash_params, role

EXPERIMENTS = "[data-view=experiments]"
ZH = json.loads(
    (Path(__file__).resolve().parents[2] / "app" / "i18n" / "zh.json").read_text(encoding="utf-8")
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def q(name: str) -> str:
    return role(name, EXPERIMENTS)


def wait_drawn(page: Page, exp: str, after: int = 0) -> int:
    """Wait until experiment `exp` has been drawn by a refresh later than generation `after`."""
    page.wait_for_function(
        """([sel, exp, n]) => { const r = document.querySelector(sel);
                                return r.dataset.drawn === exp && Number(r.dataset.gen) > n; }""",
        arg=[EXPERIMENTS, exp, after],
        timeout=60_000,
    )
    gen: int = page.evaluate("sel => Number(document.querySelector(sel).dataset.gen)", EXPERIMENTS)
    return gen


def open_experiment(page: Page, server_url: str, hash_: str) -> int:
    page.goto(f"{server_url}/{hash_}")
    exp = re.search(r"exp=(\w+)", hash_)
    return wait_drawn(page, exp.group(1) if exp else "sweep")


def traces(page: Page, plot: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = page.evaluate(
        """sel => (document.querySelector(sel).data || []).map(t => ({
               type: t.type, meta: t.meta ?? null, name: t.name ?? null,
               x: Array.from(t.x ?? []), y: Array.from(t.y ?? []),
               z: Array.isArray(t.z) ? t.z.map(row => Array.from(row)) : null }))""",
        q(plot),
    )
    return data


def legend(page: Page, list_role: str) -> dict[str, float]:
    """The share of each category in a legend, by category id."""
    shares: dict[str, float] = page.eval_on_selector_all(
        q(list_role) + " li",
        "els => Object.fromEntries(els.map(e => [e.dataset.category, Number(e.dataset.share)]))",
    )
    return shares


def test_sweep_on_the_bowl_diverges_exactly_above_one(
    page: Page, server_url: str, console: Console
) -> None:
    open_experiment(page, server_url, "#experiments?exp=sweep&obj=bowl&opt=sgd")
    data = traces(page, "plot-sweep")
    rates = next(t for t in data if t["meta"] == "gdviz:sweep:line")["x"]
    assert len(rates) == 40
    assert rates[0] == pytest.approx(1e-5)
    assert rates[-1] == pytest.approx(10)
    bands = {t["meta"].rsplit(":", 1)[1]: t["x"] for t in data if t["type"] == "scatter"}
    # f = x² + y² has curvature 2 everywhere: plain descent converges iff lr < 2/2 = 1.
    assert sorted(bands["large"]) == [lr for lr in rates if lr > 1]
    assert all(lr < 1 for band, xs in bands.items() if band not in ("large", "line") for lr in xs)
    assert bands["small"]
    assert bands["right"]
    assert max(bands["small"]) < min(bands["right"])
    shapes = page.evaluate("sel => document.querySelector(sel).layout.shapes", q("plot-sweep"))
    assert any(s["type"] == "line" and s["x0"] == pytest.approx(1) for s in shapes)  # 2/λ_max
    words = page.eval_on_selector_all(
        q("sweep-bands") + " li", "els => els.map(e => [e.dataset.band, e.textContent])"
    )
    assert [band for band, _ in words] == ["small", "right", "large", "lr_max"]
    assert "1.19 to 10" in dict(words)["large"]

    page.check(q("metric") + " input[value=steps]")
    page.wait_for_function(
        "sel => document.querySelector(sel).layout.yaxis.title.text.startsWith('steps')",
        arg=q("plot-sweep"),
    )
    assert hash_params(page)["metric"] == "steps"
    screenshot(page, "experiments-sweep")
    assert console.errors == []


def test_basin_map_of_himmelblau_shows_four_basins(
    page: Page, server_url: str, console: Console
) -> None:
    open_experiment(page, server_url, "#experiments?exp=basins&obj=himmelblau&R=32")
    [heat] = [t for t in traces(page, "plot-basins") if t["meta"] == "gdviz:basins"]
    assert len(heat["z"]) == 32
    assert all(len(row) == 32 for row in heat["z"])
    assert {v for row in heat["z"] for v in row} == {0, 1, 2, 3}  # the four minima, nothing else
    shares = legend(page, "basin-legend")
    assert sorted(shares) == ["min0", "min1", "min2", "min3"]
    assert all(0.1 < share < 0.4 for share in shares.values()), shares
    assert sum(shares.values()) == pytest.approx(1)
    timing = page.inner_text(q("timing"))
    assert re.search(r"R = 32, 1,024 starts: request \d+ ms", timing), timing
    assert int(page.get_attribute(EXPERIMENTS, "data-basin-ms") or 0) > 0
    screenshot(page, "experiments-basins")
    assert console.errors == []


def test_zero_initialization_reaches_one_minimum_and_a_wide_gaussian_both(
    page: Page, server_url: str, console: Console
) -> None:
    open_experiment(page, server_url, "#experiments?exp=init&obj=double_well")
    bars = {t["meta"]: t for t in traces(page, "plot-spreads")}
    spreads = bars["gdviz:init:min0"]["x"]
    assert spreads[0] == "0"
    assert len(spreads) == 8
    at_zero = {meta: t["y"][0] for meta, t in bars.items()}
    assert sorted(at_zero.values())[-1] == 1  # every start in one place, one minimum
    assert sum(1 for share in at_zero.values() if share > 0) == 1
    widest = {meta: t["y"][-1] for meta, t in bars.items()}
    assert widest["gdviz:init:min0"] > 0.2
    assert widest["gdviz:init:min1"] > 0.2
    lesson = page.inner_text(q("init-lesson"))
    assert "all 200 starts are one and the same point" in lesson
    assert "reach 2 different minima" in lesson
    [starts] = [t for t in traces(page, "plot-starts") if t["meta"] == "gdviz:init:starts"]
    assert len(starts["x"]) == 200
    screenshot(page, "experiments-init")
    assert console.errors == []


def test_chinese_labels_after_switching(page: Page, server_url: str, console: Console) -> None:
    gen = open_experiment(page, server_url, "#experiments?exp=basins&obj=double_well&R=16")
    page.click("[data-lang=zh]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    wait_drawn(page, "basins", gen)
    assert page.inner_text("[data-view-link=experiments]") == ZH["page.nav.experiments"] == "实验"
    assert page.inner_text(f"{EXPERIMENTS} [data-experiment=basins]") == ZH["page.exp.basins"]
    items = page.eval_on_selector_all(
        q("basin-legend") + " li", "els => els.map(e => e.textContent)"
    )
    assert items
    assert all("最小值" in text for text in items), items
    title = page.evaluate("sel => document.querySelector(sel).layout.title.text", q("plot-basins"))
    assert HAN.search(title), title
    assert "毫秒" in page.inner_text(q("timing"))
    page.click(f"{EXPERIMENTS} [data-experiment=sweep]")
    wait_drawn(page, "sweep")
    words = page.eval_on_selector_all(
        q("sweep-bands") + " li", "els => els.map(e => e.textContent)"
    )
    assert words
    assert all(HAN.search(text) for text in words)
    screenshot(page, "experiments-zh")
    assert console.errors == []


def test_state_round_trips_through_the_url(page: Page, server_url: str, console: Console) -> None:
    gen = open_experiment(page, server_url, "#experiments?exp=basins&obj=double_well&R=16")
    page.click(f"{EXPERIMENTS} [data-experiment=init]")
    gen = wait_drawn(page, "init", gen)
    assert hash_params(page)["exp"] == "init"
    page.fill(q("spreads"), "0, 1")
    page.press(q("spreads"), "Enter")
    page.locator(f"{EXPERIMENTS} legend").first.click()  # leave the field: change fires
    gen = wait_drawn(page, "init", gen)
    assert hash_params(page)["spreads"] == "0,1"
    page.go_back()
    gen = wait_drawn(page, "init", gen)
    assert "spreads" not in hash_params(page)
    page.go_back()
    wait_drawn(page, "basins", gen)
    assert page.get_attribute(f"{EXPERIMENTS} [data-experiment=basins]", "aria-pressed") == "true"
    assert page.input_value(q("R")) == "16"
    assert console.errors == []


def test_a_bad_formula_is_said_in_words(page: Page, server_url: str, console: Console) -> None:
    page.goto(f"{server_url}/#experiments?exp=sweep&obj=expression&expr=x*(y")
    page.wait_for_selector(q("error"), state="visible")
    text = page.inner_text(q("error"))
    assert text.startswith("Could not run this experiment:"), text
    assert "column" in text, text
    assert [e for e in console.errors if "422" not in e] == []


def test_hidden_view_stops_its_work_and_resumes(
    page: Page, server_url: str, console: Console
) -> None:
    gen = open_experiment(page, server_url, "#experiments?exp=basins&obj=himmelblau&R=16")
    held: list[Route] = []
    bodies: list[str] = []
    page.route("**/api/v1/runs", lambda route: held.append(route))
    page.on(
        "request", lambda r: bodies.append(r.post_data or "") if r.url.endswith("/runs") else None
    )
    page.fill(q("R"), "24")
    page.press(q("R"), "Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-view=experiments] [data-role=status]')"
        ".textContent.startsWith('Running')"
    )
    page.click("[data-view-link=descent]")  # hidden while its request is still out
    page.unroute("**/api/v1/runs")
    for route in held:
        with contextlib.suppress(Exception):  # the page has already given up on it
            route.continue_()
    page.wait_for_timeout(300)
    assert page.get_attribute(EXPERIMENTS, "data-drawn") is None  # nothing drawn while hidden
    page.click("[data-view-link=experiments]")
    wait_drawn(page, "basins", gen)
    [heat] = [t for t in traces(page, "plot-basins") if t["meta"] == "gdviz:basins"]
    assert len(heat["z"]) == 24
    explain = page.evaluate(
        """async () => Boolean((await (await fetch('/openapi.json')).json())
                 .components.schemas.RunRequest.properties.explain)"""
    )
    if explain:  # big runs leave their sentences out once the server can
        assert all('"explain":false' in body for body in bodies if '"grid"' in body)
    assert console.errors == []
