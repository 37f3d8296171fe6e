"""Limits and settings, each overridable from the environment as GDVIZ_<NAME>."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Settings:
    """Caps that bound every request's work, generous enough for a 256 x 256 grid of starts.

    Each app applies its own: `create_app(Settings(max_steps=100))` refuses 101 steps, and its
    OpenAPI document says so.
    """

    max_steps: int = 10_000
    max_starts: int = 65_536
    max_point_steps: int = 100_000_000  # starts x steps x the objective's cost per evaluation
    max_recorded_points: int = 1_000_000
    max_resolution: int = 512
    max_body_bytes: int = 4 * 1024 * 1024
    max_gradcheck_probes: int = 16_384  # parameters x step sizes h in one gradient check
    max_gradcheck_work: int = 500_000_000  # its evaluations of f x the objective's cost
    engine_threads: int = 2
    frame_batch_seconds: float = 0.05


@dataclass(frozen=True)
class Ceilings:
    """What the request schemas accept at most, whatever an app's settings say."""

    max_steps: int = 10_000_000
    max_starts: int = 1_048_576
    max_resolution: int = 4096


CEILINGS = Ceilings()


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    """Settings with GDVIZ_* environment variables applied over the defaults."""
    values: dict[str, int | float] = {}
    for f in fields(Settings):
        raw = env.get(f"GDVIZ_{f.name.upper()}")
        if raw is not None:
            values[f.name] = float(raw) if f.type in (float, "float") else int(raw)
    return Settings(**values)  # type: ignore[arg-type]


SETTINGS = load_settings()
