// Trajectories on the three plots: traces, playback up to a cursor, arrows, outcomes.
// Every function takes the view's state; none keeps any of its own.

/* global Plotly */
import { color } from "./plots.js";

const $ = (id) => document.getElementById(id);
const ARROWS = 12; // gradient arrows drawn at most

export function trajColor(runState, j) {
  return runState.color ?? color(j);
}

export function addTrajectoryTraces(state) {
  const contour = [], surface = [], loss = [];
  state.runs.forEach((runState) => runState.trajs.forEach((_, j) => {
    const c = trajColor(runState, j);
    const name = state.runs.length > 1 ? runState.label : `start ${j + 1}`;
    contour.push({ type: "scatter", mode: "lines+markers", x: [], y: [], line: { color: c, width: 2 },
      marker: { size: 4, color: c }, name, hovertemplate: `${name}<br>(%{x:.4f}, %{y:.4f})<extra></extra>` });
    surface.push({ type: "scatter3d", mode: "lines+markers", x: [], y: [], z: [], line: { color: c, width: 7 },
      marker: { size: 2.5, color: c },
      name, hoverinfo: "skip" });
    loss.push({ type: "scatter", mode: "lines", x: [], y: [], line: { color: c }, name,
      showlegend: j === 0 || state.runs.length === 1 });
  }));
  Plotly.addTraces($("plot-contour"), contour);
  Plotly.addTraces($("plot-surface"), surface);
  Plotly.addTraces($("plot-loss"), loss);
}

export function clearTrajectoryTraces(state) {
  for (const [id, first] of [["plot-contour", 2], ["plot-surface", 1], ["plot-loss", 0]]) {
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

export function visible(state, t) {
  let lo = 0, hi = t.steps.length; // first index with step > cursor
  while (lo < hi) { const mid = (lo + hi) >> 1; if (t.steps[mid] <= state.cursor) lo = mid + 1; else hi = mid; }
  return lo;
}

export function render(state) {
  const xs = [], ys = [], zs = [], ls = [], lx = [], arrows = [];
  const fstar = Math.min(...state.surface.minima.map((m) => m.value));
  const shift = Number.isFinite(fstar) ? fstar : 0;
  for (const r of state.runs) {
    r.trajs.forEach((t) => {
      const n = visible(state, t);
      const pts = t.points.slice(0, n);
      xs.push(pts.map((p) => p[0]));
      ys.push(pts.map((p) => p[1]));
      zs.push(t.loss.slice(0, n).map((v) => state.scale.f(v) + state.lift));
      lx.push(t.steps.slice(0, n));
      ls.push(t.loss.slice(0, n).map((v) => Math.max(v - shift, 1e-16)));
      if (n && t.grad.length >= n && arrows.length < ARROWS) arrows.push(arrow(state, pts[n - 1], t.grad[n - 1]));
    });
  }
  const count = xs.length;
  const idx = (first) => Array.from({ length: count }, (_, i) => i + first);
  Plotly.restyle($("plot-contour"), { x: xs, y: ys }, idx(2));
  Plotly.restyle($("plot-surface"), { x: xs, y: ys, z: zs }, idx(1));
  Plotly.restyle($("plot-loss"), { x: lx, y: ls }, idx(0));
  Plotly.relayout($("plot-contour"), { annotations: arrows.filter(Boolean) });
  Plotly.relayout($("plot-loss"), { "yaxis.title.text": Number.isFinite(fstar) ? "f − f* (log scale)" : "f" ,
    "yaxis.type": Number.isFinite(fstar) ? "log" : "linear" });
  showProgress(state);
  showOutcomes(state);
}

export function arrow(state, point, grad) {
  const norm = Math.hypot(grad[0], grad[1]);
  if (!(norm > 0)) return null;
  const [[x0, x1], [y0, y1]] = state.surface.domain;
  const length = 0.08 * Math.max(x1 - x0, y1 - y0);
  return {
    x: point[0] - (length * grad[0]) / norm, y: point[1] - (length * grad[1]) / norm,
    ax: point[0], ay: point[1], xref: "x", yref: "y", axref: "x", ayref: "y",
    showarrow: true, arrowhead: 2, arrowsize: 1, arrowwidth: 2, arrowcolor: "#fff", text: "",
    hovertext: `−∇f = (${(-grad[0]).toPrecision(3)}, ${(-grad[1]).toPrecision(3)})`,
  };
}

export function showProgress(state) {
  const streaming = state.runs.filter((r) => !r.summary && !r.error).length;
  const tail = streaming ? ` · ${streaming} run${streaming > 1 ? "s" : ""} streaming` : "";
  $("progress").textContent = `Step ${Math.floor(state.cursor)} of ${lastStep(state)}${tail}${state.playing ? "" : " · paused"}`;
}

export function showOutcomes(state) {
  const items = [];
  for (const r of state.runs) {
    r.trajs.forEach((t, j) => {
      const li = document.createElement("li");
      const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
      swatch.style.background = trajColor(r, j);
      const who = `${state.runs.length > 1 ? `${r.label}, ` : ""}start ${j + 1} (${t.points[0]?.map((v) => v.toPrecision(3)).join(", ") ?? "…"})`;
      const end = r.summary?.[j];
      if (end && state.cursor >= (t.steps.at(-1) ?? 0)) {
        li.className = `status-${end.status}`;
        li.append(swatch, `${who}: ${end.message}`);
      } else if (r.error) {
        li.className = "status-diverged";
        li.append(swatch, `${who}: ${r.error.message}`);
      } else {
        li.append(swatch, `${who}: running, step ${Math.floor(Math.min(state.cursor, t.steps.at(-1) ?? 0))}…`);
      }
      items.push(li);
    });
  }
  $("outcomes").replaceChildren(...items);
}
