"""Fully connected networks in NumPy: layers as forward/backward pairs, backprop, initializations.

`layers` holds the pairs (affine, activations, loss heads), `spec` what a request may ask
for and the network it builds, `network` the parameter layout and the four backprop
equations, `init` the initial weights as starts, and `messages` the sentences of every
refusal. The objective a run minimises is `app.engine.objectives.network.NetworkObjective`.
"""

from app.engine.nn.init import INIT_KINDS, init_starts
from app.engine.nn.messages import NetworkError
from app.engine.nn.network import BACKPROP_EQUATIONS, Network
from app.engine.nn.spec import NetworkSpec, build_network

__all__ = [
    "BACKPROP_EQUATIONS",
    "INIT_KINDS",
    "Network",
    "NetworkError",
    "NetworkSpec",
    "build_network",
    "init_starts",
]
