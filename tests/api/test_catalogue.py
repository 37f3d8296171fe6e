"""The catalogue endpoints: surfaces, their plotting grids, and the optimizers."""

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest

from app.api.replies import GridResult, OptimizerInfo, SurfaceInfo
from tests.engine.test_surfaces import REQUIRED_SURFACES
from tests.torch_defaults import TORCH_DEFAULTS

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
TWO_PI = 2.0 * np.pi


def _rosenbrock(x: F64, y: F64) -> F64:
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _bowl(x: F64, y: F64) -> F64:
    return x**2 + y**2


def _himmelblau(x: F64, y: F64) -> F64:
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def _rastrigin(x: F64, y: F64) -> F64:
    return 20.0 + x**2 - 10.0 * np.cos(TWO_PI * x) + y**2 - 10.0 * np.cos(TWO_PI * y)


def _booth(x: F64, y: F64) -> F64:
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2


def _ackley(x: F64, y: F64) -> F64:
    r = np.sqrt(0.5 * (x**2 + y**2))
    return (
        -20.0 * np.exp(-0.2 * r)
        - np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
        + np.e
        + 20.0
    )


# Written here from the textbook definitions, independently of app/engine.
CLOSED_FORMS: dict[str, Callable[[F64, F64], F64]] = {
    "rosenbrock": _rosenbrock,
    "bowl": _bowl,
    "himmelblau": _himmelblau,
    "rastrigin": _rastrigin,
    "booth": _booth,
    "ackley": _ackley,
}


def decode(typed: dict[str, str]) -> F32:
    """A Plotly typed array ({dtype: f4, bdata: base64[, shape: "r,c"]}) as a NumPy array."""
    assert typed["dtype"] == "f4"
    values = np.frombuffer(base64.b64decode(typed["bdata"], validate=True), dtype="<f4")
    if "shape" in typed:
        shape = tuple(int(n) for n in typed["shape"].split(","))
        return values.reshape(shape)
    return values


def surfaces(client: httpx.Client) -> list[dict[str, Any]]:
    reply = client.get("/api/v1/surfaces")
    assert reply.status_code == 200
    data: list[dict[str, Any]] = reply.json()
    for item in data:
        SurfaceInfo.model_validate(item)
    return data


def test_surface_list_has_every_documented_field(client: httpx.Client) -> None:
    items = surfaces(client)
    assert len(items) >= 12
    names = [s["name"] for s in items]
    assert len(set(names)) == len(names)
    assert set(names) >= REQUIRED_SURFACES
    for s in items:
        assert {"name", "title", "latex", "formula", "domain", "minima"} <= s.keys()
        for key in ("name", "title", "latex", "formula"):
            assert isinstance(s[key], str)
            assert s[key].strip()
        assert s["formula"].startswith("f(x, y) =")
        (x0, x1), (y0, y1) = s["domain"]
        assert x0 < x1
        assert y0 < y1
        assert isinstance(s["minima"], list)
        for m in s["minima"]:
            assert m["kind"] in ("global", "local")
            px, py = m["point"]
            assert x0 <= px <= x1
            assert y0 <= py <= y1
        if s["minima"]:
            kinds = [m["kind"] for m in s["minima"]]
            assert "global" in kinds
            best = min(m["value"] for m in s["minima"])
            for m in s["minima"]:
                assert (m["kind"] == "global") == (m["value"] == best)


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_catalogue_minima_are_minima_of_the_closed_form(client: httpx.Client, name: str) -> None:
    reply = client.get(f"/api/v1/surfaces/{name}")
    assert reply.status_code == 200
    f = CLOSED_FORMS[name]
    for m in reply.json()["minima"]:
        px, py = m["point"]
        at = float(f(np.array([px]), np.array([py]))[0])
        assert at == pytest.approx(m["value"], abs=1e-9)
        h = 1e-3  # every neighbour is higher
        for dx, dy in ((h, 0), (-h, 0), (0, h), (0, -h)):
            assert float(f(np.array([px + dx]), np.array([py + dy]))[0]) > at


def test_rosenbrock_entry(client: httpx.Client) -> None:
    reply = client.get("/api/v1/surfaces/rosenbrock")
    assert reply.status_code == 200
    s = reply.json()
    assert s["name"] == "rosenbrock"
    assert s["title"] == "Rosenbrock"
    assert s["latex"] == r"f(x,y) = (1-x)^2 + 100\,(y-x^2)^2"
    assert "100" in s["formula"]
    assert s["domain"] == [[-2.0, 2.0], [-1.0, 3.0]]
    assert s["minima"] == [{"point": [1.0, 1.0], "value": 0.0, "kind": "global"}]
    assert s["log_scale"] is True
    assert s == next(item for item in surfaces(client) if item["name"] == "rosenbrock")


@pytest.mark.parametrize("path", ["/api/v1/surfaces/nope", "/api/v1/surfaces/nope/grid"])
def test_unknown_surface_is_404_listing_valid_names(client: httpx.Client, path: str) -> None:
    reply = client.get(path)
    assert reply.status_code == 404
    message = reply.json()["message"]
    assert "nope" in message
    for s in surfaces(client):
        assert s["name"] in message


