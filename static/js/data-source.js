// The data a model learns from: a generated set of the catalogue with its parameters, or the
// student's own CSV file. The file stays in this browser tab (sessionStorage) and travels only
// inside the requests that train on it. Shared by the data view and the SVM view; each owns
// its controls (templates/views/data-source.html) and finds them by data-role.

import { getJSON } from "./api.js";
import { t } from "./i18n.js";

export const CSV = "csv";
const STORE = "gdviz.data.csv";
const MAX_BYTES = 4_000_000; // the API takes bodies up to 4 MiB; leave room for the rest
const PARAM_LABELS = {
  n: "page.data.param_n", noise: "page.data.param_noise", seed: "page.data.param_seed",
  classes: "page.data.param_classes",
};

let memoryFile = null; // when sessionStorage refuses (a private window, a full quota)

// The stored file: { name, text }, or null.
export function storedFile() {
  try {
    const text = sessionStorage.getItem(STORE);
    if (text) return JSON.parse(text);
  } catch { /* unreadable: as if there were none */ }
  return memoryFile;
}

function storeFile(file) {
  memoryFile = file;
  try { sessionStorage.setItem(STORE, JSON.stringify(file)); } catch { /* kept in memory only */ }
}

function forgetFile() {
  memoryFile = null;
  try { sessionStorage.removeItem(STORE); } catch { /* nothing stored */ }
}

// The column names of a CSV text's header row (the server reads the rest).
export function headerOf(text) {
  const line = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  return line.split(",").map((s) => s.trim().replace(/^"(.*)"$/, "$1")).filter(Boolean);
}

