// The runs of the descent view: streams in, playback up to a cursor, and what the student
// reads about them (progress and outcomes). It knows the view only through its root's
// controls (progress, pause, outcomes) and the trajectory layer it draws on.

import { postJSON } from "./api.js";
import { fmt, t } from "./i18n.js";
import { showOutcomes, showPlaceholder } from "./outcomes.js";
import { Player } from "./playback.js";
import { streamRun } from "./stream.js";
import { toast } from "./toast.js";
import { lastStep, nextStep, trajColor } from "./trajectories.js";

export class Runs {
  // q(role): a control of the view; layer: the TrajectoryLayer the runs are drawn on.
  constructor({ root, q, layer }) {
    Object.assign(this, { root, q, layer });
    this.runs = [];
    this.controller = null;
    this.player = new Player({
      draw: () => this.draw(), limit: () => lastStep(this.runs), finished: () => this.finished(),
    });
  }

  get any() {
    return this.runs.length > 0;
  }

  // runs: [{ label, color, body }], one stream each; plays at once when `play`.
  async start(runs, play) {
    this.reset();
    const controller = new AbortController();
    this.controller = controller;
    this.runs = runs.map((run) => ({
      ...run, summary: null, error: null,
      trajs: run.body.starts.map(() => ({ steps: [], points: [], loss: [], grad: [] })),
    }));
    this.layer.show(this.runs);
    this.player.cursor = 0;
    this.player.play(play);
    const live = () => this.controller === controller && !controller.signal.aborted;
    await Promise.all(this.runs.map((run) => {
      const onFrame = (frame) => { if (live()) { addFrame(run, frame); this.player.request(); } };
      return streamRun(run.body, { onFrame, signal: controller.signal })
        .then((summary) => { if (live()) { run.summary = summary.trajectories; this.player.request(); } })
        .catch((error) => {
          if (!live()) return;
          run.error = error;
          this.player.request();
          toast(error);
        });
    }));
  }

  reset() {
    this.controller?.abort(); // frames of a stream we left are never drawn
    this.controller = null;
    this.runs = [];
    this.player.playing = false;
    this.player.cursor = 0;
    this.layer.clear();
    showPlaceholder(this.q("outcomes"), t("page.outcomes.none"));
    this.showProgress();
  }

  destroy() {
    this.controller?.abort();
    this.player.stop();
  }

  togglePause() {
    if (!this.any) return;
    this.player.play(!this.player.playing);
    this.showProgress();
  }

  // Step shows the next recorded step: with long runs the page records every k-th step.
  step() {
    this.player.playing = false;
    this.player.seek(nextStep(this.runs, this.player.cursor));
  }

  finished() {
    return this.any && this.runs.every((r) => r.summary || r.error);
  }

  draw() {
    this.layer.render(this.player.cursor);
    this.showProgress();
    this.showOutcomes();
  }

  // "Step n of N": once everything is shown, N and n are the steps each trajectory took by
  // its summary, so a run that diverged at step 1 reads "Step 1 of 1", as its sentence does.
  showProgress() {
    const { runs, player } = this;
    const streaming = runs.filter((r) => !r.summary && !r.error).length;
    const last = lastStep(runs);
    const done = runs.length > 0 && !streaming && player.cursor >= last;
    let total = last;
    if (done) for (const r of runs) for (const s of r.summary ?? []) total = Math.max(total, s.steps_taken);
    const parts = [t("page.progress", { step: done ? total : Math.floor(player.cursor), total })];
    if (streaming) parts.push(t("page.progress.streaming", { n: streaming }));
    if (done) parts.push(t("page.progress.finished"));
    else if (runs.length && !player.playing) parts.push(t("page.progress.paused"));
    this.q("progress").textContent = parts.join(" · ");
    this.q("pause").disabled = done || !runs.length;
    this.q("pause").textContent = t(player.playing || !runs.length ? "page.pause" : "page.resume");
    this.root.dataset.progress = done ? "finished" : runs.length ? "running" : "idle";
  }

  showOutcomes() {
    if (!this.any) return;
    const race = this.runs.length > 1;
    const rows = this.runs.flatMap((run) => run.trajs.map((traj, j) => {
      const end = run.summary?.[j];
      const point = traj.points[0]?.map((v) => fmt(v, { maximumSignificantDigits: 3 })).join(", ") ?? "…";
      const start = t("page.outcome.start", { n: j + 1, point });
      const who = race ? t("page.outcome.race", { optimizer: run.label, start }) : start;
      let className = "", message = t("page.outcome.running");
      if (end && this.player.cursor >= (traj.steps.at(-1) ?? 0)) { className = `status-${end.status}`; message = end.message; }
      else if (run.error) { className = "status-diverged"; message = run.error.message; }
      return { color: trajColor(run, j), className, text: t("page.outcome.line", { who, message }) };
    }));
    showOutcomes(this.q("outcomes"), rows);
  }

  relabel() {
    if (!this.any) { showPlaceholder(this.q("outcomes"), t("page.outcomes.none")); this.showProgress(); return; }
    this.layer.relabel();
    this.draw();
    this.retell().catch(toast);
  }

  // The server's sentences of finished runs, asked again in the new language (a run is a
  // pure function of its request, so the same request tells the same story).
  async retell() {
    const controller = this.controller;
    const told = this.runs.filter((run) => run.summary);
    if (!controller || !told.length) return;
    await Promise.all(told.map(async (run) => {
      const body = { ...run.body, every: run.body.steps, include_grad: false };
      const reply = await postJSON("/api/v1/runs", body, { signal: controller.signal });
      if (this.controller !== controller) return;
      reply.trajectories.forEach((traj, j) => { if (run.summary[j]) run.summary[j].message = traj.message; });
    }));
    this.player.request();
  }
}

function addFrame(run, frame) {
  frame.index.forEach((j, n) => {
    const traj = run.trajs[j];
    traj.steps.push(frame.step);
    traj.points.push(frame.points[n]);
    traj.loss.push(frame.loss[n]);
    if (frame.grad) traj.grad.push(frame.grad[n]);
  });
}
