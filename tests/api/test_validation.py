"""Bad requests get a 422 (413 for an oversized body) whose `message` says what to fix.

Never a 500. The last test checks that the server is still healthy after all of them.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.helpers import RUNS, STREAM, health, long_run_body, run_body

SURFACE_NAMES = ["bowl", "rosenbrock", "himmelblau", "rastrigin", "double_well"]
OPTIMIZER_NAMES = ["'sgd'", "'adagrad'", "'rmsprop'", "'adam'", "'adamw'"]
GRID_256 = {"kind": "grid", "shape": [256, 256]}

# (id, body, strings the message must contain: the field, then the allowed range or choices)
CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "unknown surface",
        run_body(objective={"surface": "moon"}),
        ["objective.surface", "unknown surface 'moon'", *SURFACE_NAMES],
    ),
    (
        "objective of no known kind",
        run_body(objective={}),
        [
            "objective must be a surface ('surface': name), a quadratic ('quadratic': ...), "
            "an expression ('expression': text), a model on a data set ('model': name, "
            "'dataset': ...) or a neural network ('network': ..., 'dataset': ...)"
        ],
    ),
    (
        "missing optimizer name",
        run_body(optimizer={"lr": 0.1}),
        ["optimizer", "'name'", "required"],
    ),
    (
        "unknown optimizer",
        run_body(optimizer={"name": "lbfgs"}),
        ["optimizer", "'lbfgs'", *OPTIMIZER_NAMES],
    ),
    (
        "lr = 0",
        run_body(optimizer={"name": "sgd", "lr": 0}),
        ["optimizer.lr", "greater than 0"],
    ),
    (
        "lr < 0",
        run_body(optimizer={"name": "adam", "lr": -0.1}),
        ["optimizer.lr", "greater than 0"],
    ),
    (
        "lr too big",
        run_body(optimizer={"name": "rmsprop", "lr": 100.5}),
        ["optimizer.lr", "less than or equal to 100"],
    ),
    ("steps = 0", run_body(steps=0), ["steps", "greater than or equal to 1"]),
    ("steps > 10000", run_body(steps=10_001), ["steps: 10001 is more than the limit of 10,000"]),
    ("steps not an int", run_body(steps=2.5), ["steps", "valid integer"]),
    ("every = 0", run_body(every=0), ["every", "greater than or equal to 1"]),
    ("tol < 0", run_body(tol=-1e-9), ["tol", "greater than or equal to 0"]),
    ("tol too big", run_body(tol=1001), ["tol", "less than or equal to 1000"]),
    ("bound < 0", run_body(bound=-1), ["bound", "greater than 0"]),
    (
        "start out of range",
        run_body(starts=[[2e6, 0.0]]),
        ["starts.0.0", "less than or equal to 1000000"],
    ),
    ("start with 3 coordinates", run_body(starts=[[1, 2, 3]]), ["start", "2 coordinates"]),
    ("start with 1 coordinate", run_body(starts=[[1]]), ["start", "2 coordinates"]),
    ("start not a list", run_body(starts=[1, 2]), ["starts.0", "valid list"]),
    ("both starts and init", run_body(init={"kind": "gaussian"}), ["'starts'", "'init'"]),
    ("neither starts nor init", run_body(starts=None), ["'starts'", "'init'", "exactly one"]),
    (
        "starts and init both null",
        {**run_body(starts=None), "starts": None, "init": None},
        ["give exactly one of 'starts' (a list of points) or 'init'"],
    ),
    (
        "unknown top-level field",
        run_body(learning_rate=0.1),
        ["learning_rate", "Extra inputs are not permitted"],
    ),
    (
        "unknown optimizer field",
        run_body(optimizer={"name": "sgd", "betas": [0.9, 0.99]}),
        ["optimizer.betas", "Extra inputs are not permitted"],
    ),
    (
        "beta2 = 1",
        run_body(optimizer={"name": "adam", "betas": [0.9, 1.0]}),
        ["optimizer.betas.1", "less than 1"],
    ),
    (
        "beta1 > 1",
        run_body(optimizer={"name": "adamw", "betas": [1.5, 0.999]}),
        ["optimizer.betas.0", "less than 1"],
    ),
    (
        "three betas",
        run_body(optimizer={"name": "adam", "betas": [0.9, 0.9, 0.9]}),
        ["optimizer.betas: should have at most 2 items, not 3"],
    ),
    (
        "momentum > 1",
        run_body(optimizer={"name": "sgd", "momentum": 1.5}),
        ["optimizer.momentum", "less than or equal to 1"],
    ),
    (
        "eps = 0",
        run_body(optimizer={"name": "adagrad", "eps": 0}),
        ["optimizer.eps", "greater than 0"],
    ),
    (
        "nesterov without momentum",
        run_body(optimizer={"name": "sgd", "nesterov": True}),
        ["Nesterov momentum requires a momentum and zero dampening", "momentum=0.0"],
    ),
    (
        "nesterov with dampening",
        run_body(optimizer={"name": "sgd", "nesterov": True, "momentum": 0.9, "dampening": 0.5}),
        ["Nesterov", "dampening=0.5"],
    ),
    (
        "unknown init kind",
        run_body(starts=None, init={"kind": "sobol"}),
        ["init", "'sobol'", "'gaussian'", "'uniform'", "'grid'"],
    ),
    (
        "count = 0",
        run_body(starts=None, init={"kind": "gaussian", "count": 0}),
        ["init.count", "greater than or equal to 1"],
    ),
    (
        "count > max_starts",
        run_body(starts=None, init={"kind": "uniform", "count": 65_537}),
        ["init.count: 65,537 starts is more than the limit of 65,536"],
    ),
    (
        "grid axis > 1024",
        run_body(starts=None, init={"kind": "grid", "shape": [1025, 2]}),
        ["init.shape.0", "less than or equal to 1024"],
    ),
    (
        "grid of 1 axis",
        run_body(starts=None, init={"kind": "grid", "shape": [4]}),
        ["init.shape must have 2 coordinates, got 1"],
    ),
    (
        "gaussian mean in 3-D",
        run_body(starts=None, init={"kind": "gaussian", "mean": [0, 0, 0]}),
        ["init.mean", "2 coordinates"],
    ),
    (
        "uniform low > high",
        run_body(starts=None, init={"kind": "uniform", "low": [1, 1], "high": [0, 2]}),
        ["init.low", "init.high", "low <= high"],
    ),
    (
        "too many starts × steps",
        run_body(starts=None, init=GRID_256, steps=10_000, every=10_000),
        ["starts × steps = 655,360,000", "limit of 100,000,000"],
    ),
    (
        "too many recorded points",
        long_run_body(count=2000, steps=10_000, every=1),
        ["record up to 20,004,000 points", "limit of 1,000,000", "'every'"],
    ),
    (
        "too many recorded points on a grid",
        run_body(starts=None, init=GRID_256, steps=100),
        ["record up to 6,684,672 points", "limit of 1,000,000"],
    ),
]


@pytest.mark.parametrize(("path"), [RUNS, STREAM])
@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_request_is_422_naming_the_problem(
    client: httpx.Client, path: str, body: dict[str, Any], expected: list[str]
) -> None:
    reply = client.post(path, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/json"
    data = reply.json()
    assert isinstance(data["detail"], list)
    assert data["detail"]
    for part in expected:
        assert part in data["message"], (part, data["message"])


def test_too_many_explicit_starts(client: httpx.Client) -> None:
    reply = client.post(RUNS, json=run_body(starts=[[0.5, 0.5]] * 65_537, steps=1))
    assert reply.status_code == 422
    assert reply.json()["message"] == "starts: 65,537 starts is more than the limit of 65,536"


def test_ragged_starts_message_names_starts(client: httpx.Client) -> None:
    reply = client.post(RUNS, json=run_body(starts=[[1.0, 2.0], [3.0]]))
    assert reply.status_code == 422
    assert "start" in reply.json()["message"]


NON_FINITE = [
    ('"optimizer": {"name": "sgd", "lr": NaN}', "optimizer.lr"),
    ('"optimizer": {"name": "adam", "betas": [NaN, 0.9]}', "optimizer.betas.0"),
    ('"tol": Infinity', "tol"),
    ('"bound": -Infinity', "bound"),
    ('"starts": [[Infinity, 0]]', "starts.0.0"),
    ('"starts": [[0, NaN]]', "starts.0.1"),
    ('"starts": [[1e400, 0]]', "starts.0.0"),
    ('"init": {"kind": "gaussian", "std": NaN}', "init.std"),
    ('"init": {"kind": "gaussian", "mean": [NaN, 0]}', "init.mean.0"),
    ('"init": {"kind": "uniform", "high": [Infinity, 1]}', "init.high.0"),
]


@pytest.mark.parametrize("path", [RUNS, STREAM])
@pytest.mark.parametrize(("fragment", "field"), NON_FINITE)
def test_non_finite_numbers_are_422(
    client: httpx.Client, path: str, fragment: str, field: str
) -> None:
    fields = {
        "objective": '"objective": {"surface": "bowl"}',
        "optimizer": '"optimizer": {"name": "sgd"}',
        "starts": '"starts": [[1, 2]]',
    }
    key = fragment.split('"')[1]
    if key == "init":
        del fields["starts"]
    fields[key] = fragment
    raw = "{" + ", ".join(fields.values()) + "}"
    reply = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 422, reply.text
    assert reply.json()["message"] == f"{field}: Input should be a finite number"


@pytest.mark.parametrize(
    "raw", ['{"objective":', "hello", "{'single': 'quotes'}", '{"a": 1,}', "\x00"]
)
def test_malformed_json_is_422(client: httpx.Client, raw: str) -> None:
    reply = client.post(RUNS, content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 422
    data = reply.json()
    assert data["detail"][0]["type"] == "json_invalid"
    assert data["message"].startswith("the body is not valid JSON (")


@pytest.mark.parametrize("path", [RUNS, STREAM, "/api/v1/objectives/describe"])
@pytest.mark.parametrize("raw", [b"\xff\xfe{", b'{"a": "\xe9"}', b"<R\xe9"])
def test_body_that_is_not_utf8_is_422_not_400(client: httpx.Client, path: str, raw: bytes) -> None:
    reply = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 422, reply.text
    data = reply.json()
    assert data["detail"][0]["type"] == "json_invalid"
    assert data["message"].startswith("the body is not UTF-8 text (byte ")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("[]", "valid dictionary"), ("null", "valid dictionary"), ("", "Field required")],
)
def test_body_that_is_not_an_object_is_422(client: httpx.Client, raw: str, expected: str) -> None:
    reply = client.post(RUNS, content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 422
    assert expected in reply.json()["message"]


@pytest.mark.parametrize(
    "value", ["abc", "1.5", "0x10", "1e3", "--5", "5-", "+5", "1234567890", "\u00b2", "5 5"]
)
def test_bad_last_event_id_is_422(client: httpx.Client, value: str) -> None:
    headers = [(b"Last-Event-ID", value.encode("latin-1"))]  # HTTP headers are Latin-1
    reply = client.post(STREAM, json=run_body(), headers=headers)
    assert reply.status_code == 422
    data = reply.json()
    assert data["detail"][0]["loc"] == ["header", "Last-Event-ID"]
    assert data["message"] == f"Last-Event-ID must be a step number, got {value!r}"
    assert "invalid literal" not in reply.text


def test_non_numeric_last_event_id_message_says_what_is_expected(client: httpx.Client) -> None:
    reply = client.post(STREAM, json=run_body(), headers={"Last-Event-ID": "abc"})
    assert reply.status_code == 422
    assert "Last-Event-ID must be a step number, got 'abc'" in reply.json()["message"]


@pytest.mark.parametrize("path", [RUNS, STREAM])
def test_body_over_the_size_cap_is_413(server_url: str, path: str) -> None:
    cap = 4 * 1024 * 1024
    body = b'{"pad": "' + b"x" * cap + b'"}'
    with httpx.Client(base_url=server_url, timeout=60) as fresh:
        reply = fresh.post(path, content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 413
    text = f"the request body is larger than the limit of {cap:,} bytes"
    assert reply.json() == {"detail": text, "message": text}


def test_body_just_under_the_size_cap_is_parsed(client: httpx.Client) -> None:
    cap = 4 * 1024 * 1024
    head = b'{"objective": {"surface": "bowl"}, "optimizer": {"name": "sgd"}, "starts": [[1, 2]]'
    body = head + b" " * (cap - len(head) - 1) + b"}"
    assert len(body) == cap
    reply = client.post(RUNS, content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 200
    assert reply.json()["trajectories"][0]["points"][0] == [1.0, 2.0]


def chunks(total: int, size: int = 1 << 20) -> Iterator[bytes]:
    """A body sent with chunked transfer encoding (no Content-Length)."""
    yield b'{"pad": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}'


def test_streamed_body_over_the_size_cap_is_413(server_url: str) -> None:
    with httpx.Client(base_url=server_url, timeout=60) as fresh:
        reply = fresh.post(
            RUNS, content=chunks(5 * 1024 * 1024), headers={"content-type": "application/json"}
        )
    assert reply.status_code == 413


def test_huge_generated_start_batch_is_422_not_500(server_url: str) -> None:
    init = {"kind": "grid", "low": [0.0] * 5, "high": [1.0] * 5, "shape": [1024] * 5}
    with httpx.Client(base_url=server_url, timeout=60) as fresh:
        reply = fresh.post(RUNS, json=run_body(starts=None, init=init))
    assert reply.status_code == 422


def test_server_is_still_healthy(client: httpx.Client) -> None:
    state = health(client)
    assert state["status"] == "ok"
    assert state["active_streams"] == 0
    reply = client.post(RUNS, json=run_body())
    assert reply.status_code == 200
    assert reply.json()["trajectories"][0]["steps_taken"] == 5
