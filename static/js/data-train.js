// Training runs of the data view, streamed: one run (Train) or three from one start (full
// batch, mini-batch and B = 1). Frames are kept as they arrive and played back at a pace a
// person can follow; each animation frame extends the loss chart and the paths on the loss
// surface by just the records that became visible, then lets the view update the fit.

/* global Plotly */
import { Player } from "./playback.js";
import { streamRun } from "./stream.js";
import { visible } from "./trajectories.js";
import { TAGS, tagged } from "./data-plots.js";

const PLAY_SECONDS = 2.5; // a whole run plays in about this long, however many steps it has
// Each extension redraws its whole plot (the paths' the contour under them), so the plots grow
// at most this often (ms); the last records are always drawn at once.
const INTERVALS = { loss: 100, path: 400 };

export class Training {
  // plots: { loss, landscape }; draw(cursor): the view's own drawing after each frame;
  // streamed(): every stream has ended (summaries in); failed(error): a stream broke.
  constructor({ plots, draw, streamed, failed }) {
    Object.assign(this, { plots, onDraw: draw, streamed, failed });
    this.runs = [];
    this.drawn = [];
    this.pathDrawn = [];
    this.lastDraw = { loss: -Infinity, path: -Infinity };
    this.axes = [0, 1]; // the indices of the two parameters the surface shows
    this.controller = null;
    this.player = new Player({
      draw: () => this.draw(), limit: () => this.lastStep(), finished: () => this.streamsDone(),
    });
  }

  // The runs to come: [{ body, color, lossName, batchName, pathName, batched }]. The view
  // draws their (empty) traces, then start() streams them.
  prepare(runs) {
    this.stop();
    this.runs = runs.map((run) => ({ ...run, steps: [], points: [], loss: [], batch: [], summary: null, error: null }));
    this.drawn = this.runs.map(() => 0);
    this.pathDrawn = this.runs.map(() => 0);
  }

  async start() {
    const controller = new AbortController();
    this.controller = controller;
    this.player.cursor = 0;
    // A person who asks for less motion sees each run whole as soon as it has streamed.
    const seconds = matchMedia("(prefers-reduced-motion: reduce)").matches ? 0.01 : PLAY_SECONDS;
    this.player.speed = Math.max(20, Math.max(...this.runs.map((r) => r.body.steps)) / seconds);
    this.player.play(true);
    const live = () => this.controller === controller && !controller.signal.aborted;
    await Promise.all(this.runs.map((run) => streamRun(run.body, {
      signal: controller.signal,
      onFrame: (frame) => { if (live()) { addFrame(run, frame); this.player.request(); } },
    }).then((summary) => { run.summary = summary.trajectories[0]; })
      .catch((error) => { run.error = error; if (live()) this.failed(error); })));
    if (!live()) return;
    this.player.request();
    this.streamed();
  }

  stop() {
    this.controller?.abort();
    this.controller = null;
    this.player.playing = false;
  }

  destroy() {
    this.stop();
    this.player.stop();
  }

  get active() {
    return this.controller !== null && !this.streamsDone();
  }

  streamsDone() {
    return this.runs.length > 0 && this.runs.every((r) => r.summary || r.error);
  }

  lastStep() {
    return Math.max(0, ...this.runs.map((r) => r.steps.at(-1) ?? 0));
  }

  // Everything streamed and shown.
  get done() {
    return this.streamsDone() && this.player.cursor >= this.lastStep();
  }

  // Run k's last visible record: { step, point, loss } (null before its first frame).
  current(k) {
    const run = this.runs[k], n = this.drawn[k];
    if (!run || !n) return null;
    return { step: run.steps[n - 1], point: run.points[n - 1], loss: run.loss[n - 1] };
  }

  // The final point of run k, or null while it still streams.
  final(k = 0) {
    const run = this.runs[k];
    return run?.summary?.point ?? null;
  }

  // The paths as drawn so far, projected on the two chosen parameters.
  paths() {
    const [ix, iy] = this.axes;
    return this.runs.map((run, k) => {
      const points = run.points.slice(0, this.pathDrawn[k]);
      return { name: run.pathName, color: run.color, width: run.width, x: points.map((p) => p[ix]), y: points.map((p) => p[iy]) };
    });
  }

  setActive(on) {
    this.player.setActive(on);
  }

  // Draw everything again from the first record (after the plots were redrawn empty).
  redraw() {
    this.drawn = this.runs.map(() => 0);
    this.pathDrawn = this.runs.map(() => 0);
    this.draw({ force: true });
  }

  // Extend the loss chart, then the paths, by the records that became visible; each plot at
  // its own pace (a path redraws the contour under it), everything at once at the end.
  draw({ force = false } = {}) {
    const cursor = this.player.cursor, now = performance.now();
    const all = force || cursor >= this.lastStep();
    if ((all || now - this.lastDraw.loss >= INTERVALS.loss) && this.growLoss(cursor)) {
      this.lastDraw.loss = now;
      this.onDraw(cursor);
    }
    if ((all || now - this.lastDraw.path >= INTERVALS.path) && this.growPaths(cursor)) this.lastDraw.path = now;
  }

  growLoss(cursor) {
    const grow = { loss: { x: [], y: [] }, batch: { x: [], y: [] } };
    const which = { loss: [], batch: [] };
    let b = 0;
    this.runs.forEach((run, k) => {
      const n = visible(run, cursor), from = this.drawn[k];
      const batchIndex = run.batched ? b++ : -1;
      if (n <= from) return;
      const steps = run.steps.slice(from, n);
      which.loss.push(k); grow.loss.x.push(steps); grow.loss.y.push(run.loss.slice(from, n));
      if (batchIndex >= 0) {
        which.batch.push(batchIndex); grow.batch.x.push(steps); grow.batch.y.push(run.batch.slice(from, n));
      }
      this.drawn[k] = n;
    });
    extend(this.plots.loss, TAGS.loss, grow.loss, which.loss);
    extend(this.plots.loss, TAGS.batch, grow.batch, which.batch);
    return which.loss.length > 0;
  }

  growPaths(cursor) {
    const grow = { x: [], y: [] }, which = [];
    const [ix, iy] = this.axes;
    this.runs.forEach((run, k) => {
      const n = visible(run, cursor), from = this.pathDrawn[k];
      if (n <= from) return;
      const points = run.points.slice(from, n);
      which.push(k); grow.x.push(points.map((p) => p[ix])); grow.y.push(points.map((p) => p[iy]));
      this.pathDrawn[k] = n;
    });
    extend(this.plots.landscape, TAGS.path, grow, which);
    return which.length > 0;
  }
}

function extend(div, tag, values, indices) {
  if (!indices.length) return;
  const mine = tagged(div, tag);
  if (indices.some((i) => i >= mine.length)) return; // the plot is being drawn again
  Plotly.extendTraces(div, values, indices.map((i) => mine[i]));
}

function addFrame(run, frame) {
  frame.index.forEach((j, n) => {
    if (j !== 0) return; // one start per run
    run.steps.push(frame.step);
    run.points.push(frame.points[n]);
    run.loss.push(frame.loss[n]);
    run.batch.push(frame.batch_loss ? frame.batch_loss[n] : null);
  });
}
