"""The benchmark's scale part measures real lookups (a smoke run on the demo data)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import scale


async def test_the_scale_part_times_answered_lookups_of_both_kinds(demo_data: Path) -> None:
    rows = await scale.measure(1, demo_data, lookups=5)
    assert [r.kind for r in rows] == ["organisation", "person"]
    organisations, persons = rows
    assert len(organisations.latencies_ms) == 5
    assert persons.latencies_ms  # the demo list names a few persons
    # Each person, looking at their own file, sees the entry naming them: the
    # lookups went through the list view's responsible branches.
    assert persons.as_responsible >= len(persons.latencies_ms)
    assert all(r.errors == 0 for r in rows)
    assert organisations.records > 0
    # Five statements a lookup (the SQL sources', the store's), all on the event loop.
    assert organisations.inline == 5 * 5
    assert organisations.offloaded == 0
    table = scale.table(rows)
    assert table.splitlines()[2].startswith(
        f"| 1 | organisation | 5 | {organisations.records} | 0 |"
    )
