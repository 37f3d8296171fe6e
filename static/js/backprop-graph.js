// The computational graph as SVG: layered left to right by depth from the inputs, gates as
// circles (operators) or rounded boxes (functions), inputs as boxes named after their
// variable. Each node has its value above it and its gradient below; each edge, once the
// gradient has flowed along it, reads "upstream × local = contribution".
// layout() is pure; drawGraph() builds the picture once per graph and paint() shows a step.

import { outputOf } from "./backprop-steps.js";
import { fmt, t } from "./i18n.js";

const NS = "http://www.w3.org/2000/svg";
const COL = 150; // px between layers
const ROW = 100; // px between rows
const PAD = { x: 70, y: 56 };
const R = 22; // an operator's radius
const SYMBOLS = { "*": "×", "/": "÷", "-": "−", "^": "^", "+": "+" };

// A node's label on the page: × and ÷ for * and /, and ×(−1) for a sign, as the notes draw it.
export function gateText(node) {
  if (node.op === "neg") return "×(−1)";
  return SYMBOLS[node.label] ?? node.label;
}

const isOperator = (node) => ["add", "sub", "mul", "div", "pow"].includes(node.op);

// Positions: variables in layer 0, each gate one layer right of its deepest input, each
// constant just left of the gate that uses it. Heights come from a walk back from the output
// that gives each input (leaf) the next free row and puts each gate at the mean height of its
// inputs, so a tree is drawn without crossings; nodes of a layer that would still touch are
// pushed apart.
export function layout(graph) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const users = new Map(graph.nodes.map((n) => [n.id, []]));
  for (const n of graph.nodes) for (const i of n.inputs) users.get(i).push(n.id);
  const layer = new Map();
  for (const id of graph.forward) {
    const n = byId.get(id);
    layer.set(id, n.inputs.length ? 1 + Math.max(...n.inputs.map((i) => layer.get(i))) : 0);
  }
  for (const n of graph.nodes) {
    if (n.op === "const" && users.get(n.id).length) layer.set(n.id, Math.min(...users.get(n.id).map((u) => layer.get(u))) - 1);
  }
  const row = new Map();
  let free = 0;
  const visit = (id) => {
    if (row.has(id)) return row.get(id);
    const n = byId.get(id);
    row.set(id, n.inputs.length ? null : free++);
    if (n.inputs.length) row.set(id, n.inputs.map(visit).reduce((a, b) => a + b, 0) / n.inputs.length);
    return row.get(id);
  };
  visit(outputOf(graph));
  for (const n of graph.nodes) visit(n.id); // anything the output does not use
  const depth = Math.max(...layer.values());
  for (let c = 0; c <= depth; c += 1) {
    const ids = graph.nodes.filter((n) => layer.get(n.id) === c).map((n) => n.id).sort((a, b) => row.get(a) - row.get(b));
    for (let k = 1; k < ids.length; k += 1) row.set(ids[k], Math.max(row.get(ids[k]), row.get(ids[k - 1]) + 1));
  }
  const rows = [...row.values()];
  const top = Math.min(...rows), bottom = Math.max(...rows);
  const positions = new Map(graph.nodes.map((n) => [n.id, {
    x: PAD.x + layer.get(n.id) * COL, y: PAD.y + (row.get(n.id) - top) * ROW,
  }]));
  return { positions, width: 2 * PAD.x + depth * COL + 40, height: (bottom - top) * ROW + 2 * PAD.y + 20 };
}

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

// Half the width of a node's shape, for edges to start and end at its rim.
function halfWidth(node) {
  if (isOperator(node) || node.op === "neg") return node.op === "neg" ? 26 : R;
  return Math.max(20, 4.5 * gateText(node).length + 10);
}

function shape(node) {
  const w = halfWidth(node);
  const kind = node.inputs.length ? (isOperator(node) ? "operator" : "function") : node.op === "var" ? "input" : "constant";
  const g = el("g", { class: `bp-node bp-${kind}`, "data-node": node.id, "data-label": node.label });
  if (kind === "operator") g.append(el("circle", { r: R }));
  else g.append(el("rect", { x: -w, y: -18, width: 2 * w, height: 36, rx: kind === "function" ? 12 : 4 }));
  g.append(el("text", { class: "bp-op", "text-anchor": "middle", dy: "0.35em" }, gateText(node)));
  g.append(el("text", { class: "bp-value", "data-role": "value", "text-anchor": "middle", y: -28 }, ""));
  g.append(el("text", { class: "bp-grad", "data-role": "grad", "text-anchor": "middle", y: 40 }, ""));
  return g;
}

// A wire from the right of `a` to the left of `b`; parallel wires (x * x) bow apart.
function wirePath(a, b, wa, wb, bow) {
  const [x1, y1, x2, y2] = [a.x + wa, a.y, b.x - wb - 4, b.y];
  const dx = (x2 - x1) / 2;
  const c1 = [x1 + dx, y1 + bow], c2 = [x2 - dx, y2 + bow];
  const mid = [(x1 + 3 * c1[0] + 3 * c2[0] + x2) / 8, (y1 + 3 * c1[1] + 3 * c2[1] + y2) / 8];
  return { d: `M${x1},${y1} C${c1[0]},${c1[1]} ${c2[0]},${c2[1]} ${x2},${y2}`, mid };
}

