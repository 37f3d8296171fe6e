// The Backprop view: a formula as a computational graph, walked through one gate at a time,
// the forward pass and then the backward pass, as in the notes. Its state (the formula, the
// inputs' values and the step) lives in the URL: #backprop?expr=(x%2By)*z&v.x=-2&v.y=5&v.z=-4&step=4

import { isAbort, postJSON } from "./api.js";
import { drawGraph, num, paint } from "./backprop-graph.js";
import { schedule, splitConstants, stateAt } from "./backprop-steps.js";
import { announce, showResults } from "./backprop-words.js";
import { FormulaBox } from "./formula-box.js";
import { t } from "./i18n.js";
import { toast } from "./toast.js";
import { readNumber } from "./url.js";
import { viewModule } from "./view.js";

const NEURON = { w0: 2, x0: -1, w1: -3, x1: -2, w2: -3 };
export const PRESETS = {
  gates: { expr: "(x+y)*z", values: { x: -2, y: 5, z: -4 }, note: "page.bp.note_gates" },
  neuron: { expr: "1/(1+exp(-(w0*x0+w1*x1+w2)))", values: NEURON, note: "page.bp.note_neuron" },
  sigmoid: { expr: "sigmoid(w0*x0+w1*x1+w2)", values: NEURON, note: "page.bp.note_sigmoid" },
};
const OWN = "own";
const TICK = 900; // ms per step when playing
const DEFAULT_VALUE = 1;
const PHASES = { inputs: "page.bp.phase_inputs", forward: "page.bp.phase_forward", backward: "page.bp.phase_backward" };

export const { mount, unmount, update, setActive, relabel } = viewModule(
  (root, ctx) => new BackpropView(root, ctx),
);

