"""The engine stands alone: NumPy, the standard library and itself, never the web layer.

It may read the message catalogues (`app.i18n`), a standard-library-only module of data.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "app" / "engine"
WEB = ("fastapi", "pydantic", "starlette", "uvicorn")
ENGINE_MODULES = (
    "app.engine.runner",
    "app.engine.outcomes",
    "app.engine.objectives.surfaces",
    "app.engine.optimizers",
    "app.engine.starts",
    "app.engine.curvature",
    "app.engine.hyperparams",
    "app.engine.session",
    "app.engine.objectives.quadratic",
)
SOURCES = sorted(ENGINE.rglob("*.py"))


def _module_name(path: Path) -> str:
    """Dotted module name of a file under the repository root."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[str]:
    """Absolute names of every module `path` imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names.append(".".join([*base, node.module] if node.module else base))
            else:
                assert node.module is not None
                names.append(node.module)
    return names


def _stdlib(name: str) -> bool:
    """A module of the standard library."""
    top = name.split(".")[0]
    return top in sys.stdlib_module_names or top == "__future__"


def _allowed(name: str) -> bool:
    """NumPy, the standard library, the engine itself, or the message catalogues."""
    if name.split(".")[0] == "numpy" or _stdlib(name) or name == "app.i18n":
        return True
    return name == "app.engine" or name.startswith("app.engine.")


def test_engine_sources_exist() -> None:
    names = {_module_name(p) for p in SOURCES}
    assert set(ENGINE_MODULES) <= names


def test_importing_the_engine_loads_no_web_framework() -> None:
    code = (
        f"import {', '.join(ENGINE_MODULES)}, sys; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("path", SOURCES, ids=[_module_name(p) for p in SOURCES])
def test_engine_imports_only_numpy_stdlib_and_itself(path: Path) -> None:
    bad = [name for name in _imports(path) if not _allowed(name)]
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad}"


def test_the_message_catalogues_use_only_the_standard_library() -> None:
    path = ROOT / "app" / "i18n" / "__init__.py"
    assert [name for name in _imports(path) if not _stdlib(name)] == []


def test_the_import_check_catches_the_web_layer() -> None:
    assert not _allowed("fastapi")
    assert not _allowed("app.api.schemas")
    assert not _allowed("app.config")
    assert not _allowed("pydantic.dataclasses")
    assert _allowed("numpy.typing")
    assert _allowed("collections.abc")
    assert _allowed("app.engine.types")
