// The three lessons: each sets the controls to a network (run A) and runs it beside the same
// network with one thing changed (run B), then draws the comparison and says what it shows.
//   symmetry    zero initialization against Xavier: with zeros every hidden unit stays identical
//   depth       6 sigmoid layers against 6 ReLU layers: δ vanishes towards the input for sigmoid
//   saturation  MSE against cross-entropy at a saturated sigmoid output: the learning slowdown

/* global Plotly */
import { fmt, t } from "./i18n.js";
import { clampLog, OKABE_ITO } from "./network-charts.js";
import { layout, num, weightsOf } from "./network-svg.js";
import { config, fitPlots, MARGIN, title } from "./plots.js";

const LESSONS = {
  symmetry: { title: "page.net.lesson_symmetry", text: "page.net.lesson_symmetry_text", names: ["page.net.variant_zeros", "page.net.variant_xavier"] },
  depth: { title: "page.net.lesson_depth", text: "page.net.lesson_depth_text", names: ["page.net.variant_sigmoid", "page.net.variant_relu"] },
  saturation: { title: "page.net.lesson_saturation", text: "page.net.lesson_saturation_text", names: ["page.net.variant_mse", "page.net.variant_ce"] },
};

// The catalogue keys naming a lesson's runs A and B.
export const variantNames = (lesson) => LESSONS[lesson]?.names ?? [];

const COLORS = [OKABE_ITO[0], OKABE_ITO[5]];
const axis = (text, extra = {}) => ({ title: { text, font: { size: 12 } }, ...extra });

function lossTraces(runs, names) {
  return runs.map((run, v) => ({
    type: "scatter", mode: "lines", x: run?.trajs[0].steps.slice() ?? [], y: run?.trajs[0].loss.slice() ?? [],
    name: t(names[v]), meta: `net:compare-loss:${v}`, line: { color: COLORS[v], width: 2 },
  }));
}

// The largest difference between the units of a layer: max over inputs of max_i W[i][j] − min_i W[i][j],
// biases included.
export function unitSpread(point, layer) {
  let most = 0;
  const rows = weightsOf(point, layer).map((w, i) => [...w, point[layer.b + i]]);
  for (let j = 0; j < rows[0].length; j += 1) {
    const column = rows.map((r) => r[j]);
    most = Math.max(most, Math.max(...column) - Math.min(...column));
  }
  return most;
}

// Draw the comparison of runs [A, B] into the two plots; return the result sentences.
export function drawLesson(name, runs, sizes, divs) {
  const lesson = LESSONS[name];
  const names = lesson.names;
  const base = { margin: { ...MARGIN, t: 40 }, showlegend: true, legend: { orientation: "h", y: -0.25 } };
  if (name === "symmetry") {
    const first = layout(sizes)[0];
    const spread = runs.map((run, v) => {
      const traj = run?.trajs[0];
      return {
        type: "scatter", mode: "lines", x: traj?.steps.slice() ?? [], y: (traj?.points ?? []).map((p) => unitSpread(p, first)),
        name: t(names[v]), meta: `net:compare-spread:${v}`, line: { color: COLORS[v], width: 2 },
      };
    });
    Plotly.react(divs[0], lossTraces(runs, names), {
      ...base, title: title(t("page.net.compare_loss")), yaxis: axis(t("page.net.loss_axis"), { type: "log", exponentformat: "power" }),
      xaxis: axis(t("page.plot.step_axis")), uirevision: name,
    }, config());
    Plotly.react(divs[1], spread, {
      ...base, title: title(t("page.net.compare_spread")), yaxis: axis(t("page.net.spread_axis"), { rangemode: "tozero" }),
      xaxis: axis(t("page.plot.step_axis")), uirevision: name,
    }, config());
    return runs.map((run, v) => symmetryResult(run, sizes, t(names[v])));
  }
  if (name === "depth") {
    const depth = sizes.length - 1;
    const layers = Array.from({ length: depth }, (_, l) => l + 1);
    const profile = runs.map((run, v) => {
      const rows = run?.trajs[0].diagnostics.delta_norm ?? [];
      return {
        type: "scatter", mode: "lines+markers", x: layers, y: (rows.at(-1) ?? []).map(clampLog),
        name: t(names[v]), meta: `net:compare-delta:${v}`, line: { color: COLORS[v], width: 2 }, marker: { size: 8 },
      };
    });
    const step = runs[0]?.trajs[0].steps.at(-1) ?? 0;
    Plotly.react(divs[0], profile, {
      ...base, title: title(t("page.net.compare_delta", { step })),
      xaxis: axis(t("page.net.layer_axis"), { dtick: 1 }), yaxis: axis(t("page.net.delta_axis"), { type: "log", exponentformat: "power" }),
      uirevision: name,
    }, config());
    Plotly.react(divs[1], lossTraces(runs, names), {
      ...base, title: title(t("page.net.compare_loss")), yaxis: axis(t("page.net.loss_axis"), { type: "log", exponentformat: "power" }),
      xaxis: axis(t("page.plot.step_axis")), uirevision: name,
    }, config());
    return runs.map((run, v) => depthResult(run, t(names[v])));
  }
  runs.forEach((run, v) => {
    const traj = run?.trajs[0];
    const depth = sizes.length - 1;
    const delta = (traj?.diagnostics.delta_norm ?? []).map((row) => clampLog(row[depth - 1]));
    Plotly.react(divs[v], [
      { type: "scatter", mode: "lines", x: traj?.steps.slice() ?? [], y: traj?.loss.slice() ?? [], name: t("page.net.loss_axis"), meta: `net:compare-loss:${v}`, line: { color: COLORS[v], width: 2.5 } },
      { type: "scatter", mode: "lines", x: traj?.steps.slice(0, delta.length) ?? [], y: delta, yaxis: "y2", name: t("page.net.delta_out_axis"), meta: `net:compare-delta-out:${v}`, line: { color: "#5d6678", width: 1.5, dash: "dot" } },
    ], {
      ...base, title: title(t("page.net.compare_loss_of", { name: t(names[v]) })), xaxis: axis(t("page.plot.step_axis")),
      yaxis: axis(t("page.net.loss_axis"), { rangemode: "tozero" }),
      yaxis2: axis(t("page.net.delta_out_axis"), { type: "log", exponentformat: "power", overlaying: "y", side: "right" }),
      margin: { ...base.margin, r: 60 }, uirevision: name,
    }, config());
  });
  return runs.map((run, v) => saturationResult(run, sizes, t(names[v])));
}

