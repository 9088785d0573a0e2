"""A person named in several rows of one entry: the role on their file does not
depend on the order the rows came in (adapters/sql/rows.py)."""

from __future__ import annotations

import itertools

from adapters.sql.rows import Ranked, on_persons_files, responsible_records, subject_record
from tests.adapters import sql_lists_fixture as fx

SERIOUS = fx.mappings()[0]


def _row(zrlx: str | None, xm: str | None, zjhm: str | None) -> dict[str, object]:
    return {
        "xh": 1,
        "tyshxydm": fx.ORG_A,
        "lrsy": "拒不履行",
        "lrrq": "2024-01-05",
        "zt": "1",
        "fddbr": "张三",
        "fddbr_zjhm": fx.P1,
        "zrlx": zrlx,
        "xm": xm,
        "zjhm": zjhm,
    }


def _roles(rows: list[dict[str, object]]) -> dict[str, object]:
    ranked: list[Ranked] = []
    for cells in rows:
        record = subject_record("lists", SERIOUS, cells)
        assert record is not None
        ranked += responsible_records(record, SERIOUS, cells, {fx.P1, fx.P3})
    return {r.subject_code: r.details["role"] for r in on_persons_files(ranked)}


def test_the_role_kept_is_the_same_in_every_order_of_the_rows() -> None:
    rows = [
        _row(fx.OTHER, "赵六", fx.P3),
        _row(fx.CONTROLLER, "赵六", fx.P3),
        _row(fx.CONTROLLER, "张三", fx.P1),  # the legal representative, named again
    ]
    answers = [_roles(list(order)) for order in itertools.permutations(rows)]
    # The earliest group of the mapping first (the legal representative); within
    # the other persons' group, the first role in code-point order (其 < 实).
    assert answers == [{fx.P1: fx.LEGAL, fx.P3: fx.OTHER}] * len(answers)
