// Trajectories on the three plots: traces, playback up to a cursor, arrows, outcomes.
// Every function takes the view's state; none keeps any of its own. Playback only moves
// forward, so each render sends Plotly just the points that became visible since the last.

/* global Plotly */
import { color } from "./plots.js";

const $ = (id) => document.getElementById(id);
const ARROWS = 12; // gradient arrows drawn at most
const FIRST_TRACE = { "plot-contour": 2, "plot-surface": 1, "plot-loss": 0 };

export function trajColor(runState, j) {
  return runState.color ?? color(j);
}

function allTrajectories(state) {
  return state.runs.flatMap((r) => r.trajs.map((t, j) => ({ run: r, t, j })));
}

export function addTrajectoryTraces(state) {
  const contour = [], surface = [], loss = [];
  for (const { run, j } of allTrajectories(state)) {
    const c = trajColor(run, j);
    const name = state.runs.length > 1 ? run.label : `start ${j + 1}`;
    contour.push({ type: "scatter", mode: "lines+markers", x: [], y: [], name,
      line: { color: c, width: 2 }, marker: { size: 4, color: c },
      hovertemplate: `${name}<br>(%{x:.4f}, %{y:.4f})<extra></extra>` });
    surface.push({ type: "scatter3d", mode: "lines+markers", x: [], y: [], z: [], name,
      line: { color: c, width: 7 }, marker: { size: 2.5, color: c }, hoverinfo: "skip",
      connectgaps: false });
    loss.push({ type: "scatter", mode: "lines", x: [], y: [], name, line: { color: c },
      showlegend: j === 0 || state.runs.length === 1 });
  }
  Plotly.addTraces($("plot-contour"), contour);
  Plotly.addTraces($("plot-surface"), surface);
  Plotly.addTraces($("plot-loss"), loss);
}

export function clearTrajectoryTraces() {
  for (const [id, first] of Object.entries(FIRST_TRACE)) {
    const div = $(id);
    if (!div.data) continue;
    const extra = div.data.map((_, i) => i).filter((i) => i >= first);
    if (extra.length) Plotly.deleteTraces(div, extra);
  }
  if ($("plot-contour").layout) Plotly.relayout($("plot-contour"), { annotations: [] });
}

export function lastStep(state) {
  let last = 0;
  for (const r of state.runs) for (const t of r.trajs) last = Math.max(last, t.steps.at(-1) ?? 0);
  return last;
}

// The first recorded step after the cursor, for the Step button.
export function nextStep(state) {
  let next = Infinity;
  for (const { t } of allTrajectories(state)) {
    const n = visible(state, t);
    if (n < t.steps.length) next = Math.min(next, t.steps[n]);
  }
  return Number.isFinite(next) ? next : state.cursor;
}

function visible(state, t) {
  let lo = 0, hi = t.steps.length; // first index with step > cursor
  while (lo < hi) { const mid = (lo + hi) >> 1; if (t.steps[mid] <= state.cursor) lo = mid + 1; else hi = mid; }
  return lo;
}

// The 3-D view draws only what lies inside its box: a diverging path leaves a gap, not a
// line across the page.
function inBox(state, [x, y], loss) {
  const [[x0, x1], [y0, y1]] = state.surface.domain;
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && state.scale.f(loss) <= state.zTop;
}

// The loss chart shows f − f* on a log axis when f* is known, f itself otherwise.
function lossAxis(state) {
  const fstar = Math.min(...state.surface.minima.map((m) => m.value));
  if (!Number.isFinite(fstar)) return { y: (v) => v, title: "f", type: "linear" };
  return { y: (v) => Math.max(v - fstar, 1e-16), title: "f − f* (log scale)", type: "log" };
}

