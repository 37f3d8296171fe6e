"""The OpenAPI document says exactly what each endpoint accepts and answers.

Schemathesis reads the document and sends requests built from it to a live server: valid ones
and schema-violating ones (and, with GDVIZ_SCHEMATHESIS_COVERAGE=1, its boundary-value coverage
phase). Every check is on (no 500s, status codes documented, replies conforming to their
schemas, schema-violating requests refused, content types, headers, ...) except
`positive_data_acceptance`: a start's length depends on the objective, which a schema cannot
say, so some schema-valid bodies are refused with a 422.

The server is the small app (`create_app(SMALL)`: 50 steps, 4 starts, resolution 64), so every
generated run is cheap; its document differs from the default app's only in those three limits
(`test_settings.test_documents_differ_only_in_the_limits`). Below the schemathesis tests, the
document's own JSON Schema (through jsonschema_rs, which schemathesis uses) is held against the
server on the bodies that matter most: exactly one of `starts` and `init`, a quadratic's two
forms, pairs and per-start lists, and a typed formula's fields.
"""

import json
import os
from collections import Counter
from typing import Any

import httpx
import hypothesis
import jsonschema_rs
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from app.main import create_app
from tests.api.conftest import SMALL

MAX_EXAMPLES = 50  # per operation: valid and schema-violating cases, about 400 in all
# Schemathesis's coverage phase adds about 4,000 deterministic boundary and negative cases
# (about 20 s); it passes too, and runs when GDVIZ_SCHEMATHESIS_COVERAGE=1.
COVERAGE = os.environ.get("GDVIZ_SCHEMATHESIS_COVERAGE") == "1"
CONFIG: dict[str, Any] = {
    "seed": 20_261_129,  # the same cases on every run, so a failure reproduces
    "checks": {"positive_data_acceptance": {"enabled": False}},
    "generation": {"max-examples": MAX_EXAMPLES},
    "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}},
}
# The small app's document, read at collection time; the tests send the cases to a live server
# of the same app and check that it serves this very document.
DOCUMENT = create_app(SMALL).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=SchemathesisConfig.from_dict(CONFIG))


def test_the_server_serves_the_document_under_test(small: httpx.Client) -> None:
    assert small.get("/openapi.json").json() == DOCUMENT


SENT: Counter[str] = Counter()  # cases sent, per operation
MODES: Counter[str] = Counter()  # cases sent, per generation mode (positive, negative)


@schema.parametrize()
def test_every_endpoint_answers_as_documented(case: schemathesis.Case[Any], small_url: str) -> None:
    SENT[f"{case.method} {case.path}"] += 1
    MODES[str(case.meta.generation.mode if case.meta else None)] += 1
    case.call_and_validate(base_url=small_url)


def test_every_endpoint_got_cases() -> None:
    """Runs after the cases above: each operation was exercised, a few hundred cases in all."""
    if not SENT:
        pytest.skip("the schemathesis cases were not selected")
    operations = {
        f"{method.upper()} {path}" for path, ops in DOCUMENT["paths"].items() for method in ops
    }
    assert operations <= set(SENT)  # the coverage phase also tries methods not in the document
    assert sum(SENT.values()) >= 300, SENT
    assert min(MODES.values()) >= 100, MODES  # valid and schema-violating requests both


def test_links_between_endpoints_hold(small_url: str) -> None:
    """Stateful: replies feed later requests (schemathesis infers the links)."""
    phases = {"coverage": {"enabled": False}, "stateful": {"enabled": True}}
    config = SchemathesisConfig.from_dict({**CONFIG, "phases": phases})
    live = schemathesis.openapi.from_url(f"{small_url}/openapi.json", config=config)
    live.as_state_machine().run(
        settings=hypothesis.settings(
            max_examples=15,
            stateful_step_count=4,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            database=None,
        )
    )


def validator(component: str) -> jsonschema_rs.Validator:
    """A JSON Schema validator for one of the document's component schemas."""
    root = {"$ref": f"#/components/schemas/{component}", "components": DOCUMENT["components"]}
    return jsonschema_rs.validator_for(root)


