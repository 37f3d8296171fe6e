// The SVM walkthrough on the page: one sample's scores and margins, which margins are active
// (the indicator 1(s_j − s_y + Δ > 0)), the rows of W its gradient touches (row j gets +x for
// each active margin, row y gets −(count)·x) and the gradient check beside it, all from
// POST /api/v1/svm/sample. Rows and cells carry data-* attributes saying what they show.

import { fmt, t } from "./i18n.js";
import { classColor } from "./data-plots.js";

const VERDICTS = { fine: "page.svm.verdict_fine", suspect: "page.svm.verdict_suspect", wrong: "page.svm.verdict_wrong" };

const num = (v) => (v === null || v === undefined ? "—" : fmt(v, { maximumSignificantDigits: 4 }));
const sci = (v) => {
  if (v === null || v === undefined) return "—";
  return v === 0 ? "0" : fmt(v, { notation: "scientific", maximumSignificantDigits: 2 });
};
const vector = (xs) => `(${xs.map(num).join(", ")})`;

function cell(tag, text, className = "") {
  return Object.assign(document.createElement(tag), { textContent: text, className });
}

function swatch(k) {
  const dot = Object.assign(document.createElement("span"), { className: "swatch" });
  dot.style.background = classColor(k);
  return dot;
}

// What sample `r` teaches: r is the server's report.
export function showWalk(q, r) {
  const count = r.active.filter(Boolean).length;
  q("heading").textContent = t("page.svm.heading", { i: r.index, x: vector(r.x), y: r.y });
  q("scores").tBodies[0].replaceChildren(...r.scores.map((s, j) => scoreRow(r, j, s, count)));
  const terms = r.margins.flatMap((m, j) => (j === r.y ? [] : [`max(0, ${num(m)})`])).join(" + ");
  q("loss").textContent = t("page.svm.loss_line", { i: r.index, terms: terms || "0", loss: num(r.loss) });
  const touched = q("touched");
  const rows = r.rows_touched;
  touched.dataset.rows = rows.join(",");
  touched.textContent = rows.length
    ? t("page.svm.touched", { rows: rows.join(", "), y: r.y, count })
    : t("page.svm.touched_none", { i: r.index });
  q("grad").replaceChildren(gradTable(r));
  showCheck(q, r);
}

function scoreRow(r, j, s, count) {
  const tr = document.createElement("tr");
  const correct = j === r.y;
  tr.dataset.class = String(j);
  tr.dataset.active = String(Boolean(r.active[j]));
  tr.dataset.touched = String(r.rows_touched.includes(j));
  if (correct) tr.className = "svm-correct";
  else if (r.active[j]) tr.className = "svm-active";
  const name = cell("th", ` ${t(correct ? "page.svm.class_correct" : "page.svm.class_other", { j })}`);
  name.scope = "row";
  name.prepend(swatch(j));
  const margin = correct ? cell("td", "—", "num") : cell("td", num(r.margins[j]), "num");
  const indicator = correct ? "—" : r.active[j] ? "1" : "0";
  let effect;
  if (correct) effect = count ? t("page.svm.row_correct", { count }) : t("page.svm.row_none");
  else effect = r.active[j] ? t("page.svm.row_active") : t("page.svm.row_none");
  const row = cell("td", effect);
  row.dataset.role = "effect";
  tr.append(name, cell("td", num(s), "num"), margin, cell("td", indicator, "num svm-indicator"), row);
  return tr;
}

// dW and db of the one-sample loss, a row per class; the rows it touches stand out.
function gradTable(r) {
  const table = Object.assign(document.createElement("table"), { className: "rates svm-dw" });
  const head = document.createElement("tr");
  head.append(cell("th", t("page.svm.col_dw_row")), ...r.x.map((_, d) => cell("th", `dW[k,${d}]`)), cell("th", "db[k]"));
  const body = r.dW.map((row, k) => {
    const tr = document.createElement("tr");
    tr.dataset.class = String(k);
    tr.dataset.touched = String(r.rows_touched.includes(k));
    tr.dataset.values = JSON.stringify(row);
    if (r.rows_touched.includes(k)) tr.className = "svm-touched";
    const name = cell("th", ` ${t("page.svm.row_k", { k })}`);
    name.scope = "row";
    name.prepend(swatch(k));
    tr.append(name, ...row.map((v) => cell("td", num(v), `num ${sign(v)}`)), cell("td", num(r.db[k]), `num ${sign(r.db[k])}`));
    return tr;
  });
  const thead = document.createElement("thead");
  thead.append(head);
  const tbody = document.createElement("tbody");
  tbody.append(...body);
  table.append(thead, tbody);
  return table;
}

const sign = (v) => (v > 0 ? "svm-plus" : v < 0 ? "svm-minus" : "svm-zero");

function chip(verdict) {
  const span = cell("span", t(VERDICTS[verdict]), `svm-chip svm-chip-${verdict}`);
  span.dataset.verdict = verdict;
  return span;
}

// The analytic gradient of the sample's loss against the centred difference, per parameter.
function showCheck(q, r) {
  q("check").tBodies[0].replaceChildren(...r.gradcheck.map((g) => {
    const tr = document.createElement("tr");
    tr.dataset.param = g.name;
    tr.dataset.verdict = g.verdict;
    const verdict = document.createElement("td");
    verdict.append(chip(g.verdict));
    tr.append(cell("th", g.name), cell("td", num(g.analytic), "num"), cell("td", num(g.numerical), "num"),
      cell("td", sci(g.rel_error), "num"), verdict);
    return tr;
  }));
  const box = q("verdict");
  box.dataset.verdict = r.verdict;
  box.replaceChildren(chip(r.verdict), " ", t("page.svm.verdict_all", { n: r.gradcheck.length, h: sci(r.h) }));
}

export function clearWalk(q) {
  q("heading").textContent = "";
  q("scores").tBodies[0].replaceChildren();
  q("check").tBodies[0].replaceChildren();
  for (const role of ["loss", "touched", "verdict"]) q(role).textContent = "";
  q("grad").replaceChildren();
  delete q("verdict").dataset.verdict;
}
