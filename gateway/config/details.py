"""The `[...details]` table every source mapping has: detail key -> where the value is."""

from __future__ import annotations

from gateway.config.reader import Table
from gateway.forbidden import forbidden_concept


def detail_mapping(t: Table, what: str) -> dict[str, str]:
    """Detail keys mapped to a source's ``what`` (a column, a JSON field path).

    A mapping that would bring in forbidden personal data is a problem, and is
    left out: 003 art. 18, 001 art. 37 and 002 art. 19 say it is never
    collected, never returned.
    """
    details: dict[str, str] = {}
    for key, source in t.entries():
        if not isinstance(source, str):
            t.problem(key, f"must be a {what} (a string)")
            continue
        concept = forbidden_concept(key, source)
        if concept:
            t.problem(key, f"maps {what} {source!r} that holds forbidden personal data ({concept})")
            continue
        details[key] = source
    return details