BASE = {"objective": {"surface": "bowl"}, "optimizer": {"name": "sgd"}, "steps": 3}
NETWORK = {"network": {"hidden": [2]}, "dataset": {"name": "xor", "n": 10}}
BODIES = {
    "starts": {"starts": [[1, 2]]},
    "init": {"init": {"kind": "gaussian", "count": 2}},
    "starts, init null": {"starts": [[1, 2]], "init": None},
    "starts null, init": {"starts": None, "init": {"kind": "grid", "shape": [2, 2]}},
    "both null": {"starts": None, "init": None},
    "neither": {},
    "both": {"starts": [[1, 2]], "init": {"kind": "grid"}},
    "betas pair": {"starts": [[1, 2]], "optimizer": {"name": "adam", "betas": [0.9, 0.99]}},
    "betas per start": {
        "starts": [[1, 2], [2, 1]],
        "optimizer": {"name": "adam", "betas": [[0.9, 0.99], [0.5, 0.5]]},
    },
    "three betas": {"starts": [[1, 2]], "optimizer": {"name": "adam", "betas": [0.9, 0.9, 0.9]}},
    "lr per start": {"starts": [[1, 2], [2, 1]], "optimizer": {"name": "sgd", "lr": [0.1, 0.2]}},
    "lr as text": {"starts": [[1, 2]], "optimizer": {"name": "sgd", "lr": "0.1"}},
    "coordinate false": {"starts": [[False, 2]]},
    "quadratic by eigenvalues": {
        "objective": {"quadratic": {"eigenvalues": [1, 2]}},
        "starts": [[1, 2]],
    },
    "quadratic by dim and condition": {
        "objective": {"quadratic": {"dim": 2, "condition": 10, "eigenvalues": None}},
        "starts": [[1, 2]],
    },
    "quadratic by both": {
        "objective": {"quadratic": {"eigenvalues": [1, 2], "dim": 2, "condition": 10}},
        "starts": [[1, 2]],
    },
    "quadratic by dim alone": {"objective": {"quadratic": {"dim": 2}}, "starts": [[1, 2]]},
    "surface and quadratic": {
        "objective": {"surface": "bowl", "quadratic": {"dim": 2, "condition": 2}},
        "starts": [[1, 2]],
    },
    "expression": {"objective": {"expression": "x^2 + 3*sin(y)"}, "starts": [[1, 2]]},
    "expression with variables and domain": {
        "objective": {"expression": "x*y", "variables": ["y", "x"], "domain": [[0, 1], [-1, 1]]},
        "starts": [[1, 2]],
    },
    "expression, variables and domain null": {
        "objective": {"expression": "x*y", "variables": None, "domain": None},
        "starts": [[1, 2]],
    },
    "expression of 500 characters": {
        "objective": {"expression": "x" + " " * 499},
        "starts": [[1]],
    },
    "expression of 501 characters": {
        "objective": {"expression": "x" + " " * 500},
        "starts": [[1]],
    },
    "expression not text": {"objective": {"expression": 2}, "starts": [[1]]},
    "domain of three intervals": {
        "objective": {"expression": "x*y", "domain": [[0, 1], [0, 1], [0, 1]]},
        "starts": [[1, 2]],
    },
    "interval of three ends": {
        "objective": {"expression": "x*y", "domain": [[0, 1, 2], [0, 1]]},
        "starts": [[1, 2]],
    },
    "expression and surface": {
        "objective": {"expression": "x*y", "surface": "bowl"},
        "starts": [[1, 2]],
    },
    "network, neither": {"objective": NETWORK},
    "network, both null": {"objective": NETWORK, "starts": None, "init": None},
    "network, init": {"objective": NETWORK, "init": {"kind": "he", "count": 2, "seed": 1}},
    "network, both": {"objective": NETWORK, "starts": [[0.0] * 9], "init": {"kind": "zeros"}},
    "network and surface": {"objective": {**NETWORK, "surface": "bowl"}},
}


@pytest.mark.parametrize("extra", list(BODIES.values()), ids=list(BODIES))
def test_the_schema_allows_exactly_what_the_server_accepts(
    small: httpx.Client, extra: dict[str, Any]
) -> None:
    body = {**BASE, **extra}
    allowed = validator("RunRequest").is_valid(body)
    reply = small.post("/api/v1/runs", json=body)
    assert reply.status_code == (200 if allowed else 422), reply.text


EXPECTED_STATUSES = {
    "GET /api/v1/surfaces": {"200", "304"},
    "GET /api/v1/surfaces/{name}": {"200", "404"},
    "GET /api/v1/surfaces/{name}/grid": {"200", "304", "404", "422"},
    "GET /api/v1/optimizers": {"200", "304"},
    "GET /api/v1/i18n/{lang}": {"200", "304", "422"},
    "GET /api/v1/datasets": {"200"},
    "POST /api/v1/datasets/sample": {"200", "413", "422"},
    "POST /api/v1/landscape": {"200", "413", "422"},
    "POST /api/v1/predict": {"200", "413", "422"},
    "POST /api/v1/svm/sample": {"200", "413", "422"},
    "POST /api/v1/network/probe": {"200", "413", "422"},
    "POST /api/v1/network/unit": {"200", "413", "422"},
    "POST /api/v1/objectives/describe": {"200", "413", "422"},
    "POST /api/v1/objectives/grid": {"200", "413", "422"},
    "POST /api/v1/runs": {"200", "413", "422"},
    "POST /api/v1/runs/stream": {"200", "413", "422"},
    "POST /api/v1/starts": {"200", "413", "422"},
    "POST /api/v1/graph": {"200", "413", "422"},
    "POST /api/v1/gradcheck": {"200", "413", "422"},
    "POST /api/v1/gradcheck/cost": {"200", "413", "422"},
    "GET /api/v1/lessons": {"200"},
    "GET /api/v1/lessons/{id}": {"200", "404"},
    "GET /api/v1/share": {"200", "422"},
    "GET /healthz": {"200"},
}


