"""Which documents show no record's details, so the sources need not read them.

A record's details are most of a provider row's columns (a decision's number,
basis, amount, deciding unit...), and most queries show none of them: a
portal's list of records, a bank's batch of titles and dates. Issue 12 (item
2) has the sources asked for what the query needs, so a document that shows no
details has its records read without them (``FetchRequest.details``).

The rule is an allow-list, so nothing new can read details that were left out:
a document is detail-free when every field it selects is in
:data:`DETAIL_FREE` under its parent type (no mutation's is). Anything else (a
mutation, a new field, a field on a type not listed) reads in full. The other
fields of the listed types are in :data:`READ_IN_FULL`, and a test holds every
field of a listed type to be in exactly one of the two, so a field added to
one of them is a decision someone made. The walk visits each node of
the document once, fragments at their definition, so it costs linear time.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)

# Fields that read no record's details, by parent type.
DETAIL_FREE: Mapping[str, frozenset[str]] = {
    "Query": frozenset({"subject", "subjects", "searchSubjects", "catalogue"}),
    "Subject": frozenset({"code", "kind", "name", "records", "summary"}),
    "SubjectConnection": frozenset({"edges", "pageInfo"}),
    "SubjectEdge": frozenset({"cursor", "node"}),
    "CreditRecordConnection": frozenset({"edges", "pageInfo", "totalCount"}),
    "CreditRecordEdge": frozenset({"cursor", "node"}),
    "PageInfo": frozenset({"endCursor", "hasNextPage", "hasPreviousPage", "startCursor"}),
    "CreditRecord": frozenset(
        {
            "category",
            "decidedOn",
            "disclosureUntil",
            "id",
            "item",
            "objectedOn",
            "occurredOn",
            "openness",
            "provenance",
            "providerUnit",
            "source",
            "status",
            "title",
            "underObjection",
            "withdrawalReason",
            "withdrawnOn",
        }
    ),
    "CategoryCount": frozenset({"category", "count"}),
    # The catalogue's definitions of items and their fields, not any record's values.
    "CatalogueItem": frozenset(
        {
            "category",
            "code",
            "disclosurePeriod",
            "fields",
            "legalBasis",
            "name",
            "openness",
            "providerUnit",
            "publicForPersons",
            "subjectKinds",
            "updateFrequency",
        }
    ),
    "CatalogueField": frozenset({"key", "label", "sensitiveFinancial", "type"}),
}

# The other fields of those types. They read details (the details themselves,
# what corrected them, the registration's attributes, list entries' decision
# numbers and reasons and what follows from entries), or lead to types not
# listed above (reports, the viewer's own workflows, the measures catalogue).
READ_IN_FULL: Mapping[str, frozenset[str]] = {
    "Query": frozenset(
        {"creditReport", "creditReports", "listEntries", "me", "measures", "objectionQueue"}
        | {"verifyReport"}
    ),
    "Subject": frozenset({"applicableMeasures", "basicInfo", "integrityScore", "listEntries"}),
    "CreditRecord": frozenset({"corrections", "details"}),
}


def shows_details(schema: GraphQLSchema, document: DocumentNode) -> bool:
    """Whether an operation of the (valid) ``document`` may show a record's details."""
    found = _DetailFinder(TypeInfo(schema))
    visit(document, TypeInfoVisitor(found.types, found))
    return found.reads


class _DetailFinder(Visitor):
    def __init__(self, types: TypeInfo) -> None:
        super().__init__()
        self.types = types
        self.reads = False

    def enter_field(self, node: FieldNode, *_: object) -> object:
        name = node.name.value
        if name.startswith("__"):
            return None  # __typename, or introspection: no subject's data
        parent = self.types.get_parent_type()
        if parent is None or name not in DETAIL_FREE.get(parent.name, frozenset()):
            self.reads = True
            return BREAK
        return None
