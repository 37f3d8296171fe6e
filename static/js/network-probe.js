// Asking the server about the network at a point, without flooding it: /network/probe for the
// decision regions and the accuracies, /network/unit for one sample's z, a and δ. One request
// of each kind in flight; newer wishes replace older ones; at most one probe per `interval` ms.

import { isAbort, postJSON } from "./api.js";
import { decodeArray, shapeOf } from "./typed.js";

// A probe reply as the page uses it: the grid of class probabilities (or null) and the numbers.
export function readProbe(reply) {
  const out = {
    train: reply.train_accuracy ?? null,
    test: reply.held_out_accuracy ?? null,
    testLoss: reply.held_out_loss ?? null,
    trainLoss: reply.train_loss ?? null,
    grid: null,
  };
  const regions = reply.regions;
  if (regions?.proba) {
    const [rows, cols, classes] = shapeOf(regions.proba);
    const raw = decodeArray(regions.proba);
    const scale = regions.scale ?? 1;
    const proba = scale === 1 ? raw : Float32Array.from(raw, (v) => v / scale);
    out.grid = { x: Array.from(decodeArray(regions.x)), y: Array.from(decodeArray(regions.y)), proba, rows, cols, classes };
  }
  return out;
}

export class Prober {
  // onProbe(step, result): a probe came back; onError(error).
  constructor({ onProbe, onError, interval = 300 }) {
    Object.assign(this, { onProbe, onError, interval });
    this.wish = null;
    this.busy = false;
    this.last = 0;
    this.timer = 0;
    this.controller = new AbortController();
    this.gen = 0;
  }

  // Probe `point` (at `step`) soon; a later call before it is sent replaces it.
  want(objective, point, step, resolution = 100) {
    this.wish = { objective, point, step, resolution, gen: this.gen };
    this.pump();
  }

  pump() {
    if (this.busy || !this.wish || this.timer) return;
    const wait = this.last + this.interval - performance.now();
    if (wait > 0) { this.timer = setTimeout(() => { this.timer = 0; this.pump(); }, wait); return; }
    const wish = this.wish;
    this.wish = null;
    this.busy = true;
    const body = { objective: wish.objective, point: wish.point, resolution: wish.resolution };
    postJSON("/api/v1/network/probe", body, { signal: this.controller.signal })
      .then((reply) => { if (wish.gen === this.gen) this.onProbe(wish.step, readProbe(reply), wish); })
      .catch((error) => { if (!isAbort(error) && wish.gen === this.gen) this.onError(error); })
      .finally(() => {
        if (wish.gen !== this.gen) return; // reset() has already let the next one go
        this.busy = false;
        this.last = performance.now();
        this.pump();
      });
  }

  // Forget every wish and drop the replies of requests in flight.
  reset() {
    this.gen += 1;
    this.wish = null;
    clearTimeout(this.timer);
    this.timer = 0;
    this.controller.abort();
    this.controller = new AbortController();
    this.busy = false;
  }

  destroy() {
    this.reset();
  }
}

// The latest-wins fetch of one sample's unit values.
export class UnitReader {
  constructor({ onValues, onError }) {
    Object.assign(this, { onValues, onError });
    this.wish = null;
    this.busy = false;
    this.controller = new AbortController();
  }

  want(objective, point, x, tag) {
    this.wish = { objective, point, x, tag };
    if (!this.busy) this.next();
  }

  next() {
    const wish = this.wish;
    if (!wish) return;
    this.wish = null;
    this.busy = true;
    const { signal } = this.controller;
    postJSON("/api/v1/network/unit", { objective: wish.objective, point: wish.point, x: wish.x }, { signal })
      .then((values) => this.onValues(values, wish.tag))
      .catch((error) => { if (!isAbort(error)) this.onError(error); })
      .finally(() => {
        if (signal.aborted) return; // reset() has already let the next one go
        this.busy = false;
        this.next();
      });
  }

  reset() {
    this.wish = null;
    this.controller.abort();
    this.controller = new AbortController();
    this.busy = false;
  }
}
