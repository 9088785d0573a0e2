"""Which documents show no record's details (resolvers.detail_reads), over the whole schema."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType, GraphQLSchema, parse, validate

from resolvers.detail_reads import DETAIL_FREE, READ_IN_FULL, shows_details
from resolvers.schema import build_schema


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()._schema


def test_every_field_of_a_listed_type_is_decided_once(schema: GraphQLSchema) -> None:
    # A field added to one of these types reads in full until someone lists it,
    # and this says so; a field renamed or gone leaves no stale entry.
    assert set(READ_IN_FULL) <= set(DETAIL_FREE)
    for name, free in DETAIL_FREE.items():
        type_ = schema.get_type(name)
        assert isinstance(type_, GraphQLObjectType), name
        full = READ_IN_FULL.get(name, frozenset())
        assert not free & full, name
        assert free | full == set(type_.fields), name


def _shows(schema: GraphQLSchema, query: str) -> bool:
    document = parse(query)
    assert not validate(schema, document)
    return shows_details(schema, document)


RECORDS = "records { totalCount edges { cursor node { id title status item { code name } } } }"


@pytest.mark.parametrize(
    "query",
    [
        '{ subject(code: "x") { code name kind } }',
        f'{{ subject(code: "x") {{ code name {RECORDS} }} }}',
        f"query($c: [String!]!) {{ subjects(codes: $c) {{ code {RECORDS} summary {{ count }} }} }}",
        '{ searchSubjects(name: "杭州") { edges { node { name } } pageInfo { hasNextPage } } }',
        "{ catalogue { code fields { key label type } } __typename }",
        'query A { subject(code: "x") { ...F } } fragment F on Subject { name __typename }',
    ],
)
def test_a_document_of_plain_fields_shows_none(schema: GraphQLSchema, query: str) -> None:
    assert not _shows(schema, query)


@pytest.mark.parametrize(
    "query",
    [
        '{ subject(code: "x") { records { edges { node { details { key } } } } } }',
        '{ subject(code: "x") { records { edges { node { corrections { key } } } } } }',
        '{ subject(code: "x") { basicInfo { legalRepresentative } } }',
        '{ subject(code: "x") { listEntries { reason } } }',
        '{ subject(code: "x") { integrityScore { value } } }',
        '{ subject(code: "x") { applicableMeasures(matter: "m") { reason } } }',
        "{ me { code } }",
        "{ listEntries(list: SERIOUS_DISHONESTY) { edges { node { id } } } }",
        # Through a fragment, named or inline, wherever it is spread.
        '{ subject(code: "x") { ...R } } fragment R on Subject { records { edges { node { '
        "... on CreditRecord { details { key } } } } } }",
        # Two operations: either may run.
        'query A { subject(code: "x") { name } } query B { me { code } }',
        "mutation { markNotificationsRead(ids: []) }",
    ],
)
def test_any_field_that_reads_them_or_is_not_listed_shows_them(
    schema: GraphQLSchema, query: str
) -> None:
    assert _shows(schema, query)
