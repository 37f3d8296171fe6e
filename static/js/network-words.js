// The network view's words about a run: the metrics bar (step, losses, accuracies), the status
// line and Pause/Resume, and the picker of the network shown. Each number also sits in a
// data-value attribute, so a test can read what the student reads.

import { fmt, t } from "./i18n.js";
import { num } from "./network-svg.js";

const STATUS = {
  idle: "page.net.status_idle", running: "page.net.status_running", paused: "page.net.status_paused",
  finished: "page.net.status_finished", failed: "page.net.status_failed",
};

const percent = (v) => (v === null || v === undefined ? "—" : fmt(v, { style: "percent", maximumFractionDigits: 1 }));

// latest: { step, loss } of the shown network, or null; probes: Map step -> probe summary.
export function showMetrics(box, latest, probes, classify) {
  const last = [...probes.keys()].sort((a, b) => a - b).at(-1);
  const probe = last === undefined ? null : probes.get(last);
  const items = [
    ["step", t("page.net.metric_step", { step: latest?.step ?? 0 }), latest?.step],
    ["train-loss", t("page.net.metric_loss", { value: num(latest?.loss) }), latest?.loss],
  ];
  if (classify) {
    items.push(["train-acc", t("page.net.metric_train_acc", { value: percent(probe?.train) }), probe?.train]);
    items.push(["test-acc", t("page.net.metric_test_acc", { value: percent(probe?.test) }), probe?.test]);
  }
  items.push(["test-loss", t("page.net.metric_test_loss", { value: num(probe?.testLoss) }), probe?.testLoss]);
  box.replaceChildren(...items.map(([role, text, value], n) => {
    const span = Object.assign(document.createElement("span"), { textContent: text });
    span.dataset.role = role;
    span.dataset.value = value === null || value === undefined ? "" : String(value);
    if (n >= 2 && probe) span.dataset.step = String(last); // the probe's numbers, of this step
    if (n < 2 && latest) span.dataset.step = String(latest.step);
    return span;
  }));
}

// idle, running, paused, finished or failed, for all the view's runs together.
export function progressOf(runs) {
  const states = runs.map((r) => r.state);
  if (!runs.length) return "idle";
  if (states.includes("failed")) return "failed";
  if (states.every((s) => s === "finished")) return "finished";
  return states.includes("running") ? "running" : "paused";
}

export function showProgress(q, root, runs, steps) {
  const status = progressOf(runs);
  const run = runs[0];
  q("status").textContent = t(STATUS[status], { step: run?.lastStep ?? 0, steps: run?.body.steps ?? steps });
  root.dataset.progress = status;
  const pause = q("pause");
  pause.disabled = !run || status === "finished" || status === "failed";
  pause.textContent = t(status === "paused" ? "page.resume" : "page.pause");
}

export function showShownPicker(q, count, shown) {
  q("shown-field").hidden = count < 2;
  q("shown").replaceChildren(...Array.from({ length: count }, (_, k) => new Option(t("page.net.start_n", { k: k + 1 }), String(k))));
  q("shown").value = String(shown);
}
