"""The `credit-gateway` command: serve, demo-data, bureau-sim, check-config, schema, migrate,
audit, token."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url

from adapters.kinds import load_config
from demo.bureau_sim.cli import add_arguments as add_simulator_arguments
from demo.bureau_sim.cli import run_from_args as run_simulator_from_args
from gateway.auth.minting import MintError, mint
from gateway.config import ConfigError
from gateway.config.exposure import exposure_problems
from gateway.config.loader import GatewayConfig, default_config_dir, default_data_dir
from gateway.store.querylog import Verification
from gateway.store.store import Store

T = TypeVar("T")


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
    serve.add_argument("--log-level", default="info", help="uvicorn log level, e.g. warning")
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

    migrate = commands.add_parser("migrate", help="bring the gateway's store to the newest schema")
    migrate.set_defaults(handler=_migrate)

    audit = commands.add_parser("audit", help="query-log tools")
    audit_commands = audit.add_subparsers(required=True, metavar="ACTION")
    verify = audit_commands.add_parser("verify", help="check the query log's hash chain")
    verify.set_defaults(handler=_audit_verify)

    bureau = commands.add_parser("bureau-sim", help="serve the simulated credit bureau")
    add_simulator_arguments(bureau)
    bureau.set_defaults(handler=run_simulator_from_args)

    token = commands.add_parser("token", help="mint a development bearer token")
    token.add_argument("kind", choices=["subject", "institution", "gov_unit", "provider"])
    token.add_argument("code", help="the caller's code (a subject's USCC or ID number)")
    token.add_argument("--name", default=None, help="display name for the token")
    token.add_argument(
        "--duty",
        action="append",
        default=[],
        dest="duties",
        help="a duty matter a gov_unit may invoke (repeatable)",
    )
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    token.set_defaults(handler=_token)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app
    from service.http.serving import uvicorn_options

    config = _config_or_exit(args)
    server = config.settings.server
    server = replace(server, host=args.host or server.host, port=args.port or server.port)
    config = replace(config, settings=replace(config.settings, server=server))
    problems = exposure_problems(config)
    if problems:
        print(
            f"credit-gateway: refusing to serve on {server.host}, which is not loopback:",
            file=sys.stderr,
        )
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    ide = " (and GraphiQL)" if server.graphiql_on else ""
    print(f"credit-gateway: GraphQL{ide} at http://{server.host}:{server.port}/graphql")
    app = create_app(config, tune_gc=True)
    options = uvicorn_options(config.settings.limits)
    uvicorn.run(app, host=server.host, port=server.port, log_level=args.log_level, **options)
    return 0


def _demo_data(args: argparse.Namespace) -> int:
    from demo.generate import demo_data_present, generate

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


def _migrate(args: argparse.Namespace) -> int:
    config = _config_or_exit(args)
    asyncio.run(_with_store(config, lambda store: store.migrate()))
    print(f"store at {_safe(config.settings.store_url)} is at the newest revision")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    config = _config_or_exit(args)

    async def verify(store: Store) -> Verification:
        await store.migrate()
        return await store.query_log.verify()

    result = asyncio.run(_with_store(config, verify))
    if result.ok:
        print(f"query log intact: {result.checked} entries, hash chain verified")
        return 0
    print(
        f"query log BROKEN at entry {result.first_bad_seq}: {result.problem} "
        f"({result.checked} entries before it verified)",
        file=sys.stderr,
    )
    return 1


def _token(args: argparse.Namespace) -> int:
    config = _config_or_exit(args)
    try:
        token = mint(
            config.auth, args.kind, args.code, name=args.name, duties=args.duties, ttl_s=args.ttl
        )
    except MintError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


async def _with_store(config: GatewayConfig, work: Callable[[Store], Awaitable[T]]) -> T:
    store = Store.open(config.settings.store_url)
    try:
        return await work(store)
    finally:
        await store.aclose()


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _config_or_exit(args: argparse.Namespace) -> GatewayConfig:
    try:
        return load_config(args.config, args.data)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    raise SystemExit(main())
