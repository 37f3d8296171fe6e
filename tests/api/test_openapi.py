"""The OpenAPI document says exactly what each endpoint accepts and answers: schemathesis checks.

Schemathesis reads the document of a live server and sends requests built from it: valid ones,
boundary values (its coverage phase) and schema-violating ones. Every check is on (status codes
documented, replies conforming to their schemas, schema-violating requests refused, no 500s,
content types, headers, ...) except `positive_data_acceptance`: a start's length depends on the
objective, which a schema cannot say, so some schema-valid bodies are refused with a 422.

The server is the small app (`create_app(SMALL)`: 50 steps, 4 starts, resolution 64), so every
generated run is cheap; its document differs from the default app's only in those three limits
(`test_settings.test_documents_differ_only_in_the_limits`).
"""

import os
from collections import Counter
from typing import Any

import httpx
import hypothesis
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
