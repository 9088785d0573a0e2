"""A bureau's JSON answers read into credit records, purely through config.

Pure functions, no I/O. Anything that is not what the bureau's API promises
(not JSON, the wrong shape, a record without its type or id) raises
:class:`PayloadError`, whose message never quotes the bureau's body.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

import orjson

from adapters.bureau.config import BureauSourceConfig, RecordMapping
from gateway.domain import DetailValue, RawRecord, ResponsibleParty
from gateway.values import to_date, to_detail, to_text

# A subject code and the bureau's raw records for it.
Answer = tuple[str, Sequence[object]]


class PayloadError(ValueError):
    """The bureau's answer is not what its API promises; says what, never quotes it."""


def decode(body: bytes) -> object:
    """The JSON value of ``body``."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise PayloadError("the body is not JSON") from None


def batch_answers(payload: object) -> Iterator[Answer]:
    """``{"results": [{"code": ..., "records": [...]}, ...]}`` as (code, records)."""
    for index, result in enumerate(_list(payload, "results", "the answer")):
        where = f"results[{index}]"
        code = _object(result, where).get("code")
        if not isinstance(code, str):
            raise PayloadError(f"{where} has no 'code' string")
        yield code, _list(result, "records", where)


def subject_answer(payload: object, code: str) -> Answer:
    """``{"code": ..., "records": [...]}`` as (code, records); ``code`` if it is absent."""
    records = _list(payload, "records", "the answer")
    answered = _object(payload, "the answer").get("code", code)
    if not isinstance(answered, str):
        raise PayloadError("'code' of the answer is not a string")
    return answered, records


class RecordReader:
    """Turns one bureau's JSON records into :class:`RawRecord` through its mappings."""

    def __init__(self, config: BureauSourceConfig) -> None:
        self.source = config.name
        self.type_field = config.type_field
        self.by_type = {m.type: m for m in config.mappings}

    def read(self, code: str, raw: object) -> RawRecord | None:
        """The record, or None for a record type the config does not map."""
        if not isinstance(raw, dict):
            raise PayloadError(f"a record of {code} is not an object")
        record_type = lookup(raw, self.type_field)
        if not isinstance(record_type, str):
            raise PayloadError(f"a record of {code} has no {self.type_field!r}")
        mapping = self.by_type.get(record_type)
        if mapping is None:
            return None  # outside the catalogue: never read (like unmapped SQL rows)
        record_id = to_text(_scalar(lookup(raw, mapping.id_field)))
        if record_id is None:
            raise PayloadError(f"a {record_type} record of {code} has no {mapping.id_field!r}")
        return RawRecord(
            source=self.source,
            record_id=record_id,
            subject_code=code,
            item=mapping.item,
            title=mapping.title or _text(raw, mapping.title_field),
            occurred_on=_date(raw, mapping.occurred_field),
            decided_on=_date(raw, mapping.decided_field),
            ended_on=_date(raw, mapping.ended_field),
            details=_details(raw, mapping),
            origin=record_type,
            responsible=_responsible(raw, mapping.responsible_field),
            withdrawn_on=_date(raw, mapping.withdrawn_field),
            withdrawal_reason=_text(raw, mapping.withdrawal_reason_field),
        )


def lookup(value: object, path: str) -> object:
    """The value at a dotted ``path`` in nested JSON objects, or None."""
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _object(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise PayloadError(f"{where} is not an object")
    return value


def _list(value: object, key: str, where: str) -> list[object]:
    found = _object(value, where).get(key)
    if not isinstance(found, list):
        raise PayloadError(f"{where} has no {key!r} list")
    return found


def _text(raw: Mapping[str, object], path: str | None) -> str | None:
    return None if path is None else to_text(_scalar(lookup(raw, path)))


def _date(raw: Mapping[str, object], path: str | None) -> date | None:
    return None if path is None else to_date(_scalar(lookup(raw, path)))


def _details(raw: Mapping[str, object], mapping: RecordMapping) -> dict[str, DetailValue]:
    # JSON numbers, strings and booleans keep their type; the catalogue's field
    # types coerce them later (gateway.records). Objects and arrays are not values.
    return {key: to_detail(_scalar(lookup(raw, path))) for key, path in mapping.details.items()}


def _responsible(raw: Mapping[str, object], path: str | None) -> tuple[ResponsibleParty, ...]:
    """The parties listed at ``path``, each once; a malformed one is skipped, since
    one bad party must not hide the record (nor the rest of the batch)."""
    found = None if path is None else lookup(raw, path)
    if not isinstance(found, list):
        return ()
    return tuple(dict.fromkeys(p for p in map(_party, found) if p is not None))


def _party(value: object) -> ResponsibleParty | None:
    """``{"role": ..., "name": ..., "code": ...}``: a role text, name and code text or absent."""
    if not isinstance(value, dict):
        return None
    role, name, code = (value.get(key) for key in ("role", "name", "code"))
    if not all(isinstance(v, str) or v is None for v in (role, name, code)):
        return None
    role, name, code = to_text(role), to_text(name), to_text(code)
    if role is None:
        return None
    return ResponsibleParty(role, name, None if code is None else code.upper())


def _scalar(value: object) -> object:
    return None if isinstance(value, dict | list) else value
