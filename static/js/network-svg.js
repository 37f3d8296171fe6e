// The network drawn as SVG: one column of units per layer, one line per weight, coloured by its
// sign (Okabe-Ito blue for +, vermillion for −) and as thick as its magnitude relative to the
// largest in its layer. Hovering a unit, or giving it the focus, reports it; a sample's
// activations tint the units. The units are one stop of the Tab key: the arrow keys move the
// focus within a layer (up, down, Home, End) and between layers (left, right).
// Each line carries data-layer, data-i, data-j and data-w (the weight), so tests can read it.

import { fmt, t } from "./i18n.js";
import { OKABE_ITO } from "./palette.js";

const SVG = "http://www.w3.org/2000/svg";
const POSITIVE = OKABE_ITO.blue, NEGATIVE = OKABE_ITO.vermillion;
const WIDTH = 640, MARGIN_X = 50, MARGIN_Y = 30, LABEL = 44; // viewBox units; columns share WIDTH

// The layer sizes (n_0, ..., n_L) from describe's names W1[i,j], b1[i], W2[i,j], ...
export function sizesFromNames(names) {
  const sizes = [];
  for (const name of names) {
    const m = /^W(\d+)\[(\d+),(\d+)\]$/.exec(name);
    if (!m) continue;
    const [l, i, j] = [Number(m[1]), Number(m[2]), Number(m[3])];
    sizes[l] = Math.max(sizes[l] ?? 0, i + 1);
    sizes[l - 1] = Math.max(sizes[l - 1] ?? 0, j + 1);
  }
  return sizes;
}

// Where each layer's weights and biases sit in a parameter row: W^l (n_l, n_(l-1)) row-major, b^l.
export function layout(sizes) {
  const layers = [];
  let at = 0;
  for (let l = 1; l < sizes.length; l += 1) {
    const [rows, cols] = [sizes[l], sizes[l - 1]];
    layers.push({ l, rows, cols, w: at, b: at + rows * cols });
    at += rows * cols + rows;
  }
  return layers;
}

// The weights of layer l as rows (one per unit): W[i][j].
export function weightsOf(point, layer) {
  return Array.from({ length: layer.rows }, (_, i) => point.slice(layer.w + i * layer.cols, layer.w + (i + 1) * layer.cols));
}

// A unit's name: "Input x0", "Layer 1, unit 3", "Output unit 0".
export function unitName(sizes, l, i) {
  if (l === 0) return t("page.net.unit_input", { i });
  return l === sizes.length - 1 ? t("page.net.unit_output", { i }) : t("page.net.unit_hidden", { l, i });
}

// Where an arrow key (Home, End) moves the focus from unit i of layer l, or null for other keys.
function moveFrom(sizes, l, i, key) {
  const up = { ArrowUp: [l, i - 1], ArrowDown: [l, i + 1], Home: [l, 0], End: [l, sizes[l] - 1] };
  const across = { ArrowLeft: l - 1, ArrowRight: l + 1 };
  if (key in up) return { layer: l, unit: Math.max(0, Math.min(sizes[l] - 1, up[key][1])) };
  if (!(key in across)) return null;
  const m = Math.max(0, Math.min(sizes.length - 1, across[key]));
  return { layer: m, unit: Math.min(i, sizes[m] - 1) };
}

