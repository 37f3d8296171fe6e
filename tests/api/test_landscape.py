"""POST /api/v1/landscape: any objective's loss over two of its parameters, against the loss
computed here at the grid points."""

from typing import Any

import httpx
import numpy as np
import pytest

from app.api.replies import GridResult
from app.config import Settings
from app.main import create_app
from tests.api.conftest import serve
from tests.api.helpers import decode, post_json
from tests.api.test_data import ZH
from tests.api.test_models import LINE, MOONS, data_of, logistic_loss

LANDSCAPE = "/api/v1/landscape"


def landscape(client: httpx.Client, **body: Any) -> tuple[Any, Any, Any, dict[str, Any]]:
    """x, y, z (decoded) and the reply."""
    got: dict[str, Any] = post_json(client, LANDSCAPE, body)
    GridResult.model_validate(got)
    return decode(got["x"]), decode(got["y"]), decode(got["z"]), got


def test_linear_regression_landscape_is_its_mean_squared_error(client: httpx.Client) -> None:
    objective = {"model": "linear", "dataset": LINE, "l2": 0.2}
    x, y, z, got = landscape(
        client,
        objective=objective,
        params=["b", "w[0]"],  # x axis: the bias, y axis: the weight
        point=[0.7, -0.3],
        ranges=[[-1, 3], [0, 4]],
        resolution=9,
    )
    X, t = data_of(client, LINE)
    np.testing.assert_allclose(x, np.linspace(-1, 3, 9), rtol=1e-6)
    np.testing.assert_allclose(y, np.linspace(0, 4, 9), rtol=1e-6)
    assert z.shape == (9, 9)
    for i, j in [(0, 0), (3, 5), (8, 2), (8, 8)]:
        w, b = y[i], x[j]
        expected = np.mean((w * X[:, 0] + b - t) ** 2) + 0.2 * w * w
        assert z[i, j] == pytest.approx(expected, rel=1e-6)
    assert got["zmin"] == pytest.approx(float(z.min()), rel=1e-6)
    assert got["zmax"] == pytest.approx(float(z.max()), rel=1e-6)


def test_logistic_landscape_holds_the_other_parameters(client: httpx.Client) -> None:
    point = [0.5, -1.0, 0.25]
    _, _, z, _ = landscape(
        client,
        objective={"model": "logistic", "dataset": MOONS},
        params=["w[0]", "b"],
        point=point,
        ranges=[[-2, 2], [-1, 1]],
        resolution=5,
    )
    X, t = data_of(client, MOONS)
    for i, j in [(0, 4), (2, 2), (4, 1)]:
        w0, b = np.linspace(-2, 2, 5)[j], np.linspace(-1, 1, 5)[i]
        expected = logistic_loss(np.array([[w0, point[1]]]), np.array([b]), X, t)
        assert z[i, j] == pytest.approx(expected, rel=1e-6)


def test_surfaces_and_expressions_have_landscapes_too(client: httpx.Client) -> None:
    x, y, z, _ = landscape(
        client,
        objective={"surface": "himmelblau"},
        params=["x", "y"],
        point=[0, 0],
        ranges=[[-5, 5], [-5, 5]],
        resolution=11,
    )
    xx, yy = np.meshgrid(x, y)
    np.testing.assert_allclose(z, (xx**2 + yy - 11) ** 2 + (xx + yy**2 - 7) ** 2, rtol=1e-5)
    x, y, z, _ = landscape(
        client,
        objective={"expression": "x*y + z^2"},
        params=["z", "x"],
        point=[2, 3, 4],  # x, y, z in alphabetical order; y stays 3
        ranges=[[0, 1], [-1, 1]],
        resolution=3,
    )
    zz, xx = np.meshgrid(x, y)
    np.testing.assert_allclose(z, xx * 3 + zz**2, rtol=1e-6)


@pytest.mark.parametrize(
    ("change", "en", "zh"),
    [
        ({"params": ["w[0]", "w[0]"]}, "choose two different parameters, not 'w[0]' twice", "两次"),
        (
            {"params": ["w[0]", "c"]},
            "params: 'c' is not a parameter of this objective; its parameters are w[0], b",
            "不是这个目标函数的参数",
        ),
        ({"point": [0, 0, 0]}, "point must have 2 coordinates, got 3", "必须有 2 个坐标"),
        (
            {"ranges": [[1, 1], [0, 1]]},
            "ranges[0]: the low end 1.0 must be below the high end 1.0",
            "下端",
        ),
        ({"resolution": 513}, "resolution: 513 is more than the limit of 512", "上限 512"),
        ({"params": ["w[0]"]}, "params: should have at least 2 items", "params"),
    ],
)
def test_bad_landscapes_are_422s_in_both_languages(
    client: httpx.Client, change: dict[str, Any], en: str, zh: str
) -> None:
    body = {
        "objective": {"model": "linear", "dataset": LINE},
        "params": ["w[0]", "b"],
        "point": [0, 0],
        "ranges": [[-1, 1], [-1, 1]],
        **change,
    }
    reply = client.post(LANDSCAPE, json=body)
    assert reply.status_code == 422, reply.text
    assert en in reply.json()["message"]
    assert zh in client.post(LANDSCAPE, json=body, headers=ZH).json()["message"]


def test_each_app_caps_the_resolution_and_the_work() -> None:
    app = create_app(Settings(max_resolution=16, max_point_steps=1_000_000))
    softmax = {"model": "softmax", "dataset": {"name": "blobs", "n": 1000}}
    body = {"objective": softmax, "params": ["W[0,0]", "b[2]"], "point": [0] * 9}
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        fine = {**body, "ranges": [[-1, 1], [-1, 1]], "resolution": 17}
        reply = client.post(LANDSCAPE, json=fine)
        assert reply.status_code == 422
        assert reply.json()["message"] == "resolution: 17 is more than the limit of 16"
        reply = client.post(LANDSCAPE, json={**fine, "resolution": 16})
        assert reply.status_code == 422  # 256 points x 4,500 per loss > 1,000,000
        assert reply.json()["message"] == (
            "resolution: resolution² × cost 4500 per evaluation = 1,152,000 is more than the "
            "limit of 1,000,000: use a lower resolution"
        )
        assert client.post(LANDSCAPE, json={**fine, "resolution": 14}).status_code == 200
        # the closed form of linear regression costs one unit per point, whatever the data
        linear = {"model": "linear", "dataset": {"name": "line", "n": 10_000}}
        line = {**fine, "objective": linear, "params": ["w[0]", "b"], "point": [0, 0]}
        assert client.post(LANDSCAPE, json={**line, "resolution": 16}).status_code == 200
