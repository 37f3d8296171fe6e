// The descent view: pick a surface and an optimizer, click starts, watch the trajectories.

/* global Plotly */
import { getJSON, postJSON } from "./api.js";
import { hyperField, readHyper } from "./hyper.js";
import { color, decodeTyped, drawLoss, drawSurfaces, makeScale } from "./plots.js";
import { streamRun } from "./stream.js";
import { toast } from "./toast.js";
import {
  addTrajectoryTraces, clearTrajectoryTraces, lastStep, nextStep, render, showProgress,
} from "./trajectories.js";

const $ = (id) => document.getElementById(id);
const MAX_POINTS = 2000; // recorded points per trajectory the page asks for
const MAX_STARTS = 50; // starts on the page; scripts can use the API for thousands

const state = {
  surfaces: new Map(), optimizers: new Map(), surface: null, grid: null, scale: null,
  starts: [], runs: [], cursor: 0, playing: false, controller: null, lastTick: 0, dirty: false,
};

// ---- set-up ---------------------------------------------------------------------------

export async function mount() {
  const [surfaces, optimizers] = await Promise.all([
    getJSON("/api/v1/surfaces"), getJSON("/api/v1/optimizers"),
  ]);
  surfaces.forEach((s) => state.surfaces.set(s.name, s));
  optimizers.forEach((o) => state.optimizers.set(o.name, o));
  fillSelect($("surface"), surfaces.map((s) => [s.name, s.title]), "himmelblau");
  fillSelect($("optimizer"), optimizers.map((o) => [o.name, o.title]), "sgd");
  buildRaceList(optimizers);
  wireControls();
  showOptimizer();
  showLearningRate();
  showSpeed();
  await showSurface();
  $("plot-contour").on("plotly_click", (event) => {
    const point = event.points[0];
    addStarts([[point.x, point.y]]);
  });
  requestAnimationFrame(tick);
}

function fillSelect(select, pairs, selected) {
  select.replaceChildren(...pairs.map(([value, text]) => new Option(text, value, false, value === selected)));
}

function buildRaceList(optimizers) {
  $("race-list").replaceChildren(...optimizers.map((o, i) => {
    const label = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: o.name });
    box.checked = ["sgd", "adam", "rmsprop"].includes(o.name);
    label.append(box, ` ${o.title}`);
    label.style.color = color(i);
    return label;
  }));
}

function wireControls() {
  $("surface").addEventListener("change", showSurface);
  $("optimizer").addEventListener("change", showOptimizer);
  $("lr").addEventListener("input", showLearningRate);
  $("speed").addEventListener("input", showSpeed);
  $("race").addEventListener("change", () => { $("race-list").hidden = !$("race").checked; });
  $("gaussian").addEventListener("click", () => addGaussianStarts().catch(toast));
  $("clear-starts").addEventListener("click", () => { state.starts = []; reset(); });
  $("run").addEventListener("click", () => run(true).catch(toast));
  $("pause").addEventListener("click", togglePause);
  $("step").addEventListener("click", () => stepOnce().catch(toast));
  $("reset").addEventListener("click", reset);
  document.addEventListener("keydown", onKey);
}

// Space pauses, → steps, Enter runs; keys typed into a field stay in the field.
function onKey(event) {
  if (event.target.closest("input, select, textarea, button, summary")) return;
  const actions = { " ": togglePause, ArrowRight: () => stepOnce().catch(toast), Enter: () => run(true).catch(toast) };
  const action = actions[event.key];
  if (!action || document.querySelector('[data-view="descent"]').hidden) return;
  event.preventDefault();
  action();
}

// ---- controls -------------------------------------------------------------------------

const learningRate = () => Number((10 ** Number($("lr").value)).toPrecision(3));
const speed = () => Math.round(10 ** Number($("speed").value));

function showLearningRate() { $("lr-value").textContent = String(learningRate()); }
function showSpeed() { $("speed-value").textContent = `${speed()} steps/s`; }

function showOptimizer() {
  const info = state.optimizers.get($("optimizer").value);
  $("equations").textContent = `${info.torch_name}\n\n${info.equations}`;
  const fields = Object.entries(info.defaults).filter(([name]) => name !== "lr");
  $("hyper").replaceChildren(...fields.map(([name, value]) => hyperField(name, value)));
}

async function showSurface() {
  reset();
  state.starts = [];
  const surface = state.surfaces.get($("surface").value);
  state.surface = surface;
  $("formula").textContent = surface.formula;
  $("lesson").textContent = surface.lesson;
  const [[x0, x1], [y0, y1]] = surface.domain;
  $("g-std").value = (0.15 * Math.max(x1 - x0, y1 - y0)).toPrecision(2);
  const raw = await getJSON(`/api/v1/surfaces/${surface.name}/grid?resolution=128`);
  state.grid = { x: decodeTyped(raw.x), y: decodeTyped(raw.y), z: decodeTyped(raw.z) };
  state.scale = makeScale(surface.log_scale, raw.zmin);
  const [lo, hi] = await drawSurfaces($("plot-surface"), $("plot-contour"), state.grid, state.scale, surface.title);
  state.lift = 0.015 * (hi - lo); // paths float just above the 3-D surface, so it hides none
  state.zTop = hi + 0.05 * (hi - lo); // the top of the 3-D box
  drawLoss($("plot-loss"));
  Plotly.addTraces($("plot-contour"), startsTrace());
  showStarts();
}

