// The network view's Plotly charts: loss and accuracy per step, per-layer norms on log axes,
// and the decision regions (or fitted curve) over the data. Okabe-Ito colours throughout.

/* global Plotly */
import { t } from "./i18n.js";
import { SERIES as OKABE_ITO } from "./palette.js";
import { config, MARGIN, title } from "./plots.js";

export { OKABE_ITO }; // the eight in Okabe and Ito's order, indexed by the other network modules
// Layer colours, input side dark to output side light (viridis, without its pale yellow end).
const VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30"];

export const startColor = (k) => OKABE_ITO[k % OKABE_ITO.length];

export function layerColor(l, L) {
  const at = L <= 1 ? 0 : Math.round(((l - 1) / (L - 1)) * (VIRIDIS.length - 1));
  return VIRIDIS[at];
}

const axisTitle = (text) => ({ text, font: { size: 12 } });
const subtitle = (text, x) => ({ text, x, y: 1.07, xref: "paper", yref: "paper", showarrow: false, font: { size: 13 }, xanchor: "center" });

// ---- loss and accuracy ----------------------------------------------------------------------

// run: a TrainingRun; probes: Map step -> probe reply summary ({train, test, testLoss}) of the
// shown start; shown: its index; classify: whether accuracy means anything.
export function drawCurves(div, run, probes, shown, classify) {
  const traces = [];
  run?.trajs.forEach((traj, k) => {
    traces.push({
      type: "scatter", mode: "lines", x: traj.steps.slice(), y: traj.loss.slice(), meta: `net:loss:${k}`,
      name: run.trajs.length > 1 ? t("page.net.curve_train_start", { k: k + 1 }) : t("page.net.curve_train"),
      line: { color: startColor(k), width: k === shown ? 2.5 : 1.2 }, opacity: k === shown ? 1 : 0.55,
    });
  });
  const traj = run?.trajs[shown];
  if (traj?.batchLoss.length) {
    traces.push({
      type: "scatter", mode: "lines", x: traj.steps.slice(0, traj.batchLoss.length), y: traj.batchLoss.slice(), meta: "net:batch",
      name: t("page.net.curve_batch"), line: { color: "#999999", width: 1 }, opacity: 0.6,
    });
  }
  const steps = [...probes.keys()].sort((a, b) => a - b);
  const pick = (name) => steps.map((s) => probes.get(s)[name]);
  if (steps.length) {
    traces.push({
      type: "scatter", mode: "lines+markers", x: steps, y: pick("testLoss"), meta: "net:test-loss",
      name: t("page.net.curve_test"), line: { color: OKABE_ITO[5], dash: "dash", width: 2 }, marker: { size: 4 },
    });
  }
  if (steps.length && classify) {
    traces.push({
      type: "scatter", mode: "lines+markers", x: steps, y: pick("train"), xaxis: "x2", yaxis: "y2", meta: "net:train-acc",
      name: t("page.net.curve_train_acc"), line: { color: startColor(shown), width: 2 }, marker: { size: 4 },
    });
    traces.push({
      type: "scatter", mode: "lines+markers", x: steps, y: pick("test"), xaxis: "x2", yaxis: "y2", meta: "net:test-acc",
      name: t("page.net.curve_test_acc"), line: { color: OKABE_ITO[5], dash: "dash", width: 2 }, marker: { size: 4 },
    });
  }
  const split = classify ? 0.46 : 1;
  const layout = {
    title: title(classify ? t("page.net.curves_title") : t("page.net.curves_title_loss")), margin: { ...MARGIN, t: 55 },
    xaxis: { domain: [0, split], title: axisTitle(t("page.plot.step_axis")) },
    yaxis: { type: "log", exponentformat: "power", title: axisTitle(t("page.net.loss_axis")) },
    showlegend: true, legend: { orientation: "h", y: -0.22 }, uirevision: "curves",
  };
  if (classify) {
    layout.xaxis2 = { domain: [0.58, 1], anchor: "y2", title: axisTitle(t("page.plot.step_axis")) };
    layout.yaxis2 = { anchor: "x2", range: [0, 1.02], tickformat: ".0%", title: axisTitle(t("page.net.acc_axis")) };
  }
  return Plotly.react(div, traces, layout, config());
}

// ---- per-layer norms ------------------------------------------------------------------------

const NORMS = [
  ["activation_norm", "page.net.norm_activation"],
  ["delta_norm", "page.net.norm_delta"],
  ["grad_norm", "page.net.norm_grad"],
];

// Three panels (RMS of a^l, RMS of δ^l, |∂C/∂W^l|), one line per layer, on log axes.
export function drawNorms(div, traj, depth) {
  const traces = [];
  const annotations = [];
  const gap = 0.07, width = (1 - 2 * gap) / 3;
  NORMS.forEach(([name, key], p) => {
    const axis = p === 0 ? "" : String(p + 1);
    annotations.push(subtitle(t(key), p * (width + gap) + width / 2));
    for (let l = 1; l <= depth; l += 1) {
      const rows = traj?.diagnostics[name] ?? [];
      traces.push({
        type: "scatter", mode: "lines", x: traj?.steps.slice(0, rows.length) ?? [], y: rows.map((row) => clampLog(row[l - 1])),
        xaxis: `x${axis}`, yaxis: `y${axis}`, meta: `net:${name}:${l}`, legendgroup: `layer${l}`, showlegend: p === 0,
        name: l === depth ? t("page.net.layer_n_output", { l }) : t("page.net.layer_n", { l }),
        line: { color: layerColor(l, depth), width: 2 },
      });
    }
  });
  const layout = {
    title: title(t("page.net.norms_title")), margin: { ...MARGIN, t: 70 }, annotations,
    showlegend: true, legend: { orientation: "h", y: -0.22 }, uirevision: "norms",
  };
  NORMS.forEach((_, p) => {
    const axis = p === 0 ? "" : String(p + 1);
    layout[`xaxis${axis}`] = { domain: [p * (width + gap), p * (width + gap) + width], anchor: `y${axis}`, title: axisTitle(t("page.plot.step_axis")) };
    layout[`yaxis${axis}`] = { type: "log", exponentformat: "power", anchor: `x${axis}` };
  });
  return Plotly.react(div, traces, layout, config());
}

