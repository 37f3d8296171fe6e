"""Seeded toy data sets for learning from data: two regression sets and five classification sets.

Every set is a pure function of (name, n, noise, seed, classes). Each generator first draws the
clean points and their labels, then the Gaussian jitter, always from the same random stream; the
jitter is scaled by `noise` at the very end. So changing `noise` moves the points but never
changes a label, and `noise = 0` gives the clean points of the same draw. For regression the
jitter is added to the target y (the points are (x, y)); for classification to both coordinates.

A held-out set is the same generator with another seed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.engine.errors import EngineError
from app.engine.types import Array, IntArray

Kind = Literal["regression", "classification"]
Targets = Array | IntArray
Generator = np.random.Generator
Maker = Callable[[Generator, int, int], tuple[Array, Targets]]

MIN_N, MAX_N = 10, 10_000
MAX_SEED = 2**32 - 1


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features `X: (N, D)` and targets `y: (N,)`, read-only.

    Regression: y is float64 and `classes` is 0. Classification: y holds int64 labels in
    0 .. classes-1 (classes >= 2; the generators and CSV files use every one of them).
    """

    X: Array
    y: Targets
    kind: Kind
    classes: int
    feature_names: tuple[str, ...]
    target_name: str = "y"

    def __post_init__(self) -> None:
        """Check shapes, types and labels; freeze private copies of the arrays."""
        X = np.array(self.X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
            raise ValueError("X must be a non-empty (N, D) array")
        if len(self.feature_names) != X.shape[1]:
            raise ValueError(f"need {X.shape[1]} feature names, got {len(self.feature_names)}")
        if not np.all(np.isfinite(X)):
            raise ValueError("every feature value must be a finite number")
        y = _checked_targets(self.y, self.kind, self.classes, X.shape[0])
        X.flags.writeable = False
        y.flags.writeable = False
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    @property
    def n(self) -> int:
        """N, the number of samples."""
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        """D, the number of features."""
        return int(self.X.shape[1])

    def labels(self) -> IntArray:
        """The class labels `(N,)` int64 of a classification set."""
        if self.kind != "classification":
            raise ValueError("a regression data set has targets, not class labels")
        return np.asarray(self.y, dtype=np.int64)

    def targets(self) -> Array:
        """The targets `(N,)` float64 (labels as floats for a classification set)."""
        return np.asarray(self.y, dtype=np.float64)


def _checked_targets(y: Targets, kind: Kind, classes: int, n: int) -> Targets:
    """A private copy of y with the dtype its kind requires, or ValueError."""
    if np.shape(y) != (n,):
        raise ValueError(f"y must have one target per sample: ({n},)")
    if kind == "regression":
        out = np.array(y, dtype=np.float64)
        if classes != 0:
            raise ValueError("a regression data set has classes = 0")
        if not np.all(np.isfinite(out)):
            raise ValueError("every target must be a finite number")
        return out
    labels = np.array(y, dtype=np.int64)
    if not np.array_equal(labels, y):
        raise ValueError("class labels must be integers")
    if classes < 2 or labels.min() < 0 or labels.max() >= classes:
        raise ValueError(f"class labels must be 0 .. {classes - 1} with at least 2 classes")
    return labels


# --- registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One generator parameter, for forms and request validation: a default within [low, high]."""

    name: str
    default: float
    low: float
    high: float
    integer: bool
    description: str


@dataclass(frozen=True)
class DatasetSpec:
    """What the catalogue shows about a data set; the generator itself stays private."""

    name: str
    title: str
    kind: Kind
    description: str
    dim: int  # D, the number of features
    params: tuple[Param, ...]

    def param(self, name: str) -> Param | None:
        """The parameter called `name`, or None when this set has none by that name."""
        return next((p for p in self.params if p.name == name), None)


def _common(noise: float, noise_high: float, target: str) -> tuple[Param, ...]:
    """n, noise and seed, shared by every set."""
    return (
        Param("n", 200, MIN_N, MAX_N, True, "Number of samples."),
        Param("noise", noise, 0.0, noise_high, False, f"Std of the Gaussian jitter on {target}."),
        Param("seed", 0, 0, MAX_SEED, True, "Random seed; another seed gives a held-out set."),
    )


def _classes_param(default: int) -> Param:
    """The number of classes, for the sets that take it."""
    return Param("classes", default, 2, 5, True, "Number of classes.")


# --- generators: clean points and labels (the jitter is added by `make_dataset`) ---------


def _balanced(rng: Generator, n: int, classes: int) -> IntArray:
    """n labels, as equal in number as n allows, in random order."""
    labels: IntArray = rng.permutation(np.arange(n, dtype=np.int64) % classes)
    return labels


def _line(rng: Generator, n: int, classes: int) -> tuple[Array, Targets]:
    """y = 2x + 1 on x ~ U(-1, 1)."""
    x = rng.uniform(-1.0, 1.0, n)
    return x[:, None], 2.0 * x + 1.0


def _curve(rng: Generator, n: int, classes: int) -> tuple[Array, Targets]:
    """y = sin(pi x) on x ~ U(-1, 1): no straight line fits it well."""
    x = rng.uniform(-1.0, 1.0, n)
    return x[:, None], np.sin(np.pi * x)


def _blobs(rng: Generator, n: int, classes: int) -> tuple[Array, Targets]:
    """Class centres evenly spaced on a circle of radius 2; the jitter is the blob's spread."""
    labels = _balanced(rng, n, classes)
    angle = 2.0 * np.pi * labels / classes + np.pi / 4.0
    return 2.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1), labels


