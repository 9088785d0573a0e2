"""The root Mutation type: what a subject may do about its own information."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import Info

from gateway.store.declarations import Performance
from resolvers.commitments import CommitmentPerformance, record_performance
from resolvers.consents import Consent, GrantConsentInput, GrantedConsent, grant_consent
from resolvers.consents import revoke_consent as revoke
from resolvers.context import Context
from resolvers.declarations import DeclareInput, declare
from resolvers.enums import ObjectionOutcome, RepairOutcome
from resolvers.objections import (
    CorrectionInput,
    FileObjectionInput,
    ObjectionType,
    decide_objection,
    file_objection,
    forward_objection,
    mark_read,
)
from resolvers.records import CreditRecordType
from resolvers.repairs import RepairInput, apply_for_repair, decide_repair
from resolvers.shields import shield_record, unshield_record


@strawberry.type(description="Changes a subject makes; never retried by the gateway.")
class Mutation:
    @strawberry.mutation(
        description="Grant written consent (书面授权, 002 art. 21, 003 art. 20) to one "
        "institution for one purpose; returns the token the institution presents."
    )
    async def grant_consent(
        self,
        info: Info[Context, None],
        input: Annotated[GrantConsentInput, strawberry.argument(description="The consent.")],
    ) -> GrantedConsent:
        return await grant_consent(info, input)

    @strawberry.mutation(
        description="Revoke one of your consents; effective on the very next request."
    )
    async def revoke_consent(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The consent's id.")],
    ) -> Consent:
        return await revoke(info, id)

    @strawberry.mutation(
        description="Add a declaration or credit commitment about yourself (000 art. 33, "
        "004 art. 30). It is served as a record marked SELF_DECLARED (001 art. 15)."
    )
    async def declare(
        self,
        info: Info[Context, None],
        input: Annotated[DeclareInput, strawberry.argument(description="What you declare.")],
    ) -> CreditRecordType:
        return await declare(info, input)

    @strawberry.mutation(
        description="The unit a credit commitment was made to records whether it was kept "
        "(001 art. 30, 004 art. 22), once; a broken commitment becomes an adverse record "
        "on the subject's file, and the subject is told. That unit's operators only."
    )
    async def record_commitment_performance(
        self,
        info: Info[Context, None],
        record_id: Annotated[
            strawberry.ID, strawberry.argument(description="The CREDIT_COMMITMENT record's id.")
        ],
        performance: Annotated[Performance, strawberry.argument(description="Kept or broken.")],
        on: Annotated[date, strawberry.argument(description="The day the unit found it so.")],
        note: Annotated[
            str | None,
            strawberry.argument(description="The unit's note; required when broken."),
        ] = None,
    ) -> CommitmentPerformance:
        return await record_performance(info, str(record_id), performance, on, note)

    @strawberry.mutation(
        description="Object to a record on your own file (异议, 000 art. 46, 001 art. 34, "
        "004 art. 52). It is annotated as under objection for every viewer at once, and "
        "decided within the working days of the configured regulation profile."
    )
    async def file_objection(
        self,
        info: Info[Context, None],
        input: Annotated[FileObjectionInput, strawberry.argument(description="The objection.")],
    ) -> ObjectionType:
        return await file_objection(info, input)

    @strawberry.mutation(
        description="The credit work agency forwards an objection to the provider unit to "
        "verify (001 art. 34). Agency only."
    )
    async def forward_objection(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The case id.")],
        unit: Annotated[
            str,
            strawberry.argument(description="The provider unit's code (provider_units.toml)."),
        ],
    ) -> ObjectionType:
        return await forward_objection(info, str(id), unit)

    @strawberry.mutation(
        description="The credit work agency, or the provider unit it was forwarded to, "
        "decides an objection, with written reasons: upheld corrects the fields given in "
        "`corrections` (004 art. 52) or, without any, withdraws the record (003 art. 43); "
        "the subject is told either way."
    )
    async def decide_objection(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The case id.")],
        outcome: Annotated[ObjectionOutcome, strawberry.argument(description="The decision.")],
        reason: Annotated[str, strawberry.argument(description="Its reasons, in writing.")],
        corrections: Annotated[
            list[CorrectionInput] | None,
            strawberry.argument(
                description="For UPHOLD: the corrected details (at most 20); none withdraws."
            ),
        ] = None,
    ) -> ObjectionType:
        return await decide_objection(info, str(id), outcome, reason, corrections or [])

    @strawberry.mutation(description="Mark your notifications read; returns how many changed.")
    async def mark_notifications_read(
        self,
        info: Info[Context, None],
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Their ids.")],
    ) -> int:
        return await mark_read(info, ids)

    @strawberry.mutation(
        description="Shield one of your good or self-declared records (屏蔽, 001 art. 35): "
        "withheld from everyone but you and no ground for incentives, from the next request "
        "on. Returns the record as you see it, SHIELDED."
    )
    async def shield_record(
        self,
        info: Info[Context, None],
        record_id: Annotated[strawberry.ID, strawberry.argument(description="The record.")],
    ) -> CreditRecordType:
        return await shield_record(info, record_id)

    @strawberry.mutation(description="Lift a shield you asked for; the record is disclosed again.")
    async def unshield_record(
        self,
        info: Info[Context, None],
        record_id: Annotated[strawberry.ID, strawberry.argument(description="The record.")],
    ) -> CreditRecordType:
        return await unshield_record(info, record_id)

    @strawberry.mutation(
        description="Apply to repair an adverse record on your file (信用修复, 004 arts. "
        "55-57), once the catalogue's conditions are met; free of charge (004 art. 56)."
    )
    async def apply_for_repair(
        self,
        info: Info[Context, None],
        input: Annotated[RepairInput, strawberry.argument(description="The application.")],
    ) -> ObjectionType:
        return await apply_for_repair(info, input)

    @strawberry.mutation(
        description="The credit work agency decides a repair application, with reasons: "
        "approved, the record is no longer disclosed and the list entry and measures it "
        "grounds end (003 art. 44, 004 art. 56). Agency only."
    )
    async def decide_repair(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The case id.")],
        outcome: Annotated[RepairOutcome, strawberry.argument(description="The decision.")],
        reason: Annotated[str, strawberry.argument(description="Its reasons, in writing.")],
    ) -> ObjectionType:
        return await decide_repair(info, str(id), outcome, reason)
