// What the network view draws of its runs: loss and accuracy per step, the per-layer norms,
// the shown network's weights on the figure (and a regression's fitted curve), a lesson's two
// results side by side, and the words (metrics, progress). The view's runs, probes and state
// are read from `view`; charts off screen wait until they come into sight (network-painter.js).

/* global Plotly */
import { drawCurves, drawNorms } from "./network-charts.js";
import { showLesson, showLessonResults } from "./network-lessons.js";
import { Painter } from "./network-painter.js";
import { showMetrics, showProgress } from "./network-words.js";
import { fitPlots } from "./plots.js";

const RENDER_EVERY = 120; // ms between redraws while frames stream in (network-painter.js)
const WATCHED = ["curves", "norms", "a"]; // charts drawn only while on screen

export class NetworkDrawing {
  // view: the NetworkView (q, runs, history, figure, regions, data, sizes, state, output, active).
  constructor(view) {
    this.view = view;
    const q = (role) => view.q(role);
    this.q = q;
    this.plots = {
      regions: q("plot-regions"), curves: q("plot-curves"), norms: q("plot-norms"),
      a: q("plot-compare-a"), b: q("plot-compare-b"),
    };
    const watched = Object.fromEntries(WATCHED.map((name) => [name, this.plots[name]]));
    this.painter = new Painter({ paint: (force) => this.render(force), watched, every: RENDER_EVERY });
  }

  render(force = false) {
    const v = this.view;
    if ((!v.active && !force) || !v.data) return;
    const run = v.runs[0], k = v.shownIndex(), depth = v.sizes.length - 1;
    this.painter.drawSeen("curves", () => drawCurves(this.plots.curves, run, v.history.probes, k, v.data.kind === "classification"), force);
    this.painter.drawSeen("norms", () => drawNorms(this.plots.norms, run?.trajs[k], depth), force);
    const latest = v.latest();
    if (latest) {
      v.figure.setWeights(latest.point);
      this.q("network").dataset.step = String(latest.step);
      if (v.data.kind === "regression") v.regions.fit(latest.point, { sizes: v.sizes, act: v.state.act, output: v.output }).catch((e) => v.showError(e));
    }
    if (v.state.lesson && v.runs.length === 2) this.painter.drawSeen("a", () => this.showLessonResults(), force);
    this.words();
  }

  words() {
    const v = this.view;
    showMetrics(this.q("metrics"), v.latest(), v.history.probes, v.data?.kind === "classification");
    showProgress(this.q, v.root, v.runs, v.state.steps);
  }

  showLesson() {
    showLesson(this.q, this.view.root, this.view.state.lesson, [this.plots.a, this.plots.b]);
  }

  showLessonResults() {
    const v = this.view;
    showLessonResults(this.q, v.state.lesson, v.runs, v.sizes, [this.plots.a, this.plots.b]);
  }

  // The view is shown again: every chart takes its box's size.
  fit() {
    fitPlots(Object.values(this.plots));
  }

  purge() {
    for (const div of Object.values(this.plots)) Plotly.purge(div);
  }
}
