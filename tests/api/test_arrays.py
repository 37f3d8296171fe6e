"""`"format": "arrays"`: typed arrays that decode to exactly the numbers of the lists format."""

from typing import Any

import httpx
import numpy as np
import pytest

from app.api.replies import RunArrays, RunResult
from tests.api.helpers import RUNS, decode, post_json, split_stream, stream_events

CASES: dict[str, dict[str, Any]] = {
    "himmelblau adam gaussian, gradients": {
        "objective": {"surface": "himmelblau"},
        "optimizer": {"name": "adam", "lr": 0.05},
        "init": {"kind": "gaussian", "count": 12, "std": 2.5, "seed": 3},
        "steps": 300,
        "every": 7,
        "tol": 1e-4,
        "include_grad": True,
    },
    "double well, converged and diverged": {
        "objective": {"surface": "double_well"},
        "optimizer": {"name": "sgd", "lr": 0.3, "momentum": 0.5},
        "init": {"kind": "grid", "shape": [5, 3]},
        "steps": 100,
    },
    "rosenbrock overflowing losses": {  # the loss passes 1e308 before the 1e100 bound
        "objective": {"surface": "rosenbrock"},
        "optimizer": {"name": "sgd", "lr": 1.0},
        "starts": [[-1.5, 2.0], [0.5, 0.5]],
        "bound": 1e100,
        "steps": 50,
        "include_grad": True,
    },
    "rotated quadratic in 5-D, per-start lr": {
        "objective": {"quadratic": {"dim": 5, "condition": 30, "rotation_seed": 1}},
        "optimizer": {"name": "sgd", "lr": [0.01, 0.05, 0.2]},
        "init": {"kind": "uniform", "count": 3, "seed": 4},
        "steps": 40,
        "every": 4,
    },
}
IDS = list(CASES)
BODIES = list(CASES.values())


def both(client: httpx.Client, body: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The same run as lists and as arrays, each checked against its declared model."""
    lists = post_json(client, RUNS, body)
    RunResult.model_validate(lists)
    arrays = post_json(client, RUNS, {**body, "format": "arrays"})
    RunArrays.model_validate(arrays)
    return lists["trajectories"], arrays


@pytest.mark.parametrize("body", BODIES, ids=IDS)
def test_run_arrays_decode_to_the_lists(client: httpx.Client, body: dict[str, Any]) -> None:
    trajectories, a = both(client, body)
    k = len(trajectories)
    dim = len(trajectories[0]["points"][0])
    expected_dtypes = {
        "offsets": "i4",
        "steps": "i4",
        "points": "f8",
        "loss": "f8",
        "loss_finite": "u1",
        "status": "u1",
        "steps_taken": "i4",
        "grad_norm": "f8",
    }
    assert {name: a[name]["dtype"] for name in expected_dtypes} == expected_dtypes
    assert a["format"] == "arrays"
    assert a["dim"] == dim
    offsets = decode(a["offsets"])
    n = int(offsets[-1])
    assert offsets.shape == (k + 1,)
    assert offsets[0] == 0
    assert a["points"]["shape"] == f"{n},{dim}"
    steps, points = decode(a["steps"]), decode(a["points"])
    loss, finite = decode(a["loss"]), decode(a["loss_finite"])
    assert steps.shape == loss.shape == finite.shape == (n,)
    assert points.shape == (n, dim)
    grad = decode(a["grad"]) if body.get("include_grad") else None
    if grad is not None:
        assert a["grad"]["dtype"] == "f8"
        assert grad.shape == (n, dim)
    else:
        assert a.get("grad") is None
    status, taken, norm = decode(a["status"]), decode(a["steps_taken"]), decode(a["grad_norm"])
    for i, t in enumerate(trajectories):
        rows = slice(int(offsets[i]), int(offsets[i + 1]))
        assert steps[rows].tolist() == t["steps"]
        assert points[rows].tolist() == t["points"]  # bit for bit
        assert [
            v if ok else None for v, ok in zip(loss[rows].tolist(), finite[rows], strict=True)
        ] == t["loss"]
        if grad is not None:
            assert grad[rows].tolist() == t["grad"]
        assert a["statuses"][status[i]] == t["status"]
        assert int(taken[i]) == t["steps_taken"]
        assert (float(norm[i]) if norm[i] >= 0 else None) == t["grad_norm"]
        assert a["messages"][i] == t["message"]
    if body.get("bound") == 1e100:
        assert not finite.all()  # this case has losses past the largest float
        assert np.all(loss[finite == 0] == 0.0)


@pytest.mark.parametrize("body", BODIES, ids=IDS)
def test_stream_frames_as_arrays_decode_to_the_lists(
    client: httpx.Client, body: dict[str, Any]
) -> None:
    frames, summary = split_stream(stream_events(client, body))
    typed, typed_summary = split_stream(stream_events(client, {**body, "format": "arrays"}))
    assert typed_summary == summary
    assert [f.id for f in typed] == [f.id for f in frames]
    for plain, packed in zip(frames, typed, strict=True):
        want, got = plain.json(), packed.json()
        assert got["step"] == want["step"]
        assert got["index"]["dtype"] == "i4"
        assert decode(got["index"]).tolist() == want["index"]
        assert got["points"]["shape"] == f"{len(want['index'])},{len(want['points'][0])}"
        assert decode(got["points"]).tolist() == want["points"]
        loss, finite = decode(got["loss"]), decode(got["loss_finite"])
        assert [v if ok else None for v, ok in zip(loss.tolist(), finite, strict=True)] == want[
            "loss"
        ]
        if "grad" in want:
            assert decode(got["grad"]).tolist() == want["grad"]
        else:
            assert "grad" not in got


def test_arrays_are_smaller_than_lists(client: httpx.Client) -> None:
    body = {**CASES["himmelblau adam gaussian, gradients"], "every": 1}
    lists = client.post(RUNS, json=body, headers={"Accept-Encoding": "identity"})
    arrays = client.post(
        RUNS, json={**body, "format": "arrays"}, headers={"Accept-Encoding": "identity"}
    )
    assert lists.status_code == arrays.status_code == 200
    assert len(arrays.content) < 0.7 * len(lists.content)
