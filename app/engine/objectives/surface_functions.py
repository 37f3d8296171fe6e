"""The math of the 2-D test surfaces: values and hand-written gradients.

Each `name(x, y)` and `name_grad(x, y)` works elementwise on equal-shape float64 arrays (a
batch of points, or a whole plotting grid), allocates fresh outputs and never mutates its
inputs. `app.engine.objectives.surfaces` names them and adds domains, minima and lessons.
"""

import numpy as np

from app.engine.types import Array

Pair = tuple[Array, Array]
TWO_PI = 2.0 * np.pi


# --- bowl -------------------------------------------------------------------------------


def bowl(x: Array, y: Array) -> Array:
    """x² + y²."""
    return x * x + y * y


def bowl_grad(x: Array, y: Array) -> Pair:
    """(2x, 2y)."""
    return 2.0 * x, 2.0 * y


# --- ravine -----------------------------------------------------------------------------


def ravine(x: Array, y: Array) -> Array:
    """0.5 x² + 10 y²."""
    return 0.5 * x * x + 10.0 * y * y


def ravine_grad(x: Array, y: Array) -> Pair:
    """(x, 20y)."""
    return x.copy(), 20.0 * y


# --- rosenbrock -------------------------------------------------------------------------


def rosenbrock(x: Array, y: Array) -> Array:
    """(1 - x)² + 100 (y - x²)²."""
    a = 1.0 - x
    a *= a
    r = x * x
    np.subtract(y, r, out=r)
    r *= r
    r *= 100.0
    r += a
    return r


def rosenbrock_grad(x: Array, y: Array) -> Pair:
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


def himmelblau(x: Array, y: Array) -> Array:
    """(x² + y - 11)² + (x + y² - 7)²."""
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return a * a + b * b


def himmelblau_grad(x: Array, y: Array) -> Pair:
    """(4xa + 2b, 2a + 4yb)."""
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


# --- beale ------------------------------------------------------------------------------


def beale_terms(x: Array, y: Array) -> tuple[Array, Array, Array, Array]:
    """The three residuals of Beale's function and y²."""
    y2 = y * y
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y2
    c = 2.625 - x + x * y2 * y
    return a, b, c, y2


def beale(x: Array, y: Array) -> Array:
    """(1.5 - x + xy)² + (2.25 - x + xy²)² + (2.625 - x + xy³)²."""
    a, b, c, _ = beale_terms(x, y)
    return a * a + b * b + c * c


def beale_grad(x: Array, y: Array) -> Pair:
    """Chain rule through the three residuals."""
    a, b, c, y2 = beale_terms(x, y)
    dx = 2.0 * (a * (y - 1.0) + b * (y2 - 1.0) + c * (y2 * y - 1.0))
    dy = 2.0 * x * (a + 2.0 * y * b + 3.0 * y2 * c)
    return dx, dy


# --- booth ------------------------------------------------------------------------------


def booth(x: Array, y: Array) -> Array:
    """(x + 2y - 7)² + (2x + y - 5)²."""
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return a * a + b * b


def booth_grad(x: Array, y: Array) -> Pair:
    """(2a + 4b, 4a + 2b)."""
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b


# --- matyas -----------------------------------------------------------------------------


def matyas(x: Array, y: Array) -> Array:
    """0.26 (x² + y²) - 0.48 xy."""
    return 0.26 * (x * x + y * y) - 0.48 * x * y


def matyas_grad(x: Array, y: Array) -> Pair:
    """(0.52x - 0.48y, 0.52y - 0.48x)."""
    return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x


# --- three-hump camel -------------------------------------------------------------------


def three_hump(x: Array, y: Array) -> Array:
    """2x² - 1.05x⁴ + x⁶/6 + xy + y²."""
    x2 = x * x
    return x2 * (2.0 + x2 * (-1.05 + x2 / 6.0)) + x * y + y * y


def three_hump_grad(x: Array, y: Array) -> Pair:
    """(4x - 4.2x³ + x⁵ + y, x + 2y)."""
    x2 = x * x
    return x * (4.0 + x2 * (-4.2 + x2)) + y, x + 2.0 * y


# --- six-hump camel ---------------------------------------------------------------------


def six_hump(x: Array, y: Array) -> Array:
    """(4 - 2.1x² + x⁴/3) x² + xy + (-4 + 4y²) y²."""
    x2 = x * x
    y2 = y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2


def six_hump_grad(x: Array, y: Array) -> Pair:
    """(8x - 8.4x³ + 2x⁵ + y, x - 8y + 16y³)."""
    x2 = x * x
    y2 = y * y
    return x * (8.0 + x2 * (-8.4 + 2.0 * x2)) + y, x + y * (16.0 * y2 - 8.0)


# --- rastrigin --------------------------------------------------------------------------


def rastrigin(x: Array, y: Array) -> Array:
    """20 + x² - 10 cos 2πx + y² - 10 cos 2πy."""
    return 20.0 + x * x + y * y - 10.0 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y))


def rastrigin_grad(x: Array, y: Array) -> Pair:
    """(2x + 20π sin 2πx, 2y + 20π sin 2πy)."""
    k = 10.0 * TWO_PI
    return 2.0 * x + k * np.sin(TWO_PI * x), 2.0 * y + k * np.sin(TWO_PI * y)


# --- ackley -----------------------------------------------------------------------------


def ackley(x: Array, y: Array) -> Array:
    """-20 exp(-0.2 √(0.5(x² + y²))) - exp(0.5(cos 2πx + cos 2πy)) + e + 20."""
    r = np.sqrt(0.5 * (x * x + y * y))
    bumps = np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    return -20.0 * np.exp(-0.2 * r) - bumps + np.e + 20.0


def ackley_grad(x: Array, y: Array) -> Pair:
    """Analytic gradient; the cone term's undefined gradient at the origin is taken as 0."""
    r = np.sqrt(0.5 * (x * x + y * y))
    positive = r > 0.0
    safe_r = np.where(positive, r, 1.0)
    cone = np.where(positive, 2.0 * np.exp(-0.2 * r) / safe_r, 0.0)
    bumps = np.pi * np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    return cone * x + bumps * np.sin(TWO_PI * x), cone * y + bumps * np.sin(TWO_PI * y)


# --- saddle -----------------------------------------------------------------------------


def saddle(x: Array, y: Array) -> Array:
    """x² - y²."""
    return x * x - y * y


def saddle_grad(x: Array, y: Array) -> Pair:
    """(2x, -2y)."""
    return 2.0 * x, -2.0 * y


# --- styblinski-tang --------------------------------------------------------------------


def styblinski_tang(x: Array, y: Array) -> Array:
    """0.5 Σ (t⁴ - 16t² + 5t)."""
    x2 = x * x
    y2 = y * y
    return 0.5 * (x2 * (x2 - 16.0) + 5.0 * x + y2 * (y2 - 16.0) + 5.0 * y)


def styblinski_tang_grad(x: Array, y: Array) -> Pair:
    """(2x³ - 16x + 2.5, 2y³ - 16y + 2.5)."""
    return x * (2.0 * x * x - 16.0) + 2.5, y * (2.0 * y * y - 16.0) + 2.5


# --- double well ------------------------------------------------------------------------


def double_well(x: Array, y: Array) -> Array:
    """(x² - 1)² + 0.25x + y²."""
    a = x * x - 1.0
    return a * a + 0.25 * x + y * y


def double_well_grad(x: Array, y: Array) -> Pair:
    """(4x (x² - 1) + 0.25, 2y)."""
    return 4.0 * x * (x * x - 1.0) + 0.25, 2.0 * y