@pytest.mark.parametrize(
    ("name", "resolution"),
    [
        ("rosenbrock", 64),
        ("rosenbrock", 512),
        ("bowl", 3),
        ("himmelblau", 101),
        ("ackley", 50),
        ("rastrigin", 128),
        ("booth", 2),
    ],
)
def test_grid_matches_closed_form(client: httpx.Client, name: str, resolution: int) -> None:
    reply = client.get(f"/api/v1/surfaces/{name}/grid", params={"resolution": resolution})
    assert reply.status_code == 200
    body = reply.json()
    GridResult.model_validate(body)
    x, y, z = decode(body["x"]), decode(body["y"]), decode(body["z"])
    assert body["z"]["shape"] == f"{resolution},{resolution}"
    assert x.shape == y.shape == (resolution,)
    assert z.shape == (resolution, resolution)
    (x0, x1), (y0, y1) = client.get(f"/api/v1/surfaces/{name}").json()["domain"]
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    np.testing.assert_array_equal(x, xs.astype(np.float32))
    np.testing.assert_array_equal(y, ys.astype(np.float32))
    f = CLOSED_FORMS[name]
    # Row i is y[i], column j is x[j] (Plotly's z[y][x]); float32 rounding is the only error.
    exact = f(*np.meshgrid(xs, ys))
    np.testing.assert_allclose(z, exact, rtol=2.0**-23, atol=1e-9)
    # The same, from the returned float32 coordinates (their rounding moves z a little).
    xx, yy = np.meshgrid(x.astype(np.float64), y.astype(np.float64))
    np.testing.assert_allclose(z, f(xx, yy), rtol=1e-5, atol=1e-5)
    assert body["zmin"] == pytest.approx(float(exact.min()), rel=1e-12, abs=1e-12)
    assert body["zmax"] == pytest.approx(float(exact.max()), rel=1e-12)


def test_grid_default_resolution_and_caching(client: httpx.Client) -> None:
    reply = client.get("/api/v1/surfaces/bowl/grid")
    assert reply.status_code == 200
    assert decode(reply.json()["z"]).shape == (128, 128)
    assert "max-age" in reply.headers["cache-control"]


def test_grid_bowl_three_points_exactly(client: httpx.Client) -> None:
    body = client.get("/api/v1/surfaces/bowl/grid", params={"resolution": 3}).json()
    assert decode(body["x"]).tolist() == [-2.0, 0.0, 2.0]
    assert decode(body["z"]).tolist() == [[8.0, 4.0, 8.0], [4.0, 0.0, 4.0], [8.0, 4.0, 8.0]]
    assert (body["zmin"], body["zmax"]) == (0.0, 8.0)


@pytest.mark.parametrize(
    ("resolution", "expected"),
    [
        (513, "513 is more than the limit of 512"),
        (1, "greater than or equal to 2"),
        (0, "greater than or equal to 2"),
        ("abc", "valid integer"),
        (2.5, "valid integer"),
    ],
)
def test_grid_resolution_out_of_range_is_422(
    client: httpx.Client, resolution: object, expected: str
) -> None:
    reply = client.get("/api/v1/surfaces/rosenbrock/grid", params={"resolution": str(resolution)})
    assert reply.status_code == 422
    message = reply.json()["message"]
    assert message.startswith("resolution:")
    assert expected in message


def test_grid_512_is_far_smaller_than_a_json_list(client: httpx.Client) -> None:
    reply = client.get("/api/v1/surfaces/rosenbrock/grid", params={"resolution": 512})
    assert reply.status_code == 200
    z = decode(reply.json()["z"])
    assert z.shape == (512, 512)
    as_list = len(json.dumps({"z": z.tolist()}))
    assert len(reply.content) < 0.5 * as_list
    # base64 of 512² float32 values (~1.4 MB) plus small change for x, y and the keys.
    assert len(reply.content) < 1.05 * (512 * 512 * 4 * 4 / 3)


TORCH_NAMES = {
    "sgd": "torch.optim.SGD",
    "adagrad": "torch.optim.Adagrad",
    "rmsprop": "torch.optim.RMSprop",
    "adam": "torch.optim.Adam",
    "adamw": "torch.optim.AdamW",
}
EQUATION_MARKERS = {
    "sgd": ["nesterov", "θ ← θ - γ·g"],
    "adagrad": ["lr_decay", "√s + ε"],
    "rmsprop": ["centered", "α·v + (1 - α)·g²"],
    "adam": ["m_hat ← m / (1 - β1^t)", "v_hat ← v / (1 - β2^t)", "amsgrad"],
    "adamw": ["θ·(1 - γ·λ)", "decoupled weight decay", "m_hat"],
}


def test_optimizers_have_torch_names_defaults_and_equations(client: httpx.Client) -> None:
    reply = client.get("/api/v1/optimizers")
    assert reply.status_code == 200
    items = reply.json()
    for item in items:
        OptimizerInfo.model_validate(item)
    assert [o["name"] for o in items] == ["sgd", "adagrad", "rmsprop", "adam", "adamw"]
    for o in items:
        name = o["name"]
        assert o["torch_name"] == TORCH_NAMES[name]
        assert o["title"] == TORCH_NAMES[name].removeprefix("torch.optim.")
        assert o["defaults"] == json_ready(TORCH_DEFAULTS[name])
        equations = o["equations"]
        assert isinstance(equations, str)
        assert "g ← grad f(θ)" in equations
        for marker in EQUATION_MARKERS[name]:
            assert marker in equations, (name, marker)


def json_ready(defaults: dict[str, object]) -> dict[str, object]:
    """Tuples arrive as JSON lists."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in defaults.items()}
