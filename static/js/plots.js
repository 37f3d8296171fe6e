// Plotly pieces shared by every view: colours, the surface pair and the loss chart.
// They take an objective's domain and names; none knows which view draws them.

/* global Plotly */
import { lang, t } from "./i18n.js";
import { trajectoryStyle } from "./palette.js";

// Trajectory i's colour (palette.js's Okabe-Ito, safe for colour-blind eyes).
export function color(i) {
  return trajectoryStyle(i).color;
}

// Values that span decades read better on log10(1 + f - fmin).
export function makeScale(logScale, zmin) {
  if (!logScale) return { log: false, f: (z) => z, label: () => t("page.plot.f_axis") };
  return { log: true, f: (z) => Math.log10(1 + Math.max(0, z - zmin)), label: () => t("page.plot.f_log_axis") };
}

// Plotly's own words (mode-bar tooltips, notices), from the page's catalogue: one Plotly
// locale per language, registered when first used. The locale's name is part of the config,
// so a plot drawn again after a language switch rebuilds its mode bar in the new language.
const PLOTLY_WORDS = {
  "Download plot as a PNG": "page.plotly.download_png", "Download plot": "page.plotly.download",
  Zoom: "page.plotly.zoom", Pan: "page.plotly.pan", "Zoom in": "page.plotly.zoom_in",
  "Zoom out": "page.plotly.zoom_out", Autoscale: "page.plotly.autoscale", "Reset axes": "page.plotly.reset_axes",
  "Orbital rotation": "page.plotly.orbit", "Turntable rotation": "page.plotly.turntable",
  "Reset camera to default": "page.plotly.reset_camera", "Reset camera to last save": "page.plotly.reset_camera_saved",
  "Toggle show closest data on hover": "page.plotly.hover_toggle", "Show closest data on hover": "page.plotly.hover_closest",
  "Compare data on hover": "page.plotly.hover_compare", "Toggle Spike Lines": "page.plotly.spikes",
  "Box Select": "page.plotly.box_select", "Lasso Select": "page.plotly.lasso_select",
  "Reset view": "page.plotly.reset_view", "Reset views": "page.plotly.reset_views",
  "Double-click to zoom back out": "page.plotly.zoom_back",
};
const registered = new Set();

export function config() {
  const locale = `gdviz-${lang()}`;
  if (!registered.has(locale)) {
    const dictionary = Object.fromEntries(Object.entries(PLOTLY_WORDS).map(([en, key]) => [en, t(key)]));
    Plotly.register({ moduleType: "locale", name: locale, dictionary });
    registered.add(locale);
  }
  // No "Share chart..." button: the page sends nothing to any other host.
  return { responsive: true, displaylogo: false, locale, modeBarButtonsToRemove: ["sendChartToCloud"] };
}

// Plots drawn while their view was hidden have no size; fit them when it shows again.
export function fitPlots(divs) {
  for (const div of divs) if (div?.data && div.offsetWidth) Plotly.Plots.resize(div);
}

// Draw a plot again with the config of the current language (its mode bar, its notices).
export function relocale(div) {
  return div?.data ? Plotly.react(div, div.data, div.layout, config()) : undefined;
}
export const MARGIN = { l: 55, r: 15, t: 35, b: 45 };
const TITLE_FONT = { size: 14 };

export const title = (text) => ({ text, font: TITLE_FONT });

function ranges(domain) {
  return { x: [...domain[0]], y: [...domain[1]] };
}

// The contour map; it marks the first plot the page shows (bench/page_load.py reads the mark).
export async function drawContour(div, grid, scale, { domain, names, revision }) {
  const z = grid.z.map((row) => row.map(scale.f));
  const range = ranges(domain);
  const contour = {
    type: "contour", x: grid.x, y: grid.y, z, colorscale: "Viridis", ncontours: 30,
    contours: { coloring: "heatmap" }, showscale: false,
    hovertemplate: `(%{x:.3f}, %{y:.3f})<extra>${t("page.plot.contour_hover")}</extra>`,
  };
  await Plotly.react(div, [contour], {
    title: title(t("page.plot.contour_title")), margin: MARGIN,
    xaxis: { title: { text: names[0] }, range: range.x }, yaxis: { title: { text: names[1] }, range: range.y },
    showlegend: false, uirevision: revision,
  }, config());
  if (!performance.getEntriesByName("gdviz:first-plot").length) performance.mark("gdviz:first-plot");
  return z;
}

