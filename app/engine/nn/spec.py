"""What a request may ask of a network, checked, and the network it builds on a data set.

A spec is checked field by field when it is made (`NetworkSpec`); whether it fits the data
(classes, targets) is checked when the network is built (`build_network`). Every refusal is a
`NetworkError` with a message key and parameters.
"""

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from app.engine.nn.messages import NetworkError
from app.engine.nn.network import Network

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


def head_of(spec: NetworkSpec, classes: int) -> tuple[str, str]:
    """The output activation and the loss of `spec` on data with `classes` classes (0 for
    regression): the ones asked for, or the data's defaults. Refuses combinations that make
    no sense. Cheap: the web edge calls it before any data is drawn."""
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
    return output, loss


def output_units(output: str, classes: int) -> int:
    """n_L: 1 for regression and for a sigmoid output (two classes), else C (one-hot targets)."""
    return 1 if classes == 0 or output == "sigmoid" else classes


def most_params(features: int, classes: int) -> int:
    """P of the largest network a spec allows on `features` inputs and `classes` classes."""
    sizes = (features, *(MAX_UNITS,) * MAX_HIDDEN, max(1, classes))
    return sum(n_out * (n_in + 1) for n_in, n_out in itertools.pairwise(sizes))


def build_network(spec: NetworkSpec, d: int, classes: int) -> Network:
    """The network of `spec` on D features and `classes` classes (0 for regression).

    Output units: 1 for regression and for a sigmoid output (two classes), C for softmax or
    identity outputs on C classes (one-hot targets). Refuses combinations that make no sense.
    """
    output, loss = head_of(spec, classes)
    outputs = output_units(output, classes)
    return Network((d, *spec.hidden, outputs), spec.activations, output, loss, spec.l2)
