// The learning-rate sweep: one descent from one start at 40 learning rates log-spaced from
// 1e-5 to 10, stepped together as one batch (a per-start `lr` list). Each rate lands in a band
// derived from its result: too small (out of steps, loss still falling), about right
// (converged), too large (diverged), or not settling (out of steps, loss no longer falling).

/* global Plotly */
import { fmt, lang, t } from "./i18n.js";
import { fmtSmall } from "./experiments-common.js";
import { OKABE_ITO } from "./palette.js";
import { config, lossAxis, MARGIN, title } from "./plots.js";
import { readRunArrays } from "./typed.js";

export const SWEEP = { count: 40, lo: -5, hi: 1 }; // log10 of the smallest and largest rate
const RECORDS = 20; // records per run: enough to tell whether the loss is still falling
export const BANDS = {
  small: { key: "page.exp.band_small", color: OKABE_ITO.orange, tint: "rgba(230,159,0,0.13)", symbol: "triangle-up" },
  right: { key: "page.exp.band_right", color: OKABE_ITO.blue, tint: "rgba(0,114,178,0.10)", symbol: "circle" },
  stuck: { key: "page.exp.band_stuck", color: "#666666", tint: "rgba(102,102,102,0.10)", symbol: "diamond" },
  large: { key: "page.exp.band_large", color: OKABE_ITO.vermillion, tint: "rgba(213,94,0,0.13)", symbol: "x" },
};
const TEXTS = {
  small: "page.exp.band_small_text", right: "page.exp.band_right_text",
  stuck: "page.exp.band_stuck_text", large: "page.exp.band_large_text",
};
export const TAG = "gdviz:sweep"; // trace meta: `gdviz:sweep:<band>`

export function sweepRates() {
  const { count, lo, hi } = SWEEP;
  return Array.from({ length: count }, (_, i) => Number((10 ** (lo + ((hi - lo) * i) / (count - 1))).toPrecision(4)));
}

export function sweepRequest({ objective, optimizer, start, steps, tol }) {
  const rates = sweepRates();
  return {
    objective, optimizer: { name: optimizer, lr: rates }, starts: rates.map(() => start),
    steps, every: Math.max(1, Math.ceil(steps / RECORDS)), tol, format: "arrays",
  };
}

const TAIL = 5; // records at the end that must all go down for "still falling"

// Falling steadily at the end: each of the last records at most the one before, and lower
// overall. A run bouncing around a minimum goes up as often as down.
function stillFalling(loss) {
  const tail = loss.slice(-TAIL);
  return tail.length > 1 && tail.every(Number.isFinite) && tail.at(-1) < tail[0]
    && tail.every((v, i) => i === 0 || v <= tail[i - 1]);
}

// One row per rate: its band, how it ended, its last finite loss and the server's sentence.
// Out of steps while still falling is "too small" only below every rate that converged (or,
// if none did, every rate that diverged): above them, slowness is not the rate's smallness.
export function analyseSweep(reply, rates) {
  const rows = readRunArrays(reply).map((traj, i) => ({
    lr: rates[i], status: traj.status, steps: traj.steps_taken, falling: stillFalling(traj.loss),
    loss: traj.loss.filter(Number.isFinite).at(-1) ?? NaN, message: traj.message,
  }));
  const lowest = (status) => Math.min(...rows.filter((r) => r.status === status).map((r) => r.lr));
  const ceiling = Number.isFinite(lowest("converged")) ? lowest("converged") : lowest("diverged");
  for (const row of rows) {
    if (row.status === "diverged") row.band = "large";
    else if (row.status === "converged") row.band = "right";
    else row.band = row.falling && row.lr < ceiling ? "small" : "stuck";
  }
  return rows;
}

// Contiguous runs of rates in the same band, with the edges of their shading (geometric
// midpoints between neighbouring rates).
export function bandsOf(rows) {
  const edge = (i) => {
    if (i <= 0) return rows[0].lr / Math.sqrt(rows[1].lr / rows[0].lr);
    if (i >= rows.length) return rows.at(-1).lr * Math.sqrt(rows.at(-1).lr / rows.at(-2).lr);
    return Math.sqrt(rows[i - 1].lr * rows[i].lr);
  };
  const out = [];
  rows.forEach((row, i) => {
    const last = out.at(-1);
    if (last?.band === row.band) { last.rows.push(row); last.x1 = edge(i + 1); } else {
      out.push({ band: row.band, rows: [row], x0: edge(i), x1: edge(i + 1) });
    }
  });
  return out;
}

