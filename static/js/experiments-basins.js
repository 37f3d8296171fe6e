// The basin map: starts on an R × R grid over the domain, each coloured by the minimum its
// descent reaches (or as diverged, not converged, or somewhere else), from one compact run
// that records only each start and end. Drawn as a heatmap under the contour lines.

/* global Plotly */
import { t } from "./i18n.js";
import { classify, readEnds, shares, shortName, stepColorscale } from "./experiments-common.js";
import { config, MARGIN, title } from "./plots.js";

export const TAG = "gdviz:basins";
export const POINT_STEPS = 1e8; // the server's default cap on starts × steps (GDVIZ_MAX_POINT_STEPS)

// The most steps a map of R × R starts may take under the server's default cap.
export const maxStepsFor = (R) => Math.max(1, Math.floor(POINT_STEPS / (R * R)));

export function basinRequest({ objective, optimizer, lr, steps, tol, R, domain, explain }) {
  const [[x0, x1], [y0, y1]] = domain;
  return {
    objective, optimizer: { name: optimizer, lr },
    init: { kind: "grid", low: [x0, y0], high: [x1, y1], shape: [R, R] },
    steps, every: steps, tol, format: "arrays", ...(explain ? { explain: false } : {}),
  };
}

// The map: a category per start, row i of the grid at the i-th y (x varies fastest).
export function readBasins(reply, categories, domain, R) {
  const labels = classify(readEnds(reply), categories, domain);
  return { R, domain, labels, shares: shares(labels, categories.length) };
}

const linspace = ([lo, hi], n) => Array.from({ length: n }, (_, i) => (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)));

// map: readBasins(); contour: { x, y, z } already scaled, or null; names: axis titles.
export function drawBasins(div, map, categories, contour, names, revision) {
  const { R, labels, domain } = map;
  const short = categories.map(shortName);
  const z = Array.from({ length: R }, (_, i) => Array.from(labels.subarray(i * R, (i + 1) * R)));
  const heat = {
    type: "heatmap", x: linspace(domain[0], R), y: linspace(domain[1], R), z,
    text: z.map((row) => row.map((c) => short[c])), zmin: -0.5, zmax: categories.length - 0.5,
    colorscale: stepColorscale(categories), showscale: false, zsmooth: false, meta: TAG,
    hovertemplate: `(%{x:.3g}, %{y:.3g}) → %{text}<extra></extra>`,
  };
  const traces = [heat];
  if (contour) {
    traces.push({
      type: "contour", x: contour.x, y: contour.y, z: contour.z, ncontours: 24, showscale: false,
      contours: { coloring: "lines" }, colorscale: [[0, "rgba(0,0,0,0.35)"], [1, "rgba(0,0,0,0.35)"]],
      line: { width: 1 }, hoverinfo: "skip", meta: `${TAG}:contour`,
    });
  }
  const minima = categories.filter((c) => c.minimum);
  traces.push({
    type: "scatter", mode: "markers+text", x: minima.map((c) => c.minimum.point[0]), y: minima.map((c) => c.minimum.point[1]),
    text: minima.map((c) => c.letter), textposition: "top center", textfont: { size: 13, color: "#000" },
    marker: { symbol: "star", size: 13, color: "#fff", line: { color: "#000", width: 1.2 } },
    hoverinfo: "skip", meta: `${TAG}:minima`, cliponaxis: false,
  });
  return Plotly.react(div, traces, {
    title: title(t("page.exp.basins_title", { R, starts: R * R })), margin: { ...MARGIN, t: 45 },
    xaxis: { title: { text: names[0] }, range: [...domain[0]], constrain: "domain" },
    yaxis: { title: { text: names[1] }, range: [...domain[1]], scaleanchor: "x", constrain: "domain" },
    showlegend: false, uirevision: revision,
  }, config());
}
