// The conditioning view's own charts: the error along every eigen-direction over time (one
// heatmap per racer, directions ordered by eigenvalue), the stiffest and flattest directions
// as lines, and the table of convergence rates.

/* global Plotly */
import { FLOOR, gdRate, heavyBallRate, logAbs } from "./conditioning-math.js";
import { fmt, t } from "./i18n.js";
import { TRAJECTORY } from "./palette.js";
import { config, MARGIN, title } from "./plots.js";

// The racers' colours are the first three trajectory colours (app.css's .racer h3 too).
export const RACERS = [
  { id: "gd", key: "page.cond.gd", color: TRAJECTORY[0] },
  { id: "hb", key: "page.cond.hb", color: TRAJECTORY[1] },
  { id: "adam", key: "page.cond.adam", color: TRAJECTORY[2] },
];

const GAP = 0.04;

// Ticks on the direction axis: a few eigen-directions, labelled by their eigenvalue.
function directionTicks(eigenvalues) {
  const last = eigenvalues.length - 1;
  const picks = [...new Set([0, Math.round(last / 4), Math.round(last / 2), Math.round((3 * last) / 4), last])];
  return { tickvals: picks, ticktext: picks.map((i) => t("page.cond.lambda", { value: eigenvalues[i] })) };
}

// runs: [{ label, trajs: [{ steps, errors: (n, P) }] }]
export function drawEigen(div, runs, eigenvalues) {
  const width = (1 - GAP * (runs.length - 1)) / runs.length;
  let lo = 0, hi = FLOOR;
  const traces = runs.map((run, m) => {
    const { steps, errors } = run.trajs[0];
    const z = eigenvalues.map((_, i) => errors.map((e) => logAbs(e[i])));
    for (const row of z) for (const v of row) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return {
      type: "heatmap", x: steps, y: eigenvalues.map((_, i) => i), z, coloraxis: "coloraxis",
      xaxis: m ? `x${m + 1}` : "x", yaxis: "y", name: run.label,
      hovertemplate: `${run.label}<br>${t("page.cond.eigen_hover")}<extra></extra>`,
    };
  });
  const layout = {
    title: title(t("page.cond.eigen_title")), margin: { ...MARGIN, l: 75, t: 55 },
    coloraxis: {
      colorscale: "Viridis", cmin: Math.max(FLOOR, lo), cmax: hi,
      colorbar: { title: { text: t("page.cond.eigen_colour"), side: "right" }, thickness: 12 },
    },
    yaxis: { title: { text: t("page.cond.eigen_axis") }, ...directionTicks(eigenvalues), range: [-0.5, eigenvalues.length - 0.5] },
    annotations: runs.map((run, m) => ({
      text: run.label, x: m * (width + GAP) + width / 2, y: 1, xref: "paper", yref: "paper",
      xanchor: "center", yanchor: "bottom", showarrow: false, font: { size: 12 },
    })),
  };
  runs.forEach((_, m) => {
    layout[m ? `xaxis${m + 1}` : "xaxis"] = {
      domain: [m * (width + GAP), m * (width + GAP) + width], anchor: "y",
      title: { text: t("page.plot.step_axis") },
    };
  });
  return Plotly.react(div, traces, layout, config());
}

// |error| along the stiffest (λ_max, solid) and flattest (λ_min, dashed) directions.
export function drawDirections(div, runs, eigenvalues) {
  const last = eigenvalues.length - 1;
  const picks = last > 0 ? [[last, "solid", "page.cond.stiffest"], [0, "dash", "page.cond.flattest"]]
    : [[0, "solid", "page.cond.only_direction"]];
  const traces = runs.flatMap((run) => picks.map(([i, dash, key]) => {
    const { steps, errors } = run.trajs[0];
    return {
      type: "scatter", mode: "lines", x: steps, name: t("page.cond.direction_line", {
        method: run.label, direction: t(key), lambda: fmt(eigenvalues[i]),
      }),
      y: errors.map((e) => (Math.abs(e[i]) > 10 ** FLOOR ? Math.abs(e[i]) : null)),
      line: { color: run.color, dash, width: 2 },
    };
  }));
  return Plotly.react(div, traces, {
    title: title(t("page.cond.directions_title")), margin: MARGIN,
    xaxis: { title: { text: t("page.plot.step_axis") } },
    yaxis: { title: { text: t("page.cond.directions_axis") }, type: "log", exponentformat: "power" },
    showlegend: true, legend: { font: { size: 11 } },
  }, config());
}

// Measured rates beside the theory at these settings and the best the method can do.
export function showRates(table, trajs, s, c) {
  const rate = (value) => (Number.isFinite(value) ? fmt(value, { maximumSignificantDigits: 4 }) : "—");
  const rows = [
    [t("page.cond.settings_lr", { lr: s.gdLr }), trajs[0].rate, gdRate(s.gdLr, c.eigenvalues), c.rate_best],
    [t("page.cond.settings_momentum", { lr: s.hbLr, beta: s.beta }), trajs[1].rate,
      heavyBallRate(s.hbLr, s.beta, c.eigenvalues), c.momentum_rate],
    [t("page.cond.settings_lr", { lr: s.adamLr }), trajs[2].rate, NaN, NaN],
  ];
  table.tBodies[0].replaceChildren(...rows.map(([settings, measured, theory, best], i) => {
    const tr = document.createElement("tr");
    // The name in ink (a light colour would not read on white), its colour in a swatch.
    const name = Object.assign(document.createElement("th"), { scope: "row", textContent: t(RACERS[i].key) });
    const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
    swatch.style.background = RACERS[i].color;
    name.prepend(swatch);
    const cells = [settings, rate(measured), Number.isFinite(theory) ? rate(theory) : t("page.cond.no_theory"),
      Number.isFinite(best) ? rate(best) : "—"];
    tr.append(name, ...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })));
    if (theory >= 1) tr.classList.add("unstable");
    return tr;
  }));
}
