// "Your own function" in the descent view: the last entry of the surface picker opens a
// formula box, checked as the student types; a valid formula of two variables is handed to
// the view (use), any other count of variables is explained, and examples fill the box.

import { t } from "./i18n.js";
import { dimensionNote } from "./descent-objective.js";
import { FormulaBox } from "./formula-box.js";

export const EXPRESSION = "expression"; // the picker's value for "Your own function"
export const EXAMPLE = "x^2 + 3*sin(y)"; // what the box holds when first opened

export class DescentFormula {
  // q(role): a control of the view; use(info, text, { push }) plots and runs a valid formula;
  // blocked(on): runs are impossible while the box holds no formula of two variables.
  constructor({ q, signal, use, blocked }) {
    Object.assign(this, { q, use, blocked });
    this.info = null;
    this.box = new FormulaBox({
      input: q("expr"), error: q("expr-error"), signal,
      onValid: (info, text) => this.accept(info, text, { push: false }),
      onInvalid: () => this.reject(),
    });
    q("expr-examples").addEventListener("click", (event) => {
      const button = event.target.closest("[data-expr]");
      if (button) this.open(button.dataset.expr, { push: true });
    }, { signal });
    this.option = new Option(t("page.expr.option"), EXPRESSION);
    q("surface").append(this.option);
  }

  get shown() {
    return !this.q("expr-box").hidden;
  }

  show(on) {
    this.q("expr-box").hidden = !on;
    if (on) this.q("surface").value = EXPRESSION;
    else { this.note(null); this.blocked(false); }
  }

  // Open the box with `text` (the current text or the example when none is given) and check it.
  async open(text = this.box.text || EXAMPLE, { push = true, starts = [] } = {}) {
    this.show(true);
    const info = await this.box.set(text);
    if (!info) { this.reject(); return; }
    await this.accept(info, text, { push, starts });
  }

  // A valid formula: plotted when it has two variables, else explained.
  accept(info, text, options) {
    if (!this.shown) return undefined;
    const planar = info.dim === 2 && Boolean(info.domain);
    this.note(planar ? null : info);
    this.blocked(!planar);
    return planar ? this.use(info, text, options) : undefined;
  }

  reject() {
    if (!this.shown) return;
    this.note(null);
    this.blocked(true);
  }

  note(info) {
    this.info = info;
    const note = this.q("expr-note");
    note.hidden = !info;
    note.textContent = info ? dimensionNote(info) : "";
  }

  // The server's sentences and titles come back in the new language; the rest is ours.
  async relabel() {
    this.option.text = t("page.expr.option");
    if (this.info) this.note(this.info);
    if (!this.shown) return null;
    return this.box.relabel();
  }
}
