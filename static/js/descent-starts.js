// The descent view's starts: where trajectories begin, drawn as white rings on the contour map
// (a trace found by its tag) and counted in words. Plain functions of the list of points.

/* global Plotly */
import { t } from "./i18n.js";
import { toast } from "./toast.js";
import { tagged } from "./trajectories.js";

export const MAX_STARTS = 50; // starts on the page; scripts can use the API for thousands
const STARTS = "gdviz:starts"; // the tag of the contour map's trace of starts
export const round = (v) => Number(v.toPrecision(5));

// The (empty) trace of starts, added to a freshly drawn contour map.
export function startsTrace() {
  return {
    type: "scatter", mode: "markers", x: [], y: [], hoverinfo: "skip", meta: STARTS,
    marker: { size: 10, color: "#fff", line: { color: "#000", width: 2 }, symbol: "circle" },
  };
}

// `starts` with `points` added, as many as there is room for (saying so when some are not).
export function withRoom(starts, points) {
  const room = MAX_STARTS - starts.length;
  if (points.length > room) toast(t("page.starts.too_many", { n: MAX_STARTS }));
  return [...starts, ...points.slice(0, Math.max(0, room))];
}

export function showStarts(contour, count, starts) {
  const [index] = tagged(contour, STARTS);
  if (index !== undefined) {
    Plotly.restyle(contour, { x: [starts.map((p) => p[0])], y: [starts.map((p) => p[1])] }, [index]);
  }
  const n = starts.length;
  const key = n === 0 ? "page.starts.none" : n === 1 ? "page.starts.one" : "page.starts.many";
  count.textContent = t(key, { n });
}

// Where a run starts when the student has not said: the upper left of the domain.
export function defaultStart([[x0, x1], [y0, y1]]) {
  return [round(x0 + 0.15 * (x1 - x0)), round(y1 - 0.15 * (y1 - y0))];
}

// The boxes that add a start by keyboard (the contour map takes clicks only): named after the
// objective's parameters, bounded by its plotting box, and filled with `start`.
export function showStartFields(q, { names, domain }, start = defaultStart(domain)) {
  ["x", "y"].forEach((axis, i) => {
    q(`add-${axis}-name`).textContent = names[i];
    const input = q(`add-${axis}`);
    Object.assign(input, { min: String(domain[i][0]), max: String(domain[i][1]), value: String(start[i]) });
  });
}

// The start typed into those boxes, or null (a toast says why) when it is not a point of the box.
export function typedStart(q, [[x0, x1], [y0, y1]]) {
  const fields = [q("add-x"), q("add-y")];
  const empty = fields.find((input) => input.value.trim() === "" || !Number.isFinite(Number(input.value)));
  if (empty) {
    toast(t("page.starts.add_missing"));
    empty.focus();
    return null;
  }
  const [x, y] = fields.map((input) => Number(input.value));
  if (x < x0 || x > x1 || y < y0 || y > y1) {
    toast(t("page.starts.outside", { x, y, x0, x1, y0, y1 }));
    return null;
  }
  return [round(x), round(y)];
}

// A Gaussian cloud about the domain's centre, for POST /api/v1/starts.
export function gaussianInit([[x0, x1], [y0, y1]], { std, count, seed }) {
  return { kind: "gaussian", mean: [(x0 + x1) / 2, (y0 + y1) / 2], std, count, seed };
}
