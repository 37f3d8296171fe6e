// What the Backprop view says about a step: one sentence for the live region (the gate,
// what went in and what came out, or what it sent back along each edge), and the table of
// the inputs' gradients. Pure functions of the graph, the inputs' names and a step's state.

import { gateText, num } from "./backprop-graph.js";
import { inputEdges, outputOf } from "./backprop-steps.js";
import { t } from "./i18n.js";

const byId = (graph, id) => graph.nodes.find((n) => n.id === id);
const input = (graph, name) => graph.nodes.find((g) => g.op === "var" && g.label === name);

// What step `state.step` did, in a sentence (read out by the live region).
export function announce(graph, names, state) {
  const { step } = state;
  if (step.phase === "inputs") {
    return t("page.bp.say_inputs", { values: names.map((n) => `${n} = ${num(input(graph, n).value)}`).join(", ") });
  }
  const node = byId(graph, step.node);
  const isOutput = node.id === outputOf(graph);
  const parts = [];
  if (step.phase === "forward") {
    const inputs = node.inputs.map((i) => num(byId(graph, i).value)).join(", ");
    parts.push(t("page.bp.say_forward", { gate: gateText(node), inputs, value: num(node.value) }));
    if (isOutput) parts.push(t("page.bp.say_output", { value: num(node.value) }));
    return parts.join(" ");
  }
  if (isOutput) parts.push(t("page.bp.say_seed"));
  const flows = inputEdges(graph, node.id).map((e) => t("page.bp.say_flow", {
    to: nodeName(byId(graph, e.from)), upstream: num(e.upstream), local: num(e.local), contribution: num(e.contribution),
  }));
  if (flows.length) {
    parts.push(t("page.bp.say_backward", { gate: gateText(node), grad: num(node.grad), flows: flows.join(t("page.bp.say_join")) }));
  }
  if (state.done) parts.push(t("page.bp.say_done", { grads: gradientList(graph, names) }));
  return parts.join(" ");
}

function nodeName(node) {
  if (node.op === "var" || node.op === "const") return node.label;
  return t("page.bp.gate_name", { gate: gateText(node) });
}

function gradientList(graph, names) {
  return names.map((name) => t("page.bp.partial", { name, value: num(input(graph, name)?.grad ?? null) }))
    .join(t("page.bp.say_join"));
}

// One row per input: its value, and ∂f/∂input once the backward pass has finished with it.
export function showResults(table, graph, names, state) {
  table.tBodies[0].replaceChildren(...names.map((name) => {
    const node = input(graph, name);
    const grad = state.grads.get(node.id);
    const tr = document.createElement("tr");
    tr.dataset.var = name;
    const cells = [num(node.value), grad?.complete ? t("page.bp.partial", { name, value: num(grad.value) }) : "…"];
    tr.append(Object.assign(document.createElement("th"), { scope: "row", textContent: name }),
      ...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })));
    return tr;
  }));
}
