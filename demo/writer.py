"""Write one SQLite database atomically, as fast as SQLite allows.

The file is built under a temporary name in the target directory and
renamed into place only when complete, so a reader (or `--if-missing`)
never sees half a database. Journal and fsync are off while building: a
crash leaves only a temporary file, which the next run replaces.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from demo.tables import TableDef, ViewDef


def write_database(
    path: Path,
    tables: Iterable[TableDef],
    rows: Mapping[str, Iterable[tuple[object, ...]]],
    views: Iterable[ViewDef] = (),
) -> dict[str, int]:
    """Create ``path`` with ``tables`` filled from ``rows`` and with ``views``.

    Returns the rows written per table.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    connection = sqlite3.connect(temporary, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-65536")  # 64 MiB for the index builds
        connection.execute("BEGIN")
        for table in tables:
            connection.execute(table.create_sql())
            cursor = connection.executemany(table.insert_sql(), rows.get(table.name, ()))
            counts[table.name] = cursor.rowcount
        connection.execute("COMMIT")
        # Indexes after the data: one sort per index instead of a B-tree
        # update per row.
        for table in tables:
            for statement in table.index_sql():
                connection.execute(statement)
        for view in views:
            connection.execute(view.create_sql())
        connection.execute("ANALYZE")
    except BaseException:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(temporary, path)
    return counts


def write_text_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
