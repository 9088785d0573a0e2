"""The hand-written rows of the five example subjects, merged table by table.

Each example has its own module, so one file shows everything the demo
databases hold about it. Dates are :class:`datetime.date` values; the writer
stores them in each database's own encoding. Columns left out are NULL;
``INTEGER PRIMARY KEY`` columns are assigned by SQLite (examples are inserted
before the random rows, so their ids are the same at every size), except
qy_yzsx.xh, which the rows set because qy_yzsx_zrr refers to it.
"""

from __future__ import annotations

from demo.example_rows import (
    adverse_company,
    busy_company,
    clean_company,
    government_body,
    person,
    sole_proprietorship,
)
from demo.example_rows.helpers import Row


def _merged() -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = {}
    modules = (
        adverse_company,
        clean_company,
        person,
        sole_proprietorship,
        government_body,
        busy_company,
    )
    for module in modules:
        for table, table_rows in module.ROWS.items():
            rows.setdefault(table, []).extend(table_rows)
    return rows


EXAMPLE_ROWS: dict[str, list[Row]] = _merged()
