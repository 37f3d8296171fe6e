"""A fully connected network: its specification, parameter layout, and backprop for K rows.

Layer l = 1 .. L has n_l units; n_0 = D is the input and n_L the output. Parameters travel as
one flat row per network, `w: (K, P)`, laid out as W1 (n_1, n_0) row-major, b1, W2, b2, ...,
named `W1[i,j]`, `b1[i]`, ... (indices from 0), so P = Σ_l n_l (n_(l-1) + 1).

`backprop` is the notes' four equations, for all K rows at once (one loop over layers only):

    forward      z^l = W^l a^(l-1) + b^l,  a^l = σ(z^l),  a^0 = x
    (BP1)        δ^L = ∇_a C ⊙ σ'(z^L)
    (BP2)        δ^l = ((W^(l+1))^T δ^(l+1)) ⊙ σ'(z^l)
    (BP3)        dC/db^l = Σ_samples δ^l
    (BP4)        dC/dW^l = δ^l (a^(l-1))^T

For a sigmoid output with binary cross-entropy and a softmax output with cross-entropy, BP1
simplifies to δ^L = (a^L - y) / N; for MSE, ∇_a C = 2 (a - y) / (N outputs), torch's MSELoss.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from app.engine.nn import layers
from app.engine.nn.messages import NetworkError
from app.engine.types import Array, BoolArray

MAX_HIDDEN, MAX_UNITS = 6, 64
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUTS = ("sigmoid", "softmax", "identity")
LOSSES = ("mse", "cross_entropy")


@dataclass(frozen=True)
class NetworkSpec:
    """A request's network: hidden layer sizes, their activations, the output and the loss.

    `activation` is one name for every hidden layer or one per hidden layer. `output` and
    `loss` left as None follow the data: identity and mse for regression, sigmoid (two
    classes) or softmax (more) with cross_entropy for classification. `l2` adds
    l2 · Σ_l |W^l|^2 to the loss (biases excluded).
    """

    hidden: tuple[int, ...] = (16,)
    activation: str | tuple[str, ...] = "tanh"
    output: str | None = None
    loss: str | None = None
    l2: float = 0.0

    def __post_init__(self) -> None:
        """Check every field on its own; combinations with the data are `build_network`'s."""
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if not isinstance(self.activation, str):
            object.__setattr__(self, "activation", tuple(self.activation))
        _check_hidden(self.hidden)
        for name in self.activations:
            _check_name(name, HIDDEN_ACTIVATIONS, "network.activation_unknown")
        if self.output is not None:
            _check_name(self.output, OUTPUTS, "network.output_unknown")
        if self.loss is not None:
            _check_name(self.loss, LOSSES, "network.loss_unknown")
        if not (isinstance(self.l2, int | float) and np.isfinite(self.l2) and self.l2 >= 0):
            raise NetworkError("network.l2", value=self.l2)

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation per hidden layer."""
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        if len(self.activation) != len(self.hidden):
            raise NetworkError(
                "network.activation_count", count=len(self.activation), layers=len(self.hidden)
            )
        return self.activation

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> "NetworkSpec":
        """The spec of a request's `{"hidden": [...], "activation": ..., ...}`."""
        hidden, activation = data.get("hidden", (16,)), data.get("activation", "tanh")
        output, loss, l2 = data.get("output"), data.get("loss"), data.get("l2", 0.0)
        assert isinstance(hidden, Sequence)
        assert isinstance(activation, Sequence)
        assert isinstance(l2, int | float)
        return cls(
            tuple(hidden),
            activation if isinstance(activation, str) else tuple(str(a) for a in activation),
            None if output is None else str(output),
            None if loss is None else str(loss),
            float(l2),
        )


def _check_hidden(hidden: tuple[int, ...]) -> None:
    """At most MAX_HIDDEN layers of 1 .. MAX_UNITS units each."""
    if len(hidden) > MAX_HIDDEN:
        raise NetworkError("network.hidden_count", count=len(hidden), limit=MAX_HIDDEN)
    for layer, units in enumerate(hidden, start=1):
        if isinstance(units, bool) or not isinstance(units, int | np.integer):
            raise NetworkError("network.hidden_size", layer=layer, units=units, limit=MAX_UNITS)
        if not 1 <= units <= MAX_UNITS:
            raise NetworkError("network.hidden_size", layer=layer, units=units, limit=MAX_UNITS)


