"""The root Query type: thin fields that hand their arguments to resolvers."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import Info

from gateway.config.measures import MeasureKind
from gateway.config.settings import Limits
from gateway.domain import Category, ListKind, Openness
from gateway.store.workflows import CaseKind
from resolvers.catalogue import CatalogueItemType, item_type
from resolvers.context import Context
from resolvers.lists import ListEntryConnection, resolve_list_entries
from resolvers.me import Me, resolve_me
from resolvers.measures import MeasureType, published_measures
from resolvers.objections import QueuedObjection, objection_queue
from resolvers.report import (
    CreditReportType,
    ReportVerification,
    resolve_report,
    resolve_reports,
    verify_report,
)
from resolvers.search import SubjectConnection, resolve_search
from resolvers.subjects import Subject, resolve_subject, resolve_subjects


@strawberry.type(description="Read credit information; every answer is filtered for the caller.")
class Query:
    @strawberry.field(
        description="One subject by unified social credit code or citizen ID number. Null when "
        "you may see nothing about it. A malformed code is a BAD_USER_INPUT error saying why."
    )
    async def subject(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="18-character USCC or citizen ID number.")
        ],
    ) -> Subject | None:
        return await resolve_subject(info, code)

    @strawberry.field(
        description="Many subjects at once, in the order asked (001 art. 40: batch queries). "
        "Each source is asked once for the whole batch. An invalid code gives null at its "
        "position and a BAD_USER_INPUT error with that path; the others still resolve."
    )
    async def subjects(
        self,
        info: Info[Context, None],
        codes: Annotated[
            list[str],
            strawberry.argument(
                description="Codes to look up. A request may ask for at most the configured "
                f"batch limit of codes across all its fields (default {Limits().max_batch})."
            ),
        ],
    ) -> list[Subject | None]:
        result: list[Subject | GraphQLError | None] = await resolve_subjects(info, codes)
        return result  # type: ignore[return-value]

    @strawberry.field(
        description="Subjects whose registered name contains `name`, ordered by name then "
        "code. Covers only subjects whose registration you may see."
    )
    async def search_subjects(
        self,
        info: Info[Context, None],
        name: Annotated[
            str, strawberry.argument(description="Part of a name, at least two characters.")
        ],
        first: Annotated[int, strawberry.argument(description="Page size.")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="`endCursor` of the previous page.")
        ] = None,
    ) -> SubjectConnection:
        return await resolve_search(info, name, first, after)

    @strawberry.field(
        description="A list's page across subjects (001 art. 20: lists are public unless the "
        "law says otherwise), in subject-code order, over the entries you may see: entries "
        "decided by units and reported by sources. Entries the gateway works out by rule show "
        "on each subject's `listEntries`. Each subject on a page counts against the batch limit."
    )
    async def list_entries(
        self,
        info: Info[Context, None],
        list: Annotated[ListKind, strawberry.argument(description="The list.")],
        sector: Annotated[
            str | None, strawberry.argument(description="Only entries of this 行业领域.")
        ] = None,
        first: Annotated[int, strawberry.argument(description="Page size.")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="`endCursor` of the previous page.")
        ] = None,
    ) -> ListEntryConnection:
        return await resolve_list_entries(info, list, sector, first, after)

    @strawberry.field(
        description="The credit work agency's work queue: every open objection, the soonest "
        "due first, each with its deadline, whether it is overdue, and the record (logged). "
        "Agency only."
    )
    async def objection_queue(
        self,
        info: Info[Context, None],
        overdue_only: Annotated[
            bool, strawberry.argument(description="Only those past their last day.")
        ] = False,
        kind: Annotated[
            CaseKind, strawberry.argument(description="Objections, or repair applications.")
        ] = CaseKind.OBJECTION,
        first: Annotated[
            int, strawberry.argument(description="How many cases, 1 to 200 (the soonest due).")
        ] = 50,
        after: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The last case id of the previous page."),
        ] = None,
    ) -> list[QueuedObjection]:
        return await objection_queue(
            info, overdue_only, kind, first, None if after is None else str(after)
        )

    @strawberry.field(
        description="The caller: a subject's own file, consents and query log. "
        "UNAUTHENTICATED without a bearer token."
    )
    def me(self, info: Info[Context, None]) -> Me:
        return resolve_me(info)

    @strawberry.field(
        description="The published measure list (措施清单, 003 art. 28, 001 art. 24): measures "
        "in force, each with its implementing unit, triggers, basis and range. A measure not "
        "published is never listed and never applied."
    )
    def measures(
        self,
        info: Info[Context, None],
        kind: Annotated[
            MeasureKind | None, strawberry.argument(description="Only measures of this kind.")
        ] = None,
        domain: Annotated[
            str | None, strawberry.argument(description="Only measures applied in this 领域.")
        ] = None,
    ) -> list[MeasureType]:
        return published_measures(info, kind, domain)

    @strawberry.field(
        description="The public credit information catalogue (公共信用信息目录, 001 art. 13)."
    )
    def catalogue(
        self,
        info: Info[Context, None],
        category: Annotated[
            Category | None, strawberry.argument(description="Only items of this category.")
        ] = None,
        openness: Annotated[
            Openness | None, strawberry.argument(description="Only items of this openness level.")
        ] = None,
    ) -> list[CatalogueItemType]:
        return [
            item_type(item)
            for item in info.context.services.config.catalogue
            if (category is None or item.category is category)
            and (openness is None or item.openness is openness)
        ]

    @strawberry.field(
        description="公共信用信息报告 of one subject (001 art. 40): everything you may see about "
        "it, in the report's sections, numbered and digested. Issuing it is recorded "
        "(verifyReport) and logged like any disclosure. Null when you may see nothing about "
        "it; an error, and no report, while a source it needs is down."
    )
    async def credit_report(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="18-character USCC or citizen ID number.")
        ],
    ) -> CreditReportType | None:
        return await resolve_report(info, code)

    @strawberry.field(
        description="Reports of many subjects at once, in the order asked (001 art. 40: batch "
        "queries), each under its own consents; each source is asked once for the whole "
        "batch. An invalid code gives null at its position and a BAD_USER_INPUT error."
    )
    async def credit_reports(
        self,
        info: Info[Context, None],
        codes: Annotated[
            list[str],
            strawberry.argument(
                description="Codes to report on; they count against the request's batch limit "
                f"(default {Limits().max_batch} codes across all its fields)."
            ),
        ],
    ) -> list[CreditReportType | None]:
        result: list[CreditReportType | GraphQLError | None] = await resolve_reports(info, codes)
        return result  # type: ignore[return-value]

    @strawberry.field(
        description="Whether a report number was issued by this gateway, when, for which "
        "subject code, and its SHA-256 digest; nothing of its content. Open to anyone."
    )
    async def verify_report(
        self,
        info: Info[Context, None],
        number: Annotated[str, strawberry.argument(description="The report's 报告编号.")],
        digest: Annotated[
            str | None,
            strawberry.argument(
                description="The digest printed on the report, to compare (`digestMatches`)."
            ),
        ] = None,
    ) -> ReportVerification:
        return await verify_report(info, number, digest)
