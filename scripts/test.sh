#!/usr/bin/env bash
# Set up .venv (once) and run every check: lint, format, types, then all tests.
# Browser tests use Chromium at /usr/bin/chromium (apt-get install -y chromium); under CI=true
# a missing Chromium fails the run instead of skipping. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest "$@"
