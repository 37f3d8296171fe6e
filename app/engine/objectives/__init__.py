"""Everything a run minimises: each kind is one module that satisfies `Objective`."""

from app.engine.objectives.base import Objective

__all__ = ["Objective"]
