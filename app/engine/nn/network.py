"""A fully connected network: its parameter layout, and backprop for K rows at once.

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

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from app.engine.nn import layers
from app.engine.types import Array, BoolArray

# The equations `backprop` follows, for the page to show beside the network.
BACKPROP_EQUATIONS = """\
z^l = W^l a^(l-1) + b^l,  a^l = σ(z^l)
δ^L = ∇_a C ⊙ σ'(z^L)                      (BP1)
δ^l = ((W^(l+1))^T δ^(l+1)) ⊙ σ'(z^l)      (BP2)
∂C/∂b^l = Σ_samples δ^l                     (BP3)
∂C/∂W^l = δ^l (a^(l-1))^T                   (BP4)
sigmoid + BCE, softmax + CE:  δ^L = (a^L − y) / N"""


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
        assert loss == "mse" or output in ("sigmoid", "softmax")  # `build_network` refuses others
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

    def backprop(
        self,
        params: list[tuple[Array, Array]],
        X: Array,
        Y: Array,
        slots: list[Array] | None = None,
    ) -> Pass:
        """Forward, then BP1 .. BP4 backward: the data loss and every z, a, δ and gradient.

        `slots`, when given, are arrays shaped like each dC/dW^l that receive them.
        """
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
            slot = None if slots is None else slots[layer]
            da, dW, db = layers.affine_backward(delta, affine, slot)  # BP3, BP4; da = W^T δ
            affine, act = caches[layer - 1]
            delta = layers.ACTIVATIONS[self.hidden[layer - 1]].backward(da, act)  # BP2
            deltas.append(delta)
            dWs.append(dW)
            dbs.append(db)
        slot = None if slots is None else slots[0]
        dW, db = layers.affine_param_backward(delta, affine, slot)  # layer 1: no gradient for x
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

    def _slots(self, dw: Array) -> list[Array] | None:
        """Views of the gradient rows `dw: (K, P)` shaped like each dC/dW^l, when C-ordered.

        A single row is C-ordered in any layout; the runner's Fortran order for K > 1 is not.
        """
        if not dw.flags.c_contiguous:
            return None
        k = dw.shape[0]
        return [
            dw[:, weights].reshape(k, n_out, n_in)
            for (weights, _), n_in, n_out in zip(
                self.slices, self.sizes, self.sizes[1:], strict=False
            )
        ]

    def loss_and_grad(self, w: Array, X: Array, Y: Array) -> tuple[Array, Array]:
        """The loss (K,) and its gradient (K, P) from one forward and one backward pass.

        The gradient has the layout (and so the memory order) of `w`. When each dC/dW^l can be
        a view of it, backprop writes them there directly: for a large layer that saves an
        allocation and a copy per step.
        """
        params = self.unpack(w)
        dw = np.empty_like(w)
        slots = self._slots(dw)
        run = self.backprop(params, X, Y, slots)
        for (weights, biases), (W, _), dW, db in zip(
            self.slices, params, run.dW, run.db, strict=True
        ):
            if self.l2:
                dW += (2.0 * self.l2) * W  # dW is this pass's own product (or slot)
            if slots is None:
                dw[:, weights] = dW.reshape(w.shape[0], -1)
            dw[:, biases] = db
        loss = run.loss + self.penalty(params) if self.l2 else run.loss
        return loss, dw
