"""The one seam every credit-information source plugs into (STYLE.md rule 1).

A source is asked about many subjects at once and answers for every code it
was asked about (an empty sequence when it knows nothing). Cross-cutting
behaviour such as caching, timeouts, retries and circuit breaking is added by
wrappers that satisfy this same protocol, never by more methods here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from gateway.domain import RawRecord, SubjectHit, SubjectKind


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """Records wanted for many subjects at once.

    ``items`` limits the answer to those catalogue items; ``None`` means every
    item the source serves. With ``details`` False the records' details are not
    wanted (the query shows none): a source may leave them out, and one that
    reads columns saves reading them.
    """

    codes: tuple[str, ...]
    items: frozenset[str] | None = None
    details: bool = True


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A name search, paged by keyset: results sort by (name, code)."""

    text: str
    kinds: frozenset[SubjectKind]
    limit: int
    after: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class EntriesRequest:
    """Records of some items across all subjects, for a list's pages (keyset paged).

    Answers come in (subject_code, record_id) order, compared by code point, and
    only those strictly after ``after``: ``(code, record_id)`` means after that
    record; ``(code, None)`` means after every record of that code.
    """

    items: frozenset[str]
    limit: int
    after: tuple[str, str | None] | None = None


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a source can answer, as data (like a Hasura connector's capabilities)."""

    items: frozenset[str]
    searchable: bool
    # Items whose records it can list across subjects (:meth:`Source.entries`).
    browsable: frozenset[str] = frozenset()


class Source(Protocol):
    """A credit-information source, asked in batches."""

    @property
    def name(self) -> str:
        """The source's configured name; errors shown to clients carry it."""
        ...

    def capabilities(self) -> Capabilities:
        """The catalogue items this source serves and whether it can search names."""
        ...

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        """Records for every requested code (empty when none); one round trip per call.

        Raises a :class:`adapters.errors.SourceError` when the source fails.
        """
        ...

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        """Subjects whose registered name contains ``request.text``, in (name, code) order."""
        ...

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        """Records of ``request.items`` of any subject, in (subject_code, record_id) order.

        At most ``request.limit``; a source that browses none of the items answers [].
        """
        ...

    async def aclose(self) -> None:
        """Release connections; called once from the application's lifespan."""
        ...
