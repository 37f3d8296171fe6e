"""Each app applies its own settings, and its OpenAPI document states them."""

from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.api.conftest import SMALL
from tests.api.helpers import RUNS, STREAM, run_body

GRID = "/api/v1/surfaces/bowl/grid"
OBJECTIVE_GRID = "/api/v1/objectives/grid"


@pytest.mark.parametrize("path", [RUNS, STREAM])
def test_small_app_refuses_51_steps(small: httpx.Client, path: str) -> None:
    assert small.post(path, json=run_body(steps=50)).status_code == 200
    reply = small.post(path, json=run_body(steps=51))
    assert reply.status_code == 422
    assert reply.json()["message"] == "steps: 51 is more than the limit of 50"


@pytest.mark.parametrize(
    ("field", "four", "five"),
    [
        ("starts", {"starts": [[1.0, 1.0]] * 4}, {"starts": [[1.0, 1.0]] * 5}),
        (
            "init.count",
            {"init": {"kind": "gaussian", "count": 4}},
            {"init": {"kind": "uniform", "count": 5}},
        ),
        (
            "init.shape",
            {"init": {"kind": "grid", "shape": [2, 2]}},
            {"init": {"kind": "grid", "shape": [5, 1]}},
        ),
    ],
)
def test_small_app_refuses_5_starts(
    small: httpx.Client, field: str, four: dict[str, Any], five: dict[str, Any]
) -> None:
    body = run_body(starts=None)
    assert small.post(RUNS, json={**body, **four}).status_code == 200
    reply = small.post(RUNS, json={**body, **five})
    assert reply.status_code == 422
    assert reply.json()["message"] == f"{field}: 5 starts is more than the limit of 4"
    init = five.get("init")
    if init is not None:
        reply = small.post("/api/v1/starts", json={"objective": {"surface": "bowl"}, "init": init})
        assert reply.status_code == 422
        assert "5 starts is more than the limit of 4" in reply.json()["message"]


def test_small_app_refuses_resolution_65(small: httpx.Client) -> None:
    assert small.get(GRID, params={"resolution": 64}).status_code == 200
    reply = small.get(GRID, params={"resolution": 65})
    assert reply.status_code == 422
    assert reply.json()["message"] == "resolution: 65 is more than the limit of 64"
    body = {"objective": {"surface": "bowl"}, "resolution": 65}
    assert small.post(OBJECTIVE_GRID, json={**body, "resolution": 64}).status_code == 200
    reply = small.post(OBJECTIVE_GRID, json=body)
    assert reply.status_code == 422
    assert reply.json()["message"] == "resolution: 65 is more than the limit of 64"


def limits(document: dict[str, Any]) -> dict[str, Any]:
    """The limits an OpenAPI document states for steps, starts and resolution."""
    schemas = document["components"]["schemas"]
    run = schemas["RunRequest"]["properties"]
    (grid_query,) = (
        p
        for p in document["paths"]["/api/v1/surfaces/{name}/grid"]["get"]["parameters"]
        if p["name"] == "resolution"
    )
    return {
        "steps": run["steps"]["maximum"],
        "every": run["every"]["maximum"],
        "starts": run["starts"]["anyOf"][0]["maxItems"],
        "gaussian count": schemas["GaussianInit"]["properties"]["count"]["maximum"],
        "uniform count": schemas["UniformInit"]["properties"]["count"]["maximum"],
        "lr per start": schemas["SGDSpec"]["properties"]["lr"]["oneOf"][1]["maxItems"],
        "grid resolution": grid_query["schema"]["maximum"],
        "objective grid resolution": schemas["GridRequest"]["properties"]["resolution"]["maximum"],
    }


def test_openapi_states_each_apps_own_limits(small: httpx.Client, client: httpx.Client) -> None:
    assert limits(small.get("/openapi.json").json()) == {
        "steps": 50,
        "every": 50,
        "starts": 4,
        "gaussian count": 4,
        "uniform count": 4,
        "lr per start": 4,
        "grid resolution": 64,
        "objective grid resolution": 64,
    }
    assert limits(client.get("/openapi.json").json()) == {
        "steps": 10_000,
        "every": 10_000,
        "starts": 65_536,
        "gaussian count": 65_536,
        "uniform count": 65_536,
        "lr per start": 65_536,
        "grid resolution": 512,
        "objective grid resolution": 512,
    }


def test_documents_differ_only_in_the_limits() -> None:
    """So testing the small app's document (schemathesis) covers the default app's too."""
    default, small = create_app().openapi(), create_app(SMALL).openapi()
    swap = {10_000: 50, 65_536: 4, 512: 64}

    def with_small_limits(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: with_small_limits(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [with_small_limits(v) for v in node]
        if key in ("maximum", "maxItems") and type(node) is int and node in swap:
            return swap[node]
        return node

    assert with_small_limits(default) == small
    assert default != small


def test_settings_default_to_the_documented_caps() -> None:
    s = Settings()
    assert (s.max_steps, s.max_starts, s.max_resolution) == (10_000, 65_536, 512)
    assert (s.max_point_steps, s.max_recorded_points) == (100_000_000, 1_000_000)
    assert s.max_body_bytes == 4 * 1024 * 1024
