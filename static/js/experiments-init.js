// Initialization: Gaussian starts of a chosen spread around a chosen mean, and the share of
// them that reaches each minimum, at the chosen spread and across a sweep of spreads (each a
// seeded run). Spread 0 is zero initialization: every start is the same point.

/* global Plotly */
import { fmt, t } from "./i18n.js";
import { classify, longName, readEnds, round, shares, shortName } from "./experiments-common.js";
import { config, MARGIN, title } from "./plots.js";

export const TAG = "gdviz:init";

const halfWidth = (domain) => Math.min(...domain.map(([lo, hi]) => (hi - lo) / 2));

// Eight spreads from zero to the domain's half-width, doubling: 0, L/64, …, L/2, L.
export function defaultSpreads(domain) {
  const L = halfWidth(domain);
  return [0, ...[-6, -5, -4, -3, -2, -1, 0].map((e) => round(L * 2 ** e, 3))];
}

export const defaultStd = (domain) => round(halfWidth(domain) / 2, 3);

// The spreads to run: the sweep and the chosen one, sorted, each once.
export const spreadsToRun = (spreads, std) => [...new Set([...spreads, std])].sort((a, b) => a - b);

export function initRequest({ objective, optimizer, lr, steps, tol, mean, std, count, seed, explain }) {
  return {
    objective, optimizer: { name: optimizer, lr }, init: { kind: "gaussian", mean, std, count, seed },
    steps, every: steps, tol, format: "arrays", ...(explain ? { explain: false } : {}),
  };
}

export function readInit(reply, categories, domain, std) {
  const ends = readEnds(reply);
  const labels = classify(ends, categories, domain);
  return { std, starts: ends.starts, labels, shares: shares(labels, categories.length) };
}

const spreadLabel = (std) => fmt(std, { maximumSignificantDigits: 3 });
const percent = (v) => fmt(v, { style: "percent", maximumFractionDigits: 1 });

// The chosen spread: one bar per category reached, plus every minimum (an empty bar says
// "none got there").
export function drawShares(div, run, categories) {
  const shown = categories.filter((c, i) => c.minimum || run.shares[i] > 0);
  const index = shown.map((c) => categories.indexOf(c));
  return Plotly.react(div, [{
    type: "bar", x: shown.map(shortName), y: index.map((i) => run.shares[i]), meta: `${TAG}:bars`,
    marker: { color: shown.map((c) => c.color), line: { color: "#333", width: 1 } },
    text: index.map((i) => percent(run.shares[i])), textposition: "outside", cliponaxis: false,
    customdata: shown.map(longName), hovertemplate: "%{customdata}<br>%{text}<extra></extra>",
  }], {
    title: title(t("page.exp.shares_title", { std: spreadLabel(run.std), count: run.labels.length })),
    margin: { ...MARGIN, t: 50 }, showlegend: false,
    xaxis: { type: "category", title: { text: t("page.exp.shares_axis_x") } },
    yaxis: { title: { text: t("page.exp.shares_axis_y") }, range: [0, 1.12], tickformat: ".0%" },
  }, config());
}

// The share of each category at every spread, stacked; the chosen spread is framed.
export function drawSpreads(div, runs, categories, std) {
  const x = runs.map((r) => spreadLabel(r.std));
  const traces = categories.flatMap((c, i) => {
    if (!runs.some((r) => r.shares[i] > 0)) return [];
    return [{
      type: "bar", x, y: runs.map((r) => r.shares[i]), name: shortName(c), meta: `${TAG}:${c.id}`,
      marker: { color: c.color, line: { color: "#fff", width: 0.5 } }, customdata: runs.map((r) => r.std),
      hovertemplate: `${longName(c)}<br>std = %{x}: %{y:.1%}<extra></extra>`,
    }];
  });
  const chosen = runs.findIndex((r) => r.std === std);
  return Plotly.react(div, traces, {
    title: title(t("page.exp.spreads_title")), margin: { ...MARGIN, t: 40 }, barmode: "stack",
    xaxis: { type: "category", title: { text: t("page.exp.spreads_axis") } },
    yaxis: { title: { text: t("page.exp.shares_axis_y") }, range: [0, 1], tickformat: ".0%" },
    legend: { orientation: "h", y: -0.25, traceorder: "normal" },
    shapes: chosen < 0 ? [] : [{
      type: "rect", xref: "x", yref: "paper", x0: chosen - 0.48, x1: chosen + 0.48, y0: 0, y1: 1,
      line: { color: "#000", width: 2 }, fillcolor: "rgba(0,0,0,0)",
    }],
  }, config());
}

// The starts of the chosen spread on the contour map, each in the colour of where it ended.
export function drawStarts(div, run, categories, contour, names, domain, revision) {
  const n = run.labels.length;
  const xs = Array.from({ length: n }, (_, i) => run.starts[2 * i]);
  const ys = Array.from({ length: n }, (_, i) => run.starts[2 * i + 1]);
  const traces = [];
  if (contour) {
    traces.push({
      type: "contour", x: contour.x, y: contour.y, z: contour.z, colorscale: "Greys", reversescale: true,
      ncontours: 24, showscale: false, contours: { coloring: "heatmap" }, opacity: 0.35, hoverinfo: "skip",
    });
  }
  const minima = categories.filter((c) => c.minimum);
  traces.push({
    type: "scatter", mode: "markers", x: xs, y: ys, meta: `${TAG}:starts`,
    marker: { size: 6, color: Array.from(run.labels, (c) => categories[c].color), line: { color: "#fff", width: 0.5 } },
    text: Array.from(run.labels, (c) => shortName(categories[c])),
    hovertemplate: "(%{x:.3g}, %{y:.3g}) → %{text}<extra></extra>",
  }, {
    type: "scatter", mode: "markers+text", x: minima.map((c) => c.minimum.point[0]), y: minima.map((c) => c.minimum.point[1]),
    text: minima.map((c) => c.letter), textposition: "top center", cliponaxis: false,
    marker: { symbol: "star", size: 13, color: minima.map((c) => c.color), line: { color: "#000", width: 1.2 } },
    hoverinfo: "skip",
  });
  return Plotly.react(div, traces, {
    title: title(t("page.exp.starts_title", { std: spreadLabel(run.std), count: n })), margin: { ...MARGIN, t: 45 },
    xaxis: { title: { text: names[0] }, range: [...domain[0]], constrain: "domain" },
    yaxis: { title: { text: names[1] }, range: [...domain[1]], scaleanchor: "x", constrain: "domain" },
    showlegend: false, uirevision: revision,
  }, config());
}

// The lesson in the numbers: zero initialization lands every start in one place; a wide
// Gaussian reaches several minima.
export function explainInit(box, runs, categories) {
  const reached = (run) => categories.filter((c, i) => c.minimum && run.shares[i] > 0).length;
  const lines = [];
  const zero = runs.find((r) => r.std === 0);
  if (zero) {
    const where = categories[zero.labels[0]];
    lines.push(t("page.exp.init_zero", { count: zero.labels.length, name: longName(where) }));
  }
  const widest = runs.at(-1);
  if (widest && widest.std > 0) {
    lines.push(t("page.exp.init_wide", { std: spreadLabel(widest.std), basins: reached(widest) }));
  }
  box.replaceChildren(...lines.map((text) => Object.assign(document.createElement("p"), { textContent: text })));
}