// Long sentences in a tooltip wrap at spaces, or every 28 characters in Chinese.
function wrap(text, width = 60) {
  if (!text.includes(" ")) return text.match(/.{1,28}/gu)?.join("<br>") ?? text;
  const lines = [];
  for (const word of text.split(" ")) {
    if (lines.length && lines.at(-1).length + word.length < width) lines[lines.length - 1] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join("<br>");
}

function metricOf(result, metric) {
  if (metric === "steps") {
    return {
      y: (row) => (row.status === "converged" ? Math.max(1, row.steps) : result.steps),
      title: t("page.exp.steps_axis"), type: "log",
    };
  }
  const axis = lossAxis(result.fstar);
  const values = result.rows.map((r) => r.loss).filter(Number.isFinite).map(axis.y);
  const top = values.length ? Math.max(...values) : 1;
  return { y: (row) => (Number.isFinite(row.loss) ? axis.y(row.loss) : top), title: axis.title(), type: axis.type };
}

// result: { rows, fstar, steps, curvature }; metric: "loss" | "steps".
export function drawSweep(div, result, metric) {
  const m = metricOf(result, metric);
  const line = {
    type: "scatter", mode: "lines", x: result.rows.map((r) => r.lr), y: result.rows.map(m.y),
    line: { color: "#b8bcc6", width: 1 }, hoverinfo: "skip", showlegend: false, meta: `${TAG}:line`,
  };
  const traces = Object.entries(BANDS).flatMap(([band, style]) => {
    const rows = result.rows.filter((r) => r.band === band);
    if (!rows.length) return [];
    return [{
      type: "scatter", mode: "markers", x: rows.map((r) => r.lr), y: rows.map(m.y), name: t(style.key),
      meta: `${TAG}:${band}`, customdata: rows.map((r) => wrap(r.message)),
      marker: { color: style.color, symbol: style.symbol, size: band === "large" ? 10 : 8, line: { width: band === "large" ? 2 : 0, color: style.color } },
      hovertemplate: `lr = %{x:.3g}<br>%{customdata}<extra>${t(style.key)}</extra>`,
    }];
  });
  const bands = bandsOf(result.rows);
  const shapes = bands.map((b) => ({
    type: "rect", xref: "x", yref: "paper", x0: b.x0, x1: b.x1, y0: 0, y1: 1,
    fillcolor: BANDS[b.band].tint, line: { width: 0 }, layer: "below",
  }));
  const annotations = bands.filter((b) => b.rows.length >= 4).map((b) => ({
    text: t(BANDS[b.band].key), x: Math.log10(Math.sqrt(b.x0 * b.x1)), y: 1, xref: "x", yref: "paper",
    yanchor: "bottom", showarrow: false, font: { size: 11, color: BANDS[b.band].color },
  }));
  const c = result.curvature;
  if (c) {
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: c.lr_max, x1: c.lr_max, y0: 0, y1: 1, line: { dash: "dash", width: 1.5, color: "#222" } });
    annotations.push({
      text: t("page.exp.lr_max_mark", { value: fmt(c.lr_max) }), x: Math.log10(c.lr_max), y: 0.5, xref: "x", yref: "paper",
      xanchor: "right", showarrow: false, textangle: -90, font: { size: 11 }, bgcolor: "rgba(255,255,255,0.7)",
    });
  }
  if (metric === "steps") {
    shapes.push({ type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: result.steps, y1: result.steps, line: { dash: "dot", width: 1, color: "#666" } });
  }
  const layout = {
    title: title(t(metric === "steps" ? "page.exp.sweep_title_steps" : "page.exp.sweep_title_loss", { steps: result.steps, count: result.rows.length })),
    margin: { ...MARGIN, t: 60 }, shapes, annotations,
    xaxis: { title: { text: t("page.exp.lr_axis") }, type: "log", exponentformat: "power", dtick: 1 },
    yaxis: { title: { text: m.title }, type: m.type, exponentformat: "power" },
    legend: { orientation: "h", y: -0.2 }, showlegend: true,
  };
  return Plotly.react(div, [line, ...traces], layout, config());
}

// The bands in words, one item per band that occurs, each with the rates it covers.
export function explainSweep(list, result) {
  const lists = new Intl.ListFormat(lang() === "zh" ? "zh-CN" : "en", { type: "conjunction" });
  const bands = bandsOf(result.rows);
  const items = Object.keys(BANDS).flatMap((band) => {
    const runs = bands.filter((b) => b.band === band);
    if (!runs.length) return [];
    const ranges = lists.format(runs.map((b) => (b.rows.length === 1 ? fmtSmall(b.rows[0].lr)
      : t("page.exp.range", { lo: fmtSmall(b.rows[0].lr), hi: fmtSmall(b.rows.at(-1).lr) }))));
    const converged = runs.flatMap((b) => b.rows);
    const fastest = converged.reduce((a, b) => (b.steps < a.steps ? b : a), converged[0]);
    const text = t(TEXTS[band], { ranges, steps: result.steps, fewest: fastest.steps, best: fmtSmall(fastest.lr) });
    return [item(band, BANDS[band].color, t(BANDS[band].key), text)];
  });
  const c = result.curvature;
  if (c) {
    items.push(item("lr_max", "#222", "2/λ_max", t("page.exp.lr_max_text", {
      lmax: fmt(c.eigenvalues.at(-1)), lr_max: fmt(c.lr_max),
    })));
  }
  list.replaceChildren(...items);
}

function item(band, color, name, text) {
  const li = document.createElement("li");
  li.dataset.band = band;
  const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
  swatch.style.background = color;
  const strong = Object.assign(document.createElement("strong"), { textContent: name });
  li.append(swatch, strong, " ", text);
  return li;
}
