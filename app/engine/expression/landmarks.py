"""Minima of a two-variable expression on its plotting domain, found numerically.

1. Evaluate f on a 64 x 64 grid over the domain and keep the interior grid points that are no
   higher than their 8 neighbours (at most 16 of them, lowest first).
2. Refine all of them together with damped Newton steps: the Hessian is a centred finite
   difference of the analytic gradient, shifted until positive definite (so every step goes
   downhill), each step capped in length and halved until f decreases.
3. Keep the points that stayed inside the domain and are lower than every nearby probe (so
   minima at kinks such as |x| + |y| count, flat valleys do not), merge duplicates, and mark
   the lowest value(s) "global" and the others "local".

The work is bounded: a fixed grid, at most 16 candidates and at most 40 Newton steps, each a
handful of batched evaluations.
"""

import numpy as np

from app.engine.expression.autodiff import CompiledExpression
from app.engine.objectives.base import Domain, Landmark
from app.engine.types import Array, BoolArray

GRID = 64
MAX_CANDIDATES = 16
ITERATIONS = 40
HALVINGS = 12


def find_minima(compiled: CompiledExpression, domain: Domain) -> tuple[Landmark, ...]:
    """The minima of `compiled` (two variables, in the order x, y) inside `domain`."""
    (x0, x1), (y0, y1) = domain
    scale = max(x1 - x0, y1 - y0)
    with np.errstate(all="ignore"):
        points = _grid_minima(compiled, domain)
        if not len(points):
            return ()
        points = _refine(compiled, points, scale)
        values = compiled.value(points[:, 0], points[:, 1])
        inside = (
            (points[:, 0] >= x0)
            & (points[:, 0] <= x1)
            & (points[:, 1] >= y0)
            & (points[:, 1] <= y1)
        )
        keep = np.isfinite(values) & inside & _strict_minima(compiled, points, values, scale)
        return _classify(points[keep], values[keep], scale)


def _grid_minima(compiled: CompiledExpression, domain: Domain) -> Array:
    """Interior grid points no higher than any of their 8 neighbours: (n, 2), lowest first."""
    (x0, x1), (y0, y1) = domain
    xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
    f = compiled.value(xs[:, None], ys[None, :])
    f = np.where(np.isnan(f), np.inf, f)  # a NaN neighbour never hides a minimum
    center = f[1:-1, 1:-1]
    is_min = np.isfinite(center)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_min &= center <= f[1 + di : GRID - 1 + di, 1 + dj : GRID - 1 + dj]
    i, j = np.nonzero(is_min)
    order = np.argsort(center[i, j], kind="stable")[:MAX_CANDIDATES]
    return np.column_stack([xs[i[order] + 1], ys[j[order] + 1]])


def _refine(compiled: CompiledExpression, p: Array, scale: float) -> Array:
    """Damped Newton steps from every row of p at once; f never increases."""
    h = 1e-5 * scale
    for _ in range(ITERATIONS):
        f, (gx, gy) = compiled.value_and_gradient(p[:, 0], p[:, 1])
        step = _newton_step(compiled, p, np.column_stack([gx, gy]), h)
        length = np.hypot(step[:, 0], step[:, 1])
        step *= np.minimum(1.0, 0.25 * scale / np.maximum(length, 1e-300))[:, None]
        p, moved = _line_search(compiled, p, f, step)
        if not np.any(moved & (length > 1e-12 * scale)):
            break
    return p


def _newton_step(compiled: CompiledExpression, p: Array, g: Array, h: float) -> Array:
    """-(H + mu I)^-1 g, with H from centred differences of the gradient and mu >= 0 making
    H + mu I positive definite; (K, 2)."""
    k = len(p)
    offsets = np.array([[h, 0.0], [-h, 0.0], [0.0, h], [0.0, -h]])
    probes = (p[None, :, :] + offsets[:, None, :]).reshape(-1, 2)
    gx, gy = compiled.gradient(probes[:, 0], probes[:, 1])
    dg = np.stack([gx, gy], axis=-1).reshape(4, k, 2)
    hxx, hxy = (dg[0] - dg[1]).T / (2 * h)
    hyx, hyy = (dg[2] - dg[3]).T / (2 * h)
    hxy = 0.5 * (hxy + hyx)
    mid, rad = 0.5 * (hxx + hyy), np.hypot(0.5 * (hxx - hyy), hxy)
    low, high = mid - rad, mid + rad
    mu = np.maximum(0.0, 1e-6 * (1.0 + np.abs(high)) - low)
    a, d = hxx + mu, hyy + mu
    det = a * d - hxy * hxy
    step = np.column_stack([-(d * g[:, 0] - hxy * g[:, 1]), -(a * g[:, 1] - hxy * g[:, 0])])
    step /= det[:, None]
    return np.where(np.isfinite(step), step, 0.0)


def _line_search(
    compiled: CompiledExpression, p: Array, f: Array, step: Array
) -> tuple[Array, BoolArray]:
    """Move each row by the longest of step, step/2, step/4, ... that lowers f; else stay."""
    alphas = 0.5 ** np.arange(HALVINGS)
    trial = (p[None, :, :] + alphas[:, None, None] * step[None, :, :]).reshape(-1, 2)
    ft = compiled.value(trial[:, 0], trial[:, 1]).reshape(HALVINGS, len(p))
    better: BoolArray = ft < f[None, :]
    moved: BoolArray = np.any(better, axis=0)
    first = np.argmax(better, axis=0)
    chosen = trial.reshape(HALVINGS, len(p), 2)[first, np.arange(len(p))]
    moved_to: Array = np.where(moved[:, None], chosen, p)
    return moved_to, moved


def _strict_minima(compiled: CompiledExpression, p: Array, f: Array, scale: float) -> BoolArray:
    """Rows lower than 8 probes around them at distance 1e-4 * scale.

    Strict, so a flat valley (relu(x) + y^2 along x < 0) gives no landmarks rather than a row of
    arbitrary points on it; a kink (|x| + |y| at 0) passes.
    """
    angles = np.arange(8) * (np.pi / 4)
    ring = 1e-4 * scale * np.column_stack([np.cos(angles), np.sin(angles)])
    probes = (p[None, :, :] + ring[:, None, :]).reshape(-1, 2)
    fp = compiled.value(probes[:, 0], probes[:, 1]).reshape(8, len(p))
    strict: BoolArray = np.all(fp > f[None, :], axis=0)
    return strict


def _classify(points: Array, values: Array, scale: float) -> tuple[Landmark, ...]:
    """Merge points closer than 1e-3 * scale (keeping the lower), then label global/local."""
    kept: list[int] = []
    for i in np.argsort(values, kind="stable"):
        if all(np.hypot(*(points[i] - points[j])) > 1e-3 * scale for j in kept):
            kept.append(int(i))
    if not kept:
        return ()
    best = float(values[kept[0]])
    tie = 1e-8 * max(1.0, abs(best))
    snapped = np.where(np.abs(points) < 1e-9 * scale, 0.0, points)  # (1.9e-15, 2) is (0, 2)
    return tuple(
        Landmark(
            (float(snapped[i, 0]), float(snapped[i, 1])),
            float(values[i]),
            "global" if values[i] - best <= tie else "local",
        )
        for i in kept
    )
