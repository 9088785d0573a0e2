"""What one request disclosed that the query log must record (001 arts. 33, 39).

The response's objects report the records they carry as they are resolved
(``resolvers.disclosure``); only decisions marked ``logged`` count:
AUTHORIZED or INTERNAL information (or a person's non-public item) shown to
anyone but the subject. One entry per subject and basis, listing the items.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from gateway.store.querylog import LogEntry
from gateway.viewer import Viewer
from gateway.visibility import Disclosed

_Key = tuple[str, str | None, str | None, str | None]  # subject, purpose, duty, consent


class Disclosures:
    """The disclosures of one request, grouped for logging."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self._duty = viewer.duty.matter_code if viewer.duty else None
        self._items: dict[_Key, set[str]] = {}

    def add(self, shown: Iterable[Disclosed]) -> None:
        duty = self._duty
        for disclosed in shown:
            decision = disclosed.decision
            if not decision.logged:
                continue
            consent = decision.consent
            key = (
                disclosed.record.subject_code,
                consent.purpose if consent else None,
                duty if consent is None else None,
                consent.consent_id if consent else None,
            )
            self._items.setdefault(key, set()).add(disclosed.record.item.code)

    def __bool__(self) -> bool:
        return bool(self._items)

    def entries(self, at: datetime) -> list[LogEntry]:
        viewer = self.viewer
        return [
            LogEntry(
                at=at,
                viewer_kind=viewer.kind.value,
                viewer_code=viewer.code or "",
                viewer_name=viewer.name,
                subject_code=subject,
                items=tuple(sorted(items)),
                purpose=purpose,
                duty_matter=duty,
                consent_id=consent,
            )
            for (subject, purpose, duty, consent), items in sorted(
                self._items.items(), key=lambda pair: pair[0][0]
            )
        ]
