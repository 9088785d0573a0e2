"""`schema.graphql` is the contract: the committed SDL must match the code."""

from __future__ import annotations

from graphql import build_schema as parse_sdl

from gateway.config.loader import PROJECT_ROOT
from resolvers.schema import print_sdl


def test_committed_schema_matches_the_code() -> None:
    committed = (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == print_sdl(), (
        "schema.graphql is out of date: run `make schema` and review the diff"
    )


def test_every_type_field_and_argument_is_described() -> None:
    schema = parse_sdl(print_sdl())
    missing = []
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not named.description:
            missing.append(name)
        for field_name, field in getattr(named, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    missing.append(f"{name}.{field_name}({arg_name})")
        for value_name, value in getattr(named, "values", {}).items():
            if not value.description:
                missing.append(f"{name}.{value_name}")
    assert missing == []
