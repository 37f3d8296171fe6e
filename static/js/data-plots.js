// The pictures of the data view (and the SVM view): the samples in a colour-blind-safe palette
// with the model's fit over them (decision regions or a fitted line), the loss per step, and the
// loss surface over two parameters with the trajectories on it. Traces carry a `meta` tag, so
// the page (and its tests) find them by what they are, never by their position.

/* global Plotly */
import { fmt, t } from "./i18n.js";
import { OKABE_ITO as O } from "./palette.js";
import { config, MARGIN, title } from "./plots.js";
import { decodeArray, shapeOf } from "./typed.js";

export const TAGS = {
  points: "gdviz:data:points", regions: "gdviz:data:regions", fit: "gdviz:data:fit",
  selected: "gdviz:data:selected", landscape: "gdviz:data:landscape", path: "gdviz:data:path",
  loss: "gdviz:data:loss", batch: "gdviz:data:batch", final: "gdviz:data:final",
};

// Okabe & Ito (2008), told apart with the common colour-vision deficiencies; a shape per class
// as well, so that colour is never the only cue.
const CLASS_COLORS = [O.blue, O.orange, O.green, O.purple, O.vermillion, O.sky, O.yellow, O.black];
const SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "triangle-down", "star", "hexagon", "cross", "pentagon"];
export const RUN_COLORS = [O.blue, O.orange, O.green];

export const classColor = (k) => CLASS_COLORS[k % CLASS_COLORS.length];

// A colour mixed with white: share 1 is white.
function tint(hex, share) {
  const v = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const mixed = v.map((c) => Math.round(c + (255 - c) * share));
  return `rgb(${mixed.join(",")})`;
}

// The samples, one trace per class (or one for a regression), built once per data set so that
// redrawing the plot never copies them. `dims` are the features on the axes.
export function sampleTraces(sample) {
  const X = sample.X, D = sample.feature_names.length;
  const type = X.length > 2000 ? "scattergl" : "scatter"; // WebGL only where SVG would crawl
  const hover = (extra) => `#%{customdata}: (%{x:.3f}, %{y:.3f})${extra}<extra></extra>`;
  if (sample.kind === "regression") {
    return [{
      type, mode: "markers", meta: TAGS.points, name: t("page.data.samples"),
      x: X.map((x) => x[0]), y: sample.y.slice(), customdata: X.map((_, i) => i),
      marker: { color: "#5d6678", size: 5, opacity: 0.75 }, hovertemplate: hover(""),
    }];
  }
  return Array.from({ length: sample.classes }, (_, k) => {
    const idx = [];
    sample.y.forEach((c, i) => { if (c === k) idx.push(i); });
    return {
      type, mode: "markers", meta: TAGS.points, name: t("page.data.class", { k }),
      x: idx.map((i) => X[i][0]), y: idx.map((i) => (D > 1 ? X[i][1] : k)), customdata: idx,
      marker: { color: classColor(k), symbol: SYMBOLS[k % SYMBOLS.length], size: 7,
        line: { color: "#fff", width: 0.8 } },
      hovertemplate: hover(` · ${t("page.data.class", { k })}`),
    };
  });
}

// Decision regions from /predict: cell value = class + confidence in [0, 1), so one heatmap
// shows both which class wins (floor) and how sure the model is (pale near the boundary).
// Probabilities give the confidence; an SVM's labels have none and sit mid-tint.
export function regionsTrace(reply) {
  const x = Array.from(decodeArray(reply.x)), y = Array.from(decodeArray(reply.y));
  const C = reply.classes, R = y.length, Q = x.length;
  const z = Array.from({ length: R }, () => new Array(Q));
  if (reply.proba) {
    const p = decodeArray(reply.proba), chance = 1 / C;
    for (let i = 0; i < R; i += 1) for (let j = 0; j < Q; j += 1) {
      let best = 0, top = -1;
      for (let k = 0; k < C; k += 1) { const v = p[(i * Q + j) * C + k]; if (v > top) { top = v; best = k; } }
      z[i][j] = best + Math.min(0.999, Math.max(0, (top - chance) / (1 - chance)));
    }
  } else {
    const labels = decodeArray(reply.labels);
    const cols = shapeOf(reply.labels)?.[1] ?? Q;
    for (let i = 0; i < R; i += 1) for (let j = 0; j < Q; j += 1) z[i][j] = labels[i * cols + j] + 0.5;
  }
  const colorscale = [];
  for (let k = 0; k < C; k += 1) {
    colorscale.push([k / C, tint(classColor(k), 0.9)], [(k + 1) / C, tint(classColor(k), 0.5)]);
  }
  return {
    type: "heatmap", meta: TAGS.regions, x, y, z, zmin: 0, zmax: C, colorscale, showscale: false,
    hoverinfo: "skip", zsmooth: false,
  };
}

// Linear regression's fitted line over the box, or its predictions at the samples when the
// data has more than one feature.
export function fitTrace(sample, params, box) {
  const [w, b] = [params.W[0] ?? [], params.b[0] ?? 0];
  const name = t("page.data.fit");
  const line = { color: O.vermillion, width: 3 };
  if (sample.feature_names.length === 1) {
    const x = box[0];
    return { type: "scatter", mode: "lines", meta: TAGS.fit, name, x, y: x.map((v) => (w[0] ?? 0) * v + b), line };
  }
  const yhat = sample.X.map((x) => w.reduce((s, v, j) => s + v * x[j], b));
  return { type: sample.X.length > 2000 ? "scattergl" : "scatter", mode: "markers", meta: TAGS.fit, name, x: sample.X.map((x) => x[0]), y: yhat,
    marker: { color: O.vermillion, size: 4, symbol: "circle-open" } };
}

