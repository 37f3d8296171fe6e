// Export: the current view's charts as PNG and SVG (Plotly's own toImage, in the browser; each
// chart's camera button in the mode bar does PNG too), a run's trajectories as CSV and JSON
// (asked again of POST /api/v1/runs, so the numbers are the API's), and the link to the state.
// A view offers runs by exporting exportRuns() -> { names, runs: [{ label, body, file? }],
// weights? } or null: `names` are the parameters (describe's), `file` names a run's download,
// and `weights: "final"` (a network's thousands of weights) keeps only each trajectory's last
// point in the CSV.

/* global Plotly */
import { isAbort, postJSON } from "./api.js";
import { t } from "./i18n.js";
import { copyText, modal, shareUrl } from "./share.js";
import { toast } from "./toast.js";

const PNG_SCALE = 2; // sharp on a projector and in slides

// A field of a CSV line, quoted when it must be (a parameter name such as W[0,1]).
const field = (value) => {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

// The optimizer's settings given one per start ("lr": [0.01, 0.1]; "betas": [[0.9, 0.999], ...]):
// [[name, values]], each a column of the CSV.
function perStart(optimizer, count) {
  return Object.entries(optimizer ?? {}).filter(([name, value]) => (
    Array.isArray(value) && value.length === count && (name !== "betas" || Array.isArray(value[0]))
  ));
}

// One row per recorded point: trajectory, its own settings (when they differ per start), step,
// one column per parameter, loss; with weights "final", trajectory, step, loss and the
// parameters, filled on each trajectory's last row only. A loss that overflowed is empty. Numbers
// are written as JavaScript prints them, the shortest text that reads back as the same double.
export function trajectoriesCsv(names, reply, { request = {}, weights = "all" } = {}) {
  const settings = perStart(request.optimizer, reply.trajectories.length);
  const final = weights === "final";
  const own = settings.map(([name]) => name);
  const head = ["trajectory", ...own, "step", ...(final ? ["loss", ...names] : [...names, "loss"])];
  const lines = [head.map(field).join(",")];
  reply.trajectories.forEach((traj, k) => {
    const mine = settings.map(([, values]) => [values[k]].flat().join(" "));
    const last = traj.steps.length - 1;
    traj.steps.forEach((step, i) => {
      const loss = traj.loss[i] ?? "";
      const point = final && i !== last ? names.map(() => "") : traj.points[i];
      const row = final ? [k + 1, ...mine, step, loss, ...point] : [k + 1, ...mine, step, ...point, loss];
      lines.push(row.map(field).join(","));
    });
  });
  return `${lines.join("\r\n")}\r\n`;
}

function download(blob, filename, near) {
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: filename });
  link.hidden = true;
  near.append(link); // inside the open dialog: the page behind a modal dialog is inert
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

// Plotly's toImage gives a data: URL (base64 for PNG, percent-encoded text for SVG).
function dataUrlBlob(url) {
  const [head, body] = [url.slice(0, url.indexOf(",")), url.slice(url.indexOf(",") + 1)];
  const type = head.slice(5).split(";")[0];
  if (!head.endsWith(";base64")) return new Blob([decodeURIComponent(body)], { type });
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type });
}

const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "chart";

class ExportPanel {
  // current(): { name, root, module } of the view shown.
  constructor({ current }) {
    this.current = current;
    this.dialog = document.querySelector("[data-export-dialog]");
    this.opener = document.querySelector("[data-role=export-open]");
    this.controller = null;
    this.charts = [];
    this.runs = null;
  }

  q(role) {
    return this.dialog.querySelector(`[data-role="${role}"]`);
  }