function startsTrace() {
  return {
    type: "scatter", mode: "markers", x: [], y: [], hoverinfo: "skip",
    marker: { size: 10, color: "#fff", line: { color: "#000", width: 2 }, symbol: "circle" },
  };
}

function addStarts(points) {
  if (state.runs.length) reset();
  const room = MAX_STARTS - state.starts.length;
  if (points.length > room) toast(`The page holds ${MAX_STARTS} starts at most; the API takes thousands.`);
  state.starts.push(...points.slice(0, Math.max(0, room)));
  showStarts();
}

async function addGaussianStarts() {
  const [[x0, x1], [y0, y1]] = state.surface.domain;
  const init = {
    kind: "gaussian", mean: [(x0 + x1) / 2, (y0 + y1) / 2], std: Number($("g-std").value),
    count: Number($("g-count").value), seed: Number($("g-seed").value),
  };
  const reply = await postJSON("/api/v1/starts", { objective: { surface: state.surface.name }, init });
  $("g-seed").value = String(init.seed + 1); // the next click draws a fresh cloud
  addStarts(reply.starts);
}

function showStarts() {
  Plotly.restyle($("plot-contour"), { x: [state.starts.map((p) => p[0])], y: [state.starts.map((p) => p[1])] }, [1]);
  const n = state.starts.length;
  $("start-count").textContent = n ? `${n} start${n > 1 ? "s" : ""}.` : "No starts yet: Run will use the default start.";
}

function defaultStart() {
  const [[x0, x1], [y0, y1]] = state.surface.domain;
  return [x0 + 0.15 * (x1 - x0), y1 - 0.15 * (y1 - y0)];
}

// ---- runs -----------------------------------------------------------------------------

function optimizerSpecs() {
  const lr = learningRate();
  if (!$("race").checked) return [{ name: $("optimizer").value, lr, ...readHyper($("hyper")) }];
  const names = [...$("race-list").querySelectorAll("input:checked")].map((b) => b.value);
  if (!names.length) throw new Error("Tick at least one optimizer to race.");
  return names.map((name) => ({ name, lr }));
}

async function run(play) {
  reset();
  if (!state.starts.length) addStarts([defaultStart()]);
  const steps = Number($("steps").value);
  const specs = optimizerSpecs();
  const race = specs.length > 1 || $("race").checked;
  const controller = new AbortController();
  state.controller = controller;
  const names = [...state.optimizers.keys()];
  state.runs = specs.map((spec, r) => ({
    label: state.optimizers.get(spec.name).title,
    color: race ? color(names.indexOf(spec.name)) : null,
    trajs: state.starts.map(() => ({ steps: [], points: [], loss: [], grad: [] })),
    summary: null, error: null,
  }));
  addTrajectoryTraces(state);
  state.playing = play;
  state.outcomesKey = null;
  showProgress(state);
  await Promise.all(specs.map((spec, r) => {
    const body = {
      objective: { surface: state.surface.name }, optimizer: spec, starts: state.starts,
      steps, every: Math.max(1, Math.ceil(steps / MAX_POINTS)), include_grad: true,
      tol: Number($("tol").value),
    };
    const onFrame = (frame) => { if (!controller.signal.aborted) addFrame(state.runs[r], frame); };
    return streamRun(body, { onFrame, signal: controller.signal })
      .then((summary) => { if (state.controller === controller) state.runs[r].summary = summary.trajectories; })
      .catch((error) => { if (!controller.signal.aborted) { state.runs[r].error = error; toast(error); } });
  }));
}

function addFrame(runState, frame) {
  state.dirty = true;
  frame.index.forEach((j, n) => {
    const t = runState.trajs[j];
    t.steps.push(frame.step);
    t.points.push(frame.points[n]);
    t.loss.push(frame.loss[n]);
    if (frame.grad) t.grad.push(frame.grad[n]);
  });
}

function reset() {
  state.controller?.abort();
  state.controller = null;
  state.runs = [];
  state.cursor = 0;
  state.playing = false;
  state.outcomesKey = null;
  clearTrajectoryTraces();
  $("outcomes").replaceChildren(Object.assign(document.createElement("li"), {
    className: "muted", textContent: "Run a descent to see how each trajectory ends.",
  }));
  showProgress(state);
}

function togglePause() {
  if (!state.runs.length) return;
  state.playing = !state.playing;
  showProgress(state);
}

// Step shows the next recorded step: with long runs the page records every k-th step.
async function stepOnce() {
  if (!state.runs.length) {
    const started = run(false);
    render(state);
    return started;
  }
  state.playing = false;
  state.cursor = nextStep(state);
  render(state);
}

// ---- playback -------------------------------------------------------------------------

const finished = () => state.runs.length > 0 && state.runs.every((r) => r.summary || r.error);

function tick(now) {
  const dt = Math.min(0.1, (now - state.lastTick) / 1000);
  state.lastTick = now;
  const before = Math.floor(state.cursor);
  if (state.playing && state.runs.length) {
    state.cursor = Math.min(state.cursor + speed() * dt, lastStep(state));
    if (finished() && state.cursor >= lastStep(state)) state.playing = false;
  }
  // Draw when the cursor passed a step, new frames arrived, or playback just ended.
  if (Math.floor(state.cursor) !== before || state.dirty || (state.runs.length && !state.playing)) {
    if (state.runs.length) render(state);
    state.dirty = false;
  }
  requestAnimationFrame(tick);
}
