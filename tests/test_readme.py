"""The README's tables say what the code does: every error code, every limit's default."""

from __future__ import annotations

import re
from dataclasses import fields

from gateway.config.loader import PROJECT_ROOT
from gateway.config.settings import Limits
from gateway.errors import ErrorCode

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def first_cells(text: str) -> list[str]:
    return [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| `")]


def test_the_error_table_lists_exactly_the_codes_the_gateway_sends() -> None:
    listed = {
        code for cell in first_cells(section("Errors")) for code in re.findall(r"`(\w+)`", cell)
    }
    assert listed == {code.value for code in ErrorCode}


def test_the_limits_table_gives_each_default() -> None:
    rows = {
        line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
        for line in section("Limits").splitlines()
        if line.startswith("| `")
    }
    sizes = {"1 MiB": 1 << 20, "32 KiB": 32 << 10}
    for limit in fields(Limits):
        shown = rows[limit.name]
        value = sizes[shown] if shown in sizes else int(shown.replace(",", ""))
        assert value == limit.default, limit.name
    assert set(rows) == {limit.name for limit in fields(Limits)}
