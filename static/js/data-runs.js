// What the data view runs and says about it: the request of each run (one for Train; full
// batch, mini-batch and B = 1 from one start for the comparison), the landscape under them,
// and the sentences (the server's outcome, the accuracy, how noisy each loss was).

import { postJSON } from "./api.js";
import { fmt, t } from "./i18n.js";
import { percent, RUN_COLORS } from "./data-plots.js";
import { compareBatch, objectiveOf } from "./data-state.js";

const TOL = 1e-6;
const MAX_FRAMES = 1000; // records per run; longer runs record every k-th step
const LANDSCAPE_WORK = 2e7; // resolution² × the objective's cost, well inside the API's cap

export function runBody(state, dataset, dim, batch) {
  const steps = state.steps;
  return {
    objective: objectiveOf(state, dataset, batch), optimizer: { name: state.opt, lr: state.lr },
    starts: [new Array(dim).fill(0)], steps, every: Math.max(1, Math.ceil(steps / MAX_FRAMES)), tol: TOL,
  };
}

// The runs of a tab: [{ body, color, batched, label, file }] with the names the plots show
// (`file` names an exported run's download).
export function runsFor(tab, state, dataset, dim) {
  if (tab === "train") {
    return [{ body: runBody(state, dataset, dim, state.batch), color: RUN_COLORS[0], batched: Boolean(state.batch), label: null }];
  }
  const B = compareBatch(state);
  return [
    // The smooth full-batch path is drawn widest, so the noisy ones over it leave it in view.
    { body: runBody(state, dataset, dim, null), color: RUN_COLORS[0], width: 4, batched: false, label: ["page.data.run_full", {}], file: "full-batch" },
    { body: runBody(state, dataset, dim, B), color: RUN_COLORS[1], width: 2, batched: true, label: ["page.data.run_mini", { B }], file: `mini-batch-${B}` },
    { body: runBody(state, dataset, dim, 1), color: RUN_COLORS[2], width: 1.2, batched: true, label: ["page.data.run_one", {}], file: "batch-1" },
  ];
}

// The names a run's traces carry, in the page's language.
export function nameRun(run) {
  if (!run.label) {
    return { ...run, lossName: t("page.data.loss_full"), batchName: t("page.data.loss_batch"), pathName: t("page.data.path") };
  }
  const who = t(...run.label);
  return {
    ...run, who, lossName: t("page.data.loss_full_of", { run: who }), batchName: t("page.data.loss_batch_of", { run: who }),
    pathName: who,
  };
}

// The landscape's box: every recorded point of every run on the two axes, and a margin.
export function rangesOf(runs, [ix, iy]) {
  return [ix, iy].map((i) => {
    let lo = Infinity, hi = -Infinity;
    for (const run of runs) for (const p of run.points) { if (p[i] < lo) lo = p[i]; if (p[i] > hi) hi = p[i]; }
    if (!Number.isFinite(lo)) { lo = -1; hi = 1; }
    const span = Math.max(hi - lo, 1);
    return [lo - 0.25 * span, hi + 0.25 * span];
  });
}

export function landscapeBody(objective, info, axes, point, ranges) {
  const resolution = Math.max(16, Math.min(64, Math.floor(Math.sqrt(LANDSCAPE_WORK / (info.cost || 1)))));
  const { batch, ...full } = objective; // the surface is the loss on all the data
  return { objective: full, params: axes, point, ranges, resolution };
}

// The mean step-to-step change of a series: how noisy a loss curve is.
export function roughness(values) {
  let sum = 0, n = 0;
  for (let i = 1; i < values.length; i += 1) {
    const d = Math.abs(values[i] - values[i - 1]);
    if (Number.isFinite(d)) { sum += d; n += 1; }
  }
  return n ? sum / n : 0;
}

// The comparison's lesson in numbers: each run's roughness, full loss and batch loss.
export function noiseSentence(runs) {
  const r = (run, key) => fmt(roughness(run[key]), { maximumSignificantDigits: 2 });
  const [full, mini, one] = runs;
  return t("page.data.noise", {
    full: r(full, "loss"), B: mini.body.objective.batch.size, mini_batch: r(mini, "batch"), mini_full: r(mini, "loss"),
    one_batch: r(one, "batch"), one_full: r(one, "loss"),
  });
}

// The server's sentences of finished runs, asked again in the page's language: a run is a
// pure function of its request, so the same request tells the same story.
export async function retell(runs, signal) {
  await Promise.all(runs.filter((run) => run.summary).map(async (run) => {
    const body = { ...run.body, every: run.body.steps };
    const reply = await postJSON("/api/v1/runs", body, { signal });
    run.summary.message = reply.trajectories[0].message;
  }));
}

// The list under the plots: each run's ending in the server's words (once it is shown), and
// for a classifier the share of samples it gets right. `who` names the lone run of Train.
export function outcomeRows(training, who, accuracy) {
  const done = training.done;
  const rows = training.runs.map((run) => {
    const end = done ? run.summary : null;
    const message = end?.message ?? run.error?.message ?? t("page.outcome.running");
    const className = end ? `status-${end.status}` : run.error ? "status-diverged" : "";
    return { color: run.color, className, text: t("page.outcome.line", { who: run.who ?? who, message }) };
  });
  if (accuracy !== null && accuracy !== undefined) {
    rows.push({ color: "transparent", className: "data-accuracy", text: t("page.data.accuracy", { value: percent(accuracy) }) });
  }
  return rows;
}
