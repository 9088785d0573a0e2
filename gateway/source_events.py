"""What a source changed on its own, that the subject must be told of.

003 art. 33 and 004 art. 44 have the subject told when it is listed; 003 art. 43
when a record is withdrawn because its act was revoked; 004 art. 53 when a
provider corrects a record. The gateway pulls on demand, so it learns of these
by comparing what a source says now with what it said when last looked at
(`gateway.store.record_watch` keeps that, `service.sweeper` looks). Pure: a
record's watch state, and the events between two of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from gateway.records import CreditRecord


class SourceEvent(StrEnum):
    LISTED = "LISTED"  # a list entry appeared (003 art. 33, 004 art. 44)
    REMOVED = "REMOVED"  # a list entry ended
    WITHDRAWN = "WITHDRAWN"  # its act was revoked or corrected by review or court (003 art. 43)
    CORRECTED = "CORRECTED"  # the provider changed the record (004 art. 53)


@dataclass(frozen=True, slots=True)
class Watched:
    """A record as last seen: where it stood, and a digest of what it said."""

    state: str
    digest: str


def watched(record: CreditRecord, today: date) -> Watched:
    """``record`` as its source gives it (before the gateway's own marks)."""
    if record.withdrawn_on is not None and record.withdrawn_on <= today:
        state = f"WITHDRAWN:{record.withdrawn_on.isoformat()}"
    elif record.item.listing is not None:
        ended = record.ended_on is not None and record.ended_on <= today
        state = "REMOVED" if ended else "LISTED"
    else:
        state = "ACTIVE"
    content = [
        record.title,
        *(d.isoformat() if d else None for d in (record.occurred_on, record.decided_on)),
        record.ended_on.isoformat() if record.ended_on else None,
        sorted((d.key, _text(d.value)) for d in record.details),
    ]
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True)
    # 12 + 1 + 48 hex digits: the store keeps 64.
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:48]
    return Watched(state, f"{_layout(record)}:{digest}")


def _layout(record: CreditRecord) -> str:
    """What the item's catalogue entry makes of a record: a change of its fields
    changes every digest, and is no correction by the provider."""
    fields = [(f.key, f.type.value) for f in record.item.fields]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:12]


def events(before: Watched | None, now: Watched) -> list[SourceEvent]:
    """What happened between ``before`` (None: first seen since the subject was
    watched) and ``now``; nothing when nothing the subject is told of changed."""
    if before is None:
        return [e for e in (_entered(now.state),) if e is not None]
    if before.state != now.state:
        entered = _entered(now.state)
        if entered is not None:
            return [entered]
        if now.state == "REMOVED":
            return [SourceEvent.REMOVED]
        return []
    if before.digest == now.digest or _layout_of(before) != _layout_of(now):
        return []  # unchanged, or the catalogue changed the item, not the provider the record
    return [SourceEvent.CORRECTED]


def _layout_of(look: Watched) -> str:
    return look.digest.partition(":")[0]


def _entered(state: str) -> SourceEvent | None:
    if state == "LISTED":
        return SourceEvent.LISTED
    if state.startswith("WITHDRAWN:"):
        return SourceEvent.WITHDRAWN
    return None


def told(event: SourceEvent, record: CreditRecord) -> str:
    """What the subject is told, in Chinese, with the article behind it."""
    name = f"「{record.item.name}：{record.title}」"
    if event is SourceEvent.LISTED:
        since = record.decided_on or record.occurred_on
        day = "" if since is None else f"自{since.isoformat()}起"
        return f"您{day}被列入{record.item.name}（{record.title}）（003 art. 33；004 art. 44）。"
    if event is SourceEvent.REMOVED:
        return f"您已被移出{record.item.name}（{record.title}）。"
    if event is SourceEvent.WITHDRAWN:
        reason = f"：{record.withdrawal_reason}" if record.withdrawal_reason else ""
        return f"{name}所依据的决定已被撤销或变更，该信息已撤回（003 art. 43）{reason}。"
    return f"{name}已由信息提供单位更正（004 art. 53）。"


def _text(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
