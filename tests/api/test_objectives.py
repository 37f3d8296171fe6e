"""POST /api/v1/objectives/describe and /objectives/grid, against closed forms."""

import math
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest

from app.api.replies import GridResult, ObjectiveInfo
from tests.api.helpers import decode, post_json

DESCRIBE = "/api/v1/objectives/describe"
GRID = "/api/v1/objectives/grid"
F64 = npt.NDArray[np.float64]


def describe(client: httpx.Client, objective: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The describe reply, checked against its declared model."""
    info: dict[str, Any] = post_json(client, DESCRIBE, {"objective": objective}, **kwargs)
    ObjectiveInfo.model_validate(info)
    return info


@pytest.mark.parametrize("name", ["himmelblau", "rosenbrock", "bowl"])
def test_describe_a_surface_matches_its_catalogue_entry(client: httpx.Client, name: str) -> None:
    info = describe(client, {"surface": name})
    entry = client.get(f"/api/v1/surfaces/{name}").json()
    assert info["kind"] == "surface"
    assert info["title"] == entry["title"]
    assert info["dim"] == 2
    assert info["names"] == ["x", "y"]
    assert info["domain"] == entry["domain"]
    (x0, x1), (y0, y1) = entry["domain"]
    assert info["start_region"] == {"low": [x0, y0], "high": [x1, y1]}
    assert info["landmarks"] == entry["minima"]
    assert info["log_scale"] == entry["log_scale"]
    assert info["cost"] == 1.0


def test_describe_himmelblau_lists_its_four_minima(client: httpx.Client) -> None:
    info = describe(client, {"surface": "himmelblau"})
    assert len(info["landmarks"]) == 4
    for mark in info["landmarks"]:
        x, y = mark["point"]
        assert mark["kind"] == "global"
        assert (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2 == pytest.approx(0.0, abs=1e-18)
    assert info["curvature"] is None


def test_describe_a_quadratic_by_its_eigenvalues(client: httpx.Client) -> None:
    # λ = 1, 4, 9 (given out of order): κ = 9, √κ = 3, every closed form a simple fraction.
    info = describe(client, {"quadratic": {"eigenvalues": [9, 1, 4], "center": [1, -2, 0.5]}})
    assert info["kind"] == "quadratic"
    assert info["title"] == "Quadratic, P = 3, κ = 9"
    assert info["dim"] == 3
    assert info["names"] == ["w[0]", "w[1]", "w[2]"]
    assert info["domain"] is None  # only two-parameter objectives are plotted
    assert info["start_region"] == {"low": [0.0, -3.0, -0.5], "high": [2.0, -1.0, 1.5]}
    assert info["landmarks"] == [{"point": [1.0, -2.0, 0.5], "value": 0.0, "kind": "global"}]
    assert info["log_scale"] is True
    c = info["curvature"]
    assert c["eigenvalues"] == [1.0, 4.0, 9.0]
    # No rotation: each eigenvector is a coordinate axis (9 was given first, so it is w[0]).
    assert c["eigenvectors"] == [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    l_min, l_max, k = 1.0, 9.0, 9.0
    assert c["condition"] == k
    assert c["lr_max"] == pytest.approx(2 / l_max, rel=1e-15)
    assert c["lr_best"] == pytest.approx(2 / (l_min + l_max), rel=1e-15)  # 0.2
    assert c["rate_best"] == pytest.approx((k - 1) / (k + 1), rel=1e-15)  # 0.8
    # Heavy ball (Polyak): lr = (2/(√λmin + √λmax))², β = ((√κ - 1)/(√κ + 1))², rate √β.
    assert c["momentum_lr"] == pytest.approx((2 / (1 + 3)) ** 2, rel=1e-15)  # 0.25
    assert c["momentum_beta"] == pytest.approx(((3 - 1) / (3 + 1)) ** 2, rel=1e-15)  # 0.25
    assert c["momentum_rate"] == pytest.approx(0.5, rel=1e-15)


def test_describe_a_quadratic_by_dimension_and_condition(client: httpx.Client) -> None:
    info = describe(client, {"quadratic": {"dim": 5, "condition": 16}})
    c = info["curvature"]
    np.testing.assert_allclose(c["eigenvalues"], [1, 2, 4, 8, 16], rtol=1e-14)  # log-spaced
    assert info["title"] == "Quadratic, P = 5, κ = 16"
    assert c["lr_max"] == pytest.approx(2 / 16, rel=1e-14)
    assert c["lr_best"] == pytest.approx(2 / 17, rel=1e-14)
    assert c["momentum_lr"] == pytest.approx((2 / (1 + 4)) ** 2, rel=1e-14)
    assert c["momentum_beta"] == pytest.approx((3 / 5) ** 2, rel=1e-14)
    zh = describe(
        client, {"quadratic": {"dim": 5, "condition": 16}}, headers={"Accept-Language": "zh"}
    )
    assert zh["title"] == "二次函数，P = 5，条件数 κ = 16"


def test_a_rotated_quadratic_has_orthonormal_eigenvectors(client: httpx.Client) -> None:
    info = describe(client, {"quadratic": {"eigenvalues": [1, 10, 100, 1000], "rotation_seed": 7}})
    v = np.array(info["curvature"]["eigenvectors"])
    assert v.shape == (4, 4)
    np.testing.assert_allclose(v @ v.T, np.eye(4), atol=1e-14)
    assert np.abs(v).max() < 0.99  # truly rotated: no eigenvector is a coordinate axis
    again = describe(client, {"quadratic": {"eigenvalues": [1, 10, 100, 1000], "rotation_seed": 7}})
    assert again == info  # the same seed, the same rotation


def test_eigenvectors_are_sent_up_to_100_parameters(client: httpx.Client) -> None:
    small = describe(client, {"quadratic": {"dim": 100, "condition": 10}})
    assert len(small["curvature"]["eigenvectors"]) == 100
    large = describe(client, {"quadratic": {"dim": 101, "condition": 10}})
    assert large["curvature"]["eigenvectors"] is None
    assert len(large["curvature"]["eigenvalues"]) == 101


@pytest.mark.parametrize(
    ("quadratic", "expected"),
    [
        ({"dim": 3}, "give either 'eigenvalues' or both 'dim' and 'condition'"),
        ({"eigenvalues": [1, 2], "dim": 2, "condition": 2}, "give either 'eigenvalues'"),
        ({"eigenvalues": [1, 2], "center": [0]}, "quadratic.center must have 2 coordinates, got 1"),
        ({"eigenvalues": [0, 1]}, "objective.quadratic.eigenvalues.0: Input should be greater"),
        ({"eigenvalues": [5e-324]}, "objective.quadratic.eigenvalues.0: Input should be greater"),
        ({"eigenvalues": []}, "objective.quadratic.eigenvalues: should have at least 1 item"),
        ({"dim": 1001, "condition": 2}, "objective.quadratic.dim: Input should be less than or"),
    ],
)
def test_describe_bad_quadratic_is_422(
    client: httpx.Client, quadratic: dict[str, Any], expected: str
) -> None:
    reply = client.post(DESCRIBE, json={"objective": {"quadratic": quadratic}})
    assert reply.status_code == 422, reply.text
    assert expected in reply.json()["message"]


def test_describe_unknown_surface_is_422_listing_the_choices(client: httpx.Client) -> None:
    reply = client.post(DESCRIBE, json={"objective": {"surface": "moon"}})
    assert reply.status_code == 422
    message = reply.json()["message"]
    assert message.startswith("objective.surface: unknown surface 'moon'; choose one of: bowl")


def grid(client: httpx.Client, objective: dict[str, Any], resolution: int) -> dict[str, Any]:
    body = {"objective": objective, "resolution": resolution}
    reply: dict[str, Any] = post_json(client, GRID, body)
    GridResult.model_validate(reply)
    return reply


@pytest.mark.parametrize(("name", "resolution"), [("himmelblau", 33), ("rosenbrock", 64)])
def test_objective_grid_of_a_surface_is_the_surface_grid(
    client: httpx.Client, name: str, resolution: int
) -> None:
    reply = grid(client, {"surface": name}, resolution)
    catalogue = client.get(f"/api/v1/surfaces/{name}/grid", params={"resolution": resolution})
    assert catalogue.status_code == 200
    assert reply == catalogue.json()


def test_objective_grid_of_a_2d_quadratic_is_its_closed_form(client: httpx.Client) -> None:
    objective = {"quadratic": {"eigenvalues": [1, 4], "rotation_seed": 3, "center": [0.5, -0.25]}}
    info = describe(client, objective)
    v, lam = np.array(info["curvature"]["eigenvectors"]), np.array(info["curvature"]["eigenvalues"])
    a = v.T @ np.diag(lam) @ v  # A = Qᵀ diag(λ) Q, rows of Q the eigenvectors
    c = np.array([0.5, -0.25])
    (x0, x1), (y0, y1) = info["domain"]
    assert (x0, x1, y0, y1) == (-0.5, 1.5, -1.25, 0.75)  # the centre ± 1
    r = 41
    reply = grid(client, objective, r)
    x, y, z = decode(reply["x"]), decode(reply["y"]), decode(reply["z"])
    xs, ys = np.linspace(x0, x1, r), np.linspace(y0, y1, r)
    np.testing.assert_array_equal(x, xs.astype(np.float32))
    np.testing.assert_array_equal(y, ys.astype(np.float32))
    xx, yy = np.meshgrid(xs, ys)  # z[i][j] at (x[j], y[i])
    d = np.stack([xx - c[0], yy - c[1]], axis=-1)
    exact = 0.5 * np.einsum("ijp,pq,ijq->ij", d, a, d)
    np.testing.assert_allclose(z, exact, rtol=2.0**-23, atol=1e-12)
    assert reply["zmin"] == pytest.approx(float(exact.min()), abs=1e-12)
    assert reply["zmax"] == pytest.approx(float(exact.max()), rel=1e-12)
    assert "shape" not in reply["x"]  # only the matrix has a shape
    assert reply["z"]["shape"] == f"{r},{r}"


@pytest.mark.parametrize(
    "objective",
    [{"quadratic": {"dim": 10, "condition": 100}}, {"quadratic": {"eigenvalues": [2.0]}}],
)
def test_objective_grid_needs_two_parameters(
    client: httpx.Client, objective: dict[str, Any]
) -> None:
    reply = client.post(GRID, json={"objective": objective, "resolution": 16})
    assert reply.status_code == 422
    dim = len(objective["quadratic"].get("eigenvalues", [])) or objective["quadratic"]["dim"]
    assert reply.json()["message"] == (
        f"this objective has {dim} parameters; plots and grids need exactly 2"
    )


@pytest.mark.parametrize(
    ("resolution", "expected"),
    [(1, "greater than or equal to 2"), (513, "513 is more than the limit of 512")],
)
def test_objective_grid_resolution_is_bounded(
    client: httpx.Client, resolution: int, expected: str
) -> None:
    reply = client.post(GRID, json={"objective": {"surface": "bowl"}, "resolution": resolution})
    assert reply.status_code == 422
    message = reply.json()["message"]
    assert message.startswith("resolution:")
    assert expected in message


def test_quadratic_loss_at_the_centre_is_zero(client: httpx.Client) -> None:
    """The closed form's minimum appears on the grid: an odd resolution puts the centre on it."""
    reply = grid(client, {"quadratic": {"eigenvalues": [3, 5], "center": [2, 2]}}, 5)
    z = decode(reply["z"])
    assert z[2, 2] == 0.0
    assert reply["zmin"] == 0.0
    assert reply["zmax"] == pytest.approx(0.5 * (3 + 5), rel=1e-12)  # corners: |w - c| = (1, 1)
    assert math.isclose(float(z[0, 0]), 4.0)
