"""POST /api/v1/graph: the CS231n notes' circuits, gate by gate, with the notes' numbers."""

import math
from typing import Any

import httpx
import pytest

from app.api.backprop import GraphResult
from tests.api.helpers import post_json, strict_json

GRAPH = "/api/v1/graph"
NEURON = {"w0": 2.0, "w1": -3.0, "w2": -3.0, "x0": -1.0, "x1": -2.0}


def draw(client: httpx.Client, expression: str, values: dict[str, float]) -> dict[str, Any]:
    """The graph reply, checked against its declared model."""
    reply: dict[str, Any] = post_json(client, GRAPH, {"expression": expression, "values": values})
    GraphResult.model_validate(reply)
    return reply


def by_label(reply: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Variable nodes by name."""
    return {n["label"]: n for n in reply["nodes"] if n["op"] == "var"}


def test_the_notes_first_circuit(client: httpx.Client) -> None:
    """(x + y) z at x = -2, y = 5, z = -4: q = 3, f = -12; df/dz = q = 3, df/dx = df/dy = z."""
    reply = draw(client, "(x+y)*z", {"x": -2, "y": 5, "z": -4})
    assert reply["expression"] == "(x+y)*z"
    assert reply["variables"] == ["x", "y", "z"]
    out = reply["nodes"][reply["output"]]
    assert (out["op"], out["label"], out["value"], out["grad"]) == ("mul", "*", -12.0, 1.0)
    leaves = by_label(reply)
    assert {name: n["value"] for name, n in leaves.items()} == {"x": -2.0, "y": 5.0, "z": -4.0}
    assert {name: n["grad"] for name, n in leaves.items()} == {"x": -4.0, "y": -4.0, "z": 3.0}
    [q] = [n for n in reply["nodes"] if n["op"] == "add"]
    assert (q["value"], q["local_grads"], q["grad"]) == (3.0, [1.0, 1.0], -4.0)
    assert out["local_grads"] == [-4.0, 3.0]  # d(q z)/dq = z, d(q z)/dz = q


def test_edges_carry_upstream_times_local(client: httpx.Client) -> None:
    reply = draw(client, "(x+y)*z", {"x": -2, "y": 5, "z": -4})
    ids = {n["id"] for n in reply["nodes"]}
    wires = {(e["from"], e["to"], e["slot"]) for e in reply["edges"]}
    assert wires == {
        (i, n["id"], slot) for n in reply["nodes"] for slot, i in enumerate(n["inputs"])
    }
    for e in reply["edges"]:
        assert e["from"] in ids
        assert e["to"] in ids
        target = reply["nodes"][e["to"]]
        assert e["upstream"] == target["grad"]
        assert e["local"] == target["local_grads"][e["slot"]]
        assert e["contribution"] == e["upstream"] * e["local"]
    # Forward visits every node after its inputs; backward is the reverse.
    position = {i: k for k, i in enumerate(reply["forward"])}
    assert all(position[i] < position[n["id"]] for n in reply["nodes"] for i in n["inputs"])
    assert reply["backward"] == reply["forward"][::-1]
    assert reply["forward"][-1] == reply["output"]


@pytest.mark.parametrize("expression", ["1/(1+exp(-(w0*x0+w1*x1+w2)))", "sigmoid(w0*x0+w1*x1+w2)"])
def test_the_notes_sigmoid_neuron(client: httpx.Client, expression: str) -> None:
    """w = (2, -3, -3), x = (-1, -2): out 0.73; dw = (-0.20, -0.39, 0.20), dx = (0.39, -0.59)."""
    reply = draw(client, expression, NEURON)
    assert round(reply["nodes"][reply["output"]]["value"], 2) == 0.73
    grads = {name: round(n["grad"], 2) for name, n in by_label(reply).items()}
    assert grads == {"w0": -0.20, "w1": -0.39, "w2": 0.20, "x0": 0.39, "x1": -0.59}


def test_the_two_neurons_agree_to_rounding(client: httpx.Client) -> None:
    long = by_label(draw(client, "1/(1+exp(-(w0*x0+w1*x1+w2)))", NEURON))
    short = by_label(draw(client, "sigmoid(w0*x0+w1*x1+w2)", NEURON))
    for name in NEURON:
        assert long[name]["grad"] == pytest.approx(short[name]["grad"], rel=1e-14)


def test_gradients_add_up_at_forks(client: httpx.Client) -> None:
    """x*y feeds two gates: its gradient is the sum of both paths, 2xy + cos(xy) at xy = 2."""
    reply = draw(client, "(x*y)^2 + sin(x*y)", {"x": 1.0, "y": 2.0})
    [product] = [n for n in reply["nodes"] if n["op"] == "mul"]
    into = [e for e in reply["edges"] if e["from"] == product["id"]]
    assert len(into) == 2
    assert product["grad"] == pytest.approx(2 * 2.0 + math.cos(2.0), rel=1e-15)
    assert sum(e["contribution"] for e in into) == pytest.approx(product["grad"], rel=1e-15)
    leaves = by_label(reply)
    assert leaves["x"]["grad"] == pytest.approx(product["grad"] * 2.0, rel=1e-15)


def test_overflow_is_null_never_infinity(client: httpx.Client) -> None:
    reply = draw(client, "exp(x)^2", {"x": 1000.0})
    assert reply["nodes"][reply["output"]]["value"] is None
    assert by_label(reply)["x"]["grad"] is None


@pytest.mark.parametrize(
    ("values", "given"),
    [({"x": 1}, "x"), ({"x": 1, "y": 2, "z": 3}, "x, y, z"), ({"x": 1, "q": 2}, "x, q")],
)
def test_values_must_name_exactly_the_variables(
    client: httpx.Client, values: dict[str, float], given: str
) -> None:
    reply = client.post(GRAPH, json={"expression": "x*y", "values": values})
    assert reply.status_code == 422
    data = reply.json()
    assert (
        data["message"] == f"values: give one finite value for each variable (x, y), given: {given}"
    )
    assert (data["key"], data["column"]) == ("expr.values", None)
    assert data["detail"][0]["loc"] == ["body", "values"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"expression": "x", "values": {"x": NaN}}', "values.x: Input should be a finite number"),
        (
            '{"expression": "x", "values": {"x": Infinity}}',
            "values.x: Input should be a finite number",
        ),
        ('{"expression": "x", "values": {"x": "1"}}', "values.x: Input should be a valid number"),
        ('{"expression": "x"}', "values: Field required"),
    ],
)
def test_values_are_finite_numbers(client: httpx.Client, raw: str, message: str) -> None:
    reply = client.post(GRAPH, content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 422
    assert strict_json(reply.text)["message"] == message
