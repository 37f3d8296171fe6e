// The probe history of the network shown (run A's, the picked one of its starts): what
// /network/probe said at each recorded step, kept for the accuracy curves and the metrics. The
// latest point is probed as frames stream in (network-probe.js keeps the server from flooding);
// after a run, evenly spaced steps are backfilled with tiny grids, so the curves are whole.

import { postJSON } from "./api.js";
import { Prober, readProbe } from "./network-probe.js";

const BACKFILL = 24; // probes after a run, so the accuracy curves have points all along

export class ProbeHistory {
  // onProbe(step, result): a probe of the latest point came back (and is kept); onError(error).
  constructor({ onProbe, onError }) {
    this.probes = new Map(); // step -> probe summary
    this.prober = new Prober({ onProbe: (step, result) => { this.probes.set(step, result); onProbe(step, result); }, onError });
  }

  // Another network, or a new problem: forget every probe, drop the replies in flight.
  reset() {
    this.prober.reset();
    this.probes = new Map();
  }

  destroy() {
    this.prober.destroy();
  }

  // Probe the latest record ({ point, step }, or null for none) soon.
  want(objective, latest) {
    if (latest) this.prober.want(objective, latest.point, latest.step);
  }

  // Probe evenly spaced recorded steps of `traj` not yet probed. Returns false when stale()
  // turned true on the way (the caller no longer shows this run).
  async backfill(objective, traj, { signal, stale }) {
    const n = traj.steps.length, m = Math.min(BACKFILL, n);
    const picks = new Set(Array.from({ length: m }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, m - 1))));
    for (const i of picks) {
      if (this.probes.has(traj.steps[i])) continue;
      const body = { objective, point: traj.points[i], resolution: 2 };
      const reply = await postJSON("/api/v1/network/probe", body, { signal });
      if (stale()) return false;
      this.probes.set(traj.steps[i], { ...readProbe(reply), grid: null });
    }
    return true;
  }
}
