"""Neural networks as objectives: `{"network": {...}, "dataset": ..., "batch"?}`, and the
initializations that only a network understands (`zeros`, `xavier`, `he` as `init` kinds).

A network is fully connected: the hidden layers' sizes and activations, the output and the loss
(both following the data when left out, as the engine does) and l2 on the weights. Checks that
need no data (sizes, names, which output and loss fit a generated set's task) run while the body
is validated; drawing the data and building the network run in `build()`, in a worker thread.
"""

from typing import Annotated, Literal, Self, get_args

from pydantic import Field, model_validator

from app.api.data_objectives import Batch, DataSpec
from app.api.objectives import Model
from app.config import CEILINGS
from app.engine.batches import BatchSpec
from app.engine.csvdata import MAX_CLASSES, MAX_FEATURES
from app.engine.nn.spec import (
    HIDDEN_ACTIVATIONS,
    LOSSES,
    MAX_HIDDEN,
    MAX_UNITS,
    OUTPUTS,
    head_of,
    most_params,
)
from app.engine.nn.spec import NetworkSpec as EngineNetwork
from app.engine.objectives.network import NetworkObjective, make_network
from app.i18n import Lang, translate

# The most parameters a network can have: 20 CSV features, 6 hidden layers of 64, 10 classes.
MAX_PARAMS = most_params(MAX_FEATURES, MAX_CLASSES)
Coord = Annotated[float, Field(ge=-1e6, le=1e6)]
ParamVector = Annotated[
    list[Coord],
    Field(
        min_length=1,
        max_length=MAX_PARAMS,
        description="One value per parameter, as describe names them.",
    ),
]

HiddenActivation = Literal["sigmoid", "tanh", "relu"]
Output = Literal["sigmoid", "softmax", "identity"]
Loss = Literal["mse", "cross_entropy"]
assert tuple(map(get_args, (HiddenActivation, Output, Loss))) == (
    HIDDEN_ACTIVATIONS,
    OUTPUTS,
    LOSSES,
)


class Architecture(Model):
    """The layers: sizes and activations of the hidden ones, the output and the loss, and l2."""

    hidden: list[Annotated[int, Field(ge=1, le=MAX_UNITS)]] = Field(
        default_factory=lambda: list(EngineNetwork().hidden),
        max_length=MAX_HIDDEN,
        description=f"Units per hidden layer, at most {MAX_HIDDEN} layers of {MAX_UNITS}; "
        "[] is no hidden layer (a linear model through the output).",
        examples=[[16, 16]],
    )
    activation: HiddenActivation | list[HiddenActivation] = Field(
        "tanh", description="One activation for every hidden layer, or one per hidden layer."
    )
    output: Output | None = Field(
        None,
        description="Default from the data: identity for regression, sigmoid for 2 classes, "
        "softmax for more.",
    )
    loss: Loss | None = Field(
        None, description="Default from the data: mse for regression, else cross_entropy."
    )
    l2: float = Field(0.0, ge=0, le=100, description="Adds l2 · Σ_l |W^l|² (biases are free).")

    def engine(self) -> EngineNetwork:
        """The engine's spec (NetworkError when the activations do not match the layers)."""
        activation = self.activation if isinstance(self.activation, str) else tuple(self.activation)
        return EngineNetwork(tuple(self.hidden), activation, self.output, self.loss, self.l2)


class NetworkSpec(Model):
    """A fully connected network on a data set, trained by backprop. Its parameters are
    `W1[i,j]` (unit i of layer 1, input j), `b1[i]`, `W2[i,j]`, ... in that order."""

    network: Architecture
    dataset: DataSpec
    batch: Batch | None = Field(None, description="Mini-batches; none: the full data set.")

    @model_validator(mode="after")
    def fits(self) -> Self:
        """The layers match their activations; a generated set's task fits the output and loss."""
        spec = self.network.engine()
        known = self.dataset.known_kind()
        if known is not None:
            head_of(spec, known[1])
        return self

    def build(self) -> NetworkObjective:
        """Load the data and make the network (EngineError when the file or the pair is wrong)."""
        batch = None if self.batch is None else BatchSpec(self.batch.size, self.batch.seed)
        return make_network(self.dataset.load(), self.network.engine(), batch)

    def title(self, lang: Lang) -> str:
        """`Network 16-16 (tanh) on Moons`, in `lang`."""
        dataset = self.dataset.title(lang)
        if not self.network.hidden:
            return translate(lang, "objective.network.title_flat", dataset=dataset)
        activation = self.network.activation
        return translate(
            lang,
            "objective.network.title",
            hidden="-".join(map(str, self.network.hidden)),
            activation=activation if isinstance(activation, str) else ", ".join(activation),
            dataset=dataset,
        )

    @property
    def log_scale(self) -> bool:
        """Cross-entropy and squared losses fall by decades: plot them on a log scale."""
        return True


Count = Annotated[int, Field(ge=1, le=CEILINGS.max_starts, description="Number of networks.")]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1, description="Same seed, same weights.")]


class ZerosInit(Model):
    """Every parameter 0 (W = 0, b = 0): a network's hidden units then stay identical forever.
    Any objective takes it (every start at the origin); `seed` changes nothing."""

    kind: Literal["zeros"]
    count: Count = 1
    seed: Seed = 0


class XavierInit(Model):
    """Glorot uniform for a network: W ~ U(−a, a), a = √(6 / (fan_in + fan_out)); b = 0."""

    kind: Literal["xavier"]
    count: Count = 1
    seed: Seed = 0


class HeInit(Model):
    """Kaiming normal (fan-in) for a network: W ~ N(0, 2 / fan_in); b = 0."""

    kind: Literal["he"]
    count: Count = 1
    seed: Seed = 0
