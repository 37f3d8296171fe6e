// What the network view asks the server to run, and what it offers the export menu: the
// /runs request of a state (its init, or the init's starts with every output unit's bias set,
// for a saturated output), and the runs shown, named as export.js wants them.

import { postJSON } from "./api.js";
import { t } from "./i18n.js";
import { variantNames } from "./network-lessons.js";
import { everyFor, initOf, objectiveOf } from "./network-state.js";

// The request for state `s`; dataset: its catalogue entry; dim: the network's parameters;
// outputs: its output units.
export async function runBody(s, { dataset, dim, outputs, signal }) {
  const objective = objectiveOf(s, dataset);
  const every = everyFor(s.steps, dim * s.count);
  const body = { objective, optimizer: { name: s.opt, lr: s.lr }, steps: s.steps, every, tol: 0 };
  if (s.bias === null) body.init = initOf(s);
  else body.starts = await biasedStarts(objective, s, outputs, signal);
  return body;
}

// The init's starts with every output unit's bias set to `bias` (a saturated output).
async function biasedStarts(objective, s, outputs, signal) {
  const reply = await postJSON("/api/v1/starts", { objective, init: initOf(s) }, { signal });
  return reply.starts.map((row) => row.map((v, i) => (i >= row.length - outputs ? s.bias : v)));
}

// { names, runs, weights: "final" } of the runs shown (a lesson's A and B, named by their
// variants): the CSV holds the loss per step and the final weights, since thousands of weights
// per row would bury the loss.
export function exportedRuns(runs, lesson, names) {
  const variants = lesson ? variantNames(lesson) : [];
  return {
    names, weights: "final",
    runs: runs.map((run, v) => ({
      label: variants[v] ? t(variants[v]) : null, body: run.body, file: variants[v]?.split(".").at(-1).replace(/^variant_/, ""),
    })),
  };
}