// Log axes cannot show 0: an exact zero (a dead layer, zero init) is drawn at 1e-16.
export const clampLog = (v) => (Number.isFinite(v) ? Math.max(v, 1e-16) : null);

// ---- decision regions -----------------------------------------------------------------------

// The probabilities as a picture: each cell the class colours mixed by probability, lightened so
// the points show; drawn into a canvas (top row first) and handed to Plotly as a layout image,
// which costs far less than a trace of R × R cells.
function regionImage(grid) {
  const { proba, rows, cols, classes } = grid;
  const rgb = OKABE_ITO.slice(0, Math.max(classes, 2)).map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const canvas = Object.assign(document.createElement("canvas"), { width: cols, height: rows });
  const context = canvas.getContext("2d");
  const image = context.createImageData(cols, rows);
  for (let i = 0; i < rows; i += 1) {
    const top = (rows - 1 - i) * cols; // grid row i is at y[i], rising; the picture's rows fall
    for (let j = 0; j < cols; j += 1) {
      const base = (i * cols + j) * classes, at = (top + j) * 4;
      for (let k = 0; k < 3; k += 1) {
        let mix = 0;
        for (let c = 0; c < classes; c += 1) mix += proba[base + c] * rgb[c][k];
        image.data[at + k] = Math.round(255 - 0.55 * (255 - mix));
      }
      image.data[at + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL("image/png");
}

// data: { X, y, classes, kind }; grid: { x, y, proba, rows, cols, classes } or { x, yhat } or null.
export function drawRegions(div, data, grid, selected) {
  const traces = [];
  const layout = {
    title: title(t(data.kind === "classification" ? "page.net.regions_title" : "page.net.fit_title")),
    margin: { ...MARGIN, r: 20 }, showlegend: true, legend: { orientation: "h", y: -0.15 },
    hovermode: "closest", hoverdistance: -1, uirevision: "regions",
  };
  if (data.kind === "classification") {
    const xs = data.X.map((p) => p[0]), ys = data.X.map((p) => p[1]);
    if (grid?.proba) {
      const dx = grid.x.length > 1 ? grid.x[1] - grid.x[0] : 1, dy = grid.y.length > 1 ? grid.y[1] - grid.y[0] : 1;
      const [x0, x1, y0, y1] = [grid.x[0] - dx / 2, grid.x.at(-1) + dx / 2, grid.y[0] - dy / 2, grid.y.at(-1) + dy / 2];
      layout.images = [{
        name: "net:regions", source: regionImage(grid), xref: "x", yref: "y", x: x0, y: y1, sizex: x1 - x0, sizey: y1 - y0,
        sizing: "stretch", layer: "below", xanchor: "left", yanchor: "top",
      }];
      layout.xaxis = { range: [x0, x1], title: axisTitle("x₀"), showgrid: false, zeroline: false };
      layout.yaxis = { range: [y0, y1], title: axisTitle("x₁"), showgrid: false, zeroline: false };
    } else {
      layout.xaxis = { title: axisTitle("x₀") };
      layout.yaxis = { title: axisTitle("x₁") };
    }
    for (let c = 0; c < data.classes; c += 1) {
      const idx = data.y.flatMap((label, i) => (label === c ? [i] : []));
      traces.push({
        type: "scatter", mode: "markers", x: idx.map((i) => xs[i]), y: idx.map((i) => ys[i]), customdata: idx,
        meta: `net:class:${c}`, name: t("page.net.class_n", { c }),
        marker: { color: OKABE_ITO[c % OKABE_ITO.length], size: 7, line: { color: "#1d2330", width: 0.8 } },
        hovertemplate: `${t("page.net.sample_hover", { c })}<br>(%{x:.3f}, %{y:.3f})<extra></extra>`,
      });
    }
  } else {
    const order = data.X.map((p, i) => i);
    traces.push({
      type: "scatter", mode: "markers", x: data.X.map((p) => p[0]), y: data.y, customdata: order, meta: "net:samples",
      name: t("page.net.samples"), marker: { color: OKABE_ITO[0], size: 6, opacity: 0.8 },
      hovertemplate: "(%{x:.3f}, %{y:.3f})<extra></extra>",
    });
    if (grid?.yhat) {
      traces.push({
        type: "scatter", mode: "lines", x: grid.x, y: grid.yhat, meta: "net:fit", name: t("page.net.fit"),
        line: { color: OKABE_ITO[5], width: 3 }, hoverinfo: "skip",
      });
    }
    layout.xaxis = { title: axisTitle("x") };
    layout.yaxis = { title: axisTitle("y") };
  }
  if (selected) {
    traces.push({
      type: "scatter", mode: "markers", x: [selected.x[0]], y: [data.kind === "classification" ? selected.x[1] : selected.y],
      meta: "net:selected", name: t("page.net.selected"), hoverinfo: "skip",
      marker: { symbol: "circle-open", size: 16, color: "#000", line: { width: 2.5 } },
    });
  }
  return Plotly.react(div, traces, layout, config());
}