function symmetryResult(run, sizes, name) {
  const last = run?.latest(0);
  if (!last) return { text: t("page.net.result_waiting", { name }) };
  const hidden = layout(sizes).slice(0, -1);
  const parts = hidden.map((layer) => {
    const diff = unitSpread(last.point, layer);
    return diff === 0
      ? t("page.net.sym_same", { layer: layer.l, units: layer.rows })
      : t("page.net.sym_differ", { layer: layer.l, diff: num(diff) });
  });
  const identical = hidden.every((layer) => unitSpread(last.point, layer) === 0);
  return { text: t("page.net.result_line", { name, text: parts.join(t("page.net.list_sep")) }), flag: identical ? "same" : "differ" };
}

function depthResult(run, name) {
  const rows = run?.trajs[0].diagnostics.delta_norm ?? [];
  const row = rows.at(-1);
  if (!row) return { text: t("page.net.result_waiting", { name }) };
  const first = row[0], last = row.at(-1);
  const ratio = last > 0 ? first / last : NaN;
  return {
    text: t("page.net.depth_result", { name, first: num(first), last: num(last), L: row.length, ratio: num(ratio) }),
    flag: ratio < 1e-3 ? "vanishing" : "flowing",
  };
}

function saturationResult(run, sizes, name) {
  const traj = run?.trajs[0];
  if (!traj?.steps.length) return { text: t("page.net.result_waiting", { name }) };
  const depth = sizes.length - 1;
  const delta0 = traj.diagnostics.delta_norm[0]?.[depth - 1];
  const quarter = traj.steps.findIndex((s) => s >= traj.steps.at(-1) / 4);
  const early = traj.loss[Math.max(0, quarter)] / traj.loss[0];
  return {
    text: t("page.net.sat_result", {
      name, delta: num(delta0), loss0: num(traj.loss[0]), step: traj.steps[Math.max(0, quarter)],
      left: fmt(early, { style: "percent", maximumSignificantDigits: 2 }), loss: num(traj.loss.at(-1)), last: traj.steps.at(-1),
    }),
  };
}

// The lesson panel: its title and text, or hidden when no lesson is on; the buttons pressed.
export function showLesson(q, root, name, plots) {
  q("lesson-panel").hidden = !name;
  for (const button of root.querySelectorAll("[data-lesson]")) button.setAttribute("aria-pressed", String(button.dataset.lesson === name));
  root.dataset.lesson = name ?? "";
  if (!name) { for (const div of plots) Plotly.purge(div); return; }
  q("lesson-title").textContent = t(LESSONS[name].title);
  const paragraphs = t(LESSONS[name].text).split("\n");
  q("lesson-text").replaceChildren(...paragraphs.map((p) => Object.assign(document.createElement("p"), { textContent: p })));
  fitPlots(plots);
}

// The comparison of runs [A, B] and one sentence on each (data-flag says what it showed).
export function showLessonResults(q, name, runs, sizes, plots) {
  const results = drawLesson(name, runs, sizes, plots);
  q("lesson-result").replaceChildren(...results.map((r, v) => {
    const li = Object.assign(document.createElement("li"), { textContent: r.text });
    li.dataset.variant = v === 0 ? "a" : "b";
    if (r.flag) li.dataset.flag = r.flag;
    return li;
  }));
}