// A ring around one sample (the SVM walkthrough's chosen one).
export function selectedTrace(sample, index) {
  const x = sample.X[index];
  if (!x) return null;
  return {
    type: "scatter", mode: "markers", meta: TAGS.selected, name: t("page.data.chosen", { i: index }),
    x: [x[0]], y: [sample.feature_names.length > 1 ? x[1] : sample.y[index]], hoverinfo: "skip",
    marker: { size: 18, color: "rgba(0,0,0,0)", line: { color: "#000", width: 2.5 } },
  };
}

// The data plot: regions under the samples, the fit over them.
// box: the features' ranges (and for a regression, the target's last).
export function drawData(div, { sample, points, regions = null, fit = null, selected = null, box, heading, revision }) {
  const D = sample.feature_names.length, regression = sample.kind === "regression";
  const xName = sample.feature_names[0];
  const yName = regression || D < 2 ? sample.target_name : sample.feature_names[1];
  const traces = [regions, ...points, fit, selected].filter(Boolean);
  return Plotly.react(div, traces, {
    title: title(heading), margin: MARGIN, uirevision: revision,
    xaxis: { title: { text: xName }, range: box?.[0], zeroline: false },
    yaxis: { title: { text: yName }, range: regression ? box?.at(-1) : D > 1 ? box?.[1] : undefined, zeroline: false },
    legend: { orientation: "h", y: -0.18 }, showlegend: true, hovermode: "closest",
  }, config());
}

// The loss over two parameters (log10(1 + f − min) when the values span decades), with the
// runs' paths projected on it: paths = [{ name, color, x, y }]; `final` marks the point whose
// other parameters the slice holds.
export function drawLandscape(div, { grid, scale, axes, paths, ranges, heading, final = null }) {
  const traces = [];
  if (grid) {
    traces.push({
      type: "contour", meta: TAGS.landscape, x: grid.x, y: grid.y, z: grid.z.map((r) => r.map(scale.f)),
      colorscale: "Viridis", ncontours: 25, contours: { coloring: "heatmap" }, showscale: false,
      hovertemplate: `${axes[0]} = %{x:.3f}<br>${axes[1]} = %{y:.3f}<extra></extra>`,
    });
  }
  for (const p of paths) traces.push(pathTrace(p));
  if (final) {
    traces.push({
      type: "scatter", mode: "markers", meta: TAGS.final, name: t("page.data.final_point"), x: [final[0]], y: [final[1]],
      marker: { symbol: "x-thin", size: 14, line: { color: "#fff", width: 3 } }, showlegend: false,
      hovertemplate: `${t("page.data.final_point")}<br>(%{x:.4f}, %{y:.4f})<extra></extra>`,
    });
  }
  return Plotly.react(div, traces, {
    title: title(heading), margin: { ...MARGIN, b: 62 }, uirevision: `${axes.join("|")}`,
    xaxis: { title: { text: axes[0] }, range: ranges?.[0], zeroline: false },
    yaxis: { title: { text: axes[1] }, range: ranges?.[1], zeroline: false },
    showlegend: paths.length > 1, legend: { orientation: "h", y: -0.18 },
  }, config());
}

export function pathTrace({ name, color, width = 2, x, y }) {
  return {
    type: "scatter", mode: "lines+markers", meta: TAGS.path, name, x, y,
    line: { color, width }, marker: { size: width + 1, color },
    hovertemplate: `${name}<br>(%{x:.4f}, %{y:.4f})<extra></extra>`,
  };
}

// The loss chart's traces: every run's full loss, and beside it the loss of each mini-batch
// it stepped on (noisier: each is a different sample of the data).
export function lossTraces(runs) {
  return runs.flatMap((run) => {
    const full = {
      type: "scatter", mode: "lines", meta: TAGS.loss, name: run.lossName, x: [], y: [],
      line: { color: run.color, width: 2.2 },
    };
    if (!run.batched) return [full];
    const batch = {
      type: "scatter", mode: "lines", meta: TAGS.batch, name: run.batchName, x: [], y: [],
      line: { color: run.color, width: 1 }, opacity: 0.45,
    };
    return [batch, full];
  });
}

export function drawLossChart(div, runs, heading) {
  return Plotly.react(div, lossTraces(runs), {
    title: title(heading), margin: MARGIN,
    xaxis: { title: { text: t("page.plot.step_axis") } },
    yaxis: { title: { text: t("page.data.loss_axis") }, rangemode: "tozero" },
    legend: { orientation: "h", y: -0.25 }, showlegend: true,
  }, config());
}

// The indices of a plot's traces that carry `tag`.
export function tagged(div, tag) {
  return div?.data ? div.data.flatMap((trace, i) => (trace.meta === tag ? [i] : [])) : [];
}

export const percent = (v) => fmt(v, { style: "percent", maximumFractionDigits: 1 });
