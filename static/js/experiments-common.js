// What the three experiments share: the colours of their categories (palette.js's Okabe-Ito), the
// categories an end point falls into (each known minimum, somewhere else, not converged,
// diverged), the compact decoding of a run's end points, and the legend.

import { getJSON } from "./api.js";
import { fmt, t } from "./i18n.js";
import { OKABE_ITO } from "./palette.js";
import { shapeOf } from "./typed.js";

const MINIMUM_COLORS = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.sky, OKABE_ITO.yellow];
// Greys told apart by lightness: "somewhere else" light, "not converged" dark.
const LIGHT_GREY = "#d0d0d0", DARK_GREY = "#6b6b6b";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const TOLERANCE = 0.02; // an end point within this fraction of the domain's diagonal reaches a minimum

// The categories of an objective: one per known minimum (global first), then the others.
export function categoriesOf(info) {
  const minima = info.landmarks.filter((m) => m.kind === "global" || m.kind === "local")
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "global" ? -1 : 1));
  return [
    ...minima.map((m, i) => ({
      id: `min${i}`, minimum: m, letter: LETTERS[i % LETTERS.length], color: MINIMUM_COLORS[i % MINIMUM_COLORS.length],
    })),
    { id: "elsewhere", color: LIGHT_GREY },
    { id: "max_steps", color: DARK_GREY },
    { id: "diverged", color: OKABE_ITO.vermillion },
  ];
}

const at = (point) => point.map((v) => fmt(v, { maximumSignificantDigits: 3 })).join(", ");

// A category's short name (a letter for a minimum) and its full name, in the page's language.
export function shortName(category) {
  if (category.minimum) return category.letter;
  return t(OTHER_NAMES[category.id]);
}

const OTHER_NAMES = {
  elsewhere: "page.exp.cat_elsewhere", max_steps: "page.exp.cat_max_steps", diverged: "page.exp.cat_diverged",
};

export function longName(category) {
  const m = category.minimum;
  if (!m) return t(OTHER_NAMES[category.id]);
  const key = m.kind === "global" ? "page.exp.cat_global" : "page.exp.cat_local";
  return t(key, { letter: category.letter, point: at(m.point), value: fmt(m.value, { maximumSignificantDigits: 4 }) });
}

const DTYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, u1: Uint8Array };

// typed.js's decodeArray, without a callback per byte: a basin map's points are megabytes.
export function decodeArray(typed) {
  const Type = DTYPES[typed.dtype];
  if (!Type) throw new Error(`unknown dtype ${typed.dtype}`);
  let bytes;
  if (Uint8Array.fromBase64) bytes = Uint8Array.fromBase64(typed.bdata);
  else {
    const text = atob(typed.bdata);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  }
  return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
}

// The start and end point, status and steps of every trajectory of an "arrays" reply, without
// building one object per trajectory (a basin map has up to 65,536 of them).
export function readEnds(reply) {
  const offsets = decodeArray(reply.offsets);
  const flat = decodeArray(reply.points);
  const dim = shapeOf(reply.points)?.[1] ?? reply.dim;
  const codes = decodeArray(reply.status);
  const k = offsets.length - 1;
  const starts = new Float64Array(k * dim), ends = new Float64Array(k * dim);
  for (let i = 0; i < k; i += 1) {
    starts.set(flat.subarray(offsets[i] * dim, (offsets[i] + 1) * dim), i * dim);
    ends.set(flat.subarray((offsets[i + 1] - 1) * dim, offsets[i + 1] * dim), i * dim);
  }
  return { k, dim, starts, ends, codes, status: reply.statuses };
}

// Which category each trajectory ends in: diverged; else the known minimum within the
// tolerance of its end; else somewhere else if it converged, or not converged.
export function classify(ends, categories, domain) {
  const [[x0, x1], [y0, y1]] = domain;
  const reach = TOLERANCE * Math.hypot(x1 - x0, y1 - y0);
  const minima = categories.filter((c) => c.minimum);
  const index = Object.fromEntries(categories.map((c, i) => [c.id, i]));
  const out = new Uint8Array(ends.k);
  for (let i = 0; i < ends.k; i += 1) {
    const name = ends.status[ends.codes[i]];
    if (name === "diverged") { out[i] = index.diverged; continue; }
    const x = ends.ends[i * 2], y = ends.ends[i * 2 + 1];
    let best = -1, bestDistance = reach;
    minima.forEach((c, j) => {
      const d = Math.hypot(x - c.minimum.point[0], y - c.minimum.point[1]);
      if (d <= bestDistance) { best = j; bestDistance = d; }
    });
    if (best >= 0) out[i] = best;
    else out[i] = name === "converged" ? index.elsewhere : index.max_steps;
  }
  return out;
}

// The share of trajectories in each category.
export function shares(labels, count) {
  const counts = new Array(count).fill(0);
  for (const label of labels) counts[label] += 1;
  return counts.map((c) => (labels.length ? c / labels.length : 0));
}

// The legend: a swatch, the full name and (when given) the share of each category shown.
// Categories with no share are left out, except the minima, which are always named.
export function showLegend(list, categories, shareOf = null) {
  const percent = (v) => fmt(v, { style: "percent", maximumFractionDigits: 1 });
  list.replaceChildren(...categories.flatMap((category, i) => {
    const share = shareOf ? shareOf[i] : null;
    if (!category.minimum && !(share > 0)) return [];
    const li = document.createElement("li");
    li.dataset.category = category.id;
    if (share !== null) li.dataset.share = String(share);
    const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
    swatch.style.background = category.color;
    const text = share === null ? longName(category) : t("page.exp.legend_share", { name: longName(category), share: percent(share) });
    li.append(swatch, text);
    return [li];
  }));
}

// A discrete Plotly colour scale for category indices 0 … n − 1 (zmin −0.5, zmax n − 0.5).
export function stepColorscale(categories) {
  const n = categories.length;
  return categories.flatMap((c, i) => [[i / n, c.color], [(i + 1) / n, c.color]]);
}

// Whether the run endpoint accepts "explain": false (leave out the sentences of big runs).
// The OpenAPI document says so; asked once per page load.
let explainSupport = null;

export function acceptsExplain() {
  explainSupport ??= getJSON("/openapi.json")
    .then((doc) => Boolean(doc?.components?.schemas?.RunRequest?.properties?.explain))
    .catch(() => { explainSupport = null; return false; });
  return explainSupport;
}

// The centre of an objective's plotting domain.
export const centreOf = (domain) => domain.map(([lo, hi]) => (lo + hi) / 2);

export const round = (v, digits = 4) => Number(v.toPrecision(digits));

// A learning rate or a spread: 3 significant digits, powers of ten for the very small.
export const fmtSmall = (v) => fmt(v, v !== 0 && Math.abs(v) < 1e-3
  ? { notation: "scientific", maximumSignificantDigits: 3 } : { maximumSignificantDigits: 3 });
