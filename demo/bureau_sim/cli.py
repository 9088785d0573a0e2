"""`credit-gateway bureau-sim`: flags for every knob, then serve in the foreground."""

from __future__ import annotations

import argparse
import logging
import sys

from demo.bureau_sim.app import DEFAULT_KEY_HEADER, DEMO_API_KEY
from demo.bureau_sim.knobs import Knobs
from demo.bureau_sim.serve import DEFAULT_PORT, serve_simulator

_RATES = {
    "error_rate": "share of data requests answered 503 with Retry-After",
    "timeout_rate": "share of data requests that hang (30 s at most)",
    "malformed_rate": "share of data requests answered 200 with a broken body",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The simulator's flags: where to listen, the API key, and every knob."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--api-key", default=DEMO_API_KEY, help="key the data endpoints require")
    parser.add_argument("--key-header", default=DEFAULT_KEY_HEADER, help="header carrying the key")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every data request")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="random extra latency, up to")
    for name, text in _RATES.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=0.0, help=text)
    parser.add_argument(
        "--rate-limit-per-s", type=float, default=0.0, help="token bucket; 0 = unlimited (429)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")


def knobs_from_args(args: argparse.Namespace) -> Knobs:
    """Knobs from parsed flags; ValueError naming a bad value."""
    return Knobs(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=args.error_rate,
        timeout_rate=args.timeout_rate,
        malformed_rate=args.malformed_rate,
        rate_limit_per_s=args.rate_limit_per_s,
        seed=args.seed,
    )


def run_from_args(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; 2 when a knob is out of range."""
    try:
        knobs = knobs_from_args(args)
    except ValueError as exc:
        print(f"bureau-sim: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    serve_simulator(args.host, args.port, knobs, api_key=args.api_key, key_header=args.key_header)
    return 0
