"""The catalogue of classic two-parameter test surfaces, and their adapter to `Objective`.

Each entry names a function pair from `surface_functions` and adds a formula, a plotting
domain and the known minima. Known minima are literature values refined with Newton's method
to about ten digits. Titles and one-line lessons are words a student reads, so they live in
the message catalogues (`surface.<name>.title`, `surface.<name>.lesson`) in both languages.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.engine.objectives import surface_functions as fn
from app.engine.objectives.base import BaseObjective, Domain, Landmark
from app.engine.objectives.surface_functions import Pair
from app.engine.registry import lookup
from app.engine.types import Array

Minimum = Landmark


@dataclass(frozen=True)
class Surface:
    """A named 2-D function with its gradient, plotting domain and known minima."""

    name: str
    latex: str
    formula: str
    domain: Domain
    minima: tuple[Landmark, ...]
    log_scale: bool
    value: Callable[[Array, Array], Array]
    gradient: Callable[[Array, Array], Pair]
    curvature: tuple[float, float] | None = None  # the Hessian's eigenvalues, if constant


class SurfaceObjective(BaseObjective):
    """Adapts a `Surface` to the batched `Objective` protocol with P = 2."""

    names = ("x", "y")

    def __init__(self, surface: Surface) -> None:
        """Wrap `surface`."""
        self.surface = surface
        self.domain = surface.domain
        self.landmarks = surface.minima
        if surface.curvature is not None:
            self.hessian_eigenvalues = np.array(surface.curvature)

    def loss(self, w: Array) -> Array:
        """Loss per row: `w: (K, 2) -> (K,)`."""
        return self.surface.value(w[:, 0], w[:, 1])

    def grad(self, w: Array, step: int | None = None) -> Array:
        """Gradient per row: `w: (K, 2) -> (K, 2)`, in the same memory order as `w`."""
        dx, dy = self.surface.gradient(w[:, 0], w[:, 1])
        out = np.empty_like(w)
        out[:, 0] = dx
        out[:, 1] = dy
        return out


def _glob(x: float, y: float, value: float) -> Landmark:
    """A global minimum."""
    return Landmark((x, y), value, "global")


def _loc(x: float, y: float, value: float) -> Landmark:
    """A local (non-global) minimum."""
    return Landmark((x, y), value, "local")


# --- registry ---------------------------------------------------------------------------

_ST_LOW = -2.903534027771
_ST_HIGH = 2.746802770991

_ALL = (
    Surface(
        name="bowl",
        latex=r"f(x,y) = x^2 + y^2",
        formula="f(x, y) = x² + y²",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=fn.bowl,
        gradient=fn.bowl_grad,
        curvature=(2.0, 2.0),
    ),
    Surface(
        name="ravine",
        latex=r"f(x,y) = \tfrac{1}{2}x^2 + 10\,y^2",
        formula="f(x, y) = 0.5 x² + 10 y²",
        domain=((-4.0, 4.0), (-2.0, 2.0)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=fn.ravine,
        gradient=fn.ravine_grad,
        curvature=(1.0, 20.0),
    ),
    Surface(
        name="rosenbrock",
        latex=r"f(x,y) = (1-x)^2 + 100\,(y-x^2)^2",
        formula="f(x, y) = (1 − x)² + 100 (y − x²)²",
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=(_glob(1.0, 1.0, 0.0),),
        log_scale=True,
        value=fn.rosenbrock,
        gradient=fn.rosenbrock_grad,
    ),
    Surface(
        name="himmelblau",
        latex=r"f(x,y) = (x^2+y-11)^2 + (x+y^2-7)^2",
        formula="f(x, y) = (x² + y − 11)² + (x + y² − 7)²",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(
            _glob(3.0, 2.0, 0.0),
            _glob(-2.805118086953, 3.131312518251, 0.0),
            _glob(-3.779310253378, -3.283185991286, 0.0),
            _glob(3.584428340330, -1.848126526964, 0.0),
        ),
        log_scale=True,
        value=fn.himmelblau,
        gradient=fn.himmelblau_grad,
    ),
    Surface(
        name="beale",
        latex=r"f(x,y) = (1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2",
        formula="f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=(_glob(3.0, 0.5, 0.0),),
        log_scale=True,
        value=fn.beale,
        gradient=fn.beale_grad,
    ),
    Surface(
        name="booth",
        latex=r"f(x,y) = (x+2y-7)^2 + (2x+y-5)^2",
        formula="f(x, y) = (x + 2y − 7)² + (2x + y − 5)²",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(_glob(1.0, 3.0, 0.0),),
        log_scale=False,
        value=fn.booth,
        gradient=fn.booth_grad,
        curvature=(2.0, 18.0),
    ),
    Surface(
        name="matyas",
        latex=r"f(x,y) = 0.26\,(x^2+y^2) - 0.48\,xy",
        formula="f(x, y) = 0.26 (x² + y²) − 0.48 xy",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=fn.matyas,
        gradient=fn.matyas_grad,
        curvature=(0.04, 1.0),
    ),
    Surface(
        name="three_hump_camel",
        latex=r"f(x,y) = 2x^2 - 1.05x^4 + \tfrac{x^6}{6} + xy + y^2",
        formula="f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(
            _glob(0.0, 0.0, 0.0),
            _loc(1.747552345830, -0.873776172915, 0.298638442237),
            _loc(-1.747552345830, 0.873776172915, 0.298638442237),
        ),
        log_scale=False,
        value=fn.three_hump,
        gradient=fn.three_hump_grad,
    ),
    Surface(
        name="six_hump_camel",
        latex=r"f(x,y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
        formula="f(x, y) = (4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
        domain=((-2.0, 2.0), (-1.0, 1.0)),
        minima=(
            _glob(0.089842013100, -0.712656403021, -1.031628453490),
            _glob(-0.089842013100, 0.712656403021, -1.031628453490),
            _loc(-1.703606714970, 0.796083568673, -0.215463824384),
            _loc(1.703606714970, -0.796083568673, -0.215463824384),
            _loc(-1.607104752920, -0.568651454884, 2.104250310311),
            _loc(1.607104752920, 0.568651454884, 2.104250310311),
        ),
        log_scale=False,
        value=fn.six_hump,
        gradient=fn.six_hump_grad,
    ),
    Surface(
        name="rastrigin",
        latex=r"f(x,y) = 20 + \sum_{i}\left(x_i^2 - 10\cos(2\pi x_i)\right)",
        formula="f(x, y) = 20 + Σ (xᵢ² − 10 cos 2πxᵢ)",
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=fn.rastrigin,
        gradient=fn.rastrigin_grad,
    ),
    Surface(
        name="ackley",
        latex=r"f(x,y) = -20\,e^{-0.2\sqrt{0.5(x^2+y^2)}} - e^{0.5(\cos 2\pi x + \cos 2\pi y)}"
        r" + e + 20",
        formula="f(x, y) = −20 exp(−0.2 √(0.5(x² + y²))) − exp(0.5(cos 2πx + cos 2πy)) + e + 20",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=fn.ackley,
        gradient=fn.ackley_grad,
    ),
    Surface(
        name="saddle",
        latex=r"f(x,y) = x^2 - y^2",
        formula="f(x, y) = x² − y²",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(),
        log_scale=False,
        value=fn.saddle,
        gradient=fn.saddle_grad,
    ),
    Surface(
        name="styblinski_tang",
        latex=r"f(x,y) = \tfrac{1}{2}\sum_{i}\left(x_i^4 - 16x_i^2 + 5x_i\right)",
        formula="f(x, y) = ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ)",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(
            _glob(_ST_LOW, _ST_LOW, -78.332331407543),
            _loc(_ST_HIGH, _ST_LOW, -64.195612359055),
            _loc(_ST_LOW, _ST_HIGH, -64.195612359055),
            _loc(_ST_HIGH, _ST_HIGH, -50.058893310568),
        ),
        log_scale=False,
        value=fn.styblinski_tang,
        gradient=fn.styblinski_tang_grad,
    ),
    Surface(
        name="double_well",
        latex=r"f(x,y) = (x^2-1)^2 + 0.25\,x + y^2",
        formula="f(x, y) = (x² − 1)² + 0.25x + y²",
        domain=((-2.0, 2.0), (-1.5, 1.5)),
        minima=(
            _glob(-1.029895985051, 0.0, -0.253791237220),
            _loc(0.967148937883, 0.0, 0.245963357805),
        ),
        log_scale=False,
        value=fn.double_well,
        gradient=fn.double_well_grad,
    ),
)

SURFACES: dict[str, Surface] = {s.name: s for s in _ALL}


def get_surface(name: str) -> Surface:
    """Look a surface up by name, or raise `ValueError` listing the valid names."""
    return lookup(SURFACES, name, "surface")
