"""The `credit-gateway` command: serve, demo-data, check-config, schema."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gateway.config import ConfigError
from gateway.config.loader import (
    GatewayConfig,
    default_config_dir,
    default_data_dir,
    load_config,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credit-gateway", description="GraphQL gateway over social-credit sources."
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"configuration directory (default {default_config_dir()})",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"demo data directory (default {default_data_dir()})",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve GraphQL at http://HOST:PORT/graphql")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.set_defaults(handler=_serve)

    demo = commands.add_parser("demo-data", help="generate the demo provider databases")
    demo.add_argument("--out", type=Path, default=None, help="output directory")
    demo.add_argument(
        "--size",
        default="small",
        help="'small' (default), 'large' (1,000,000 records) or a record count",
    )
    demo.add_argument(
        "--if-missing", action="store_true", help="do nothing when the data is already there"
    )
    demo.set_defaults(handler=_demo_data)

    check = commands.add_parser("check-config", help="validate every configuration file")
    check.set_defaults(handler=_check_config)

    schema = commands.add_parser("schema", help="print the GraphQL SDL")
    schema.set_defaults(handler=_schema)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gateway.app import create_app

    config = _config_or_exit(args)
    server = config.settings.server
    host, port = args.host or server.host, args.port or server.port
    print(f"credit-gateway: GraphQL (and GraphiQL) at http://{host}:{port}/graphql")
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")
    return 0


def _demo_data(args: argparse.Namespace) -> int:
    from gateway.demo.generate import demo_data_present, generate

    out = args.out or args.data or default_data_dir()
    if args.if_missing and demo_data_present(out):
        print(f"demo data already present in {out}")
        return 0
    size = int(args.size) if args.size.isdigit() else args.size
    report = generate(out, size=size)
    print(report)
    return 0


def _check_config(args: argparse.Namespace) -> int:
    config = _config_or_exit(args)
    print(
        f"configuration in {config.directory} is valid: "
        f"{len(config.catalogue.items)} catalogue items, {len(config.sources)} sources"
    )
    return 0


def _schema(args: argparse.Namespace) -> int:
    from resolvers.schema import print_sdl

    sys.stdout.write(print_sdl())
    return 0


def _config_or_exit(args: argparse.Namespace) -> GatewayConfig:
    try:
        return load_config(args.config, args.data)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    raise SystemExit(main())
