"""The Backprop view's graph: the notes' numbers, topological orders, agreement with autodiff."""

import json
import math

import numpy as np
import pytest

from app.engine.expression import ExpressionError, Graph, compile_expression, graph

NEURON = {"w0": 2.0, "w1": -3.0, "w2": -3.0, "x0": -1.0, "x1": -2.0}


def grads(g: Graph) -> dict[str, float]:
    return {n.label: n.grad for n in g.nodes if n.op == "var"}


def test_the_notes_first_circuit() -> None:
    g = graph("(x+y)*z", {"x": -2.0, "y": 5.0, "z": -4.0})
    out = g.nodes[g.output]
    assert (out.op, out.value, out.grad) == ("mul", -12.0, 1.0)
    assert grads(g) == {"x": -4.0, "y": -4.0, "z": 3.0}
    q = g.nodes[out.inputs[0]]
    assert (q.op, q.value, q.local_grads, q.grad) == ("add", 3.0, (1.0, 1.0), -4.0)
    assert out.local_grads == (-4.0, 3.0)  # d(qz)/dq = z, d(qz)/dz = q


@pytest.mark.parametrize(
    "text", ["1/(1+exp(-(w0*x0+w1*x1+w2)))", "sigmoid(w0*x0+w1*x1+w2)"], ids=["gates", "sigmoid"]
)
def test_the_notes_sigmoid_neuron(text: str) -> None:
    g = graph(text, NEURON)
    assert round(g.nodes[g.output].value, 2) == 0.73
    d = {name: round(v, 2) for name, v in grads(g).items()}
    assert d == {"w0": -0.20, "w1": -0.39, "w2": 0.20, "x0": 0.39, "x1": -0.59}


def test_sigmoid_is_one_gate_with_local_gradient_y_times_one_minus_y() -> None:
    g = graph("sigmoid(w0*x0+w1*x1+w2)", NEURON)
    gates = [n for n in g.nodes if n.op == "sigmoid"]
    assert len(gates) == 1
    y = gates[0].value
    assert gates[0].local_grads[0] == pytest.approx(y * (1 - y))
    gates_version = graph("1/(1+exp(-(w0*x0+w1*x1+w2)))", NEURON)
    for name, value in grads(gates_version).items():
        assert grads(g)[name] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    "text", ["(x+y)*z", "sigmoid(w0*x0+w1*x1+w2)", "(x*y)^2 + sin(x*y) - max(x, y)/z"]
)
def test_orders_are_topological(text: str) -> None:
    names = compile_expression(text).variables
    g = graph(text, {name: 0.5 + i for i, name in enumerate(names)})
    position = {node: k for k, node in enumerate(g.forward)}
    assert sorted(g.forward) == [n.id for n in g.nodes]
    for edge in g.edges:
        assert position[edge.source] < position[edge.target]
    assert g.backward == g.forward[::-1]
    assert g.backward[0] == g.output


def test_edges_carry_upstream_times_local_and_forks_add_up() -> None:
    g = graph("x*y + sin(x*y)", {"x": 0.5, "y": -1.5})
    for edge in g.edges:
        assert edge.upstream == g.nodes[edge.target].grad
        assert edge.local == g.nodes[edge.target].local_grads[edge.slot]
        assert edge.contribution == edge.upstream * edge.local
    for node in g.nodes:
        if node.id != g.output:
            arriving = [e.contribution for e in g.edges if e.source == node.id]
            assert node.grad == pytest.approx(math.fsum(arriving), rel=1e-15)
    product = next(n for n in g.nodes if n.op == "mul")
    assert len([e for e in g.edges if e.source == product.id]) == 2  # one node, two users
    assert product.grad == pytest.approx(1 + math.cos(-0.75))


def test_a_node_used_twice_by_one_gate() -> None:
    g = graph("x*x", {"x": 3.0})
    edges = [(e.slot, e.contribution) for e in g.edges]
    assert sorted(edges) == [(0, 3.0), (1, 3.0)]
    assert grads(g) == {"x": 6.0}


@pytest.mark.parametrize(
    "text",
    [
        "(1-x)^2 + 100*(y-x^2)^2",
        "x^y + log(x) * tanh(y)",
        "max(x, y^2) - min(sqrt(x), 1) + abs(y) + relu(x - 1)",
        "exp(sin(x) / (1 + y^2)) + 2^x + x^-2",
        "sigmoid(x*y) * tan(x/3) - cos(y)^3",
    ],
)
def test_graph_agrees_with_the_compiled_gradient(text: str) -> None:
    compiled = compile_expression(text)
    rng = np.random.default_rng(3)
    for x, y in rng.uniform(0.2, 2.0, (10, 2)):
        g = graph(text, {"x": x, "y": y})
        f, (dx, dy) = compiled.value_and_gradient(x, y)
        assert g.nodes[g.output].value == pytest.approx(float(f), rel=1e-13)
        assert grads(g)["x"] == pytest.approx(float(dx), rel=1e-11)
        assert grads(g)["y"] == pytest.approx(float(dy), rel=1e-11)


def test_to_dict_is_json_without_nan() -> None:
    data = graph("log(x) + y", {"x": 0.0, "y": 1.0}).to_dict()
    text = json.dumps(data, allow_nan=False)
    assert '"from"' in text
    assert '"to"' in text
    nodes = data["nodes"]
    assert isinstance(nodes, list)
    assert [n["value"] for n in nodes if n["op"] == "log"] == [None]  # -inf
    assert set(data) == {
        "expression",
        "variables",
        "nodes",
        "edges",
        "output",
        "forward",
        "backward",
    }


@pytest.mark.parametrize(
    "values",
    [{"x": 1.0}, {"x": 1.0, "y": 2.0, "z": 3.0}, {"x": 1.0, "y": math.inf}, {"x": 1.0, "y": "a"}],
)
def test_values_must_be_one_finite_number_per_variable(values: dict[str, object]) -> None:
    with pytest.raises(ExpressionError) as info:
        graph("x + y", values)  # type: ignore[arg-type]
    assert info.value.key == "expr.values"
