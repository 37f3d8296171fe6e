"""A fully connected network on a data set, trained by backprop: the objective a run minimises.

The network, its parameter layout (`W1[i,j]`, `b1[i]`, `W2[i,j]`, ...) and the four backprop
equations live in `app.engine.nn.network`. The loss is the data loss, a mean over samples, plus
`l2 * Σ_l |W^l|^2` (biases are not regularised):

- mse: torch's MSELoss of the outputs a^L, a mean over samples and outputs; the targets are
  one-hot rows when there are C >= 2 outputs, the target (or label) itself with one output;
- cross_entropy: torch's binary cross-entropy of a sigmoid output, or torch's cross_entropy
  of a softmax output, both computed from the logits z^L.

Mini-batches follow `app.engine.objectives.models`: given `BatchSpec(size, seed)`, `grad(w, step)`
and `loss_and_grad(w, step)` use the batch of that step and `loss_and_grad` returns the batch's
loss; `grad(w, None)`, `loss_and_grad(w, None)` and `loss(w)` always use the full data set.

Diagnostics (recorded with every frame) come from one pass over a fixed probe set: the whole
data set when N <= 256, else 256 samples drawn once from `np.random.default_rng(0)`, so the
curves are smooth from frame to frame and cheap for large N.

Cost: one loss-and-gradient row does about 3 n P multiply-adds (forward, δ and dW) for the n
samples it touches; like the linear models (2 n P counted as n P / 2), the runner's budget
counts it as 3 n P / 4 evaluations of a built-in 2-D surface. With mini-batches a step touches
B + N samples, as for the linear models: the runner also takes the full gradient to judge
convergence. The loss alone (a landscape's grid point) is the forward pass, n P / 4.

Divergence is judged on the loss: a network's weights have no natural scale (and the loss of
a deep network overflows while they are still moderate), so the default bound is the largest
float, and where the loss is not finite the gradient is NaN. A trajectory therefore diverges
at the step after its loss overflows, and only then.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, TypedDict

import numpy as np

from app.engine.batches import Batches, BatchSpec
from app.engine.datasets import Dataset
from app.engine.nn import layers
from app.engine.nn.init import init_starts
from app.engine.nn.messages import NetworkError
from app.engine.nn.spec import NetworkSpec, build_network
from app.engine.objectives.base import BaseObjective, Box
from app.engine.types import Array, BoolArray, IntArray

BLOCK_VALUES = 1 << 21  # activations held at once; more rows are split into blocks
PROBE_SAMPLES, PROBE_SEED = 256, 0  # the diagnostics' fixed subset of a large data set
FLOAT_MAX = float(np.finfo(np.float64).max)


class ParamGroup(NamedTuple):
    """The parameters of one layer's weights or biases: columns start .. stop - 1 of a row."""

    name: str  # W1, b1, W2, ...
    layer: int  # l, from 1
    start: int
    stop: int


class UnitValues(TypedDict):
    """z, a and δ of every unit for one sample, layers 1 .. L, as plain numbers for a page."""

    x: list[float]  # the input a^0
    y: float  # the target (a class label for classification)
    sample: int | None  # the data set's sample whose target y is, when none was given
    z: list[list[float]]  # z^l_i
    a: list[list[float]]  # a^l_i
    delta: list[list[float]]  # δ^l_i = dC/dz^l_i for this sample's loss (N = 1)
    loss: float  # this sample's data loss


