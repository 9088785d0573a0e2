"""Serve the reference schema: `python -m benchmarks.reference_server --port P`."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from adapters.kinds import load_config
from benchmarks.reference import create_reference_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    config = load_config(args.config, args.data)
    uvicorn.run(create_reference_app(config), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
