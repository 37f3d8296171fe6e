// Each view's state lives in the hash as URLSearchParams: #descent?surface=rosenbrock&lr=0.02
// A link reopens the view as it was; Back returns to the previous state.

export function parseHash(hash) {
  const text = hash.replace(/^#/, "");
  const cut = text.indexOf("?");
  const view = cut < 0 ? text : text.slice(0, cut);
  return { view, params: new URLSearchParams(cut < 0 ? "" : text.slice(cut + 1)) };
}

// Commas and semicolons stay readable: starts=-1.5,2;1.5,-0.5
export function formatHash(view, params) {
  const query = new URLSearchParams(params).toString().replace(/%2C/gi, ",").replace(/%3B/gi, ";");
  return `#${view}${query ? `?${query}` : ""}`;
}

// A list of points: "x,y;x,y" <-> [[x, y], [x, y]]; anything unreadable is dropped.
export function parsePoints(text, dim = null) {
  if (!text) return [];
  return text.split(";").map((p) => p.split(",").map(Number))
    .filter((p) => p.length && p.every(Number.isFinite) && (dim === null || p.length === dim));
}

export function formatPoints(points) {
  return points.map((p) => p.map((v) => String(v)).join(",")).join(";");
}

// A finite number from the URL within [lo, hi], else the fallback.
export function readNumber(params, name, fallback, lo = -Infinity, hi = Infinity) {
  const text = params.get(name);
  const value = text === null || text === "" ? NaN : Number(text);
  return Number.isFinite(value) && value >= lo && value <= hi ? value : fallback;
}
