"""A fake market credit bureau (`credit-gateway bureau-sim`) for demos and tests.

It serves the demo subjects' market records deterministically and misbehaves
on request (latency, 503s, hangs, broken bodies, rate limits) through
:class:`Knobs`.
"""

from demo.bureau_sim.app import DEMO_API_KEY, create_simulator
from demo.bureau_sim.knobs import Knobs
from demo.bureau_sim.serve import DEFAULT_PORT, run_simulator, running, serve_simulator

__all__ = [
    "DEFAULT_PORT",
    "DEMO_API_KEY",
    "Knobs",
    "create_simulator",
    "run_simulator",
    "running",
    "serve_simulator",
]