def test_each_operation_documents_the_statuses_it_can_answer() -> None:
    found = {
        f"{method.upper()} {path}": set(op["responses"])
        for path, ops in DOCUMENT["paths"].items()
        for method, op in ops.items()
    }
    assert found == EXPECTED_STATUSES
    for ops in DOCUMENT["paths"].values():
        for op in ops.values():
            for status, reply in op["responses"].items():
                if status == "304":  # revalidated by ETag: no body
                    assert "content" not in reply
                elif status != "200":
                    schema = reply["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorReply"}


def test_reply_models_are_declared() -> None:
    def ok(path: str, method: str = "post") -> Any:
        return DOCUMENT["paths"][path][method]["responses"]["200"]["content"]

    runs = ok("/api/v1/runs")["application/json"]["schema"]
    assert runs == {
        "anyOf": [
            {"$ref": "#/components/schemas/RunResult"},
            {"$ref": "#/components/schemas/RunArrays"},
        ],
        "title": "Response Create Run Api V1 Runs Post",
    }
    assert list(ok("/api/v1/runs/stream")) == ["text/event-stream"]
    refs = {
        "/api/v1/objectives/describe": "ObjectiveInfo",
        "/api/v1/objectives/grid": "GridResult",
        "/api/v1/starts": "StartsResult",
        "/api/v1/graph": "GraphResult",
        "/api/v1/gradcheck": "GradCheckResult",
        "/api/v1/gradcheck/cost": "GradCostResult",
    }
    for path, model in refs.items():
        assert ok(path)["application/json"]["schema"] == {"$ref": f"#/components/schemas/{model}"}
    grid = ok("/api/v1/surfaces/{name}/grid", "get")["application/json"]["schema"]
    assert grid == {"$ref": "#/components/schemas/GridResult"}


def test_no_tuple_schemas() -> None:
    """`prefixItems` (pydantic's tuples) is not read by every tool: pairs are two-item lists."""
    assert "prefixItems" not in json.dumps(DOCUMENT)
    betas = DOCUMENT["components"]["schemas"]["AdamSpec"]["properties"]["betas"]["oneOf"][0]
    assert (betas["type"], betas["minItems"], betas["maxItems"]) == ("array", 2, 2)


GRAPH_BODIES = {
    "values": {"expression": "(x+y)*z", "values": {"x": -2, "y": 5, "z": -4}},
    "no values": {"expression": "x"},
    "values as a list": {"expression": "x", "values": [1]},
    "a value as text": {"expression": "x", "values": {"x": "1"}},
    "a name of 17 characters": {"expression": "x", "values": {"x" * 17: 1}},
    "an extra field": {"expression": "x", "values": {"x": 1}, "h": 1},
}


@pytest.mark.parametrize("body", list(GRAPH_BODIES.values()), ids=list(GRAPH_BODIES))
def test_the_graph_schema_allows_exactly_what_the_server_accepts(
    small: httpx.Client, body: dict[str, Any]
) -> None:
    allowed = validator("GraphRequest").is_valid(body)
    reply = small.post("/api/v1/graph", json=body)
    assert reply.status_code == (200 if allowed else 422), reply.text


CHECK_BODIES = {
    "one h": {"h": 1e-5},
    "a sweep": {"h": [1e-2, 1e-5, 1e-8]},
    "h omitted": {},
    "h at the ends": {"h": [1e-15, 10]},
    "h too small": {"h": 1e-16},
    "h too large": {"h": [10.5]},
    "65 steps": {"h": [1e-5] * 65},
    "no point": {"point": None},
}


@pytest.mark.parametrize("extra", list(CHECK_BODIES.values()), ids=list(CHECK_BODIES))
def test_the_gradcheck_schema_allows_exactly_what_the_server_accepts(
    small: httpx.Client, extra: dict[str, Any]
) -> None:
    body = {"objective": {"expression": "x^2 + y"}, "point": [1, 2], **extra}
    allowed = validator("GradCheckRequest").is_valid(body)
    reply = small.post("/api/v1/gradcheck", json=body)
    assert reply.status_code == (200 if allowed else 422), reply.text


def test_the_expression_schema_says_its_limits() -> None:
    spec = DOCUMENT["components"]["schemas"]["ExpressionSpec"]
    assert spec["properties"]["expression"]["maxLength"] == 500
    assert spec["required"] == ["expression"]
    assert spec["additionalProperties"] is False
    graph = DOCUMENT["components"]["schemas"]["GraphRequest"]["properties"]["expression"]
    assert graph["maxLength"] == 500
