// A gradient check of the whole network at its current point, grouped by layer with describe's
// groups: backprop's gradient against centred differences, one verdict per layer.

import { isAbort, postJSON } from "./api.js";
import { fmt, t } from "./i18n.js";
import { num } from "./network-svg.js";

// The layer of a parameter name: W3[1,2] and b3[1] are layer 3.
const layerOfName = (name) => Number(/^[Wb](\d+)\[/.exec(name)?.[1] ?? 0);

// Groups of parameter indices by layer (W^l and b^l together): describe's `groups`
// ({name, layer, start, stop}) when it has them, else the layer in each parameter's name.
export function layerGroups(info) {
  const groups = new Map();
  const add = (layer, name, indices) => {
    if (!groups.has(layer)) groups.set(layer, { layer, names: [], indices: [] });
    const group = groups.get(layer);
    if (name && !group.names.includes(name)) group.names.push(name);
    group.indices.push(...indices);
  };
  if (Array.isArray(info.groups) && info.groups.length) {
    for (const g of info.groups) add(g.layer ?? layerOfName(`${g.name}[`), g.name, range(g.start, g.stop));
  } else {
    info.names.forEach((name, i) => add(layerOfName(name), /^[Wb]\d+/.exec(name)?.[0], [i]));
  }
  return [...groups.values()].sort((a, b) => a.layer - b.layer);
}

const range = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);

const VERDICTS = { fine: "page.net.gc_fine", suspect: "page.net.gc_suspect", wrong: "page.net.gc_wrong" };

export function verdictOf(error) {
  if (error === null || !Number.isFinite(error)) return "wrong";
  return error < 1e-7 ? "fine" : error > 1e-2 ? "wrong" : "suspect";
}

const CHECK_WORK = 4.5e8; // under the server's default cap of 5 × 10⁸ (evaluations × cost)

// The data a check can afford: 2P + 1 evaluations of a loss over N samples cost about
// (2P + 1) · 0.75 N P; a big network is checked on fewer samples of the same generator.
function checkedObjective(objective, dim) {
  const n = objective.dataset.n;
  const fits = Math.floor(CHECK_WORK / ((2 * dim + 1) * 0.75 * dim));
  if (fits >= n) return { objective, n };
  const fewer = Math.max(10, fits);
  const { batch, ...whole } = objective; // the full loss is checked: no batches needed
  return { objective: { ...whole, dataset: { ...objective.dataset, n: fewer } }, n: fewer };
}

// The check at `point`, one row per layer. A layer's error compares its whole gradient,
// ‖a − n‖ / max(‖a‖, ‖n‖) over its W and b: one parameter whose gradient is almost 0 has a large
// relative error from round-off alone, so its own worst error is shown beside it, not judged.
export async function checkByLayer(objective, point, info, signal) {
  const checked = checkedObjective(objective, point.length);
  const reply = await postJSON("/api/v1/gradcheck", { objective: checked.objective, point, h: 1e-5 }, { signal });
  const step = reply.steps.find((s) => s.best_centred) ?? reply.steps[0];
  const byIndex = new Map(step.parameters.map((p) => [p.index, p]));
  const rows = layerGroups(info).map((group) => {
    let diff = 0, na = 0, nn = 0, worst = 0;
    for (const i of group.indices) {
      const p = byIndex.get(i);
      const a = p?.analytic ?? reply.analytic[i], n = p?.centred?.numerical;
      if (a === null || a === undefined || n === null || n === undefined) { diff = Infinity; continue; }
      diff += (a - n) ** 2;
      na += a * a;
      nn += n * n;
      worst = Math.max(worst, p.centred.error ?? Infinity);
    }
    const scale = Math.sqrt(Math.max(na, nn));
    const error = scale > 0 ? Math.sqrt(diff) / scale : diff === 0 ? 0 : Infinity;
    const size = Math.sqrt(na);
    return { layer: group.layer, names: group.names, count: group.indices.length, size, error, worst, verdict: verdictOf(error) };
  });
  return { rows, h: step.h, n: checked.n, fewer: checked.n < objective.dataset.n };
}

export function showCheck(table, check, depth) {
  const body = table.querySelector("tbody");
  body.replaceChildren(...check.rows.map((row) => {
    const tr = document.createElement("tr");
    tr.dataset.layer = String(row.layer);
    tr.dataset.verdict = row.verdict;
    const layer = row.layer === depth ? t("page.net.layer_n_output", { l: row.layer }) : t("page.net.layer_n", { l: row.layer });
    const name = t("page.net.gc_group", { layer, names: row.names.join(", ") });
    const verdict = Object.assign(document.createElement("span"), { className: `verdict verdict-${row.verdict}`, textContent: t(VERDICTS[row.verdict]) });
    const cells = [name, fmt(row.count), num(row.size), Number.isFinite(row.error) ? num(row.error) : "∞", Number.isFinite(row.worst) ? num(row.worst) : "∞"].map((text) => Object.assign(document.createElement("td"), { textContent: text }));
    const last = document.createElement("td");
    last.append(verdict);
    tr.append(...cells, last);
    return tr;
  }));
  table.hidden = false;
}

// The check tab: a button, a status line and the table; source() as for the landscape.
export class CheckPanel {
  constructor({ q, root, signal, source, stale }) {
    Object.assign(this, { q, root, signal, source, stale });
    this.check = null;
  }

  async run() {
    const s = this.source();
    const status = this.q("gc-status");
    if (!s) { status.textContent = t("page.net.need_run"); return; }
    status.textContent = t("page.net.gradcheck_busy");
    try {
      const check = await checkByLayer(s.objective, s.latest.point, s.info, this.signal);
      if (this.stale(s.gen)) return;
      this.check = { ...check, step: s.latest.step, depth: s.depth };
      this.show();
      this.root.dataset.checked = String(s.latest.step);
    } catch (error) {
      if (isAbort(error) || this.stale(s.gen)) return;
      status.textContent = error.message;
    }
  }

  show() {
    const check = this.check;
    if (!check) return;
    showCheck(this.q("gc-table"), check, check.depth);
    const rows = check.rows;
    const worst = rows.some((r) => r.verdict === "wrong") ? "wrong" : rows.some((r) => r.verdict === "suspect") ? "suspect" : "fine";
    const done = t("page.net.gradcheck_done", { step: check.step, h: check.h, verdict: t(VERDICTS[worst]) });
    this.q("gc-status").textContent = check.fewer ? `${done} ${t("page.net.gradcheck_fewer", { n: check.n })}` : done;
  }

  clear() {
    this.check = null;
    this.q("gc-table").hidden = true;
    this.q("gc-status").textContent = "";
  }
}
