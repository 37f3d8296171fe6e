"""Classic two-parameter test surfaces, each with a hand-written analytic gradient.

Every `value` and `gradient` works elementwise on equal-shape float64 arrays (a batch of
points, or a whole plotting grid), allocates fresh outputs and never mutates its inputs.
Known minima are literature values refined with Newton's method to about ten digits.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.engine.types import Array

Pair = tuple[Array, Array]
TWO_PI = 2.0 * np.pi


@dataclass(frozen=True)
class Minimum:
    """A known local or global minimum of a surface."""

    point: tuple[float, float]
    value: float
    kind: Literal["global", "local"]


@dataclass(frozen=True)
class Surface:
    """A named 2-D function with its gradient, plotting domain and teaching notes."""

    name: str
    title: str
    latex: str
    formula: str
    lesson: str
    domain: tuple[tuple[float, float], tuple[float, float]]
    minima: tuple[Minimum, ...]
    log_scale: bool
    value: Callable[[Array, Array], Array]
    gradient: Callable[[Array, Array], Pair]


class SurfaceObjective:
    """Adapts a `Surface` to the batched `Objective` protocol with P = 2."""

    def __init__(self, surface: Surface) -> None:
        """Wrap `surface`."""
        self.surface = surface

    @property
    def dim(self) -> int:
        """Two parameters: x and y."""
        return 2

    def loss(self, w: Array) -> Array:
        """Loss per row: `w: (K, 2) -> (K,)`."""
        return self.surface.value(w[:, 0], w[:, 1])

    def grad(self, w: Array, step: int = 0) -> Array:
        """Gradient per row: `w: (K, 2) -> (K, 2)`, in the same memory order as `w`."""
        dx, dy = self.surface.gradient(w[:, 0], w[:, 1])
        out = np.empty_like(w)
        out[:, 0] = dx
        out[:, 1] = dy
        return out


def _glob(x: float, y: float, value: float) -> Minimum:
    """A global minimum."""
    return Minimum((x, y), value, "global")


def _loc(x: float, y: float, value: float) -> Minimum:
    """A local (non-global) minimum."""
    return Minimum((x, y), value, "local")


# --- bowl -------------------------------------------------------------------------------


def _bowl(x: Array, y: Array) -> Array:
    """x² + y²."""
    return x * x + y * y


def _bowl_grad(x: Array, y: Array) -> Pair:
    """(2x, 2y)."""
    return 2.0 * x, 2.0 * y


# --- ravine -----------------------------------------------------------------------------


def _ravine(x: Array, y: Array) -> Array:
    """0.5 x² + 10 y²."""
    return 0.5 * x * x + 10.0 * y * y


def _ravine_grad(x: Array, y: Array) -> Pair:
    """(x, 20y)."""
    return x.copy(), 20.0 * y


# --- rosenbrock -------------------------------------------------------------------------


def _rosenbrock(x: Array, y: Array) -> Array:
    """(1 - x)² + 100 (y - x²)²."""
    a = 1.0 - x
    a *= a
    r = x * x
    np.subtract(y, r, out=r)
    r *= r
    r *= 100.0
    r += a
    return r


def _rosenbrock_grad(x: Array, y: Array) -> Pair:
    """(x (2 - 400 r) - 2, 200 r) with r = y - x²; few operations, all in place."""
    r = x * x
    np.subtract(y, r, out=r)
    dy = r * 200.0
    r *= -400.0
    r += 2.0
    r *= x
    r -= 2.0
    return r, dy


# --- himmelblau -------------------------------------------------------------------------


def _himmelblau(x: Array, y: Array) -> Array:
    """(x² + y - 11)² + (x + y² - 7)²."""
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return a * a + b * b


def _himmelblau_grad(x: Array, y: Array) -> Pair:
    """(4xa + 2b, 2a + 4yb)."""
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


# --- beale ------------------------------------------------------------------------------


def _beale_terms(x: Array, y: Array) -> tuple[Array, Array, Array, Array]:
    """The three residuals of Beale's function and y²."""
    y2 = y * y
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y2
    c = 2.625 - x + x * y2 * y
    return a, b, c, y2


def _beale(x: Array, y: Array) -> Array:
    """(1.5 - x + xy)² + (2.25 - x + xy²)² + (2.625 - x + xy³)²."""
    a, b, c, _ = _beale_terms(x, y)
    return a * a + b * b + c * c