export function render(state) {
  const axis = lossAxis(state);
  const grow = { contour: { x: [], y: [] }, surface: { x: [], y: [], z: [] }, loss: { x: [], y: [] } };
  const indices = [];
  allTrajectories(state).forEach(({ t }, i) => {
    const n = visible(state, t);
    const from = t.drawn ?? 0;
    if (n <= from) return;
    const pts = t.points.slice(from, n), loss = t.loss.slice(from, n);
    indices.push(i);
    grow.contour.x.push(pts.map((p) => p[0])); grow.contour.y.push(pts.map((p) => p[1]));
    const inside = pts.map((p, k) => inBox(state, p, loss[k]));
    grow.surface.x.push(pts.map((p, k) => (inside[k] ? p[0] : null)));
    grow.surface.y.push(pts.map((p, k) => (inside[k] ? p[1] : null)));
    grow.surface.z.push(loss.map((v, k) => (inside[k] ? state.scale.f(v) + state.lift : null)));
    grow.loss.x.push(t.steps.slice(from, n)); grow.loss.y.push(loss.map(axis.y));
    t.drawn = n;
  });
  if (indices.length) {
    const at = (first) => indices.map((i) => i + first);
    Plotly.extendTraces($("plot-contour"), grow.contour, at(FIRST_TRACE["plot-contour"]));
    Plotly.extendTraces($("plot-surface"), grow.surface, at(FIRST_TRACE["plot-surface"]));
    Plotly.extendTraces($("plot-loss"), grow.loss, at(FIRST_TRACE["plot-loss"]));
    Plotly.relayout($("plot-loss"), { "yaxis.title.text": axis.title, "yaxis.type": axis.type });
    Plotly.relayout($("plot-contour"), { annotations: arrows(state) });
  }
  showProgress(state);
  showOutcomes(state);
}

// −∇f at each trajectory's current point, shrinking as the gradient vanishes.
function arrows(state) {
  const [[x0, x1], [y0, y1]] = state.surface.domain;
  const full = 0.08 * Math.max(x1 - x0, y1 - y0);
  const out = [];
  for (const { t } of allTrajectories(state)) {
    const n = t.drawn ?? 0;
    if (!n || t.grad.length < n || out.length >= ARROWS) continue;
    const [gx, gy] = t.grad[n - 1];
    const norm = Math.hypot(gx, gy), first = Math.hypot(...t.grad[0]);
    const length = full * Math.sqrt(Math.min(1, norm / (first || 1)));
    if (!(length > 0.01 * full)) continue;
    const [x, y] = t.points[n - 1];
    out.push({
      x: x - (length * gx) / norm, y: y - (length * gy) / norm, ax: x, ay: y,
      xref: "x", yref: "y", axref: "x", ayref: "y", showarrow: true, arrowhead: 2,
      arrowsize: 1, arrowwidth: 2, arrowcolor: "#fff", text: "",
    });
  }
  return out;
}

export function showProgress(state) {
  const streaming = state.runs.filter((r) => !r.summary && !r.error).length;
  const done = state.runs.length > 0 && !streaming && state.cursor >= lastStep(state);
  let text = `Step ${Math.floor(state.cursor)} of ${lastStep(state)}`;
  if (streaming) text += ` · ${streaming} run${streaming > 1 ? "s" : ""} streaming`;
  if (done) text += " · finished";
  else if (state.runs.length && !state.playing) text += " · paused";
  $("progress").textContent = text;
  $("pause").disabled = done || !state.runs.length;
  $("pause").textContent = state.playing || !state.runs.length ? "Pause" : "Resume";
}

function outcome(state, run, t, j) {
  const end = run.summary?.[j];
  const start = t.points[0]?.map((v) => v.toPrecision(3)).join(", ") ?? "…";
  const who = `${state.runs.length > 1 ? `${run.label}, ` : ""}start ${j + 1} (${start})`;
  if (end && state.cursor >= (t.steps.at(-1) ?? 0)) return [`status-${end.status}`, `${who}: ${end.message}`];
  if (run.error) return ["status-diverged", `${who}: ${run.error.message}`];
  return ["", `${who}: running…`];
}

export function showOutcomes(state) {
  const rows = allTrajectories(state).map(({ run, t, j }) => [run, j, ...outcome(state, run, t, j)]);
  const key = rows.map((r) => r[3]).join("\n");
  if (key === state.outcomesKey) return;
  state.outcomesKey = key;
  $("outcomes").replaceChildren(...rows.map(([run, j, className, text]) => {
    const li = Object.assign(document.createElement("li"), { className });
    const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
    swatch.style.background = trajColor(run, j);
    li.append(swatch, text);
    return li;
  }));
}
