// The chart of the data under the network's decision regions (or, for a regression, its fitted
// curve), and the sample chosen on it: pointed at with the mouse (Plotly's hover with no
// distance limit picks the nearest) or chosen by its number in the sample box, whose arrow
// keys step through the samples. The chosen sample's units are read out by network-sample.js.

import { drawRegions } from "./network-charts.js";
import { forward, inputsFor } from "./network-forward.js";

export class RegionsChart {
  // div: the plot; input: the sample box; sample: the SamplePanel; data(): the data drawn;
  // onPick(): another sample was chosen; signal: ends the box's listener.
  constructor({ div, input, sample, data, onPick, signal }) {
    Object.assign(this, { div, input, sample, data, onPick });
    this.grid = null; // the decision regions (or fitted curve) drawn
    input.addEventListener("input", () => this.typed(), { signal });
  }

  // Draw the data, the regions or fit (this.grid) and the chosen sample.
  async draw() {
    const data = this.data();
    this.input.max = String(data.X.length);
    if (!this.sample.selected) this.input.value = ""; // a new problem: nothing chosen
    await drawRegions(this.div, data, this.grid, this.sample.selected);
    if (!this.div.dataset.hover) { // Plotly's own events, bound once its plot exists (purge unbinds)
      this.div.on("plotly_hover", (event) => this.pointed(event));
      this.div.dataset.hover = "bound";
    }
  }

  // A regression set's fitted curve, computed in the page from the weights (one feature) of a
  // network { sizes, act, output }.
  fit(point, { sizes, act, output }) {
    const xs = inputsFor(this.data().X);
    this.grid = { x: xs, yhat: forward(point, sizes, act, output, xs) };
    return this.draw();
  }

  pointed(event) {
    if (!this.sample.pick(event, this.data(), this.div)) return;
    this.chosen();
  }

  // The sample box: its number (1 to N) chooses that sample; anything else is left alone.
  typed() {
    const index = Number(this.input.value) - 1, n = this.data()?.X.length ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= n) return;
    if (this.sample.choose(index, this.data(), this.div)) this.chosen();
  }

  chosen() {
    this.input.value = String(this.sample.selected.index + 1);
    if (!this.div.data.some((trace) => trace.meta === "net:selected")) this.draw().catch(() => {});
    this.onPick();
  }

  unbind() {
    delete this.div.dataset.hover;
  }
}
