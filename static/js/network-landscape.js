// The loss landscape of a trained network (Li et al., 2018): the loss on a plane through its
// last point, along random filter-normalized directions or the PCA plane of its training path
// (with the path projected onto it), as a contour map and a 3-D surface.

/* global Plotly */
import { isAbort, postJSON } from "./api.js";
import { fmt, t } from "./i18n.js";
import { OKABE_ITO } from "./network-charts.js";
import { config, MARGIN, title } from "./plots.js";
import { decodeTyped } from "./typed.js";

const LAND_RESOLUTION = 41;
const LAND_WORK = 9e7; // under the server's default cap of 10⁸ loss evaluations × cost
const MAX_PATH = 200; // points of the path sent (evenly thinned, the last always kept)
const PATH_VALUES = 150_000; // and at most this many numbers (a request body is capped at 4 MiB)
const RANDOM_RANGE = 1; // along filter-normalized directions, α = 1 moves each filter by its size

const list = (v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : decodeTyped(v));

// Evenly spaced indices into a path of n points of `dim` numbers, the last always kept.
function thinned(n, dim) {
  const most = Math.max(2, Math.min(MAX_PATH, Math.floor(PATH_VALUES / dim)));
  if (n <= most) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: most }, (_, i) => Math.round((i * (n - 1)) / (most - 1)));
}

// Seven significant digits are plenty to place a point in a picture, and half the bytes.
const short = (row) => row.map((v) => Number(v.toPrecision(7)));

// The loss around `point` on the PCA plane of the path (`kind` "pca") or along random
// filter-normalized directions from `seed`. A PCA plane is asked for twice: once on a 2 × 2
// grid to learn where the path lies in it, then over the path's extent.
// `samples`: N, so that the grid stays within the work a request may do (a forward pass over N
// samples costs about N P / 4).
export async function fetchLandscape(objective, point, path, losses, kind, seed, samples, signal) {
  const picks = thinned(path.length, point.length);
  const fits = Math.floor(Math.sqrt(LAND_WORK / Math.max(1, 0.25 * samples * point.length)));
  const body = {
    objective, point, directions: { kind: "filter_normalized", seed },
    ranges: [[-RANDOM_RANGE, RANDOM_RANGE], [-RANDOM_RANGE, RANDOM_RANGE]], resolution: Math.max(5, Math.min(LAND_RESOLUTION, fits)),
  };
  let steps = [];
  if (kind === "pca" && picks.length >= 2) {
    body.path = picks.map((i) => short(path[i]));
    steps = picks.map((i) => losses[i]);
    const probe = await postJSON("/api/v1/landscape", { ...body, resolution: 2 }, { signal });
    body.ranges = extent(probe.path);
  }
  const reply = await postJSON("/api/v1/landscape", body, { signal });
  return {
    x: list(reply.x), y: list(reply.y), z: list(reply.z), basis: reply.basis,
    path: reply.path ? { x: reply.path.x, y: reply.path.y, loss: steps, explained: reply.path.explained } : null,
  };
}

// The path's box, widened by a quarter on each side and made square (the plane's units agree).
function extent(path) {
  const xs = path?.x ?? [0], ys = path?.y ?? [0];
  const [x0, x1, y0, y1] = [Math.min(0, ...xs), Math.max(0, ...xs), Math.min(0, ...ys), Math.max(0, ...ys)];
  const half = Math.max(x1 - x0, y1 - y0, 1e-6) * 0.75;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  return [[cx - half, cx + half], [cy - half, cy + half]];
}

const log10 = (v) => (Number.isFinite(v) && v > 0 ? Math.log10(v) : Number.isFinite(v) ? -12 : null);