const make = (name, attrs = {}) => {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

export class NetworkFigure {
  // onUnit({ layer, unit } | null): a unit is pointed at, or none.
  constructor(container, onUnit) {
    Object.assign(this, { container, onUnit });
    this.sizes = null;
    this.svg = null;
  }

  // Draw the architecture (sizes, the hidden activations and the output's) with no weights yet.
  build(sizes, activations, output) {
    this.sizes = sizes;
    this.activations = activations;
    this.output = output;
    this.layers = layout(sizes);
    const L = sizes.length - 1;
    const most = Math.max(...sizes);
    const spacing = Math.max(7, Math.min(40, 440 / most));
    this.radius = Math.max(3, Math.min(12, spacing * 0.36));
    const height = most * spacing + 2 * MARGIN_Y + LABEL;
    const width = Math.min(WIDTH, 170 * L + 2 * MARGIN_X), column = (width - 2 * MARGIN_X) / L;
    const svg = make("svg", { viewBox: `0 0 ${width} ${height}`, class: "net-svg", role: "group" });
    this.y = (l, i) => MARGIN_Y + (height - 2 * MARGIN_Y - LABEL) / 2 + (i - (sizes[l] - 1) / 2) * spacing;
    this.x = (l) => MARGIN_X + l * column;
    this.titleEl = make("title");
    svg.append(this.titleEl);
    this.edges = this.layers.map((layer) => this.buildEdges(svg, layer));
    this.units = sizes.map((n, l) => this.buildUnits(svg, l, n));
    this.labels = sizes.map((_, l) => {
      const size = Math.min(12, column / 7).toFixed(1); // two labels never run into each other
      const text = make("text", { x: this.x(l), y: height - LABEL + 14, class: "net-layer-label", "text-anchor": "middle", "font-size": size });
      const [name, units] = [make("tspan", { x: this.x(l) }), make("tspan", { x: this.x(l), dy: 15 })];
      text.append(name, units);
      svg.append(text);
      return { name, size: units };
    });
    this.container.replaceChildren(svg);
    this.svg = svg;
    this.relabel();
  }

  buildEdges(svg, layer) {
    const g = make("g", { "data-layer": layer.l, class: "net-edges" });
    const lines = [];
    for (let i = 0; i < layer.rows; i += 1) {
      for (let j = 0; j < layer.cols; j += 1) {
        const line = make("line", {
          x1: this.x(layer.l - 1) + this.radius, y1: this.y(layer.l - 1, j),
          x2: this.x(layer.l) - this.radius, y2: this.y(layer.l, i),
          "data-layer": layer.l, "data-i": i, "data-j": j, stroke: "#b8bfcc", "stroke-width": 0.5,
        });
        g.append(line);
        lines.push(line);
      }
    }
    svg.append(g);
    return lines;
  }

  buildUnits(svg, l, n) {
    const g = make("g", { class: "net-units", "data-layer": l });
    const units = [];
    for (let i = 0; i < n; i += 1) {
      const c = make("circle", {
        cx: this.x(l), cy: this.y(l, i), r: this.radius, class: "net-unit", "data-layer": l, "data-unit": i,
        role: "button", tabindex: l === 0 && i === 0 ? 0 : -1,
      });
      c.addEventListener("mouseenter", () => this.onUnit({ layer: l, unit: i }));
      c.addEventListener("mouseleave", () => this.onUnit(null));
      c.addEventListener("focus", () => this.focused(l, i));
      c.addEventListener("blur", () => this.onUnit(null));
      c.addEventListener("keydown", (event) => this.key(event, l, i));
      g.append(c);
      units.push(c);
    }
    svg.append(g);
    return units;
  }

  // Unit i of layer l has the focus: it is the one Tab comes back to, and it is read out.
  focused(l, i) {
    for (const circles of this.units) for (const c of circles) c.setAttribute("tabindex", "-1");
    this.units[l][i].setAttribute("tabindex", "0");
    this.onUnit({ layer: l, unit: i });
  }

  key(event, l, i) {
    const to = moveFrom(this.sizes, l, i, event.key);
    if (!to) return;
    event.preventDefault(); // the arrows would scroll the page
    this.units[to.layer][to.unit].focus();
  }

  // Under each column: the layer's name, then its units and activation.
  relabel() {
    if (!this.svg) return;
    const L = this.sizes.length - 1;
    this.labels.forEach(({ name, size }, l) => {
      const n = this.sizes[l];
      if (l === 0) {
        name.textContent = t("page.net.layer_input");
        size.textContent = t("page.net.layer_features", { n });
        return;
      }
      name.textContent = l === L ? t("page.net.layer_output") : t("page.net.layer_n", { l });
      size.textContent = t("page.net.layer_size", { n, activation: l === L ? this.output : this.activations[l - 1] });
    });
    this.titleEl.textContent = t("page.net.svg_title", { sizes: this.sizes.join("–") });
    this.svg.setAttribute("aria-label", `${this.titleEl.textContent} ${t("page.net.units_keys")}`);
    this.units.forEach((circles, l) => circles.forEach((c, i) => c.setAttribute("aria-label", unitName(this.sizes, l, i))));
  }

  // Colour and size every line by the weights of `point` (a parameter row).
  setWeights(point) {
    if (!this.svg || !point) return;
    this.layers.forEach((layer, n) => {
      let most = 0;
      for (let k = layer.w; k < layer.b; k += 1) most = Math.max(most, Math.abs(point[k]));
      const lines = this.edges[n];
      for (let k = 0; k < lines.length; k += 1) {
        const w = point[layer.w + k];
        const share = most > 0 ? Math.abs(w) / most : 0;
        const line = lines[k];
        line.setAttribute("data-w", String(w));
        line.setAttribute("stroke", w > 0 ? POSITIVE : w < 0 ? NEGATIVE : "#b8bfcc");
        line.setAttribute("stroke-width", (0.4 + 4.2 * share).toFixed(2));
        line.setAttribute("stroke-opacity", (0.25 + 0.75 * share).toFixed(2));
      }
    });
    this.point = point;
  }

  // Tint the units by one sample's activations a^l (values: [layer][unit] for layers 1..L), the
  // inputs by x; null clears the tint.
  setSample(values) {
    if (!this.svg) return;
    const tint = (circle, a, most) => {
      if (a === null) { circle.removeAttribute("style"); return; }
      const share = most > 0 ? Math.min(1, Math.abs(a) / most) : 0;
      circle.style.fill = a >= 0 ? POSITIVE : NEGATIVE;
      circle.style.fillOpacity = (0.08 + 0.8 * share).toFixed(2);
    };
    this.units.forEach((circles, l) => {
      const row = values ? (l === 0 ? values.x : values.a[l - 1]) : null;
      const most = row ? Math.max(...row.map(Math.abs)) : 0;
      circles.forEach((c, i) => tint(c, row ? row[i] ?? null : null, most));
    });
  }

  // The weights into unit i of layer l and its bias, from the last point drawn.
  unitWeights(l, i) {
    const layer = this.layers?.[l - 1];
    if (!layer || !this.point) return null;
    return {
      w: this.point.slice(layer.w + i * layer.cols, layer.w + (i + 1) * layer.cols),
      b: this.point[layer.b + i],
    };
  }

  highlight(target) {
    for (const circles of this.units ?? []) for (const c of circles) c.classList.remove("net-unit-on");
    if (target) this.units?.[target.layer]?.[target.unit]?.classList.add("net-unit-on");
  }
}

// A number for the readout: 4 significant digits, m × 10ⁿ when tiny or huge.
const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

export function num(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a === 0 || (a >= 1e-3 && a < 1e5)) return fmt(v, { maximumSignificantDigits: 4 });
  const e = Math.floor(Math.log10(a));
  let m = v / 10 ** e;
  if (Math.abs(Number(m.toPrecision(3))) >= 10) { m /= 10; return `${fmt(m, { maximumSignificantDigits: 3 })}×10${[...String(e + 1)].map((c) => SUPERSCRIPT[c]).join("")}`; }
  return `${fmt(m, { maximumSignificantDigits: 3 })}×10${[...String(e)].map((c) => SUPERSCRIPT[c]).join("")}`;
}