  start() {
    modal(this.dialog, this.opener, { onOpen: () => this.fill(), onClose: () => this.controller?.abort() });
    this.q("export-charts").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-format]");
      if (button) this.saveChart(Number(button.dataset.chart), button.dataset.format).catch((e) => this.fail(e));
    });
    this.q("export-runs").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-format]");
      if (button) this.saveRun(Number(button.dataset.run), button.dataset.format, button).catch((e) => this.fail(e));
    });
    this.q("export-copy-link").addEventListener("click", () => copyText(shareUrl(), this.q("export-copied")).catch(toast));
  }

  // What the view shows now: its drawn, visible charts and its runs.
  fill() {
    const { name, root, module } = this.current();
    this.view = name;
    this.controller = new AbortController();
    for (const role of ["export-copied", "export-status"]) this.q(role).textContent = "";
    this.charts = [...(root?.querySelectorAll(".js-plotly-plot") ?? [])]
      .filter((div) => div.data?.length && div.getClientRects().length);
    this.q("export-charts").replaceChildren(...this.charts.map((div, i) => this.chartItem(div, i)));
    this.q("export-no-charts").hidden = this.charts.length > 0;
    const offers = typeof module?.exportRuns === "function";
    this.runs = offers ? module.exportRuns() : null;
    this.q("export-runs-section").hidden = !offers;
    const runs = this.runs?.runs ?? [];
    this.q("export-runs").replaceChildren(...runs.map((run, i) => this.runItem(run, i, runs.length > 1)));
    this.q("export-no-runs").hidden = runs.length > 0;
  }

  chartName(div) {
    return div.getAttribute("aria-label") || div.layout?.title?.text || div.dataset.role || "chart";
  }

  chartItem(div, i) {
    const name = this.chartName(div);
    const item = document.createElement("li");
    const label = Object.assign(document.createElement("span"), { className: "export-name", textContent: name });
    const buttons = [
      ["png", t("page.export.png", { name })], ["svg", t("page.export.svg", { name })],
    ].map(([format, aria]) => {
      const button = Object.assign(document.createElement("button"), { type: "button", textContent: format.toUpperCase() });
      Object.assign(button.dataset, { chart: String(i), format });
      button.setAttribute("aria-label", aria);
      return button;
    });
    item.append(label, ...buttons);
    return item;
  }

  runItem(run, i, labelled) {
    const name = labelled ? run.label : t("page.export.trajectories");
    const item = document.createElement("li");
    const label = Object.assign(document.createElement("span"), { className: "export-name", textContent: name });
    const buttons = ["csv", "json"].map((format) => {
      const button = Object.assign(document.createElement("button"), { type: "button", textContent: format.toUpperCase() });
      Object.assign(button.dataset, { run: String(i), format });
      button.setAttribute("aria-label", t(format === "csv" ? "page.export.csv" : "page.export.json", { name }));
      return button;
    });
    item.append(label, ...buttons);
    return item;
  }

  async saveChart(i, format) {
    const div = this.charts[i];
    const role = div.dataset.role || `chart-${i + 1}`;
    const url = await Plotly.toImage(div, {
      format, width: div.clientWidth, height: div.clientHeight, scale: format === "png" ? PNG_SCALE : 1,
    });
    download(dataUrlBlob(url), `gdviz-${this.view}-${slug(role)}.${format}`, this.dialog);
  }

  // The run asked again, as lists: the same request gives the same numbers. The JSON holds
  // that request, so a script can post it again.
  async saveRun(i, format, button) {
    const run = this.runs.runs[i];
    const status = this.q("export-status");
    status.textContent = t("page.export.fetching");
    button.disabled = true;
    try {
      const request = { ...run.body, format: "lists" };
      const reply = await postJSON("/api/v1/runs", request, { signal: this.controller.signal });
      const several = this.runs.runs.length > 1;
      const name = run.file ?? (several ? run.body.optimizer?.name ?? `run-${i + 1}` : "trajectories");
      const base = `gdviz-${this.view}-${slug(name)}`;
      const options = { request, weights: this.runs.weights };
      const blob = format === "csv"
        ? new Blob([trajectoriesCsv(this.runs.names, reply, options)], { type: "text/csv" })
        : new Blob([JSON.stringify({ request, ...reply }, null, 1)], { type: "application/json" });
      download(blob, `${base}.${format}`, this.dialog);
      status.textContent = "";
    } finally {
      button.disabled = false;
    }
  }

  fail(error) {
    if (isAbort(error)) return;
    this.q("export-status").textContent = error?.message ?? String(error);
  }
}

export function startExport(options) {
  new ExportPanel(options).start();
}
