"""Generate the demo provider-unit databases: deterministic, any size, atomic.

``generate(out_dir)`` writes four SQLite databases, one per provider unit
(market regulation, court, tax, civil affairs), each with its own table
layout and date encoding (see :mod:`demo.tables`), plus
``manifest.json``. The same seed and size give the same table contents on
any day: dates are relative to :data:`demo.dates.REFERENCE_DATE`.
The five subjects of :data:`demo.examples.EXAMPLES` exist at every
size with the same codes and records.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path

from demo.dates import REFERENCE_DATE, encoder
from demo.example_rows import EXAMPLE_ROWS
from demo.examples import EXAMPLES, RESERVED_CODES
from demo.layouts import DATABASES, VIEWS
from demo.plan import Plan, make_plan, random_rows
from demo.population import Population, make_population
from demo.tables import TableDef
from demo.writer import write_database, write_text_atomically

SIZES: dict[str, int] = {"small": 3_000, "large": 1_000_000}
DEFAULT_SEED = 20261101
# Bump when a table layout changes, so `--if-missing` regenerates stale data.
# 3: the serious-dishonesty list table (qy_yzsx); 4: its responsible persons
# (qy_yzsx.fddbr*, qy_yzsx_zrr, view v_yzsx) and the red list (sxjl_md); 5: a
# penalty's revocation (t_xzcf.CF_CXRQ, CF_CXYY; 003 art. 43).
LAYOUT_VERSION = 5
MANIFEST = "manifest.json"
# How each database stores dates (the encodings differ on purpose).
DATE_STYLES = {
    "market_regulation": "compact",
    "court": "iso",
    "tax": "int",
    "civil_affairs": "stamp",
}


@dataclass(frozen=True, slots=True)
class GenerationReport:
    """What one generation wrote."""

    out_dir: Path
    size: str
    seed: int
    target_records: int
    counts: Mapping[str, Mapping[str, int]]  # database -> table -> rows
    seconds: float

    @property
    def total_records(self) -> int:
        return sum(sum(tables.values()) for tables in self.counts.values())

    def __str__(self) -> str:
        databases = ", ".join(
            f"{stem}.db {sum(tables.values()):,}" for stem, tables in self.counts.items()
        )
        return (
            f"wrote {self.total_records:,} records to {self.out_dir} in "
            f"{self.seconds:.1f} s (size {self.size}, seed {self.seed}): {databases}"
        )


def generate(
    out_dir: Path, size: str | int = "small", seed: int = DEFAULT_SEED
) -> GenerationReport:
    """Write the demo databases and ``manifest.json`` into ``out_dir``.

    ``size`` is "small" (a few thousand rows, about a second), "large" (at
    least 1,000,000 rows) or a number of rows to generate at least.
    """
    started = time.perf_counter()
    target = _target(size)
    plan = make_plan(target)
    population = make_population(
        random.Random(f"{seed}:population"),
        plan.persons,
        plan.enterprises,
        plan.social,
        plan.government,
        RESERVED_CODES,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {}
    for stem, (_, tables) in DATABASES.items():
        rows = _rows(tables, population, plan, seed, DATE_STYLES[stem])
        views = VIEWS.get(stem, ())
        counts[stem] = write_database(out_dir / f"{stem}.db", tables, rows, views)
    report = GenerationReport(
        out_dir, str(size), seed, target, counts, time.perf_counter() - started
    )
    write_text_atomically(out_dir / MANIFEST, _manifest(report))
    return report


def demo_data_present(out_dir: Path) -> bool:
    """Whether ``out_dir`` holds a complete generation of the current layout."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or manifest.get("layout_version") != LAYOUT_VERSION:
        return False
    return all((out_dir / f"{stem}.db").is_file() for stem in DATABASES)


def _target(size: str | int) -> int:
    if isinstance(size, int):
        if size < 1:
            raise ValueError(f"size must be a positive number of records, got {size}")
        return size
    if size.isdigit():
        return _target(int(size))
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; use one of {sorted(SIZES)} or a number")
    return SIZES[size]


def _rows(
    tables: Iterable[TableDef], population: Population, plan: Plan, seed: int, style: str
) -> dict[str, Iterable[tuple[object, ...]]]:
    encode = encoder(style)
    rows: dict[str, Iterable[tuple[object, ...]]] = {}
    for table in tables:
        # One RNG per table: a table's rows do not depend on the order of generation.
        rng = random.Random(f"{seed}:{table.name}")
        examples = [_example_row(table, row, style) for row in EXAMPLE_ROWS.get(table.name, [])]
        rows[table.name] = chain(examples, random_rows(table.name, population, plan, rng, encode))
    return rows


def _example_row(table: TableDef, row: Mapping[str, object], style: str) -> tuple[object, ...]:
    unknown = set(row) - set(table.column_names)
    if unknown:
        raise ValueError(f"example row for {table.name} has unknown columns {sorted(unknown)}")
    encode = encoder(style)
    return tuple(
        encode(value.toordinal()) if isinstance(value, date) else value
        for value in (row.get(name) for name in table.column_names)
    )


def _manifest(report: GenerationReport) -> str:
    manifest = {
        "layout_version": LAYOUT_VERSION,
        "size": report.size,
        "seed": report.seed,
        "target_records": report.target_records,
        "total_records": report.total_records,
        "reference_date": REFERENCE_DATE.isoformat(),
        "databases": {
            stem: {
                "file": f"{stem}.db",
                "provider_unit": DATABASES[stem][0],
                "date_encoding": DATE_STYLES[stem],
                "tables": dict(tables),
                "views": [v.name for v in VIEWS.get(stem, ())],
            }
            for stem, tables in report.counts.items()
        },
        "examples": [{"code": e.code, "kind": e.kind.value, "name": e.name} for e in EXAMPLES],
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
