// The model's fit over the data, following a run: the fitted line (computed here, at every
// drawn frame) or the decision regions (from POST /api/v1/predict: one request at a time, at
// most every INTERVAL ms, always ending with the last point), and the training accuracy.
// It changes only its own trace of the data plot, so the samples are never drawn again.

/* global Plotly */
import { isAbort, postJSON } from "./api.js";
import { accuracy, unpack } from "./data-model.js";
import { fitTrace, regionsTrace, TAGS, tagged } from "./data-plots.js";

const INTERVAL = 200;
const RESOLUTION = 80;

export class Fit {
  // problem: { sample, info, box, twoD }; objective: the model (no mini-batches);
  // redraw(): draw the whole data plot (the first time a trace appears);
  // changed(): the fit or the accuracy moved; failed(error): a request broke.
  constructor({ div, problem, model, objective, signal, redraw, changed, failed }) {
    Object.assign(this, { div, problem, model, objective, signal, redraw, changed, failed });
    this.regions = null; // the regions trace shown
    this.line = null; // the fitted line's trace shown
    this.step = null; // the step the fit shows
    this.accuracy = null;
    this.inflight = false;
    this.asked = null;
    this.last = -Infinity;
    this.timer = 0;
    this.want = null;
    this.stopped = false;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  // now: { step, point } of the run's last drawn record.
  follow(now) {
    const { sample, info } = this.problem;
    if (sample.kind === "classification") {
      this.accuracy = accuracy(this.model, unpack(info.names, now.point), sample.X, sample.y);
    }
    if (this.problem.twoD) this.ask(now);
    else {
      if (sample.kind === "regression") this.showLine(now.point);
      this.step = now.step;
    }
    this.changed();
  }

  // Has the fit caught up with `step`?
  shows(step) {
    return this.step === step;
  }

  ask(now) {
    this.want = now;
    if (this.stopped || this.inflight || this.timer || this.asked === now.step) return;
    const wait = this.last + INTERVAL - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => { this.timer = 0; this.ask(this.want); }, wait);
      return;
    }
    this.inflight = true;
    this.asked = now.step;
    this.last = performance.now();
    const body = { objective: this.objective, point: now.point, resolution: RESOLUTION, box: this.problem.box.slice(0, 2) };
    postJSON("/api/v1/predict", body, { signal: this.signal })
      .then((reply) => {
        if (this.stopped) return;
        this.regions = regionsTrace(reply);
        this.step = now.step;
        this.showRegions();
      })
      .catch((error) => { if (!this.stopped && !isAbort(error)) this.failed(error); })
      .finally(() => {
        this.inflight = false;
        if (this.stopped) return;
        if (this.want.step !== this.step) this.ask(this.want);
        this.changed();
      });
  }

  // New regions over the same samples: only the heatmap's values change.
  showRegions() {
    const [index] = tagged(this.div, TAGS.regions);
    if (index === undefined) this.redraw();
    else Plotly.restyle(this.div, { z: [this.regions.z] }, [index]);
    this.div.dataset.fitStep = String(this.step);
  }

  // The fitted line (or the predictions) at a new point: only that trace changes.
  showLine(point) {
    const { sample, info, box } = this.problem;
    this.line = fitTrace(sample, unpack(info.names, point), box);
    const [index] = tagged(this.div, TAGS.fit);
    if (index === undefined) this.redraw();
    else Plotly.restyle(this.div, { x: [this.line.x], y: [this.line.y] }, [index]);
  }
}