def _moons(rng: Generator, n: int, classes: int) -> tuple[Array, Targets]:
    """Two interleaving half circles, centred on the origin."""
    labels = _balanced(rng, n, 2)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where(labels[:, None] == 0, upper, lower) - np.array([0.5, 0.25])
    return X, labels


def _circles(rng: Generator, n: int, classes: int) -> tuple[Array, Targets]:
    """Class 0 on the unit circle, class 1 on the circle of radius 0.5 inside it."""
    labels = _balanced(rng, n, 2)
    t = rng.uniform(0.0, 2.0 * np.pi, n)
    radius = np.where(labels == 0, 1.0, 0.5)
    return radius[:, None] * np.stack([np.cos(t), np.sin(t)], axis=1), labels


def _xor(rng: Generator, n: int, classes: int) -> tuple[Array, Targets]:
    """Points in the four quadrants; label 1 where the coordinates' signs differ."""
    labels = _balanced(rng, n, 2)
    sx = rng.choice(np.array([-1.0, 1.0]), n)
    sy = np.where(labels == 0, sx, -sx)
    size = rng.uniform(0.1, 1.0, (n, 2))
    return size * np.stack([sx, sy], axis=1), labels


def _spiral(rng: Generator, n: int, classes: int) -> tuple[Array, Targets]:
    """CS231n's spiral: one arm per class, each turning 4 radians from the centre outwards."""
    labels = _balanced(rng, n, classes)
    r = rng.uniform(0.05, 1.0, n)
    t = 2.0 * np.pi * labels / classes + 4.0 * r
    return r[:, None] * np.stack([np.sin(t), np.cos(t)], axis=1), labels


def _spec(
    name: str, title: str, kind: Kind, description: str, noise: tuple[float, float], classes: int
) -> DatasetSpec:
    """A catalogue entry; `classes` > 0 adds a classes parameter with that default."""
    target = "the target y" if kind == "regression" else "the points"
    params = _common(noise[0], noise[1], target)
    if classes:
        params += (_classes_param(classes),)
    return DatasetSpec(name, title, kind, description, 1 if kind == "regression" else 2, params)