def _beale_grad(x: Array, y: Array) -> Pair:
    """Chain rule through the three residuals."""
    a, b, c, y2 = _beale_terms(x, y)
    dx = 2.0 * (a * (y - 1.0) + b * (y2 - 1.0) + c * (y2 * y - 1.0))
    dy = 2.0 * x * (a + 2.0 * y * b + 3.0 * y2 * c)
    return dx, dy


# --- booth ------------------------------------------------------------------------------


def _booth(x: Array, y: Array) -> Array:
    """(x + 2y - 7)² + (2x + y - 5)²."""
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return a * a + b * b


def _booth_grad(x: Array, y: Array) -> Pair:
    """(2a + 4b, 4a + 2b)."""
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b


# --- matyas -----------------------------------------------------------------------------


def _matyas(x: Array, y: Array) -> Array:
    """0.26 (x² + y²) - 0.48 xy."""
    return 0.26 * (x * x + y * y) - 0.48 * x * y


def _matyas_grad(x: Array, y: Array) -> Pair:
    """(0.52x - 0.48y, 0.52y - 0.48x)."""
    return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x


# --- three-hump camel -------------------------------------------------------------------


def _three_hump(x: Array, y: Array) -> Array:
    """2x² - 1.05x⁴ + x⁶/6 + xy + y²."""
    x2 = x * x
    return x2 * (2.0 + x2 * (-1.05 + x2 / 6.0)) + x * y + y * y


def _three_hump_grad(x: Array, y: Array) -> Pair:
    """(4x - 4.2x³ + x⁵ + y, x + 2y)."""
    x2 = x * x
    return x * (4.0 + x2 * (-4.2 + x2)) + y, x + 2.0 * y


# --- six-hump camel ---------------------------------------------------------------------


def _six_hump(x: Array, y: Array) -> Array:
    """(4 - 2.1x² + x⁴/3) x² + xy + (-4 + 4y²) y²."""
    x2 = x * x
    y2 = y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2


def _six_hump_grad(x: Array, y: Array) -> Pair:
    """(8x - 8.4x³ + 2x⁵ + y, x - 8y + 16y³)."""
    x2 = x * x
    y2 = y * y
    return x * (8.0 + x2 * (-8.4 + 2.0 * x2)) + y, x + y * (16.0 * y2 - 8.0)


# --- rastrigin --------------------------------------------------------------------------


def _rastrigin(x: Array, y: Array) -> Array:
    """20 + x² - 10 cos 2πx + y² - 10 cos 2πy."""
    return 20.0 + x * x + y * y - 10.0 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y))


def _rastrigin_grad(x: Array, y: Array) -> Pair:
    """(2x + 20π sin 2πx, 2y + 20π sin 2πy)."""
    k = 10.0 * TWO_PI
    return 2.0 * x + k * np.sin(TWO_PI * x), 2.0 * y + k * np.sin(TWO_PI * y)


# --- ackley -----------------------------------------------------------------------------


def _ackley(x: Array, y: Array) -> Array:
    """-20 exp(-0.2 √(0.5(x² + y²))) - exp(0.5(cos 2πx + cos 2πy)) + e + 20."""
    r = np.sqrt(0.5 * (x * x + y * y))
    bumps = np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    return -20.0 * np.exp(-0.2 * r) - bumps + np.e + 20.0


def _ackley_grad(x: Array, y: Array) -> Pair:
    """Analytic gradient; the cone term's undefined gradient at the origin is taken as 0."""
    r = np.sqrt(0.5 * (x * x + y * y))
    positive = r > 0.0
    safe_r = np.where(positive, r, 1.0)
    cone = np.where(positive, 2.0 * np.exp(-0.2 * r) / safe_r, 0.0)
    bumps = np.pi * np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    return cone * x + bumps * np.sin(TWO_PI * x), cone * y + bumps * np.sin(TWO_PI * y)


# --- saddle -----------------------------------------------------------------------------


def _saddle(x: Array, y: Array) -> Array:
    """x² - y²."""
    return x * x - y * y


def _saddle_grad(x: Array, y: Array) -> Pair:
    """(2x, -2y)."""
    return 2.0 * x, -2.0 * y


# --- styblinski-tang --------------------------------------------------------------------


def _styblinski_tang(x: Array, y: Array) -> Array:
    """0.5 Σ (t⁴ - 16t² + 5t)."""
    x2 = x * x
    y2 = y * y
    return 0.5 * (x2 * (x2 - 16.0) + 5.0 * x + y2 * (y2 - 16.0) + 5.0 * y)


