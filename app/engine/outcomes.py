"""Say in words how each trajectory ended, the way a teacher would explain it, in two languages.

Everything that needs curvature (Hessians, Newton steps) is computed in one batch for all the
trajectories that need it, and the text of each landmark is built once; what is left per
trajectory is one template fill. Explaining 65,536 endings costs a few NumPy calls and a
string format each. Sentences come from the message catalogues (`outcome.*` keys).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from app.engine import curvature, stability
from app.engine.hyperparams import SGD, Hyper
from app.engine.objectives.base import Landmark, Objective
from app.engine.runner import CONVERGED, DIVERGED, STATUSES, Summary
from app.engine.types import Array, IntArray
from app.i18n import Lang, catalogue

FLOAT_MAX = float(np.finfo(np.float64).max)
KINDS = {  # curvature.kind_of's names -> catalogue keys
    "saddle point": "saddle",
    "local minimum": "minimum",
    "local maximum": "maximum",
    "flat stationary point": "flat",
    "point": "flat",
}


@dataclass(frozen=True)
class Context:
    """What the explanation may refer to besides the trajectories themselves.

    `hyper` holds one set of hyperparameters per trajectory (or one for all of them).
    """

    objective: Objective
    rule: str
    hyper: Sequence[Hyper]
    tol: float
    bound: float
    radius: float = 1e-3
    landmarks: Sequence[Landmark] = field(default=())

    def marks(self) -> Sequence[Landmark]:
        """The landmarks to name: the given ones, else the objective's own."""
        return self.landmarks or self.objective.landmarks

    def hp(self, i: int) -> Hyper:
        """The hyperparameters of trajectory i."""
        return self.hyper[i] if len(self.hyper) > 1 else self.hyper[0]


def coords(point: Sequence[float] | Array, most: int = 6) -> str:
    """Format a point for a sentence: (1, -0.5); long vectors show their first `most` entries."""
    values = [f"{float(v):.4g}" for v in list(point)[:most]]
    if len(point) > most:
        values.append(f"… +{len(point) - most}")
    return "(" + ", ".join(values) + ")"


def num(value: float, digits: int = 4) -> str:
    """A number for a sentence, with `digits` significant digits."""
    return f"{value:.{digits}g}"


def nearest(point: Array, landmarks: Sequence[Landmark]) -> tuple[Landmark, float] | None:
    """The closest landmark to `point` and its distance, or None if there are none."""
    idx, dist = _nearest_all(point[None, :], landmarks)
    return (landmarks[int(idx[0])], float(dist[0])) if idx[0] >= 0 else None


def explain(summary: Summary, starts: Array, ctx: Context, lang: Lang = "en") -> list[str]:
    """One or two sentences per trajectory, in the order of `starts`, in `lang`."""
    return _Explainer(summary, starts, ctx, lang).sentences()


def describe_all(summary: Summary, starts: Array, ctx: Context) -> list[str]:
    """`explain` in English."""
    return explain(summary, starts, ctx, "en")


def describe(
    status: str,
    steps: int,
    start: Array,
    point: Array,
    grad_norm: float,
    ctx: Context,
    escape_loss: float = float("nan"),
    lang: Lang = "en",
) -> str:
    """The sentence for a single trajectory (see `explain`)."""
    with np.errstate(all="ignore"):
        loss = ctx.objective.loss(np.asfortranarray(point[None, :]))
    one = Summary(
        np.array([STATUSES.index(status)]),
        np.array([steps]),
        point[None, :],
        loss,
        np.array([grad_norm]),
        np.array([escape_loss]),
    )
    return explain(one, start[None, :], ctx, lang)[0]


