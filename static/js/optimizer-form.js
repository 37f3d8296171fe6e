// The optimizer part of the descent view's form: the rule, its learning rate (typed, or set
// with a log slider), its torch hyperparameters and update equations, and the optional race.

import { DEFAULTS, LR_RANGE, RACE_DEFAULT } from "./descent-state.js";
import { hyperField, readHyper, relabelHyper, writeHyper } from "./hyper.js";
import { t } from "./i18n.js";
import { color } from "./plots.js";

const clampRate = (lr) => Math.min(LR_RANGE[1], Math.max(LR_RANGE[0], lr));

export class OptimizerForm {
  // q(role): a control of the view; optimizers: the server's catalogue, in its order.
  constructor(q, optimizers) {
    this.q = q;
    this.lr = DEFAULTS.lr; // exact: the slider's steps only position it, never round it
    this.optimizers = new Map(optimizers.map((o) => [o.name, o]));
    this.q("optimizer").replaceChildren(...optimizers.map((o) => new Option(o.title, o.name)));
    this.q("race-list").replaceChildren(...optimizers.map((o, i) => {
      const label = document.createElement("label");
      const box = Object.assign(document.createElement("input"), { type: "checkbox", value: o.name });
      // The racer's colour in a swatch; its name stays in ink, readable whatever the colour.
      const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
      swatch.style.background = color(i);
      label.append(box, swatch, o.title);
      return label;
    }));
  }

  // { opt, lr, hyper, race } as descent-state.js reads and writes it.
  set({ opt, lr, hyper, race }) {
    this.q("optimizer").value = opt;
    this.showRule(hyper);
    this.setLearningRate(lr);
    this.q("race").checked = race !== null;
    this.showRace();
    const ticked = new Set(race ?? RACE_DEFAULT);
    for (const box of this.q("race-list").querySelectorAll("input")) box.checked = ticked.has(box.value);
  }

  get() {
    return { opt: this.q("optimizer").value, lr: this.learningRate(), hyper: readHyper(this.q("hyper")), race: this.raceNames() };
  }

  defaults() {
    return this.optimizers.get(this.q("optimizer").value).defaults;
  }

  learningRate() {
    return this.lr;
  }

  // A rate from the URL or typed is kept as it is; the slider moves to the nearest of its steps.
  setLearningRate(lr) {
    this.lr = clampRate(lr);
    this.q("lr").value = String(Math.log10(this.lr));
    this.showLearningRate();
  }

  // The slider dragged: the rate is where it points, to 3 significant digits.
  slid() {
    this.lr = clampRate(Number((10 ** Number(this.q("lr").value)).toPrecision(3)));
    this.showLearningRate();
  }

  // The rate typed: kept exactly (within range); text that is no positive number is undone.
  typed() {
    const lr = Number(this.q("lr-value").value);
    if (this.q("lr-value").value.trim() !== "" && Number.isFinite(lr) && lr > 0) this.setLearningRate(lr);
    else this.showLearningRate();
  }

  showLearningRate() {
    this.q("lr-value").value = String(this.lr);
    this.q("lr").setAttribute("aria-valuetext", String(this.lr)); // the rate, not its log10
  }

  showRace() {
    this.q("race-list").hidden = !this.q("race").checked;
  }

  raceNames() {
    if (!this.q("race").checked) return null;
    return [...this.q("race-list").querySelectorAll("input:checked")].map((b) => b.value);
  }

  // The rule's hyperparameters (torch defaults, overridden by `values`) and its equations.
  showRule(values) {
    const info = this.optimizers.get(this.q("optimizer").value);
    // One block per line, so that a long line wraps under itself with a hanging indent.
    const lines = [info.torch_name, "", ...info.equations.split("\n")];
    this.q("equations").replaceChildren(...lines.map((line) => Object.assign(
      document.createElement("span"), { className: "equation-line", textContent: line || "\u00a0" })));
    const fields = Object.entries(info.defaults).filter(([name]) => name !== "lr");
    this.q("hyper").replaceChildren(...fields.map(([name, value]) => hyperField(name, value)));
    writeHyper(this.q("hyper"), values);
  }

  // One spec per run: the chosen rule with its form, or each raced rule with torch defaults.
  specs() {
    const lr = this.learningRate();
    const names = this.raceNames();
    if (names === null) return [{ name: this.q("optimizer").value, lr, ...readHyper(this.q("hyper")) }];
    if (!names.length) throw new Error(t("page.race_none"));
    return names.map((name) => ({ name, lr }));
  }

  // Race colours follow the catalogue's order, so a rule keeps its colour across races.
  raceColor(name) {
    return this.raceNames() === null ? null : color([...this.optimizers.keys()].indexOf(name));
  }

  title(name) {
    return this.optimizers.get(name).title;
  }

  relabel() {
    relabelHyper(this.q("hyper"));
  }
}
