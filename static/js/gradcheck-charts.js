// The gradient check view's pictures: the table of one check, the relative error against the
// step h on log-log axes, and the cost of numerical against analytic gradients. Colours are
// Okabe and Ito's, safe for colour-blind readers, and every verdict is also written out.

/* global Plotly */
import { fmt, t } from "./i18n.js";
import { OKABE_ITO } from "./palette.js";
import { config, MARGIN, title } from "./plots.js";

export const PALETTE = { forward: OKABE_ITO.blue, centred: OKABE_ITO.vermillion, analytic: OKABE_ITO.green };
const FLOOR = 1e-17; // an error of exactly 0 is drawn here on a log axis
const SYMBOL = { fine: "✓", suspect: "?", wrong: "✗" };
export const VERDICTS = { fine: "page.gc.verdict_fine", suspect: "page.gc.verdict_suspect", wrong: "page.gc.verdict_wrong" };
const METHODS = { forward: "page.gc.forward", centred: "page.gc.centred" };
const COSTS = { numerical: "page.gc.cost_numerical", analytic: "page.gc.cost_analytic" };

const sci = (value) => (value === null || !Number.isFinite(value) ? "—" : value === 0 ? "0"
  : Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5 ? value.toExponential(2) : fmt(value, { maximumSignificantDigits: 6 }));
const exact = (value) => (value === null || !Number.isFinite(value) ? "—" : fmt(value, { maximumSignificantDigits: 10 }));

export function verdictBadge(verdict) {
  const span = Object.assign(document.createElement("span"), { className: `verdict verdict-${verdict}` });
  span.textContent = `${SYMBOL[verdict] ?? ""} ${t(VERDICTS[verdict])}`;
  span.dataset.verdict = verdict;
  return span;
}

function cell(content, className = "") {
  const td = Object.assign(document.createElement("td"), { className });
  td.append(content);
  return td;
}

// One row per parameter: analytic, then forward and centred with their errors and verdicts.
export function showTable(table, report) {
  const step = report.steps[0];
  table.tBodies[0].replaceChildren(...step.parameters.map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.param = p.name;
    const name = Object.assign(document.createElement("th"), { scope: "row", textContent: p.name });
    tr.append(name, cell(exact(p.analytic), "num"),
      cell(exact(p.forward.numerical), "num"), cell(sci(p.forward.error), "num"), cell(verdictBadge(p.forward.verdict)),
      cell(exact(p.centred.numerical), "num"), cell(sci(p.centred.error), "num"), cell(verdictBadge(p.centred.verdict)));
    return tr;
  }));
}

export function summary(report) {
  const step = report.steps[0];
  return t("page.gc.summary", {
    h: sci(step.h), verdict: t(VERDICTS[step.centred_verdict]), error: sci(step.centred_error),
    forward: report.evaluations.forward, centred: report.evaluations.centred, f: exact(report.loss),
  });
}

const logRange = (lo, hi) => [Math.log10(lo), Math.log10(hi)];

