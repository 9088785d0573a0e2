"""The `credit-gateway` command: serve, demo-data, bureau-sim, check-config, schema, migrate,
audit, token."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from adapters.kinds import load_config
from demo.bureau_sim.cli import add_arguments as add_simulator_arguments
from demo.bureau_sim.cli import run_from_args as run_simulator_from_args
from gateway.auth.identity import CLAIM_KINDS
from gateway.auth.minting import MintError, mint
from gateway.config import ConfigError
from gateway.config.exposure import exposure_problems
from gateway.config.loader import GatewayConfig, default_config_dir, default_data_dir
from gateway.config.settings import AUDIT_KEY_ENV, Audit
from gateway.store.checkpoints import (
    ChainAudit,
    Checkpoint,
    Checkpoints,
    KeyFileError,
    is_dev_key,
    key_id,
    signing_key,
    verify_chain,
    verify_key,
)
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
    verify = audit_commands.add_parser(
        "verify", help="check the query log's hash chain and its signed checkpoints"
    )
    verify.set_defaults(handler=_audit_verify)
    checkpoint = audit_commands.add_parser(
        "checkpoint", help="verify the query log, then sign its head now"
    )
    checkpoint.set_defaults(handler=_audit_checkpoint)

    notify = commands.add_parser("notify", help="notification tools")
    notify_commands = notify.add_subparsers(required=True, metavar="ACTION")
    sweep = notify_commands.add_parser(
        "sweep",
        help="look once at every watched subject's records and tell each what its sources "
        "changed (listed, removed, withdrawn, corrected); for cron",
    )
    sweep.set_defaults(handler=_notify_sweep)

    bureau = commands.add_parser("bureau-sim", help="serve the simulated credit bureau")
    add_simulator_arguments(bureau)
    bureau.set_defaults(handler=run_simulator_from_args)

    token = commands.add_parser("token", help="mint a development bearer token")
    token.add_argument("kind", choices=sorted(CLAIM_KINDS))
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
    if not server.loopback and (problem := _dev_audit_key(config.settings.audit)):
        problems.append(problem)
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
    for warning in asyncio.run(_index_warnings(config)):
        print(f"warning: {warning}")
    return 0


async def _index_warnings(config: GatewayConfig) -> list[str]:
    """Mapped tables without an index on their subject-code column (a warning:
    the configuration is valid, but lookups scan those tables)."""
    from adapters.sql.config import SqlSourceConfig
    from adapters.sql.indexes import unindexed

    found = await asyncio.gather(
        *(
            unindexed(spec.name, spec.config)
            for spec in config.sources
            if isinstance(spec.config, SqlSourceConfig)
        )
    )
    return [warning for warnings in found for warning in warnings]


def _schema(args: argparse.Namespace) -> int:
    from resolvers.schema import print_sdl

    sys.stdout.write(print_sdl())
    return 0


def _migrate(args: argparse.Namespace) -> int:
    config = _config_or_exit(args)
    asyncio.run(_with_store(config, lambda store: store.migrate()))
    print(f"store at {_safe(config.settings.store_url)} is at the newest revision")
    return 0


def _notify_sweep(args: argparse.Namespace) -> int:
    from adapters.fanout import SourceSet
    from adapters.kinds import Resources
    from gateway.records import Normaliser
    from service.sweeper import Sweeper

    config = _config_or_exit(args)

    async def sweep(store: Store) -> int:
        await store.migrate()
        sources = SourceSet.build(config.sources, Normaliser(config.catalogue), Resources(store))
        try:
            return await Sweeper(config, sources, store, lambda: datetime.now(UTC)).sweep()
        finally:
            await sources.aclose()

    told = asyncio.run(_with_store(config, sweep))
    print(f"told subjects of {told} source events")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    config = _config_or_exit(args)
    try:
        key = verify_key(config.settings.audit)

        async def both(store: Store) -> tuple[ChainAudit, ChainAudit]:
            return await _verify(store, config, key), await _verify_workflows(store, config, key)

        queries, steps = _run_on_existing_store(config, both)
    except (KeyFileError, StoreRefused) as exc:
        print(f"credit-gateway: {exc}", file=sys.stderr)
        return 2
    return max(_report(queries), _report(steps, "workflow log", "steps"))


def _audit_checkpoint(args: argparse.Namespace) -> int:
    config = _config_or_exit(args)
    audit = config.settings.audit
    if audit.signing_key_file is None:
        print(f"warning: signing with the development key {audit.dev_key_file}", file=sys.stderr)

    async def checkpoint(store: Store) -> list[tuple[str, ChainAudit, Checkpoint | None]]:
        key = signing_key(audit)
        public = verify_key(audit) or key.public_key()
        if key_id(public) != key_id(key.public_key()):
            raise KeyFileError(f"{audit.verify_key_file} is not the signing key's public key")
        now = datetime.now(UTC)
        checkpoints = Checkpoints(store.engine, key)
        done = []
        query_log = await _verify(store, config, public)
        for name, chain, report in (
            ("query log", store.query_log, query_log),
            ("workflow log", store.workflows, await _verify_workflows(store, config, public)),
        ):
            signed = None
            if _signable(report):
                seq, head_hash = await chain.head()
                signed = await checkpoints.sign(chain.chain, seq, head_hash, now)
            done.append((name, report, signed))
        return done

    try:
        done = _run_on_existing_store(config, checkpoint)
    except (KeyFileError, StoreRefused) as exc:
        print(f"credit-gateway: {exc}", file=sys.stderr)
        return 2
    code = 0
    for name, report, signed in done:
        empty = report.verification.ok and report.verification.checked == 0
        if empty:
            print(f"{name} is empty: nothing to checkpoint")
        elif not _signable(report):
            _report(report, name)
            print(f"credit-gateway: not signing a {name} that does not verify", file=sys.stderr)
            code = 1
        elif signed is not None:
            print(f"{name} checkpoint signed at entry {signed.seq} (key {signed.key_id[:16]})")
    return code


def _signable(report: ChainAudit) -> bool:
    """A chain whose only problem is entries no checkpoint covers yet (a store from
    before checkpoints, say) is signed; a rewritten or forged one never is."""
    if not report.verification.ok or report.verification.checked == 0:
        return False
    return all(problem.coverage for problem in report.problems)


async def _verify(store: Store, config: GatewayConfig, key: Ed25519PublicKey | None) -> ChainAudit:
    await store.migrate()  # an existing store only: `_run_on_existing_store` checked
    every = config.settings.audit.checkpoint_every
    return await verify_chain(store.query_log, Checkpoints(store.engine), key, every)


async def _verify_workflows(
    store: Store, config: GatewayConfig, key: Ed25519PublicKey | None
) -> ChainAudit:
    every = config.settings.audit.checkpoint_every
    return await verify_chain(store.workflows, Checkpoints(store.engine), key, every)


def _report(report: ChainAudit, name: str = "query log", unit: str = "entries") -> int:
    result = report.verification
    if not result.ok:
        print(
            f"{name} BROKEN at entry {result.first_bad_seq}: {result.problem} "
            f"({result.checked} {unit} before it verified)",
            file=sys.stderr,
        )
    for problem in report.problems:
        print(f"{name} checkpoint at entry {problem.seq}: {problem.problem}", file=sys.stderr)
    if not report.ok:
        return 1
    signed = (
        f"{report.checkpoints} signed checkpoints verified, the newest at entry {report.latest}"
        if report.latest is not None
        else "no signed checkpoint yet"
    )
    print(f"{name} intact: {result.checked} {unit}, hash chain verified; {signed}")
    return 0


def _dev_audit_key(audit: Audit) -> str | None:
    if audit.signing_key_file is None:
        return (
            f"[audit] signing_key_file (or {AUDIT_KEY_ENV}) is not set: query-log "
            "checkpoints would be signed with a development key generated beside the store"
        )
    if is_dev_key(Path(audit.signing_key_file)):
        return (
            f"[audit] signing_key_file {audit.signing_key_file} is a generated development "
            "key: make a real one (openssl genpkey -algorithm ed25519) kept outside the store"
        )
    return None


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


class StoreRefused(Exception):
    """The store to audit does not exist (or is no gateway store): never create one."""


# What every gateway store has had since revision 0001.
_STORE_TABLES = frozenset({"query_log", "audit_head"})


def _run_on_existing_store(config: GatewayConfig, work: Callable[[Store], Awaitable[T]]) -> T:
    """``work`` on the configured store, refused when it does not exist yet.

    Opening a missing SQLite file would create it (and an empty log verifies),
    so a mistyped path must fail here rather than report an intact log.
    """
    url = config.settings.store_url
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and not (
        database and database != ":memory:" and Path(database).is_file()
    ):
        raise StoreRefused(f"no store at {_safe(url)}: the file does not exist")

    async def checked(store: Store) -> T:
        try:
            async with store.engine.connect() as connection:
                tables = await connection.run_sync(_table_names)
        except (SQLAlchemyError, OSError) as exc:
            raise StoreRefused(f"cannot open the store at {_safe(url)}: {exc!s:.200}") from exc
        if _STORE_TABLES - tables:
            raise StoreRefused(f"no query log in the store at {_safe(url)}: not a gateway store")
        return await work(store)

    return asyncio.run(_with_store(config, checked))


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


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