def _check_name(name: str, choices: tuple[str, ...], key: str) -> None:
    if name not in choices:
        raise NetworkError(key, name=name, choices=", ".join(choices))


def build_network(spec: NetworkSpec, d: int, classes: int) -> "Network":
    """The network of `spec` on D features and `classes` classes (0 for regression).

    Output units: 1 for regression and for a sigmoid output (two classes), C for softmax or
    identity outputs on C classes (one-hot targets). Refuses combinations that make no sense.
    """
    regression = classes == 0
    output = spec.output or ("identity" if regression else "sigmoid" if classes == 2 else "softmax")
    loss = spec.loss or ("mse" if regression else "cross_entropy")
    if loss == "cross_entropy" and regression:
        raise NetworkError("network.cross_entropy_regression")
    if loss == "cross_entropy" and output == "identity":
        raise NetworkError("network.cross_entropy_output", output=output)
    if output == "softmax" and regression:
        raise NetworkError("network.softmax_classes")
    if output == "sigmoid" and classes > 2:
        raise NetworkError("network.sigmoid_classes", classes=classes)
    outputs = 1 if regression or output == "sigmoid" else classes
    return Network((d, *spec.hidden, outputs), spec.activations, output, loss, spec.l2)


class Pass(NamedTuple):
    """One forward and backward pass for K rows on N samples; lists run over layers 1 .. L."""

    loss: Array  # (K,) the data loss, without l2
    z: list[Array]  # z^l (K, N, n_l)
    a: list[Array]  # a^l (K, N, n_l); a^L is the network's output
    delta: list[Array]  # δ^l = dC/dz^l (K, N, n_l)
    dW: list[Array]  # noqa: N815 -- the notes' name: dC/dW^l (K, n_l, n_(l-1)), data loss only
    db: list[Array]  # dC/db^l (K, n_l)