class _Explainer:
    """The batch computations behind `explain`, and one template fill per row."""

    def __init__(self, summary: Summary, starts: Array, ctx: Context, lang: Lang) -> None:
        self.s, self.starts, self.ctx, self.lang = summary, starts, ctx, lang
        self.msg = catalogue(lang)
        self.marks = ctx.marks()
        self.idx, self.dist = _nearest_all(summary.point, self.marks)
        self.mark_text = [self._landmark_text(m) for m in self.marks]

    def t(self, key: str, **params: object) -> str:
        """The catalogue entry `key`, filled."""
        return self.msg[key].format(**params)

    def sentences(self) -> list[str]:
        """Every row's sentence."""
        s, tol = self.s, num(self.ctx.tol, 3)
        kinds = self._stationary_kinds()
        out: list[str] = [""] * len(s.status)
        conv = self.msg["outcome.converged"]
        steps, norms = s.steps_taken.tolist(), s.grad_norm.tolist()
        places = self._places(kinds)
        for i in np.flatnonzero(s.status == CONVERGED).tolist():
            out[i] = conv.format(n=steps[i], gn=num(norms[i], 3), tol=tol, place=places[i])
        diverged = np.flatnonzero(s.status == DIVERGED)
        if diverged.size:
            self._diverged(diverged, out)
        unfinished = np.flatnonzero((s.status != CONVERGED) & (s.status != DIVERGED))
        if unfinished.size:
            self._unfinished_all(unfinished, steps, norms, out)
        return out

    # --- converged ------------------------------------------------------------------------

    def _places(self, kinds: dict[int, str]) -> dict[int, str]:
        """Where each converged row stopped: a landmark, a stationary point or near one."""
        out: dict[int, str] = {}
        rows = np.flatnonzero(self.s.status == CONVERGED)
        at_mark = self.dist[rows] <= self.ctx.radius
        for i, j in zip(rows[at_mark].tolist(), self.idx[rows[at_mark]].tolist(), strict=True):
            out[i] = self.mark_text[j]
        for i in rows[~at_mark].tolist():
            out[i] = self._off_landmark(i, kinds.get(i))
        return out

    def _off_landmark(self, i: int, kind: str | None) -> str:
        """A converged row that is not at a known landmark."""
        point = coords(self.s.point[i])
        if kind is not None:
            return self.t(f"outcome.place.{KINDS[kind]}", point=point)
        j, tol = int(self.idx[i]), num(self.ctx.tol, 3)
        if j >= 0:
            dist, mark = num(float(self.dist[i]), 2), self.mark_text[j]
            return self.t("outcome.place.short", point=point, dist=dist, mark=mark, tol=tol)
        return self.t("outcome.place.slope", point=point, tol=tol)

    def _landmark_text(self, m: Landmark) -> str:
        """`the local minimum (x, y) where f = v`, plus the global one when this is not it."""
        point, value = coords(m.point), num(m.value)
        if m.kind == "global":
            return self.t("outcome.mark.global", point=point, value=value)
        if m.kind == "saddle":
            return self.t("outcome.mark.saddle", point=point, value=value)
        best = min(self.marks, key=lambda lm: lm.value)
        return self.t(
            "outcome.mark.local",
            point=point,
            value=value,
            best=num(best.value),
            best_point=coords(best.point),
        )

    def _stationary_kinds(self) -> dict[int, str]:
        """For converged rows away from every landmark: the kind of stationary point, if any.

        A row whose Newton step is longer than `radius` is not itself stationary (a loose
        tolerance stopped it early) and gets no kind.
        """
        s, ctx = self.s, self.ctx
        rows = np.flatnonzero((s.status == CONVERGED) & ~(self.dist <= ctx.radius))
        if rows.size == 0 or s.point.shape[1] > 50:
            return {}
        step = np.linalg.norm(curvature.newton_steps(ctx.objective, s.point[rows]), axis=1)
        flat = rows[step <= ctx.radius]
        if not flat.size:
            return {}
        spectra = curvature.spectra(ctx.objective, s.point[flat])
        return {int(r): curvature.kind_of(spectra[j]) for j, r in enumerate(flat)}

    # --- diverged -------------------------------------------------------------------------

    def _diverged(self, rows: IntArray, out: list[str]) -> None:
        """Why each diverged row blew up: overshooting, or a surface with no floor."""
        s, ctx = self.s, self.ctx
        with np.errstate(all="ignore"):
            f0 = ctx.objective.loss(np.asfortranarray(self.starts[rows]))
        steep = self._steepest(rows)
        bound = num(ctx.bound)
        # With no finite bound (a network's), only overflow diverges: say it of the loss.
        key = "outcome.diverged.overflow" if ctx.bound >= FLOAT_MAX else "outcome.diverged"
        for n, i in enumerate(rows.tolist()):
            cause = self._cause(i, float(f0[n]), float(steep[n]))
            out[i] = self.t(key, n=int(s.steps_taken[i]), bound=bound, cause=cause)

    def _steepest(self, rows: IntArray) -> Array:
        """The largest Hessian eigenvalue at each diverged row's start (0 when unknown)."""
        lam = self.ctx.objective.hessian_eigenvalues
        if lam is not None:
            return np.full(rows.size, float(lam[-1]))
        if self.starts.shape[1] > 50:
            return np.zeros(rows.size)
        sgd = np.array([isinstance(self.ctx.hp(i), SGD) for i in rows.tolist()], dtype=bool)
        steep = np.zeros(rows.size)
        if sgd.any():
            top = curvature.spectra(self.ctx.objective, self.starts[rows[sgd]])[:, -1]
            steep[sgd] = np.where(np.isfinite(top), top, 0.0)
        return steep

    def _cause(self, i: int, f0: float, steep: float) -> str:
        """The second sentence of a divergence."""
        f_last, f_escape = float(self.s.loss[i]), float(self.s.escape_loss[i])
        if not np.isfinite(f0):
            return self.t("outcome.cause.start_infinite", f0=num(f0))
        if np.isfinite(f_escape) and f_escape < f_last:
            return self.t("outcome.cause.no_floor", f0=num(f0), f1=num(f_escape))
        hp = self.ctx.hp(i)
        landed = num(f_escape) if np.isfinite(f_escape) else self.t("outcome.overflow")
        text = self.t("outcome.cause.too_large", lr=num(hp.lr), f0=num(f0), f1=landed)
        limit = stability.sgd_limit(hp, steep)
        if limit is not None and hp.lr > limit.lr_max:
            text += self._limit_text(limit, hp)
        return text

    def _limit_text(self, limit: stability.Limit, hp: Hyper) -> str:
        """`. The steepest curvature ... is stable only for lr < ...`."""
        everywhere = self.ctx.objective.hessian_eigenvalues is not None
        where = "everywhere" if everywhere else "start"
        lam = num(limit.curvature, 3)
        curv = self.t(f"outcome.curvature.{where}", lam=lam)
        if hp.weight_decay > 0:
            curv += self.t("outcome.curvature.decay", wd=num(hp.weight_decay, 3))
        beta = num(getattr(hp, "momentum", 0.0), 3)
        return self.t(
            f"outcome.stable.{limit.method}",
            curv=curv,
            lam=lam,
            beta=beta,
            limit=num(limit.lr_max, 3),
        )

    # --- ran out of steps -----------------------------------------------------------------

    def _unfinished_all(
        self, rows: IntArray, steps: list[int], norms: list[float], out: list[str]
    ) -> None:
        """Trajectories that used up their steps: how far they got, what held them back.

        The text is a head (steps and gradient norm), the nearest landmark (its text built
        once per landmark) and a tail (built once per set of hyperparameters).
        """
        ctx = self.ctx
        if ctx.tol == 0:
            head = self.msg["outcome.max_steps.tol0"]
        else:
            head = self.msg["outcome.max_steps"].replace("{tol}", num(ctx.tol, 3))
        near = [
            self.msg[f"outcome.near.{m.kind}"].replace("{point}", coords(m.point))
            for m in self.marks
        ]
        hps = [ctx.hp(0)] if len(ctx.hyper) == 1 else [ctx.hp(i) for i in rows.tolist()]
        tails: dict[Hyper, str] = {hp: "" for hp in hps}
        for hp in tails:
            tails[hp] = self._unfinished_tail(hp)
        tail_of = [tails[hp] for hp in hps] * (rows.size if len(hps) == 1 else 1)
        gns = list(map("{:.3g}".format, [norms[i] for i in rows.tolist()]))
        dists = list(map("{:.2g}".format, self.dist[rows].tolist()))
        rows_steps = [steps[i] for i in rows.tolist()]
        rows_idx = self.idx[rows].tolist()
        parts = zip(rows.tolist(), rows_idx, rows_steps, gns, dists, tail_of, strict=True)
        for i, j, n, gn, d, tail in parts:
            text = head.format(n=n, gn=gn)
            out[i] = text + near[j].format(dist=d) + tail if j >= 0 else text + tail

    def _unfinished_tail(self, hp: Hyper) -> str:
        """What held a trajectory back, for one set of hyperparameters."""
        if hp.weight_decay > 0:
            return self.t("outcome.weight_decay", wd=num(hp.weight_decay))
        rate = self._quadratic_rate(hp)
        if rate:
            return rate
        return self.t("outcome.try_more") if self.ctx.tol > 0 else ""

    def _quadratic_rate(self, hp: Hyper) -> str:
        """On a constant-curvature objective under plain descent: the rate and the best step."""
        lam = self.ctx.objective.hessian_eigenvalues
        if lam is None or not isinstance(hp, SGD) or not lam[0] > 0:
            return ""
        lo, hi = float(lam[0]), float(lam[-1])
        best = 2.0 / (lo + hi)
        if hp.momentum != 0:
            k = hi / lo
            root = k**0.5
            return self.t(
                "outcome.quadratic_momentum",
                lr=num((2.0 / (lo**0.5 + hi**0.5)) ** 2, 3),
                beta=num(((root - 1) / (root + 1)) ** 2, 3),
                rate=num((root - 1) / (root + 1), 4),
                plain=num((k - 1) / (k + 1), 4),
            )
        return self.t(
            "outcome.quadratic_rate",
            rate=num(stability.plain_rate(hp.lr, [lo, hi]), 4),
            lmin=num(lo, 3),
            lmax=num(hi, 3),
            best=num(best, 3),
            best_rate=num((hi - lo) / (hi + lo), 4),
        )


def _nearest_all(points: Array, landmarks: Sequence[Landmark]) -> tuple[IntArray, Array]:
    """Index of the nearest landmark to each point (-1 if none) and its distance (inf)."""
    if not landmarks:
        return np.full(len(points), -1), np.full(len(points), np.inf)
    marks = np.array([m.point for m in landmarks], dtype=np.float64)
    best_idx = np.zeros(len(points), dtype=np.int64)
    best = np.full(len(points), np.inf)
    with np.errstate(all="ignore"):
        for j, mark in enumerate(marks):  # one pass per landmark: (K, P) memory, not (K, M, P)
            d = np.sqrt(np.sum((points - mark) ** 2, axis=1))
            closer = d < best
            best_idx[closer], best[closer] = j, d[closer]
    best_idx[~np.isfinite(best)] = -1
    return best_idx, best