def _styblinski_tang_grad(x: Array, y: Array) -> Pair:
    """(2x³ - 16x + 2.5, 2y³ - 16y + 2.5)."""
    return x * (2.0 * x * x - 16.0) + 2.5, y * (2.0 * y * y - 16.0) + 2.5


# --- double well ------------------------------------------------------------------------


def _double_well(x: Array, y: Array) -> Array:
    """(x² - 1)² + 0.25x + y²."""
    a = x * x - 1.0
    return a * a + 0.25 * x + y * y


def _double_well_grad(x: Array, y: Array) -> Pair:
    """(4x (x² - 1) + 0.25, 2y)."""
    return 4.0 * x * (x * x - 1.0) + 0.25, 2.0 * y


# --- registry ---------------------------------------------------------------------------

_ST_LOW = -2.903534027771
_ST_HIGH = 2.746802770991

_ALL = (
    Surface(
        name="bowl",
        title="Bowl",
        latex=r"f(x,y) = x^2 + y^2",
        formula="f(x, y) = x² + y²",
        lesson="A perfectly round bowl: the gradient points straight at the minimum, so "
        "gradient descent walks straight in (with lr = 0.5 it lands in a single step).",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=_bowl,
        gradient=_bowl_grad,
    ),
    Surface(
        name="ravine",
        title="Ravine",
        latex=r"f(x,y) = \tfrac{1}{2}x^2 + 10\,y^2",
        formula="f(x, y) = 0.5 x² + 10 y²",
        lesson="The valley is 20 times steeper across than along (condition number 20), so "
        "plain gradient descent zig-zags across it and is stable only for lr < 2/20 = 0.1.",
        domain=((-4.0, 4.0), (-2.0, 2.0)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=_ravine,
        gradient=_ravine_grad,
    ),
    Surface(
        name="rosenbrock",
        title="Rosenbrock",
        latex=r"f(x,y) = (1-x)^2 + 100\,(y-x^2)^2",
        formula="f(x, y) = (1 − x)² + 100 (y − x²)²",
        lesson="Finding the curved, flat-bottomed banana valley is easy; following it to the "
        "minimum at (1, 1) is slow, which is where momentum and Adam earn their keep.",
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=(_glob(1.0, 1.0, 0.0),),
        log_scale=True,
        value=_rosenbrock,
        gradient=_rosenbrock_grad,
    ),
    Surface(
        name="himmelblau",
        title="Himmelblau",
        latex=r"f(x,y) = (x^2+y-11)^2 + (x+y^2-7)^2",
        formula="f(x, y) = (x² + y − 11)² + (x + y² − 7)²",
        lesson="Four equally good minima: which one gradient descent finds depends only on "
        "where it starts.",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(
            _glob(3.0, 2.0, 0.0),
            _glob(-2.805118086953, 3.131312518251, 0.0),
            _glob(-3.779310253378, -3.283185991286, 0.0),
            _glob(3.584428340330, -1.848126526964, 0.0),
        ),
        log_scale=True,
        value=_himmelblau,
        gradient=_himmelblau_grad,
    ),
    Surface(
        name="beale",
        title="Beale",
        latex=r"f(x,y) = (1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2",
        formula="f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        lesson="Flat plateaus next to very steep walls: a learning rate that is safe on the "
        "walls crawls on the plateaus, so adaptive methods shine here.",
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=(_glob(3.0, 0.5, 0.0),),
        log_scale=True,
        value=_beale,
        gradient=_beale_grad,
    ),
    Surface(
        name="booth",
        title="Booth",
        latex=r"f(x,y) = (x+2y-7)^2 + (2x+y-5)^2",
        formula="f(x, y) = (x + 2y − 7)² + (2x + y − 5)²",
        lesson="A tilted elliptical bowl: the gradient does not point at the minimum, so the "
        "path curves, but any small enough learning rate gets there.",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(_glob(1.0, 3.0, 0.0),),
        log_scale=False,
        value=_booth,
        gradient=_booth_grad,
    ),
    Surface(
        name="matyas",
        title="Matyas",
        latex=r"f(x,y) = 0.26\,(x^2+y^2) - 0.48\,xy",
        formula="f(x, y) = 0.26 (x² + y²) − 0.48 xy",
        lesson="A long, nearly flat diagonal valley: the gradient is tiny along it, so "
        "gradient descent makes quick early progress and then slows to a crawl.",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=_matyas,
        gradient=_matyas_grad,
    ),
    Surface(
        name="three_hump_camel",
        title="Three-hump camel",
        latex=r"f(x,y) = 2x^2 - 1.05x^4 + \tfrac{x^6}{6} + xy + y^2",
        formula="f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²",
        lesson="One global minimum flanked by two shallower local ones: start too far out "
        "and gradient descent settles in a side valley.",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(
            _glob(0.0, 0.0, 0.0),
            _loc(1.747552345830, -0.873776172915, 0.298638442237),
            _loc(-1.747552345830, 0.873776172915, 0.298638442237),
        ),
        log_scale=False,
        value=_three_hump,
        gradient=_three_hump_grad,
    ),
    Surface(
        name="six_hump_camel",
        title="Six-hump camel",
        latex=r"f(x,y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
        formula="f(x, y) = (4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
        lesson="Six minima, two of them global: each starting point drains into its own "
        "basin, and only some basins hold the best answer.",
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
        value=_six_hump,
        gradient=_six_hump_grad,
    ),
    Surface(
        name="rastrigin",
        title="Rastrigin",
        latex=r"f(x,y) = 20 + \sum_{i}\left(x_i^2 - 10\cos(2\pi x_i)\right)",
        formula="f(x, y) = 20 + Σ (xᵢ² − 10 cos 2πxᵢ)",
        lesson="A bowl covered in a regular grid of local minima: plain gradient descent "
        "stops in the nearest dimple and almost never reaches the global minimum.",
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=_rastrigin,
        gradient=_rastrigin_grad,
    ),
    Surface(
        name="ackley",
        title="Ackley",
        latex=r"f(x,y) = -20\,e^{-0.2\sqrt{0.5(x^2+y^2)}} - e^{0.5(\cos 2\pi x + \cos 2\pi y)}"
        r" + e + 20",
        formula="f(x, y) = −20 exp(−0.2 √(0.5(x² + y²))) − exp(0.5(cos 2πx + cos 2πy)) + e + 20",
        lesson="A nearly flat, bumpy plateau around one deep funnel: far away the gradient "
        "mostly points into the nearest bump, not towards the minimum.",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(_glob(0.0, 0.0, 0.0),),
        log_scale=False,
        value=_ackley,
        gradient=_ackley_grad,
    ),
    Surface(
        name="saddle",
        title="Saddle",
        latex=r"f(x,y) = x^2 - y^2",
        formula="f(x, y) = x² − y²",
        lesson="The origin is a stationary point (zero gradient) that is not a minimum: start "
        "exactly on y = 0 and gradient descent gets stuck there; any tiny nudge escapes.",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(),
        log_scale=False,
        value=_saddle,
        gradient=_saddle_grad,
    ),
    Surface(
        name="styblinski_tang",
        title="Styblinski–Tang",
        latex=r"f(x,y) = \tfrac{1}{2}\sum_{i}\left(x_i^4 - 16x_i^2 + 5x_i\right)",
        formula="f(x, y) = ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ)",
        lesson="Four basins of different depth: the deepest one is in the bottom-left "
        "corner, and gradient descent finds it only if it starts there.",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(
            _glob(_ST_LOW, _ST_LOW, -78.332331407543),
            _loc(_ST_HIGH, _ST_LOW, -64.195612359055),
            _loc(_ST_LOW, _ST_HIGH, -64.195612359055),
            _loc(_ST_HIGH, _ST_HIGH, -50.058893310568),
        ),
        log_scale=False,
        value=_styblinski_tang,
        gradient=_styblinski_tang_grad,
    ),
    Surface(
        name="double_well",
        title="Double well",
        latex=r"f(x,y) = (x^2-1)^2 + 0.25\,x + y^2",
        formula="f(x, y) = (x² − 1)² + 0.25x + y²",
        lesson="Two valleys of different depth: different starting points reach different "
        "minima, so initialisation matters (start from a Gaussian, not from zeros).",
        domain=((-2.0, 2.0), (-1.5, 1.5)),
        minima=(
            _glob(-1.029895985051, 0.0, -0.253791237220),
            _loc(0.967148937883, 0.0, 0.245963357805),
        ),
        log_scale=False,
        value=_double_well,
        gradient=_double_well_grad,
    ),
)

SURFACES: dict[str, Surface] = {s.name: s for s in _ALL}


def get_surface(name: str) -> Surface:
    """Look a surface up by name, or raise `ValueError` listing the valid names."""
    try:
        return SURFACES[name]
    except KeyError:
        choices = ", ".join(SURFACES)
        raise ValueError(f"unknown surface {name!r}; choose one of: {choices}") from None
