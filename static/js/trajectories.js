// Trajectories on the shared plots: the loss chart always, and the contour map and 3-D surface
// when the objective has a plotting domain. Traces are found by their tag, never by a fixed
// offset, so a view may keep any traces of its own beside them. Playback only moves forward:
// each render sends Plotly just the points that became visible since the last.

/* global Plotly */
import { t } from "./i18n.js";
import { trajectoryStyle } from "./palette.js";
import { lossAxis } from "./plots.js";

const TAG = "gdviz:trajectory";
const ARROWS = 12; // gradient arrows drawn at most

// Indices of the traces in `div` that carry `tag` (Plotly keeps `meta` on each trace).
export function tagged(div, tag = TAG) {
  return div?.data ? div.data.flatMap((trace, i) => (trace.meta === tag ? [i] : [])) : [];
}

// A run of its own colour (a racer) draws every start in it; otherwise start j takes the
// palette's j-th style, whose marker and dash change once the colours run out.
export function trajStyle(run, j) {
  return run.color ? { color: run.color, symbol: "circle", dash: "solid" } : trajectoryStyle(j);
}

export function trajColor(run, j) {
  return trajStyle(run, j).color;
}

// The number of records of `traj` at or before step `cursor`.
export function visible(traj, cursor) {
  let lo = 0, hi = traj.steps.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (traj.steps[mid] <= cursor) lo = mid + 1; else hi = mid; }
  return lo;
}

const everyTraj = (runs) => runs.flatMap((run) => run.trajs.map((traj, j) => ({ run, traj, j })));

export function lastStep(runs) {
  let last = 0;
  for (const { traj } of everyTraj(runs)) last = Math.max(last, traj.steps.at(-1) ?? 0);
  return last;
}

// The first recorded step after the cursor, for a Step button.
export function nextStep(runs, cursor) {
  let next = Infinity;
  for (const { traj } of everyTraj(runs)) {
    const n = visible(traj, cursor);
    if (n < traj.steps.length) next = Math.min(next, traj.steps[n]);
  }
  return Number.isFinite(next) ? next : cursor;
}

export class TrajectoryLayer {
  // plots: { loss, contour, surface }; contour and surface may be null.
  constructor(plots) {
    this.plots = plots;
    this.geometry = null;
    this.axis = lossAxis(NaN);
    this.runs = [];
    this.drawn = [];
  }

  // Where the 2-D plots are: { domain, scale, lift, zTop }, or null when there are none.
  setGeometry(geometry) { this.geometry = geometry; }

  setLossAxis(axis) { this.axis = axis; }

  get planar() {
    return Boolean(this.geometry && this.plots.contour && this.plots.surface);
  }

  name(run, j) {
    return this.runs.length > 1 ? run.label : t("page.trace.start", { n: j + 1 });
  }

  // runs: [{ label, color, trajs: [{ steps, points, loss, grad }] }], drawn from step 0.
  show(runs) {
    this.clear();
    this.runs = runs;
    const items = everyTraj(runs);
    this.drawn = items.map(() => 0);
    const loss = items.map(({ run, j }) => ({
      type: "scatter", mode: "lines", x: [], y: [], name: this.name(run, j), meta: TAG,
      line: { color: trajColor(run, j), dash: trajStyle(run, j).dash }, showlegend: j === 0 || runs.length === 1,
    }));
    Plotly.addTraces(this.plots.loss, loss);
    if (!this.planar) return;
    Plotly.addTraces(this.plots.contour, items.map(({ run, j }) => {
      const { color: c, symbol, dash } = trajStyle(run, j), name = this.name(run, j);
      return { type: "scatter", mode: "lines+markers", x: [], y: [], name, meta: TAG,
        line: { color: c, width: 2, dash }, marker: { size: symbol === "circle" ? 4 : 6, color: c, symbol },
        hovertemplate: `${name}<br>(%{x:.4f}, %{y:.4f})<extra></extra>` };
    }));
    Plotly.addTraces(this.plots.surface, items.map(({ run, j }) => {
      const { color: c, symbol, dash } = trajStyle(run, j);
      return { type: "scatter3d", mode: "lines+markers", x: [], y: [], z: [], name: this.name(run, j),
        meta: TAG, line: { color: c, width: 7, dash }, marker: { size: 2.5, color: c, symbol }, hoverinfo: "skip",
        connectgaps: false };
    }));
  }