class Network:
    """The architecture: sizes (n_0, .., n_L), hidden activations, output, loss and l2."""

    def __init__(
        self, sizes: Sequence[int], hidden: Sequence[str], output: str, loss: str, l2: float
    ) -> None:
        """A network with len(sizes) - 1 layers; `hidden` names one activation per hidden one."""
        assert len(hidden) == len(sizes) - 2
        self.sizes, self.hidden = tuple(sizes), tuple(hidden)
        self.output, self.loss_name, self.l2 = output, loss, float(l2)
        self.slices: list[tuple[slice, slice]] = []  # (W^l, b^l) columns of a parameter row
        start = 0
        for n_in, n_out in zip(self.sizes, self.sizes[1:], strict=False):
            weights = slice(start, start + n_out * n_in)
            start = weights.stop + n_out
            self.slices.append((weights, slice(weights.stop, start)))
        self.dim = start

    @property
    def depth(self) -> int:
        """L, the number of layers with parameters."""
        return len(self.sizes) - 1

    @property
    def outputs(self) -> int:
        """n_L, the output units."""
        return self.sizes[-1]

    def names(self) -> tuple[str, ...]:
        """`W1[i,j]` (unit i of layer 1, input j), `b1[i]`, `W2[i,j]`, ... in layout order."""
        out: list[str] = []
        for layer, (n_in, n_out) in enumerate(zip(self.sizes, self.sizes[1:], strict=False), 1):
            out += [f"W{layer}[{i},{j}]" for i in range(n_out) for j in range(n_in)]
            out += [f"b{layer}[{i}]" for i in range(n_out)]
        return tuple(out)

    def _per_param(self, values: Sequence[float]) -> Array:
        """One value per layer spread over that layer's parameters: (P,)."""
        out = np.empty(self.dim)
        for (weights, biases), value in zip(self.slices, values, strict=True):
            out[weights.start : biases.stop] = value
        return out

    def fan_in(self) -> Array:
        """n_(l-1) for every parameter of layer l, biases too: (P,)."""
        return self._per_param(self.sizes[:-1])

    def fan_out(self) -> Array:
        """n_l for every parameter of layer l, biases too: (P,)."""
        return self._per_param(self.sizes[1:])

    def is_bias(self) -> BoolArray:
        """True at the biases: (P,)."""
        out = np.zeros(self.dim, dtype=np.bool_)
        for _, biases in self.slices:
            out[biases] = True
        return out

    def unpack(self, w: Array) -> list[tuple[Array, Array]]:
        """(W^l (K, n_l, n_(l-1)), b^l (K, n_l)) of rows `w: (K, P)`; views when w is C-ordered."""
        if w.ndim != 2 or w.shape[1] != self.dim:
            raise ValueError(f"parameters must be (K, {self.dim}), got {w.shape}")
        k = w.shape[0]
        return [
            (w[:, weights].reshape(k, n_out, n_in), w[:, biases])
            for (weights, biases), n_in, n_out in zip(
                self.slices, self.sizes, self.sizes[1:], strict=False
            )
        ]

    def logits(self, params: list[tuple[Array, Array]], X: Array) -> Array:
        """z^L (K, N, n_L) at X (N, D): the forward pass without caches or loss."""
        a = X
        for (W, b), name in zip(params, self.hidden, strict=False):
            a = layers.ACTIVATIONS[name].forward(layers.affine_forward(a, W, b)[0])[0]
        W, b = params[-1]
        return layers.affine_forward(a, W, b)[0]

    def head(self, z: Array, Y: Array) -> tuple[Array, layers.HeadCache]:
        """The loss (K,) of the logits z^L against targets Y (N, n_L), and its cache."""
        if self.loss_name == "cross_entropy":
            if self.output == "sigmoid":
                return layers.bce_logits_forward(z, Y)
            return layers.softmax_ce_forward(z, Y)
        return layers.mse_forward(z, Y, self.output)

    def backprop(self, params: list[tuple[Array, Array]], X: Array, Y: Array) -> Pass:
        """Forward, then BP1 .. BP4 backward: the data loss and every z, a, δ and gradient."""
        a, zs, acts, caches = X, [], [], []
        for (W, b), name in zip(params, self.hidden, strict=False):
            z, affine = layers.affine_forward(a, W, b)
            a, act = layers.ACTIVATIONS[name].forward(z)
            zs.append(z)
            acts.append(a)
            caches.append((affine, act))
        z, affine = layers.affine_forward(a, *params[-1])
        loss, head = self.head(z, Y)
        zs.append(z)
        acts.append(head.act.a)
        delta = layers.head_backward(head)  # BP1
        deltas, dWs, dbs = [delta], [], []
        for layer in range(self.depth - 1, 0, -1):  # from δ^(layer + 1) to δ^layer
            da, dW, db = layers.affine_backward(delta, affine)  # BP3, BP4; da = W^T δ
            affine, act = caches[layer - 1]
            delta = layers.ACTIVATIONS[self.hidden[layer - 1]].backward(da, act)  # BP2
            deltas.append(delta)
            dWs.append(dW)
            dbs.append(db)
        dW, db = layers.affine_param_backward(delta, affine)  # layer 1: no gradient for x
        dWs.append(dW)
        dbs.append(db)
        return Pass(loss, zs, acts, deltas[::-1], dWs[::-1], dbs[::-1])

    def penalty(self, params: list[tuple[Array, Array]]) -> Array:
        """l2 · Σ_l |W^l|^2 for each row: (K,)."""
        total = np.zeros(params[0][0].shape[0])
        for W, _ in params:
            total += layers.row_sum(W * W)
        out: Array = self.l2 * total
        return out

    def loss(self, w: Array, X: Array, Y: Array) -> Array:
        """The loss of rows `w: (K, P)` on (X, Y), l2 included: (K,)."""
        params = self.unpack(w)
        loss = self.head(self.logits(params, X), Y)[0]
        return loss + self.penalty(params) if self.l2 else loss

    def loss_and_grad(self, w: Array, X: Array, Y: Array) -> tuple[Array, Array]:
        """The loss (K,) and its gradient (K, P) from one forward and one backward pass.

        The gradient has the layout (and so the memory order) of `w`.
        """
        params = self.unpack(w)
        run = self.backprop(params, X, Y)
        dw = np.empty_like(w)
        k, loss = w.shape[0], run.loss
        for (weights, biases), (W, _), dW, db in zip(
            self.slices, params, run.dW, run.db, strict=True
        ):
            if self.l2:
                dW += (2.0 * self.l2) * W  # dW is this pass's own product
            dw[:, weights] = dW.reshape(k, -1)
            dw[:, biases] = db
        if self.l2:
            loss = loss + self.penalty(params)
        return loss, dw
