"""Shielding (屏蔽, 001 art. 35): the subject hides its own good and self-declared records.

Only commendations, volunteering, donations and other good information, and
self-declared market information may be shielded (:func:`gateway.policy.shieldable`).
A shielded record is withheld from everyone but the subject and is no ground
for any incentive or red-list finding. The gateway applies it at once, well
within the profile's working days, and lifts it when the subject asks.
"""

from __future__ import annotations

import strawberry
from strawberry import Info

from gateway.codes import parse_code
from gateway.errors import bad_input
from gateway.policy import shieldable
from gateway.store.workflows import Actor
from gateway.visibility import Disclosed
from resolvers.consents import subject_code_of
from resolvers.context import Context
from resolvers.records import CreditRecordType, record_type


async def shield_record(info: Info[Context, None], record_id: strawberry.ID) -> CreditRecordType:
    context = info.context
    code = subject_code_of(info)
    found = await _own(context, code, str(record_id))
    record = found.record
    if not shieldable(record):
        raise bad_input(
            f"{record.item.name} cannot be shielded: only good information and self-declared "
            "market information can be (001 art. 35).",
            argument="recordId",
        )
    if record.shielded:
        raise bad_input("The record is already shielded.", argument="recordId")
    told = (
        f"您申请屏蔽的「{record.item.name}：{record.title}」已于{context.today.isoformat()}"
        "屏蔽，不再向他人披露，也不作为激励依据（001 art. 35）。"
    )
    await context.services.store.workflows.shield(
        code, record.id, Actor("SUBJECT", code), context.now, told
    )
    return await _reloaded(context, code, record.id)


async def unshield_record(info: Info[Context, None], record_id: strawberry.ID) -> CreditRecordType:
    context = info.context
    code = subject_code_of(info)
    found = await _own(context, code, str(record_id))
    if not found.record.shielded:
        raise bad_input("The record is not shielded.", argument="recordId")
    record = found.record
    told = f"「{record.item.name}：{record.title}」已于{context.today.isoformat()}取消屏蔽。"
    await context.services.store.workflows.unshield(
        code, record.id, Actor("SUBJECT", code), context.now, told
    )
    return await _reloaded(context, code, record.id)


async def _own(context: Context, code: str, record_id: str) -> Disclosed:
    view = await context.view(parse_code(code))
    found = next((d for d in view.records if d.record.id == record_id), None)
    if found is None:
        raise bad_input("No record with that id is on your file.", argument="recordId")
    return found


async def _reloaded(context: Context, code: str, record_id: str) -> CreditRecordType:
    context.forget(code)
    return record_type(await _own(context, code, record_id))