  clear() {
    for (const div of Object.values(this.plots)) {
      const mine = tagged(div);
      if (mine.length) Plotly.deleteTraces(div, mine);
    }
    if (this.plots.contour?.layout?.annotations?.length) Plotly.relayout(this.plots.contour, { annotations: [] });
    this.runs = [];
    this.drawn = [];
  }

  // Draw every record up to step `cursor`.
  render(cursor) {
    const grow = { contour: { x: [], y: [] }, surface: { x: [], y: [], z: [] }, loss: { x: [], y: [] } };
    const indices = [];
    everyTraj(this.runs).forEach(({ traj }, i) => {
      const n = visible(traj, cursor), from = this.drawn[i];
      if (n <= from) return;
      const pts = traj.points.slice(from, n), loss = traj.loss.slice(from, n);
      indices.push(i);
      grow.loss.x.push(traj.steps.slice(from, n)); grow.loss.y.push(loss.map(this.axis.y));
      if (this.planar) {
        grow.contour.x.push(pts.map((p) => p[0])); grow.contour.y.push(pts.map((p) => p[1]));
        const inside = pts.map((p, k) => this.inBox(p, loss[k]));
        grow.surface.x.push(pts.map((p, k) => (inside[k] ? p[0] : null)));
        grow.surface.y.push(pts.map((p, k) => (inside[k] ? p[1] : null)));
        grow.surface.z.push(loss.map((v, k) => (inside[k] ? this.geometry.scale.f(v) + this.geometry.lift : null)));
      }
      this.drawn[i] = n;
    });
    if (!indices.length) return false;
    this.extend("loss", grow.loss, indices);
    if (this.planar) {
      this.extend("contour", grow.contour, indices);
      this.extend("surface", grow.surface, indices);
      Plotly.relayout(this.plots.contour, { annotations: this.arrows() });
    }
    return true;
  }

  extend(plot, values, indices) {
    const mine = tagged(this.plots[plot]);
    if (mine.length !== this.drawn.length) return; // the plot was redrawn under us
    Plotly.extendTraces(this.plots[plot], values, indices.map((i) => mine[i]));
  }

  // The 3-D view draws only what lies inside its box: a diverging path leaves a gap, not a
  // line across the page.
  inBox([x, y], loss) {
    const [[x0, x1], [y0, y1]] = this.geometry.domain;
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && this.geometry.scale.f(loss) <= this.geometry.zTop;
  }

  // −∇f at each trajectory's current point, shrinking as the gradient vanishes.
  arrows() {
    const [[x0, x1], [y0, y1]] = this.geometry.domain;
    const full = 0.08 * Math.max(x1 - x0, y1 - y0);
    const out = [];
    everyTraj(this.runs).forEach(({ traj }, i) => {
      const n = this.drawn[i];
      if (!n || !traj.grad || traj.grad.length < n || out.length >= ARROWS) return;
      const [gx, gy] = traj.grad[n - 1];
      const norm = Math.hypot(gx, gy), first = Math.hypot(...traj.grad[0]);
      const length = full * Math.sqrt(Math.min(1, norm / (first || 1)));
      if (!(length > 0.01 * full)) return;
      const [x, y] = traj.points[n - 1];
      out.push({
        x: x - (length * gx) / norm, y: y - (length * gy) / norm, ax: x, ay: y,
        xref: "x", yref: "y", axref: "x", ayref: "y", showarrow: true, arrowhead: 2,
        arrowsize: 1, arrowwidth: 2, arrowcolor: "#fff", text: "",
      });
    });
    return out;
  }

  // Trace names in the current language (after a language switch).
  relabel() {
    const names = everyTraj(this.runs).map(({ run, j }) => this.name(run, j));
    if (!names.length) return;
    for (const div of Object.values(this.plots)) {
      const mine = tagged(div);
      if (mine.length === names.length) Plotly.restyle(div, { name: names }, mine);
    }
    const contour = this.plots.contour;
    const mine = tagged(contour);
    if (this.planar && mine.length === names.length) {
      Plotly.restyle(contour, { hovertemplate: names.map((n) => `${n}<br>(%{x:.4f}, %{y:.4f})<extra></extra>`) }, mine);
    }
  }
}
