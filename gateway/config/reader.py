"""A typed reader over parsed TOML that remembers where each value came from.

Problems are collected rather than raised one by one, so `check-config`
reports every mistake in a file at once, each with its file and key path.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from gateway.config.errors import ConfigError, ConfigProblem

E = TypeVar("E", bound=StrEnum)


class Problems:
    """The problems found so far while reading one or more files."""

    def __init__(self) -> None:
        self.items: list[ConfigProblem] = []

    def add(self, file: str, key: str, message: str) -> None:
        self.items.append(ConfigProblem(file, key, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.items)


class Table:
    """One TOML table, with accessors that type-check and record problems."""

    def __init__(self, data: dict[str, Any], file: str, path: str, problems: Problems) -> None:
        self.data = data
        self.file = file
        self.path = path
        self.problems = problems

    @classmethod
    def load(cls, path: Path, problems: Problems) -> Table:
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            problems.add(str(path), "(file)", "file not found")
            data = {}
        except tomllib.TOMLDecodeError as exc:
            problems.add(str(path), "(syntax)", str(exc))
            data = {}
        return cls(data, str(path), "", problems)

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def problem(self, name: str, message: str) -> None:
        self.problems.add(self.file, self.key(name), message)

    def has(self, name: str) -> bool:
        return name in self.data

    def _get(self, name: str, kind: type, required: bool, default: Any) -> Any:
        if name not in self.data:
            if required:
                self.problem(name, "is required")
            return default
        value = self.data[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(name, f"must be a {kind.__name__}, got {type(value).__name__}")
            return default
        return value

    def string(self, name: str, default: str = "") -> str:
        return str(self._get(name, str, True, default))

    def opt_string(self, name: str) -> str | None:
        value = self._get(name, str, False, None)
        return None if value is None else str(value)

    def integer(self, name: str, default: int = 0, *, required: bool = False) -> int:
        return int(self._get(name, int, required, default))

    def real(self, name: str, default: float = 0.0) -> float:
        return float(self._get(name, float, False, default))

    def boolean(self, name: str, default: bool = False) -> bool:
        return bool(self._get(name, bool, False, default))

    def strings(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        values = self._get(name, list, required, [])
        good = tuple(v for v in values if isinstance(v, str))
        if len(good) != len(values):
            self.problem(name, "must be a list of strings")
        return good

    def enum(self, name: str, kind: type[E], default: E | None = None) -> E:
        raw = self._get(name, str, default is None, None)
        if raw is None:
            return default if default is not None else next(iter(kind))
        try:
            return kind(raw)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            self.problem(name, f"{raw!r} is not one of {allowed}")
            return next(iter(kind))

    def enums(self, name: str, kind: type[E]) -> frozenset[E]:
        result: set[E] = set()
        for raw in self.strings(name, required=True):
            try:
                result.add(kind(raw))
            except ValueError:
                allowed = ", ".join(m.value for m in kind)
                self.problem(name, f"{raw!r} is not one of {allowed}")
        return frozenset(result)

    def table(self, name: str, *, required: bool = False) -> Table:
        value = self._get(name, dict, required, {})
        return Table(value, self.file, self.key(name), self.problems)

    def tables(self, name: str) -> Iterator[Table]:
        values = self._get(name, list, False, [])
        for index, value in enumerate(values):
            path = f"{self.key(name)}[{index}]"
            if isinstance(value, dict):
                yield Table(value, self.file, path, self.problems)
            else:
                self.problems.add(self.file, path, "must be a table")

    def entries(self) -> Iterator[tuple[str, Any]]:
        yield from self.data.items()

    def unknown_keys(self, known: set[str]) -> None:
        for name in self.data:
            if name not in known:
                self.problem(name, "unknown key")