// Build the picture of `graph` in `svg` (replacing what was there); returns the parts that
// paint() updates.
export function drawGraph(svg, graph, { title, desc }) {
  const { positions, width, height } = layout(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.style.aspectRatio = `${width} / ${height}`;
  // A small graph is not blown up to fill the page, nor a large one shrunk past legibility
  // (the figure scrolls sideways instead).
  svg.style.maxWidth = `${Math.round(1.2 * width)}px`;
  svg.style.minWidth = `${Math.round(0.8 * width)}px`;
  const titleEl = el("title", { id: `${svg.id}-title` }, title);
  const descEl = el("desc", { id: `${svg.id}-desc` }, desc);
  svg.setAttribute("aria-labelledby", titleEl.id);
  svg.setAttribute("aria-describedby", descEl.id);
  const defs = el("defs");
  for (const [id, cls] of [["bp-arrow", "bp-arrowhead"], ["bp-arrow-grad", "bp-arrowhead bp-arrowhead-grad"]]) {
    const marker = el("marker", { id: `${svg.id}-${id}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.append(el("path", { d: "M0,0 L10,5 L0,10 z", class: cls }));
    defs.append(marker);
  }
  const wires = el("g", { class: "bp-wires" }), labels = el("g", { class: "bp-labels" }), nodes = el("g");
  const edges = graph.edges.map((edge) => {
    const twins = graph.edges.filter((e) => e.from === edge.from && e.to === edge.to);
    const bow = twins.length > 1 ? (edge.slot === twins[0].slot ? -24 : 24) : 0;
    const [a, b] = [byId.get(edge.from), byId.get(edge.to)];
    const { d, mid } = wirePath(positions.get(edge.from), positions.get(edge.to), halfWidth(a), halfWidth(b), bow);
    const path = el("path", { d, class: "bp-wire", "marker-end": `url(#${svg.id}-bp-arrow)`, "data-from": edge.from, "data-to": edge.to });
    // A gate's first input is drawn from above, its second from below: their labels go on
    // the outer side of each wire, so two wires meeting at a gate keep their words apart.
    const below = edge.slot > 0 && positions.get(edge.from).y >= positions.get(edge.to).y;
    const label = el("text", { class: "bp-edge-label", x: mid[0], y: mid[1] + (below ? 16 : -20), "text-anchor": "middle", "data-from": edge.from, "data-to": edge.to, "data-slot": edge.slot });
    label.append(el("tspan", { x: mid[0] }), el("tspan", { x: mid[0], dy: "1.15em" }));
    wires.append(path);
    labels.append(label);
    return { edge, path, label };
  });
  const shapes = new Map(graph.nodes.map((node) => {
    const g = shape(node);
    const p = positions.get(node.id);
    g.setAttribute("transform", `translate(${p.x},${p.y})`);
    nodes.append(g);
    return [node.id, g];
  }));
  const out = shapes.get(outputOf(graph));
  const w = halfWidth(byId.get(outputOf(graph)));
  out.append(el("text", { class: "bp-output", x: w + 8, dy: "0.35em" }, "f"));
  out.classList.add("bp-is-output");
  svg.append(titleEl, descEl, defs, wires, nodes, labels);
  return { svg, edges, shapes };
}

// A number on the graph: four significant digits, or "—" where it is not finite.
export function num(value) {
  return value === null || !Number.isFinite(value) ? t("page.bp.not_finite") : fmt(value);
}

// Show `state` (from backprop-steps.stateAt) on a picture drawn by drawGraph.
export function paint(parts, graph, state) {
  const current = state.step.node;
  for (const node of graph.nodes) {
    const g = parts.shapes.get(node.id);
    const grad = state.grads.get(node.id);
    g.querySelector("[data-role=value]").textContent = state.known.has(node.id) ? num(node.value) : "";
    g.querySelector("[data-role=grad]").textContent = grad ? num(grad.value) : "";
    g.classList.toggle("bp-known", state.known.has(node.id));
    g.classList.toggle("bp-partial", Boolean(grad && !grad.complete));
    g.classList.toggle("bp-current", node.id === current);
  }
  for (const { edge, path, label } of parts.edges) {
    const flowed = state.flowed.has(edge);
    // Two short lines fit between two layers: "upstream × local" over "= contribution".
    const [product, result] = label.children;
    product.textContent = flowed ? t("page.bp.edge_product", { upstream: num(edge.upstream), local: num(edge.local) }) : "";
    result.textContent = flowed ? t("page.bp.edge_result", { contribution: num(edge.contribution) }) : "";
    label.setAttribute("aria-label", flowed ? t("page.bp.edge", {
      upstream: num(edge.upstream), local: num(edge.local), contribution: num(edge.contribution),
    }) : "");
    path.classList.toggle("bp-forward", state.known.has(edge.to));
    path.classList.toggle("bp-flowed", flowed);
    path.classList.toggle("bp-current", flowed && edge.to === current);
    label.classList.toggle("bp-current", flowed && edge.to === current);
    // Values flow forward (arrow at the gate); gradients flow back (arrow at the input).
    if (flowed) {
      path.setAttribute("marker-start", `url(#${parts.svg.id}-bp-arrow-grad)`);
      path.removeAttribute("marker-end");
    } else {
      path.setAttribute("marker-end", `url(#${parts.svg.id}-bp-arrow)`);
      path.removeAttribute("marker-start");
    }
  }
}
