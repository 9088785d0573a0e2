"""The three query shapes of issue 12, and the data and subjects they run over.

Q1 one subject's code, name and kind; Q2 one subject with its records; Q3
``subjects(codes: [100 codes])`` with the same records. Anonymous queries, so
every implementation must answer what the gateway shows the public:
organisations' public records only (config/catalogue.toml: openness PUBLIC,
and persons' items are not public, 000 art. 47).

The issue's data set is 10,000 organisations with 20 public records each.
The demo generator spreads records over subjects at random (demo/plan.py), so
it cannot make that exactly: the run uses the size that gives 10,000
organisations, Q1 and Q2 the one organisation with exactly 20 public records
(demo.examples.BUSY_COMPANY), and Q3 it and the example organisations plus
those with the most public records, and prints how many records that is.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.public_data import china_today, connect_sync, statement
from demo.examples import BUSY_COMPANY, EXAMPLES
from demo.plan import make_plan
from gateway.domain import SubjectKind

RECORD = "id title item { code } category decidedOn status"
Q1 = "query Q1($code: String!) { subject(code: $code) { code name kind } }"
Q2 = (
    "query Q2($code: String!) { subject(code: $code) "
    f"{{ code name records {{ edges {{ node {{ {RECORD} }} }} }} }} }}"
)
Q3 = (
    "query Q3($codes: [String!]!) { subjects(codes: $codes) "
    f"{{ code name records {{ edges {{ node {{ {RECORD} }} }} }} }} }}"
)
# What the floor, which parses no GraphQL, recognises each shape by.
SHAPE_OF_QUERY = {Q1: "Q1", Q2: "Q2", Q3: "Q3"}
ORGANISATIONS = 10_000
BATCH = 100


@dataclass(frozen=True, slots=True)
class Shape:
    key: str
    title: str
    payload: Mapping[str, Any]
    concurrency: int


@dataclass(frozen=True, slots=True)
class ShapeData:
    """The subjects the shapes ask for, and what the data set holds."""

    one: str
    batch: tuple[str, ...]
    organisations: int
    public_records: int  # of all organisations
    one_records: int
    batch_records: int

    def describe(self, size: str) -> str:
        mean = self.public_records / self.organisations if self.organisations else 0.0
        return (
            f"data: demo-data --size {size}: {self.organisations:,} organisations with "
            f"{self.public_records:,} public records (mean {mean:.1f} each; the issue's set has "
            f"20 each, which the generator cannot make); Q1/Q2 ask for {self.one} "
            f"({self.one_records} public records), Q3 for {len(self.batch)} organisations "
            f"with {self.batch_records:,} public records in all"
        )


def shapes(data: ShapeData) -> list[Shape]:
    one = {"code": data.one}
    return [
        Shape("Q1", "one subject's code, name and kind", {"query": Q1, "variables": one}, 8),
        Shape("Q2", "one subject with its records", {"query": Q2, "variables": one}, 8),
        Shape(
            "Q3",
            f"subjects(codes: [{len(data.batch)} codes]) with their records",
            {"query": Q3, "variables": {"codes": list(data.batch)}},
            4,
        ),
    ]


def size_for_organisations(count: int = ORGANISATIONS) -> int:
    """The smallest demo-data size whose plan has at least ``count`` organisations."""
    low, high = 1, 1
    while _organisations(high) < count:
        low, high = high, high * 2
    while low < high:
        middle = (low + high) // 2
        if _organisations(middle) < count:
            low = middle + 1
        else:
            high = middle
    return high


def _organisations(size: int) -> int:
    plan = make_plan(size)
    return plan.enterprises + plan.social + plan.government


def choose_subjects(data_dir: Path, batch: int = BATCH) -> ShapeData:
    """Q1/Q2's organisation and Q3's batch: the examples first, then the busiest."""
    db = connect_sync(data_dir)
    try:
        codes = [
            code
            for table in ("m.qy_jbxx", "a.shzz_djxx", "a.jg_djxx")
            for (code,) in db.execute(f"SELECT tyshxydm FROM {table}")
        ]
        parameters = {"codes": json.dumps(codes), "today": china_today()}
        rows = db.execute(statement("records"), parameters)
        counts = Counter(code for code, *_ in rows)
    finally:
        db.close()
    organisations = [e.code for e in EXAMPLES if e.kind is not SubjectKind.NATURAL_PERSON]
    first = [BUSY_COMPANY.code, *organisations]
    busiest = [code for code, _ in counts.most_common() if code not in first]
    chosen = tuple([*first, *busiest][:batch])
    return ShapeData(
        one=BUSY_COMPANY.code,
        batch=chosen,
        organisations=len(set(codes)),
        public_records=sum(counts.values()),
        one_records=counts[BUSY_COMPANY.code],
        batch_records=sum(counts[c] for c in chosen),
    )