class BackpropView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.listeners = new AbortController();
    this.request = null;
    this.gen = 0;
    this.active = true;
    this.timer = 0;
    this.graph = null;
    this.steps = [];
    this.step = 0;
    this.values = {}; // every value typed so far, by variable name
    this.names = [];
    this.svg = this.q("graph");
  }

  q(role) {
    return this.root.querySelector(`[data-role="${role}"]`);
  }

  on(role, type, handler) {
    this.q(role).addEventListener(type, handler, { signal: this.listeners.signal });
  }

  async mount(params) {
    const signal = this.listeners.signal;
    this.box = new FormulaBox({
      input: this.q("expr"), error: this.q("expr-error"), signal,
      onValid: (info, text) => this.build(info, text, { step: 0, push: false }).catch(toast),
      onInvalid: () => this.setStale(true),
    });
    this.on("preset", "change", () => this.choosePreset(this.q("preset").value).catch(toast));
    this.on("values", "change", (event) => this.changeValue(event.target));
    this.on("step", "click", () => this.go(this.step + 1));
    this.on("back", "click", () => this.go(this.step - 1));
    this.on("reset", "click", () => { this.play(false); this.go(0); });
    this.on("play", "click", () => this.play(!this.timer));
    document.addEventListener("keydown", (event) => this.onKey(event), { signal });
    await this.apply(params, { initial: true });
  }

  destroy() {
    this.gen += 1;
    this.play(false);
    this.listeners.abort();
    this.request?.abort();
  }

  setActive(on) {
    this.active = on;
    if (!on) this.play(false);
  }

  // → steps, ← steps back, Space plays or pauses; keys typed into a field stay in the field.
  onKey(event) {
    if (!this.active || event.target.closest("input, select, textarea, button, summary")) return;
    const actions = {
      ArrowRight: () => this.go(this.step + 1), ArrowLeft: () => this.go(this.step - 1),
      " ": () => this.play(!this.timer),
    };
    if (!actions[event.key]) return;
    event.preventDefault();
    actions[event.key]();
  }

  // ---- state and the URL --------------------------------------------------------------

  async apply(params, { initial = false } = {}) {
    const preset = PRESETS.gates;
    const expr = (params.get("expr") ?? preset.expr).slice(0, 500);
    const values = { ...(params.has("expr") ? {} : preset.values) };
    for (const [key, text] of params) {
      if (key.startsWith("v.") && text !== "" && Number.isFinite(Number(text))) values[key.slice(2)] = Number(text);
    }
    Object.assign(this.values, values);
    const step = Math.round(readNumber(params, "step", 0, 0, 10000));
    const same = this.graph && this.graph.expression === expr
      && this.names.every((n) => this.graph.nodes.find((g) => g.label === n && g.op === "var")?.value === this.values[n]);
    if (same) this.go(step, { save: false });
    else await this.load(expr, step, { push: null });
    if (initial) this.save({ push: false });
  }

  save({ push = true } = {}) {
    if (!this.graph) return;
    const params = new URLSearchParams({ expr: this.graph.expression });
    for (const name of this.names) params.set(`v.${name}`, String(this.values[name]));
    if (this.step) params.set("step", String(this.step));
    this.ctx.save(params, { push });
  }

  // ---- the formula and its values -----------------------------------------------------

  async choosePreset(id) {
    this.showPreset(id);
    const preset = PRESETS[id];
    if (!preset) { this.q("expr").focus(); return; }
    Object.assign(this.values, preset.values);
    await this.load(preset.expr, 0, { push: true });
  }

  showPreset(id) {
    this.q("preset").value = id;
    const note = PRESETS[id]?.note;
    this.q("preset-note").textContent = note ? t(note) : t("page.bp.note_own");
  }

  // Check `expr`, then draw its graph at `step`.
  async load(expr, step, { push }) {
    const gen = ++this.gen;
    const info = await this.box.set(expr);
    if (gen !== this.gen) return;
    if (!info) { if (this.graph) this.setStale(true); else this.clear(); return; }
    await this.build(info, expr, { step, push, gen });
  }

  // A valid formula: one box per input, then the graph at its values.
  async build(info, expr, { step, push, gen = ++this.gen }) {
    this.setStale(false);
    this.names = info.names;
    for (const name of this.names) this.values[name] ??= DEFAULT_VALUE;
    this.showValueInputs();
    const preset = Object.entries(PRESETS).find(([, p]) => p.expr === expr)?.[0] ?? OWN;
    this.showPreset(preset);
    await this.fetchGraph(expr, gen, step, push);
  }

  showValueInputs() {
    const box = this.q("values");
    const shown = [...box.querySelectorAll("input")].map((i) => i.dataset.var);
    if (shown.join() !== this.names.join()) {
      box.replaceChildren(...this.names.map((name) => {
        const label = Object.assign(document.createElement("label"), { className: "bp-value-field" });
        const input = Object.assign(document.createElement("input"), { type: "number", step: "any" });
        input.dataset.var = name;
        label.append(Object.assign(document.createElement("span"), { textContent: name }), input);
        return label;
      }));
    }
    for (const input of box.querySelectorAll("input")) input.value = String(this.values[input.dataset.var]);
  }

  changeValue(input) {
    const value = Number(input.value);
    if (input.value === "" || !Number.isFinite(value)) { this.showValuesError(t("page.bp.value_bad", { name: input.dataset.var })); return; }
    this.values[input.dataset.var] = value;
    if (!this.graph) return;
    this.fetchGraph(this.graph.expression, ++this.gen, this.step, true).catch(toast);
  }

  showValuesError(message) {
    const box = this.q("values-error");
    box.hidden = !message;
    box.textContent = message ?? "";
  }

  async fetchGraph(expr, gen, step, push) {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    const values = Object.fromEntries(this.names.map((n) => [n, this.values[n]]));
    let graph;
    try {
      graph = await postJSON("/api/v1/graph", { expression: expr, values }, { signal: request.signal });
    } catch (error) {
      if (isAbort(error) || gen !== this.gen) return;
      this.showValuesError(error.message);
      throw error;
    }
    if (gen !== this.gen) return;
    this.showValuesError(null);
    this.graph = { ...splitConstants(graph), expression: expr };
    this.steps = schedule(this.graph);
    this.parts = drawGraph(this.svg, this.graph, this.words());
    this.go(step, { save: false });
    if (push !== null) this.save({ push });
    this.root.dataset.graph = String(gen); // tests and scripts can wait for this
  }

  words() {
    const inputs = this.names.map((n) => `${n} = ${num(this.values[n])}`).join(", ");
    return {
      title: t("page.bp.svg_title", { expr: this.graph?.expression ?? "" }),
      desc: t("page.bp.svg_desc", { gates: this.steps.filter((s) => s.phase === "forward").length, inputs }),
    };
  }

  // While the box holds a formula with a mistake, the last good graph stays, faded.
  setStale(on) {
    this.svg.closest("figure").classList.toggle("bp-stale", on);
    if (on) this.showPreset(OWN);
  }

  clear() {
    this.play(false);
    this.graph = null;
    this.steps = [];
    this.svg.replaceChildren();
    this.q("results").tBodies[0].replaceChildren();
    this.q("announce").textContent = "";
    this.showButtons();
  }

  // ---- stepping -----------------------------------------------------------------------

  get last() {
    return Math.max(0, this.steps.length - 1);
  }

  go(step, { save = true } = {}) {
    if (!this.graph) return;
    const next = Math.max(0, Math.min(this.last, step));
    const moved = next !== this.step;
    this.step = next;
    const state = stateAt(this.graph, this.steps, this.step);
    paint(this.parts, this.graph, state);
    showResults(this.q("results"), this.graph, this.names, state);
    this.q("announce").textContent = announce(this.graph, this.names, state);
    this.showButtons();
    this.root.dataset.step = String(this.step);
    this.root.dataset.phase = state.step.phase;
    if (this.step >= this.last) this.play(false);
    if (save && moved) this.save({ push: false });
  }

  play(on) {
    clearTimeout(this.timer);
    this.timer = 0;
    if (on && this.graph) {
      if (this.step >= this.last) this.go(0);
      const tick = () => { this.go(this.step + 1); if (this.step < this.last) this.timer = setTimeout(tick, TICK); else this.play(false); };
      this.timer = setTimeout(tick, TICK);
    }
    this.showButtons();
  }

  showButtons() {
    const ready = Boolean(this.graph);
    this.q("back").disabled = !ready || this.step === 0;
    this.q("step").disabled = !ready || this.step >= this.last;
    this.q("reset").disabled = !ready;
    this.q("play").disabled = !ready;
    this.q("play").textContent = t(this.timer ? "page.bp.pause" : "page.bp.play");
    this.q("progress").textContent = ready ? t("page.bp.progress", {
      step: this.step, total: this.last, phase: t(PHASES[this.steps[this.step].phase]),
    }) : "";
  }

  relabel() {
    const preset = this.q("preset").value;
    this.showPreset(preset);
    this.box.relabel();
    if (!this.graph) { this.showButtons(); return; }
    this.parts = drawGraph(this.svg, this.graph, this.words());
    this.go(this.step, { save: false });
  }
}
