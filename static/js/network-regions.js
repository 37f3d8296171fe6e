// The chart of the data under the network's decision regions (or, for a regression, its fitted
// curve), and the sample chosen on it: pointed at with the mouse (Plotly's hover with no
// distance limit picks the nearest). The chosen sample's units are read out by network-sample.js.

import { drawRegions } from "./network-charts.js";
import { forward, inputsFor } from "./network-forward.js";

export class RegionsChart {
  // div: the plot; sample: the SamplePanel; data(): the data drawn; onPick(): another sample
  // was chosen.
  constructor({ div, sample, data, onPick }) {
    Object.assign(this, { div, sample, data, onPick });
    this.grid = null; // the decision regions (or fitted curve) drawn
  }

  // Draw the data, the regions or fit (this.grid) and the chosen sample.
  async draw() {
    await drawRegions(this.div, this.data(), this.grid, this.sample.selected);
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
    if (!this.div.data.some((trace) => trace.meta === "net:selected")) this.draw().catch(() => {});
    this.onPick();
  }

  unbind() {
    delete this.div.dataset.hover;
  }
}
