// One training run of the network view: a stream of frames kept per trajectory, which can be
// paused (the stream is dropped) and resumed (the server replays the run from the request and
// sends only the frames after the last step received).

import { isAbort } from "./api.js";
import { streamRun } from "./stream.js";

const DIAGNOSTICS = ["activation_norm", "delta_norm", "grad_norm"];

function emptyTrajectory() {
  return {
    steps: [], loss: [], batchLoss: [], points: [],
    diagnostics: Object.fromEntries(DIAGNOSTICS.map((name) => [name, []])), // [record][layer]
  };
}

export class TrainingRun {
  // body: the /runs/stream request; count: its trajectories; onChange(run): after every frame,
  // pause, end or error.
  constructor(body, count, onChange) {
    Object.assign(this, { body, onChange });
    this.trajs = Array.from({ length: count }, emptyTrajectory);
    this.summary = null;
    this.error = null;
    this.lastStep = null;
    this.controller = null;
    this.state = "idle"; // idle | running | paused | finished | failed
  }

  get running() {
    return this.state === "running";
  }

  get finished() {
    return this.state === "finished";
  }

  // Start, or resume after the last step received.
  async start() {
    if (this.state === "running" || this.state === "finished") return;
    const controller = new AbortController();
    this.controller = controller;
    this.state = "running";
    this.onChange(this);
    const onFrame = (frame) => { if (this.controller === controller) this.add(frame); };
    try {
      const summary = await streamRun(this.body, { onFrame, signal: controller.signal, after: this.lastStep });
      if (this.controller !== controller) return;
      this.summary = summary.trajectories;
      this.state = "finished";
    } catch (error) {
      if (this.controller !== controller || isAbort(error)) return;
      this.error = error;
      this.state = "failed";
    }
    this.controller = null;
    this.onChange(this);
  }

  pause() {
    if (this.state !== "running") return;
    this.controller?.abort();
    this.controller = null;
    this.state = "paused";
    this.onChange(this);
  }

  stop() {
    this.controller?.abort();
    this.controller = null;
  }

  add(frame) {
    frame.index.forEach((k, n) => {
      const traj = this.trajs[k];
      if (!traj) return;
      traj.steps.push(frame.step);
      traj.loss.push(frame.loss[n]);
      traj.points.push(frame.points[n]);
      if (frame.batch_loss) traj.batchLoss.push(frame.batch_loss[n]);
      for (const name of DIAGNOSTICS) {
        const values = frame.diagnostics?.[name]?.[n];
        if (values) traj.diagnostics[name].push(values);
      }
    });
    this.lastStep = frame.step;
    this.onChange(this);
  }

  // The latest record of trajectory k: { step, point, loss }, or null before the first frame.
  latest(k) {
    const traj = this.trajs[k];
    if (!traj?.steps.length) return null;
    const i = traj.steps.length - 1;
    return { step: traj.steps[i], point: traj.points[i], loss: traj.loss[i] };
  }
}
