// One sample through the network: the pointer on the decision regions picks the nearest data
// point (Plotly's hover with no distance limit), /network/unit gives every unit's z, a and δ for
// it, the drawn units are tinted by a, and the unit under the pointer (or with the keyboard's
// focus) is read out in words.

/* global Plotly */
import { t } from "./i18n.js";
import { UnitReader } from "./network-probe.js";
import { num, unitName } from "./network-svg.js";

export class SamplePanel {
  // figure: the NetworkFigure; box: the readout element; onError(error).
  constructor({ figure, box, onError }) {
    Object.assign(this, { figure, box });
    this.unit = null; // { layer, unit } under the pointer
    this.reader = new UnitReader({ onValues: (values, tag) => this.got(values, tag), onError });
    this.clear();
  }

  // A new problem or run: nothing chosen.
  clear() {
    this.reader.reset();
    this.selected = null; // { index, x, y }
    this.values = null; // /network/unit's reply for it, with index and step
    this.wanted = null;
    this.figure.setSample(null);
    this.show();
  }

  // plotly_hover on the regions plot: the data point nearest the pointer. Returns whether it
  // is a new one (the caller then asks for its values at the current point).
  pick(event, data, div) {
    const point = event.points?.find((p) => Number.isInteger(p.customdata));
    return point ? this.choose(point.customdata, data, div) : false;
  }

  // Sample `index` of `data` (pointed at, or typed into the sample box), marked on the plot
  // `div`. Returns whether it is a new one.
  choose(index, data, div) {
    if (this.selected?.index === index) return false;
    this.selected = { index, x: data.X[index], y: data.y[index] };
    const at = data.kind === "classification" ? this.selected.x[1] : this.selected.y;
    const marker = div.data.findIndex((trace) => trace.meta === "net:selected");
    if (marker >= 0) Plotly.restyle(div, { x: [[this.selected.x[0]]], y: [[at]] }, [marker]).catch(() => {});
    return true;
  }

  // Ask for the chosen sample's values at `point` (step `step`); tag replies with `gen`.
  want(objective, point, step, gen) {
    if (!this.selected) return;
    this.wanted = { index: this.selected.index, step, gen };
    this.reader.want(objective, point, this.selected.x, this.wanted);
  }

  got(values, tag) {
    if (tag.gen !== this.wanted?.gen || tag.index !== this.selected?.index) return; // an older question
    this.values = { ...values, index: tag.index, step: tag.step };
    this.figure.setSample(values);
    this.show();
  }

  // The unit under the pointer ({ layer, unit } or null).
  point(unit) {
    this.unit = unit;
    this.figure.highlight(unit);
    this.show();
  }

  show() {
    const u = this.unit, v = this.values;
    if (!u) {
      this.box.textContent = v ? t("page.net.unit_pick", { index: v.index + 1 }) : t("page.net.unit_hint");
      delete this.box.dataset.layer;
      return;
    }
    const lines = [unitName(this.figure.sizes, u.layer, u.unit)];
    if (v && u.layer === 0) lines.push(t("page.net.unit_x", { value: num(v.x[u.unit]) }));
    if (v && u.layer > 0) {
      const [z, a, delta] = [v.z, v.a, v.delta].map((rows) => num(rows[u.layer - 1][u.unit]));
      lines.push(t("page.net.unit_values", { z, a, delta }));
      lines.push(t("page.net.unit_sample", { index: v.index + 1, x: v.x.map(num).join(", "), y: num(v.y), step: v.step }));
    }
    if (!v) lines.push(t("page.net.unit_hint"));
    const w = u.layer > 0 ? this.figure.unitWeights(u.layer, u.unit) : null;
    if (w) lines.push(t("page.net.unit_weights", { w: w.w.map(num).join(", "), b: num(w.b) }));
    this.box.replaceChildren(...lines.map((text) => Object.assign(document.createElement("div"), { textContent: text })));
    this.box.dataset.layer = String(u.layer);
    this.box.dataset.unit = String(u.unit);
  }
}