function cameraEye(div) {
  const aspect = div.clientWidth / (div.clientHeight || 1);
  const back = Math.max(1, 1.1 / (aspect || 1));
  return { x: 0.6 * back, y: -1.9 * back, z: 1.45 * back };
}

// The 3-D surface over the same grid. Resolves to the [min, max] of the plotted (scaled) values.
export async function drawSurface(div, grid, z, scale, { domain, names, heading, revision }) {
  let lo = Infinity, hi = -Infinity;
  for (const row of z) for (const v of row) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const range = ranges(domain);
  const surface = {
    type: "surface", x: grid.x, y: grid.y, z, colorscale: "Viridis", showscale: false,
    opacity: 0.9, hoverinfo: "skip",
  };
  const axis = (text, r) => ({ title: { text }, range: r, tickfont: { size: 10 } });
  await Plotly.react(div, [surface], {
    title: title(heading), margin: { l: 0, r: 0, t: 35, b: 0 },
    scene: {
      // A camera far enough back that the axis titles and tick labels at the near corners
      // stay inside the plot; a narrow plot needs it further back than a wide one.
      xaxis: axis(names[0], range.x), yaxis: axis(names[1], range.y),
      zaxis: axis(scale.label(), [lo, hi + 0.05 * (hi - lo)]),
      aspectmode: "manual", aspectratio: { x: 1, y: 1, z: 0.75 },
      camera: { eye: cameraEye(div), center: { x: 0, y: 0, z: -0.1 } },
    },
    showlegend: false, uirevision: revision,
  }, config());
  return [lo, hi];
}

// The axis labels of the surface pair, in the current language.
export function relabelSurfaces(surfaceDiv, contourDiv, scale) {
  if (contourDiv?.data) {
    Plotly.relayout(contourDiv, { title: title(t("page.plot.contour_title")) });
    Plotly.restyle(contourDiv, {
      hovertemplate: `(%{x:.3f}, %{y:.3f})<extra>${t("page.plot.contour_hover")}</extra>`,
    }, [0]);
    relocale(contourDiv);
  }
  if (surfaceDiv?.data && scale) Plotly.relayout(surfaceDiv, { "scene.zaxis.title.text": scale.label() });
  relocale(surfaceDiv);
}

// The loss chart: f − f* on a log axis when f* is known, f itself otherwise.
// Gaps below `floor` are rounding noise and are drawn at the floor.
export function lossAxis(fstar, floor = 1e-16) {
  if (!Number.isFinite(fstar)) return { y: (v) => v, title: () => t("page.plot.loss_axis"), type: "linear" };
  return { y: (v) => Math.max(v - fstar, floor), title: () => t("page.plot.loss_gap_axis"), type: "log" };
}

export function drawLoss(div, axis) {
  return Plotly.react(div, [], lossLayout(axis), config());
}

export function lossLayout(axis) {
  return {
    title: title(t("page.plot.loss_title")), margin: MARGIN,
    xaxis: { title: { text: t("page.plot.step_axis") } },
    yaxis: { title: { text: axis.title() }, type: axis.type, exponentformat: "power" },
    showlegend: true, legend: { orientation: "h" },
  };
}

export function relabelLoss(div, axis) {
  if (!div?.layout) return;
  Plotly.relayout(div, {
    title: title(t("page.plot.loss_title")), "xaxis.title.text": t("page.plot.step_axis"),
    "yaxis.title.text": axis.title(),
  });
  relocale(div);
}
