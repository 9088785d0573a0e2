"""The root Mutation type: what a subject may do about its own information."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from resolvers.consents import Consent, GrantConsentInput, GrantedConsent, grant_consent
from resolvers.consents import revoke_consent as revoke
from resolvers.context import Context
from resolvers.declarations import DeclareInput, declare
from resolvers.records import CreditRecordType


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