export class DataSource {
  // root: the view's root; classification: offer only sets with class labels;
  // onChange(): the data changed (a set, a parameter, a file or its target).
  constructor(root, { classification = false, onChange, onError, signal }) {
    Object.assign(this, { root, classification, onChange, onError });
    this.sets = new Map();
    this.values = {}; // the parameters of the shown set, as the URL or the form gave them
    this.q("set").addEventListener("change", () => { this.showSet(); this.onChange(); }, { signal });
    this.q("params").addEventListener("change", () => this.onChange(), { signal });
    this.q("target").addEventListener("change", () => this.onChange(), { signal });
    this.q("file").addEventListener("change", () => this.takeFile(this.q("file").files?.[0]), { signal });
    this.q("forget").addEventListener("click", () => this.forget(), { signal });
    // A file dropped anywhere on the view is taken, and never opened by the browser instead.
    const zone = this.q("drop");
    root.addEventListener("dragover", (event) => {
      if (!event.dataTransfer?.types?.includes("Files")) return;
      event.preventDefault();
      zone.classList.add("data-drop-over");
    }, { signal });
    root.addEventListener("dragleave", (event) => {
      if (!root.contains(event.relatedTarget)) zone.classList.remove("data-drop-over");
    }, { signal });
    root.addEventListener("drop", (event) => {
      if (!event.dataTransfer?.files?.length) return;
      event.preventDefault();
      zone.classList.remove("data-drop-over");
      this.takeFile(event.dataTransfer.files[0]);
    }, { signal });
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  // The catalogue in the page's language; the chosen set stays chosen.
  async load(signal) {
    const sets = await getJSON("/api/v1/datasets", { signal });
    const offered = sets.filter((s) => !this.classification || s.kind === "classification");
    this.sets = new Map(offered.map((s) => [s.name, s]));
    const chosen = this.q("set").value;
    const own = new Option(t("page.data.csv_option"), CSV);
    own.dataset.i18n = "page.data.csv_option";
    this.q("set").replaceChildren(...offered.map((s) => new Option(s.title, s.name)), own);
    if (chosen) this.q("set").value = chosen;
    if (this.q("set").value) this.showSet({ keep: true });
  }

  get defaultSet() {
    return this.classification ? "blobs" : "moons";
  }

  // The data's part of a view's state, read from the URL: { set, values, target }.
  readState(params) {
    const name = params.get("set");
    const set = name === CSV || this.sets.has(name) ? name : this.defaultSet;
    const values = {};
    for (const p of this.sets.get(set)?.params ?? []) {
      const text = params.get(p.name), v = Number(text);
      values[p.name] = text !== null && text !== "" && Number.isFinite(v) ? clamp(v, p) : p.default;
    }
    return { set, values, target: set === CSV ? params.get("target") || null : null };
  }

  // Into the URL: the set, the parameters away from their defaults, the CSV's target (its
  // text never goes into the URL).
  writeState(state, params) {
    params.set("set", state.set);
    for (const p of this.sets.get(state.set)?.params ?? []) {
      const v = state.values[p.name];
      if (v !== undefined && v !== p.default) params.set(p.name, String(v));
    }
    if (state.set === CSV && state.target) params.set("target", state.target);
  }

  write(state) {
    this.q("set").value = state.set;
    this.values = { ...state.values };
    this.showSet({ keep: true });
    if (state.set === CSV && state.target && [...this.q("target").options].some((o) => o.value === state.target)) {
      this.q("target").value = state.target;
    }
  }

  read() {
    const set = this.q("set").value;
    const values = {};
    for (const p of this.sets.get(set)?.params ?? []) {
      const input = this.q("params").querySelector(`[data-param="${p.name}"]`);
      const v = Number(input?.value);
      values[p.name] = input?.value !== "" && Number.isFinite(v) ? clamp(v, p) : p.default;
      if (input) input.value = String(values[p.name]);
    }
    this.values = values;
    return { set, values, target: set === CSV ? this.q("target").value || null : null };
  }

  // The data set of the API for a state; a CSV that is not in this tab any more says so.
  spec(state) {
    if (state.set === CSV) {
      const file = storedFile();
      if (!file) throw new Error(t("page.data.csv_missing"));
      const columns = headerOf(file.text);
      const target = columns.includes(state.target) ? state.target : columns.at(-1);
      return { csv: file.text, target: target ?? "" };
    }
    const spec = { name: state.set };
    for (const p of this.sets.get(state.set)?.params ?? []) spec[p.name] = state.values[p.name] ?? p.default;
    return spec;
  }

  // The shown set's parameters (built from the catalogue), its description, or the CSV part.
  showSet({ keep = false } = {}) {
    const name = this.q("set").value;
    const own = name === CSV;
    this.q("csv-field").hidden = !own;
    this.q("params").hidden = own;
    const info = this.sets.get(name);
    this.q("description").textContent = own ? t("page.data.csv_hint") : info?.description ?? "";
    if (!keep) this.values = {};
    this.q("params").replaceChildren(...(info?.params ?? []).map((p) => this.paramField(p)));
    if (own) this.showFile();
  }

  paramField(p) {
    const label = document.createElement("label");
    const text = Object.assign(document.createElement("span"), { textContent: t(PARAM_LABELS[p.name] ?? p.name) });
    if (PARAM_LABELS[p.name]) text.dataset.i18n = PARAM_LABELS[p.name];
    const input = Object.assign(document.createElement("input"), {
      type: "number", min: String(p.low), max: String(p.high), step: p.integer ? "1" : "any",
      value: String(this.values[p.name] ?? p.default), title: p.description,
    });
    input.dataset.param = p.name;
    label.append(text, " ", input);
    return label;
  }

  // The stored file's name and its columns as the target's choices (default the last).
  showFile() {
    const file = storedFile();
    this.q("file-name").textContent = file ? t("page.data.csv_file", { name: file.name }) : t("page.data.csv_none");
    this.q("forget").hidden = !file;
    const columns = file ? headerOf(file.text) : [];
    const chosen = this.q("target").value;
    this.q("target").replaceChildren(...columns.map((c) => new Option(c, c)));
    this.q("target").value = columns.includes(chosen) ? chosen : columns.at(-1) ?? "";
    this.q("target").disabled = !columns.length;
  }

  async takeFile(file) {
    if (!file) return;
    this.q("file").value = "";
    if (file.size > MAX_BYTES) {
      this.onError(new Error(t("page.data.csv_too_big", { size: file.size, limit: MAX_BYTES })));
      return;
    }
    storeFile({ name: file.name, text: await file.text() });
    this.q("set").value = CSV;
    this.q("target").value = "";
    this.showSet();
    this.onChange();
  }

  forget() {
    forgetFile();
    this.q("set").value = this.defaultSet;
    this.showSet();
    this.onChange();
  }
}

function clamp(v, p) {
  const x = Math.min(p.high, Math.max(p.low, v));
  return p.integer ? Math.round(x) : x;
}
