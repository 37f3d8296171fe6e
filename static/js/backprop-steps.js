// The steps of the Backprop view, as the notes walk through them: step 0 shows the inputs;
// the forward pass then computes one gate per step, in topological order; the backward pass
// starts from df/df = 1 at the output and takes one gate per step in reverse order, sending
// the gate's gradient back along each input edge as upstream × local = contribution.
// Pure functions of the server's graph (POST /api/v1/graph) and a step number.

// graph: { nodes: [{ id, op, label, inputs, value, local_grads, grad }], edges: [{ from, to,
// slot, upstream, local, contribution }], forward: [ids], backward: [ids] }
export function schedule(graph) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const isGate = (id) => byId.get(id).inputs.length > 0;
  const steps = [{ phase: "inputs", node: null }];
  for (const id of graph.forward) if (isGate(id)) steps.push({ phase: "forward", node: id });
  const output = outputOf(graph);
  const back = graph.backward.filter(isGate);
  for (const id of back.length ? back : [output]) steps.push({ phase: "backward", node: id });
  return steps;
}

export const outputOf = (graph) => graph.output ?? graph.backward[0];

// What step `k` shows: the nodes whose values are known, the gates the gradient has passed
// through, the edges it has flowed along, and each node's gradient so far (complete when every
// gate that uses the node has sent its share back).
export function stateAt(graph, steps, k) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const known = new Set(graph.nodes.filter((n) => !n.inputs.length).map((n) => n.id));
  const passed = new Set();
  for (const step of steps.slice(1, k + 1)) {
    if (step.phase === "forward") known.add(step.node);
    else passed.add(step.node);
  }
  const output = outputOf(graph);
  const flowed = graph.edges.filter((e) => passed.has(e.to));
  const received = new Map();
  if (passed.size) received.set(output, 1);
  for (const e of flowed) received.set(e.from, (received.get(e.from) ?? 0) + (e.contribution ?? NaN));
  const users = new Map();
  for (const e of graph.edges) (users.get(e.from) ?? users.set(e.from, new Set()).get(e.from)).add(e.to);
  const grads = new Map();
  for (const [id, sum] of received) {
    const complete = id === output || [...(users.get(id) ?? [])].every((u) => passed.has(u));
    grads.set(id, { value: complete ? byId.get(id).grad : sum, complete });
  }
  const step = steps[k];
  return { step, known, passed, flowed: new Set(flowed), grads, done: k === steps.length - 1 };
}

// The notes draw a constant inside the gate that uses it ("+1", "*-1"); the server's graph
// shares one node per distinct constant. For drawing, each gate gets its own copy of each
// constant it uses, whose gradient is what that gate sends it. Values and every other
// gradient are unchanged.
export function splitConstants(graph) {
  let next = Math.max(...graph.nodes.map((n) => n.id)) + 1;
  const nodes = [], edges = graph.edges.map((e) => ({ ...e }));
  const copies = new Map(); // original constant id -> [copy ids], in forward order
  const users = (id) => [...new Set(graph.edges.filter((e) => e.from === id).map((e) => e.to))];
  for (const node of graph.nodes) {
    const shared = node.op === "const" ? users(node.id) : [];
    if (shared.length < 2) { nodes.push(node); continue; }
    copies.set(node.id, shared.map((user, k) => {
      const id = k === 0 ? node.id : next++;
      const mine = edges.filter((e) => e.from === node.id && e.to === user);
      for (const e of mine) e.from = id;
      const grad = mine.reduce((sum, e) => sum + (e.contribution ?? NaN), 0);
      nodes.push({ ...node, id, grad: Number.isFinite(grad) ? grad : null });
      return id;
    }));
  }
  const remap = (n) => ({ ...n, inputs: n.inputs.map((i, slot) => edges.find((e) => e.to === n.id && e.slot === slot)?.from ?? i) });
  const expand = (ids) => ids.flatMap((id) => copies.get(id) ?? [id]);
  const forward = expand(graph.forward);
  return { ...graph, nodes: nodes.map(remap), edges, forward, backward: [...forward].reverse() };
}

// The edges into `node` (its inputs, in argument order).
export function inputEdges(graph, node) {
  return graph.edges.filter((e) => e.to === node).sort((a, b) => a.slot - b.slot);
}
