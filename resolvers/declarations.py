"""Self-declarations and credit commitments (声明、自主申报、信用承诺).

A subject adds information about itself (000 art. 33, 004 art. 30); it is
stored by the gateway, served back through the declarations source like any
other record, and marked SELF_DECLARED (001 art. 15). A commitment names the
unit it is made to; that unit, not the subject, records whether it was kept
(001 art. 30, 004 art. 22: `recordCommitmentPerformance`).
"""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import Info

from gateway.codes import parse_code
from gateway.config.provider_units import ProviderUnit
from gateway.errors import ErrorCode, bad_input, client_error
from gateway.records import applies_to
from resolvers.consents import subject_code_of
from resolvers.context import Context
from resolvers.records import CreditRecordType, record_type


@strawberry.enum(description="What a subject declares about itself.")
class DeclarationKind(Enum):
    DECLARATION = strawberry.enum_value(
        "SELF_DECLARATION", description="声明 / 自主申报: information the subject reports."
    )
    COMMITMENT = strawberry.enum_value(
        "CREDIT_COMMITMENT", description="信用承诺: a commitment, with its performance status."
    )


@strawberry.input(description="A declaration or credit commitment by the subject itself.")
class DeclareInput:
    kind: DeclarationKind = strawberry.field(description="Declaration or commitment.")
    title: str = strawberry.field(description="Short title, at most 200 characters.")
    content: str = strawberry.field(description="What is declared, at most 2000 characters.")
    declaration_type: str | None = strawberry.field(
        default=None, description="For declarations: e.g. 资质证书, 经营状况."
    )
    commitment_type: str | None = strawberry.field(
        default=None, description="For commitments: e.g. 主动型, 审批替代型."
    )
    accepting_unit: str | None = strawberry.field(
        default=None,
        description="For commitments, required: the code of the unit it is made to (受理单位, "
        "one of `config/provider_units.toml`), which later records whether it was kept.",
    )


async def declare(info: Info[Context, None], data: DeclareInput) -> CreditRecordType:
    context = info.context
    code = subject_code_of(info)
    unit = _accepting_unit(context, data)
    details = _details(data, unit)
    item = str(data.kind.value)
    services = context.services
    declared = services.config.catalogue.get(item)
    if declared is None or not applies_to(declared, code):
        raise bad_input(f"{item} does not apply to a subject like you.", argument="input.kind")
    declaration = await services.store.declarations.add(
        subject_code=code,
        item=item,
        title=data.title.strip(),
        details=details,
        now=context.now,
        accepting_unit=None if unit is None else unit.code,
    )
    # The gateway's own write: cached source data for this subject is stale now.
    services.sources.invalidate([code])
    context.forget(code)
    # Served back as every record is: through its source, the stage and the policy.
    view = await context.view(parse_code(code))
    source = declarations_source(context, item) or "declarations"
    wanted = f"{source}:{declaration.id}"
    disclosed = next((d for d in view.records if d.record.id == wanted), None)
    if disclosed is None:
        raise client_error(
            ErrorCode.SOURCE_UNAVAILABLE,
            "The declaration was stored but could not be read back yet; it will appear "
            "in your records.",
            source=source,
        )
    return record_type(disclosed)


def _accepting_unit(context: Context, data: DeclareInput) -> ProviderUnit | None:
    code = (data.accepting_unit or "").strip()
    if data.kind is DeclarationKind.DECLARATION:
        if code:
            raise bad_input(
                "Only a commitment has an accepting unit.", argument="input.acceptingUnit"
            )
        return None
    unit = context.services.config.provider_units.get(code)
    if unit is None:
        raise bad_input(
            "Name the unit the commitment is made to by its code "
            "(see `config/provider_units.toml`).",
            argument="input.acceptingUnit",
        )
    return unit


def _details(data: DeclareInput, unit: ProviderUnit | None) -> dict[str, str]:
    title, content = data.title.strip(), data.content.strip()
    if not 0 < len(title) <= 200:
        raise bad_input("title must have 1 to 200 characters.", argument="input.title")
    if not 0 < len(content) <= 2000:
        raise bad_input("content must have 1 to 2000 characters.", argument="input.content")
    if data.kind is DeclarationKind.DECLARATION:
        details = {"declaration_type": data.declaration_type or "声明", "content": content}
    else:
        details = {
            "commitment_type": data.commitment_type or "主动型",
            "content": content,
            "accepting_unit": "" if unit is None else unit.name,
        }
    return {k: v.strip() for k, v in details.items() if v and v.strip()}


def declarations_source(context: Context, item: str) -> str | None:
    """The declarations-kind source that serves ``item``, if one is configured."""
    for spec in context.services.config.sources:
        if spec.kind == "declarations" and item in spec.items:
            return spec.name
    return None
