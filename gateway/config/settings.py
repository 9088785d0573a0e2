"""Gateway-wide settings from `config/gateway.toml`."""

from __future__ import annotations

import os
from dataclasses import dataclass

from gateway.config.reader import Table


@dataclass(frozen=True, slots=True)
class Limits:
    """Request limits that keep one caller from exhausting the gateway."""

    max_batch: int = 100
    max_page: int = 50
    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 5000


@dataclass(frozen=True, slots=True)
class Server:
    host: str = "127.0.0.1"
    port: int = 8000
    graphiql: bool = True
    introspection: bool = True


@dataclass(frozen=True, slots=True)
class Settings:
    server: Server
    limits: Limits
    store_url: str = "sqlite+aiosqlite:///var/gateway.db"


def parse_settings(root: Table, data_dir: str) -> Settings:
    """Read `[server]`, `[limits]` and `[store]`; `[auth]` and `[consent]` are read elsewhere."""
    root.unknown_keys({"server", "limits", "store", "auth", "consent"})
    server, limits, store = root.table("server"), root.table("limits"), root.table("store")
    store.unknown_keys({"url"})
    store_url = os.environ.get("CREDIT_GATEWAY_STORE_URL") or store.opt_string("url")
    store_url = (store_url or "sqlite+aiosqlite:///{data_dir}/gateway.db").replace(
        "{data_dir}", data_dir
    )
    server.unknown_keys({"host", "port", "graphiql", "introspection"})
    limits.unknown_keys({"max_batch", "max_page", "max_depth", "max_aliases", "max_tokens"})
    result = Settings(
        server=Server(
            host=server.opt_string("host") or "127.0.0.1",
            port=server.integer("port", 8000),
            graphiql=server.boolean("graphiql", True),
            introspection=server.boolean("introspection", True),
        ),
        limits=Limits(
            max_batch=limits.integer("max_batch", 100),
            max_page=limits.integer("max_page", 50),
            max_depth=limits.integer("max_depth", 10),
            max_aliases=limits.integer("max_aliases", 30),
            max_tokens=limits.integer("max_tokens", 5000),
        ),
        store_url=store_url,
    )
    for name, value in (
        ("max_batch", result.limits.max_batch),
        ("max_page", result.limits.max_page),
        ("max_depth", result.limits.max_depth),
        ("max_aliases", result.limits.max_aliases),
        ("max_tokens", result.limits.max_tokens),
    ):
        if value < 1:
            limits.problem(name, "must be at least 1")
    return result