// Worst relative error over the parameters against h, forward and centred, the best h of each
// starred, the round-off side (left) and the truncation side (right) labelled.
export function drawSweep(div, report) {
  const hs = report.steps.map((s) => s.h);
  const line = (key, error, best, dash) => {
    const y = report.steps.map((s) => Math.max(FLOOR, s[error] ?? 1));
    const i = report.steps.findIndex((s) => s[best]);
    const name = t(METHODS[key]);
    return [{
      type: "scatter", mode: "lines+markers", x: hs, y, name, meta: key,
      line: { color: PALETTE[key], width: 2, dash }, marker: { size: 5, color: PALETTE[key] },
      customdata: report.steps.map((s) => sci(s[error])),
      hovertemplate: `${name}<br>h = %{x:.1e}<br>${t("page.gc.rel_error")} = %{customdata}<extra></extra>`,
    }, {
      type: "scatter", mode: "markers", x: [hs[i]], y: [y[i]], meta: `${key}-best`, showlegend: true,
      name: t("page.gc.best_h_of", { method: name, h: sci(hs[i]) }),
      marker: { symbol: "star", size: 16, color: PALETTE[key], line: { color: "#000", width: 1 } }, hoverinfo: "skip",
    }];
  };
  const traces = [...line("forward", "forward_error", "best_forward", "dash"), ...line("centred", "centred_error", "best_centred", "solid")];
  const best = report.best_centred_h;
  const note = (text, x, anchor) => ({ text, x: Math.log10(x), y: 0.03, xref: "x", yref: "paper", xanchor: anchor, yanchor: "bottom", showarrow: false, font: { size: 12, color: "#333" }, bgcolor: "rgba(255,255,255,.8)" });
  return Plotly.react(div, traces, {
    title: title(t("page.gc.sweep_title")), margin: { ...MARGIN, t: 45, b: 50 },
    xaxis: { title: { text: t("page.gc.h_axis") }, type: "log", exponentformat: "power", range: logRange(hs[0] / 2, hs.at(-1) * 2) },
    yaxis: { title: { text: t("page.gc.error_axis") }, type: "log", exponentformat: "power" },
    shapes: [{ type: "line", xref: "x", yref: "paper", x0: best, x1: best, y0: 0, y1: 1, line: { color: PALETTE.centred, dash: "dot", width: 1 } }],
    annotations: [note(t("page.gc.roundoff"), hs[0], "left"), note(t("page.gc.truncation"), hs.at(-1), "right")],
    legend: { orientation: "h", y: -0.22 }, showlegend: true,
  }, config());
}

export function sweepSummary(report) {
  const best = report.steps.find((s) => s.best_centred), bestF = report.steps.find((s) => s.best_forward);
  return t("page.gc.sweep_summary", {
    h: sci(best.h), error: sci(best.centred_error), hf: sci(bestF.h), errorf: sci(bestF.forward_error),
  });
}

// Seconds against the number of parameters, numerical (centred) and analytic, log-log.
export function drawCost(div, points) {
  const n = points.map((p) => p.n);
  const trace = (key, field, evals) => ({
    type: "scatter", mode: "lines+markers", x: n, y: points.map((p) => Math.max(p[field], 1e-7)),
    name: t(COSTS[key]), line: { color: PALETTE[key === "numerical" ? "centred" : "forward"], width: 2 },
    customdata: points.map((p) => p[evals]), meta: key,
    hovertemplate: `n = %{x}<br>%{y:.3s}s · %{customdata} ${t("page.gc.cost_evals_unit")}<extra></extra>`,
  });
  return Plotly.react(div, [trace("numerical", "numerical_seconds", "numerical_evaluations"), trace("analytic", "analytic_seconds", "analytic_evaluations")], {
    title: title(t("page.gc.cost_title")), margin: { ...MARGIN, t: 45 },
    xaxis: { title: { text: t("page.gc.cost_n_axis") }, type: "log", exponentformat: "power" },
    yaxis: { title: { text: t("page.gc.cost_time_axis") }, type: "log", exponentformat: "power" },
    legend: { orientation: "h", y: -0.2 }, showlegend: true,
  }, config());
}

const seconds = (s) => (s < 1e-3 ? t("page.gc.microseconds", { value: fmt(s * 1e6, { maximumSignificantDigits: 3 }) })
  : t("page.gc.milliseconds", { value: fmt(s * 1e3, { maximumSignificantDigits: 3 }) }));

export function showCost(table, points) {
  table.tBodies[0].replaceChildren(...points.map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.n = String(p.n);
    const ratio = p.analytic_seconds > 0 ? fmt(p.numerical_seconds / p.analytic_seconds, { maximumSignificantDigits: 3 }) : "—";
    for (const text of [fmt(p.n), fmt(p.numerical_evaluations), fmt(p.analytic_evaluations), seconds(p.numerical_seconds), seconds(p.analytic_seconds), `${ratio}×`]) {
      tr.append(Object.assign(document.createElement("td"), { textContent: text }));
    }
    return tr;
  }));
}
