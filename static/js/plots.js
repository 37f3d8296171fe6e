// Plotly helpers shared by the views: typed arrays, the surface pair, colours.

/* global Plotly */

export const COLORS = [
  "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
  "#9a6324", "#800000", "#469990", "#000075", "#808000",
];

export function color(i) {
  return COLORS[i % COLORS.length];
}

// Decode Plotly's {dtype: "f4", bdata, shape} encoding into Float32Array rows.
export function decodeTyped(typed) {
  const bytes = Uint8Array.from(atob(typed.bdata), (c) => c.charCodeAt(0));
  const flat = new Float32Array(bytes.buffer);
  if (!typed.shape) return Array.from(flat);
  const [rows, cols] = typed.shape.split(",").map(Number);
  return Array.from({ length: rows }, (_, r) => Array.from(flat.subarray(r * cols, (r + 1) * cols)));
}

// Values that span decades read better on log10(1 + f - fmin).
export function makeScale(logScale, zmin) {
  if (!logScale) return { f: (z) => z, label: "f(x, y)" };
  return { f: (z) => Math.log10(1 + Math.max(0, z - zmin)), label: "log₁₀(1+f−min)" };
}



const CONFIG = { responsive: true, displaylogo: false };
const MARGIN = { l: 40, r: 10, t: 30, b: 35 };

// The contour map first (fast, so the first plot shows at once), then the 3-D surface.
// Resolves to the [min, max] of the plotted (scaled) values.
export async function drawSurfaces(surfaceDiv, contourDiv, grid, scale, title) {
  const z = grid.z.map((row) => row.map(scale.f));
  const xRange = [grid.x[0], grid.x.at(-1)];
  const yRange = [grid.y[0], grid.y.at(-1)];
  const contour = {
    type: "contour", x: grid.x, y: grid.y, z, colorscale: "Viridis", ncontours: 30,
    contours: { coloring: "heatmap" }, showscale: false,
    hovertemplate: "(%{x:.3f}, %{y:.3f})<extra>click to add a start</extra>",
  };
  await Plotly.react(contourDiv, [contour], {
    title: { text: "Contour map: click to add a start · arrows show −∇f", font: { size: 14 } },
    margin: MARGIN, xaxis: { title: { text: "x" }, range: xRange },
    yaxis: { title: { text: "y" }, range: yRange }, showlegend: false, uirevision: title,
  }, CONFIG);
  if (!performance.getEntriesByName("gdviz:first-plot").length) performance.mark("gdviz:first-plot");
  let lo = Infinity, hi = -Infinity;
  for (const row of z) for (const v of row) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const surface = {
    type: "surface", x: grid.x, y: grid.y, z, colorscale: "Viridis", showscale: false,
    opacity: 0.9, hoverinfo: "skip",
  };
  await Plotly.react(surfaceDiv, [surface], {
    title: { text: title, font: { size: 14 } }, margin: { l: 0, r: 0, t: 30, b: 0 },
    scene: {
      xaxis: { title: { text: "x" }, range: xRange }, yaxis: { title: { text: "y" }, range: yRange },
      zaxis: { title: { text: scale.label }, range: [lo, hi + 0.05 * (hi - lo)] },
      camera: { eye: { x: 0.4, y: -1.3, z: 1.9 } },
    },
    showlegend: false, uirevision: title,
  }, CONFIG);
  return [lo, hi];
}

export function drawLoss(div) {
  Plotly.react(div, [], {
    title: { text: "Loss per step", font: { size: 14 } }, margin: MARGIN,
    xaxis: { title: { text: "step" } },
    yaxis: { title: { text: "f − f* (log scale)" }, type: "log", exponentformat: "power" },
    showlegend: true, legend: { orientation: "h" },
  }, CONFIG);
}
