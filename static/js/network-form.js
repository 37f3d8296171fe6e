// The network view's controls: filled from the catalogues, written from a state, read back
// into one (snapped into range), and the hidden-layer editor (add, remove, units, activation).

import { fmt, t } from "./i18n.js";
import { ACTIVATIONS, DEFAULTS, MAX_COUNT, MAX_LAYERS, MAX_UNITS } from "./network-state.js";

const INIT_FORMULAS = {
  zeros: "W = 0, b = 0",
  xavier: "W ~ U(−a, a), a = √(6 / (fan_in + fan_out)), b = 0",
  he: "W ~ N(0, 2 / fan_in), b = 0",
  gaussian: "W ~ N(0, std²), b = 0",
};

export class NetworkForm {
  constructor(root, onLayers) {
    this.root = root;
    this.onLayers = onLayers; // called after a layer is added, removed or changed
    this.datasets = new Map();
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  fill(datasets, optimizers) {
    this.datasets = new Map(datasets.map((d) => [d.name, d]));
    const select = this.q("dataset"), chosen = select.value;
    select.replaceChildren(...datasets.map((d) => new Option(d.title, d.name)));
    if (chosen) select.value = chosen;
    const opt = this.q("optimizer"), picked = opt.value;
    opt.replaceChildren(...optimizers.map((o) => new Option(o.title, o.name)));
    if (picked) opt.value = picked;
  }

  write(s) {
    const set = (role, value) => { this.q(role).value = value === null || value === undefined ? "" : String(value); };
    const info = this.datasets.get(s.ds);
    set("dataset", s.ds);
    set("n", s.n);
    set("noise", s.noise);
    set("data-seed", s.dseed);
    set("classes", s.classes);
    set("output", s.out);
    set("loss", s.loss);
    set("l2", s.l2);
    set("optimizer", s.opt);
    set("lr", s.lr);
    set("steps", s.steps);
    set("batch", s.batch || "");
    set("init", s.init);
    set("std", s.std);
    set("count", s.count);
    set("init-seed", s.iseed);
    set("bias", s.bias);
    this.writeLayers(s.hidden, s.act);
    this.showDataset(info);
    this.showInit();
  }

  // The controls as a state; `base` supplies what the controls do not hold (lesson, tabs, ...).
  read(base) {
    const value = (role) => this.q(role).value.trim();
    const number = (role, lo, hi, fallback, whole = false) => {
      const v = value(role) === "" ? NaN : Number(value(role));
      if (!Number.isFinite(v)) return fallback;
      const clamped = Math.min(hi, Math.max(lo, v));
      return whole ? Math.round(clamped) : clamped;
    };
    const ds = this.q("dataset").value;
    const layers = this.readLayers();
    const changedData = ds !== base.ds;
    return {
      ...base,
      ds,
      n: number("n", 10, 10000, DEFAULTS.n, true),
      noise: changedData ? null : number("noise", 0, 2, null),
      dseed: number("data-seed", 0, 2 ** 32 - 1, DEFAULTS.dseed, true),
      classes: changedData || this.q("classes-field").hidden ? null : number("classes", 2, 10, null, true),
      hidden: layers.map((l) => l.units),
      act: layers.map((l) => l.activation),
      out: this.q("output").value,
      loss: this.q("loss").value,
      l2: number("l2", 0, 100, DEFAULTS.l2),
      opt: this.q("optimizer").value,
      lr: number("lr", 1e-8, 100, DEFAULTS.lr),
      steps: number("steps", 1, 10000, DEFAULTS.steps, true),
      batch: number("batch", 0, 10000, 0, true),
      init: this.q("init").value,
      std: number("std", 0, 100, DEFAULTS.std),
      count: number("count", 1, MAX_COUNT, DEFAULTS.count, true),
      iseed: number("init-seed", 0, 2 ** 32 - 1, DEFAULTS.iseed, true),
      bias: number("bias", -50, 50, null),
    };
  }

  // ---- the hidden layers ----------------------------------------------------------------

  writeLayers(hidden, act) {
    const list = this.q("layers");
    list.replaceChildren(...hidden.map((units, i) => this.layerRow(i, units, act[i])));
    this.q("add-layer").disabled = hidden.length >= MAX_LAYERS;
  }

  layerRow(i, units, activation) {
    const li = document.createElement("li");
    li.className = "net-layer";
    li.dataset.layer = String(i + 1);
    const name = Object.assign(document.createElement("span"), { className: "net-layer-name" });
    name.textContent = t("page.net.layer_n", { l: i + 1 });
    const count = Object.assign(document.createElement("input"), { type: "number", min: 1, max: MAX_UNITS, step: 1, value: units });
    count.dataset.role = "units";
    count.setAttribute("aria-label", t("page.net.units_label", { l: i + 1 }));
    count.title = t("page.net.units_title", { max: MAX_UNITS });
    const select = document.createElement("select");
    select.dataset.role = "activation";
    select.setAttribute("aria-label", t("page.net.activation_label", { l: i + 1 }));
    select.append(...ACTIVATIONS.map((a) => new Option(a, a)));
    select.value = activation;
    const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "×" });
    remove.dataset.role = "remove-layer";
    remove.title = t("page.net.remove_layer_title", { l: i + 1 });
    remove.setAttribute("aria-label", remove.title);
    remove.addEventListener("click", () => { li.remove(); this.renumber(); this.onLayers(); });
    count.addEventListener("change", () => this.onLayers());
    select.addEventListener("change", () => this.onLayers());
    li.append(name, count, select, remove);
    return li;
  }

  readLayers() {
    return [...this.q("layers").querySelectorAll("li")].map((li) => {
      const units = Math.round(Number(li.querySelector("[data-role=units]").value));
      return {
        units: Number.isFinite(units) ? Math.min(MAX_UNITS, Math.max(1, units)) : 16,
        activation: li.querySelector("[data-role=activation]").value,
      };
    });
  }

  addLayer() {
    const layers = this.readLayers();
    if (layers.length >= MAX_LAYERS) return;
    const last = layers.at(-1) ?? { units: 16, activation: DEFAULTS.act[0] };
    this.q("layers").append(this.layerRow(layers.length, last.units, last.activation));
    this.renumber();
    this.onLayers();
  }

  renumber() {
    const rows = [...this.q("layers").querySelectorAll("li")];
    rows.forEach((li, i) => {
      li.dataset.layer = String(i + 1);
      li.querySelector(".net-layer-name").textContent = t("page.net.layer_n", { l: i + 1 });
      li.querySelector("[data-role=units]").setAttribute("aria-label", t("page.net.units_label", { l: i + 1 }));
      li.querySelector("[data-role=units]").title = t("page.net.units_title", { max: MAX_UNITS });
      li.querySelector("[data-role=activation]").setAttribute("aria-label", t("page.net.activation_label", { l: i + 1 }));
      const remove = li.querySelector("[data-role=remove-layer]");
      remove.title = t("page.net.remove_layer_title", { l: i + 1 });
      remove.setAttribute("aria-label", remove.title);
    });
    this.q("add-layer").disabled = rows.length >= MAX_LAYERS;
  }

  // ---- what the fields mean ---------------------------------------------------------------

  showDataset(info) {
    if (!info) return;
    const param = (name) => info.params.find((p) => p.name === name);
    this.q("dataset-about").textContent = info.description;
    this.q("noise").placeholder = fmt(param("noise")?.default ?? 0);
    const classes = param("classes");
    this.q("classes-field").hidden = !classes;
    if (classes) {
      this.q("classes").placeholder = fmt(classes.default);
      this.q("classes").max = String(classes.high);
    }
  }

  showInit() {
    const kind = this.q("init").value;
    this.q("std-field").hidden = kind !== "gaussian";
    this.q("init-formula").textContent = INIT_FORMULAS[kind] ?? "";
  }

  // "2–16–16–1: 337 parameters", once the network's size is known, and the most steps the
  // server's default work limit (10⁸: networks × steps × cost) allows for it.
  showShape(sizes, dim, cost, count) {
    const most = Math.max(1, Math.floor(1e8 / (count * cost)));
    const shape = t("page.net.shape", { sizes: sizes.join("–"), dim });
    this.q("shape").textContent = most < 10000 ? `${shape} ${t("page.net.steps_limit", { most })}` : shape;
    this.q("steps").max = String(Math.min(10000, most));
  }

  relabel() {
    this.renumber();
    this.showDataset(this.datasets.get(this.q("dataset").value));
  }
}