export async function drawLandscape(contourDiv, surfaceDiv, land) {
  const z = land.z.map((row) => row.map(log10));
  const pca = land.basis === "pca";
  const names = pca ? [t("page.net.pc1"), t("page.net.pc2")] : [t("page.net.dir1"), t("page.net.dir2")];
  if (pca && land.path?.explained) names.forEach((n, k) => { names[k] = t("page.net.pc_share", { name: n, share: fmt(land.path.explained[k], { style: "percent", maximumFractionDigits: 0 }) }); });
  const hover = `(%{x:.3f}, %{y:.3f}): %{z:.3f}<extra>${t("page.net.land_hover")}</extra>`;
  const contour = [{ type: "contour", x: land.x, y: land.y, z, colorscale: "Viridis", ncontours: 25, contours: { coloring: "heatmap" }, showscale: false, meta: "net:land", hovertemplate: hover }];
  const path = land.path;
  if (path?.x.length) {
    contour.push({ type: "scatter", mode: "lines+markers", x: path.x, y: path.y, meta: "net:land-path", name: t("page.net.path"), line: { color: "#fff", width: 2 }, marker: { size: 4, color: "#fff" }, hoverinfo: "skip" });
  }
  const ends = path?.x.length ? [[path.x[0], path.y[0]], [path.x.at(-1), path.y.at(-1)]] : [[0, 0]];
  contour.push({
    type: "scatter", mode: "markers", x: ends.map((p) => p[0]), y: ends.map((p) => p[1]), meta: "net:land-ends", hoverinfo: "skip",
    marker: { size: 12, color: ends.length > 1 ? [OKABE_ITO[1], OKABE_ITO[5]] : [OKABE_ITO[5]], symbol: ends.length > 1 ? ["circle", "star"] : ["star"], line: { color: "#000", width: 1 } },
  });
  await Plotly.react(contourDiv, contour, {
    title: title(t("page.net.land_contour_title")), margin: MARGIN, showlegend: false,
    xaxis: { title: { text: names[0] } }, yaxis: { title: { text: names[1] }, scaleanchor: "x" }, uirevision: "land",
  }, config());
  const surface = [{ type: "surface", x: land.x, y: land.y, z, colorscale: "Viridis", showscale: false, opacity: 0.92, hovertemplate: hover, meta: "net:land-surface" }];
  if (path?.loss.length === path?.x.length && path?.x.length) {
    surface.push({ type: "scatter3d", mode: "lines", x: path.x, y: path.y, z: path.loss.map(log10), meta: "net:land-path3d", line: { color: OKABE_ITO[5], width: 6 }, hoverinfo: "skip" });
  }
  const a3 = (text) => ({ title: { text }, tickfont: { size: 10 } });
  await Plotly.react(surfaceDiv, surface, {
    title: title(t("page.net.land_surface_title")), margin: { l: 0, r: 0, t: 35, b: 0 }, showlegend: false,
    scene: { xaxis: a3(names[0]), yaxis: a3(names[1]), zaxis: a3(t("page.net.land_z")), aspectmode: "manual", aspectratio: { x: 1, y: 1, z: 0.7 }, camera: { eye: { x: 1.3, y: -1.5, z: 1.0 } } },
    uirevision: "land",
  }, config());
}

// The landscape tab: a button, a status line and the two plots. source() gives the view's
// { objective, latest, traj, samples, kind, seed, gen } or null before any run; stale(gen) says
// whether the view has moved on.
export class LandscapePanel {
  constructor({ q, root, signal, source, stale }) {
    Object.assign(this, { q, root, signal, source, stale });
    this.land = null;
    this.plots = [q("plot-land-contour"), q("plot-land-surface")];
  }

  async run() {
    const s = this.source();
    const status = this.q("land-status");
    if (!s) { status.textContent = t("page.net.need_run"); return; }
    status.textContent = t("page.net.landscape_busy");
    try {
      const land = await fetchLandscape(s.objective, s.latest.point, s.traj.points, s.traj.loss, s.kind, s.seed, s.samples, this.signal);
      if (this.stale(s.gen)) return;
      this.land = { ...land, step: s.latest.step };
      this.q("land-plots").hidden = false;
      await this.draw();
      this.root.dataset.landscape = String(s.latest.step);
    } catch (error) {
      if (isAbort(error) || this.stale(s.gen)) return;
      status.textContent = error.message;
    }
  }

  async draw() {
    if (!this.land) return;
    await drawLandscape(...this.plots, this.land);
    this.q("land-status").textContent = t("page.net.landscape_done", { step: this.land.step });
  }

  clear() {
    this.land = null;
    for (const div of this.plots) Plotly.purge(div);
    this.q("land-plots").hidden = true;
    this.q("land-status").textContent = "";
  }
}