class NetworkObjective(BaseObjective):
    """A network (`NetworkSpec`) on a data set, with optional mini-batches."""

    title = "Neural network"
    default_init: Mapping[str, Any] = MappingProxyType({"kind": "xavier", "count": 1, "seed": 0})
    default_bound = FLOAT_MAX  # diverged = a weight stopped being finite (see the module)

    def __init__(
        self, data: Dataset, spec: NetworkSpec | None = None, batch: BatchSpec | None = None
    ) -> None:
        """The network of `spec` (default: one hidden layer of 16 tanh units) on `data`."""
        self.data, self.spec = data, spec or NetworkSpec()
        self.net = build_network(self.spec, data.d, data.classes)
        self.Y = self.targets(data.y)
        self.names = self.net.names()
        self.fan_in: Array = self.net.fan_in()
        self.fan_out: Array = self.net.fan_out()
        self.is_bias: BoolArray = self.net.is_bias()
        self.batches = None if batch is None or batch.size >= data.n else Batches(data.n, batch)
        self.stochastic = self.batches is not None
        samples = data.n if self.batches is None else self.batches.size
        self.cost = max(1.0, 0.4 * samples * self.dim)  # measured: ~0.4 surface rows per N·P
        self.loss_cost = max(1.0, 0.25 * data.n * self.dim)  # the full loss alone: forward only
        self.probe = _probe(data.n)

    @property
    def start_region(self) -> Box:
        """The box [-1, 1]^P; `app.engine.nn.init` gives the usual initializations."""
        return (-1.0,) * self.dim, (1.0,) * self.dim

    def initialize(self, init: Mapping[str, Any]) -> Array | None:
        """Every init kind is the network's own (`app.engine.nn.init`): fan-in aware, biases 0.

        A uniform box left out is the start region, [-1, 1]; a Gaussian has mean 0 (a mean
        is refused: the weights' spread is what an initialization chooses).
        """
        if init.get("mean") is not None:
            raise NetworkError("network.init_mean")
        low, high = init.get("low"), init.get("high")
        return init_starts(
            self,
            str(init["kind"]),
            int(init.get("count", 1)),
            int(init.get("seed", 0)),
            std=init.get("std"),
            low=-1.0 if low is None else _scalar(low),
            high=1.0 if high is None else _scalar(high),
        )

    @property
    def parameter_groups(self) -> tuple[ParamGroup, ...]:
        """W1, b1, W2, b2, ...: each layer's weights and biases as ranges of a parameter row."""
        out: list[ParamGroup] = []
        for layer, (weights, biases) in enumerate(self.net.slices, start=1):
            out.append(ParamGroup(f"W{layer}", layer, weights.start, weights.stop))
            out.append(ParamGroup(f"b{layer}", layer, biases.start, biases.stop))
        return tuple(out)

    @property
    def filters(self) -> tuple[tuple[int, int], ...]:
        """Each unit's incoming weights (a row of W^l) as a range (start, stop) of a row: the
        filters of filter-normalized directions (`app.engine.directions`)."""
        out: list[tuple[int, int]] = []
        for (weights, _), n_in in zip(self.net.slices, self.net.sizes, strict=False):
            out += [(lo, lo + n_in) for lo in range(weights.start, weights.stop, n_in)]
        return tuple(out)

    @property
    def depth(self) -> int:
        """L, the number of layers with parameters (hidden layers and the output)."""
        return self.net.depth

    def targets(self, y: Array | IntArray) -> Array:
        """Targets as the loss wants them, (M, outputs): one-hot rows for several outputs."""
        if self.net.outputs == 1:
            return np.asarray(y, dtype=np.float64)[:, None]
        out: Array = np.eye(self.net.outputs)[np.asarray(y, dtype=np.int64)]
        return out

    # --- the objective -------------------------------------------------------------------

    def _data(self, step: int | None) -> tuple[Array, Array]:
        """The full data set, or the batch of `step` when there are batches and a step."""
        if self.batches is None or step is None:
            return self.data.X, self.Y
        idx = self.batches.indices(step)
        return self.data.X[idx], self.Y[idx]

    def _rows(self, n: int) -> int:
        """Rows per block for n samples: at most BLOCK_VALUES activations (at least one row)."""
        return max(1, BLOCK_VALUES // max(1, n * sum(self.net.sizes[1:])))

    def loss(self, w: Array) -> Array:
        """Full loss per row: (K, P) -> (K,)."""
        X, Y = self._data(None)
        rows = self._rows(len(X))
        if w.shape[0] <= rows:
            return self.net.loss(w, X, Y)
        return np.concatenate(
            [self.net.loss(w[lo : lo + rows], X, Y) for lo in range(0, w.shape[0], rows)]
        )

    def grad(self, w: Array, step: int | None = None) -> Array:
        """Gradient per row, on the batch of `step` (full when step is None): (K, P) -> (K, P)."""
        return self.loss_and_grad(w, step)[1]

    def loss_and_grad(self, w: Array, step: int | None = None) -> tuple[Array, Array]:
        """Loss and gradient from one forward and one backward pass, on the batch of `step`.

        Where the loss is not a finite number, the gradient is NaN: a step from there leaves
        the finite range, so the runner stops the trajectory as diverged at once, even while
        its weights are still finite (they need not be large for the loss to overflow).
        """
        X, Y = self._data(step)
        rows = self._rows(len(X))
        if w.shape[0] <= rows:
            loss, dw = self.net.loss_and_grad(w, X, Y)
        else:
            loss, dw = np.empty(w.shape[0]), np.empty_like(w)
            for lo in range(0, w.shape[0], rows):
                loss[lo : lo + rows], dw[lo : lo + rows] = self.net.loss_and_grad(
                    w[lo : lo + rows], X, Y
                )
        overflow = ~np.isfinite(loss)
        if overflow.any():
            dw[overflow] = np.nan
        return loss, dw

    def diagnostics(self, w: Array) -> Mapping[str, Array]:
        """Per row and layer, on the probe set, each (K, L): `activation_norm` = RMS of a^l,
        `delta_norm` = RMS of δ^l, `grad_norm` = |dC/dW^l| (l2 included)."""
        X, Y = self.data.X[self.probe], self.Y[self.probe]
        k, depth, rows = w.shape[0], self.depth, self._rows(len(X))
        out = {
            name: np.empty((k, depth)) for name in ("activation_norm", "delta_norm", "grad_norm")
        }
        for lo in range(0, k, rows):
            block = slice(lo, lo + rows)
            params = self.net.unpack(w[block])
            run = self.net.backprop(params, X, Y)
            for i in range(depth):  # layer i + 1
                out["activation_norm"][block, i] = _rms(run.a[i])
                out["delta_norm"][block, i] = _rms(run.delta[i])
                g = run.dW[i] + (2.0 * self.net.l2) * params[i][0]
                out["grad_norm"][block, i] = np.sqrt(layers.row_sum(g * g))
        return out

    # --- for the page: outputs, decision regions, accuracy, one sample's units -----------

    def data_loss(self, w: Array, X: Array, y: Array | IntArray) -> Array:
        """The data loss (l2 left out) of rows `w: (K, P)` on samples X (M, D), y (M,): (K,).

        Another data set from the same generator (a held-out set) goes here too.
        """
        Y = self.targets(y)
        out = np.empty(w.shape[0])
        rows = self._rows(len(X))
        for lo in range(0, w.shape[0], rows):
            params = self.net.unpack(w[lo : lo + rows])
            out[lo : lo + rows] = self.net.head(self.net.logits(params, X), Y)[0]
        return out

    def _one(self, w: Array, X: Array) -> Array:
        """z^L (M, n_L) of one parameter vector `w: (P,)` at points `X: (M, D)`."""
        if X.ndim != 2 or X.shape[1] != self.data.d:
            raise ValueError(f"points must be (M, {self.data.d}), got {X.shape}")
        params = self.net.unpack(np.asarray(w, dtype=np.float64).reshape(1, -1))
        z: Array = self.net.logits(params, X)[0]
        return z

    def predict(self, w: Array, X: Array) -> Array:
        """The network's outputs a^L of one parameter vector `w: (P,)` at `X: (M, D)`: (M, n_L)."""
        out: Array = layers.ACTIVATIONS[self.net.output].forward(self._one(w, X))[0]
        return out

    def predict_proba(self, w: Array, X: Array) -> Array:
        """Class probabilities of `w: (P,)` at `X: (M, D)`, (M, C), for decision regions.

        A sigmoid output gives [1 - σ(z), σ(z)]. An identity output has scores, not
        probabilities: as for the SVM in `models`, their softmax, whose highest class is the
        network's prediction.
        """
        self._need_classes("predict_proba")
        z = self._one(w, X)
        if self.net.outputs == 1:
            return np.concatenate([layers.sigmoid(-z), layers.sigmoid(z)], axis=1)
        return layers.softmax_forward(z)[0]

    def accuracy(self, w: Array, X: Array, y: IntArray) -> Array:
        """The fraction of `X: (M, D)` whose labels `y: (M,)` each row of `w: (K, P)` predicts."""
        self._need_classes("accuracy")
        labels = np.asarray(y, dtype=np.int64)
        out = np.empty(w.shape[0])
        rows = self._rows(len(X))
        for lo in range(0, w.shape[0], rows):
            z = self.net.logits(self.net.unpack(w[lo : lo + rows]), X)
            guess = z[:, :, 0] > 0 if self.net.outputs == 1 else z.argmax(axis=2)
            out[lo : lo + rows] = (guess == labels).mean(axis=1)
        return out

    def unit_values(self, w: Array, x: Array, y: float | None = None) -> UnitValues:
        """z, a and δ of every unit of `w: (P,)` at one sample `x: (D,)` with target `y`.

        δ is of this one sample's loss (N = 1). With y left out, the target is that of the
        data set's sample nearest to x (hovering a data point gives its own target).
        """
        x = np.asarray(x, dtype=np.float64).reshape(1, -1)
        sample = None
        if y is None:
            sample = int(np.argmin(((self.data.X - x) ** 2).sum(axis=1)))
            y = float(self.data.y[sample])
        target = self.targets(np.array([y]))
        params = self.net.unpack(np.asarray(w, dtype=np.float64).reshape(1, -1))
        run = self.net.backprop(params, x, target)
        return UnitValues(
            x=x[0].tolist(),
            y=float(y),
            sample=sample,
            z=[z[0, 0].tolist() for z in run.z],
            a=[a[0, 0].tolist() for a in run.a],
            delta=[d[0, 0].tolist() for d in run.delta],
            loss=float(run.loss[0]),
        )

    def _need_classes(self, what: str) -> None:
        if self.data.kind != "classification":
            raise NetworkError("network.needs_classes", what=what)


def _rms(x: Array) -> Array:
    """Root mean square of each row's entries: (K, ...) -> (K,)."""
    out: Array = np.sqrt(layers.row_sum(x * x) / x[0].size)
    return out


def _probe(n: int) -> IntArray:
    """The diagnostics' samples: all of them, or PROBE_SAMPLES drawn once, in ascending order."""
    if n <= PROBE_SAMPLES:
        return np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(PROBE_SEED)
    out: IntArray = np.sort(rng.choice(n, PROBE_SAMPLES, replace=False)).astype(np.int64)
    return out


def make_network(
    data: Dataset, spec: Mapping[str, object] | NetworkSpec, batch: BatchSpec | None = None
) -> NetworkObjective:
    """The network objective of a request's spec mapping (or a `NetworkSpec`) on `data`."""
    if not isinstance(spec, NetworkSpec):
        spec = NetworkSpec.from_mapping(spec)
    return NetworkObjective(data, spec, batch)


def _scalar(value: object) -> float | None:
    """A bound given as one number, or as a box whose entries are all that number."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    values = [float(v) for v in value] if isinstance(value, list | tuple) else []
    if values and all(v == values[0] for v in values):
        return values[0]
    raise NetworkError("network.init_range", low=value, high=value)