_ALL: tuple[tuple[DatasetSpec, Maker], ...] = (
    (_spec("line", "Noisy line", "regression", "y = 2x + 1 plus noise.", (0.2, 1.0), 0), _line),
    (
        _spec("curve", "Noisy curve", "regression", "y = sin(πx) plus noise.", (0.1, 1.0), 0),
        _curve,
    ),
    (
        _spec("blobs", "Blobs", "classification", "Gaussian blobs around a circle.", (0.6, 2.0), 3),
        _blobs,
    ),
    (
        _spec("moons", "Moons", "classification", "Two interleaving half moons.", (0.1, 1.0), 0),
        _moons,
    ),
    (
        _spec("circles", "Circles", "classification", "A ring around a disc.", (0.05, 1.0), 0),
        _circles,
    ),
    (
        _spec("xor", "XOR", "classification", "Opposite quadrants share a class.", (0.1, 1.0), 0),
        _xor,
    ),
    (
        _spec("spiral", "Spiral", "classification", "Interleaved spiral arms.", (0.05, 1.0), 3),
        _spiral,
    ),
)

DATASETS: dict[str, DatasetSpec] = {spec.name: spec for spec, _ in _ALL}
_MAKERS: dict[str, Maker] = {spec.name: make for spec, make in _ALL}


def _number(value: float) -> str:
    """A bound as a student reads it: 10000 and 4294967295 whole, 0.05 as is."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _check(spec: DatasetSpec, name: str, value: float) -> None:
    """EngineError unless `value` lies in the range of the parameter `name`."""
    p = spec.param(name)
    assert p is not None
    if not (np.isfinite(value) and p.low <= value <= p.high):
        low, high = _number(p.low), _number(p.high)
        raise EngineError("data.range", dataset=spec.name, param=name, low=low, high=high)
    if p.integer and value != int(value):
        raise EngineError("data.whole", dataset=spec.name, param=name)


def _classes_of(spec: DatasetSpec, classes: int | None) -> int:
    """The class count a request asks for: the default, a checked choice, or EngineError."""
    p = spec.param("classes")
    fixed = 0 if spec.kind == "regression" else 2
    if p is None:
        if classes is not None and classes != fixed:
            raise EngineError("data.fixed_classes", dataset=spec.name, classes=fixed)
        return fixed
    if classes is None:
        return int(p.default)
    _check(spec, "classes", classes)
    return classes


def dataset_spec(name: str) -> DatasetSpec:
    """The catalogue entry `name`, or EngineError listing the valid names."""
    try:
        return DATASETS[name]
    except KeyError:
        raise EngineError("data.unknown", name=name, choices=", ".join(DATASETS)) from None


def check_request(name: str, n: int, noise: float, seed: int, classes: int | None = None) -> int:
    """The number of classes `make_dataset` would give, after checking every parameter.

    Cheap (nothing is drawn): the web edge calls it while validating a request. Raises
    EngineError naming the parameter and its range.
    """
    spec = dataset_spec(name)
    _check(spec, "n", n)
    _check(spec, "noise", noise)
    _check(spec, "seed", seed)
    return _classes_of(spec, classes)


def make_dataset(name: str, n: int, noise: float, seed: int, classes: int | None = None) -> Dataset:
    """Draw the data set `name`: n samples, Gaussian jitter of std `noise`, from `seed`.

    `classes` applies to blobs and spiral (2 to 5; default 3); the other sets take None.
    """
    c = check_request(name, n, noise, seed, classes)
    spec = DATASETS[name]
    rng = np.random.default_rng(int(seed))
    X, y = _MAKERS[name](rng, int(n), int(c))
    if spec.kind == "regression":
        y = y + noise * rng.standard_normal(y.shape)
    else:
        X = X + noise * rng.standard_normal(X.shape)
    names = ("x",) if spec.dim == 1 else tuple(f"x{j}" for j in range(spec.dim))
    return Dataset(X, y, spec.kind, c, names)
