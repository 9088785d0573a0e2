"""Where errors left nulls in an answer: what the query log leaves out."""

from __future__ import annotations

from graphql import GraphQLError

from resolvers.disclosure import nulled_positions, under


def _error(*path: str | int) -> GraphQLError:
    return GraphQLError("x", path=list(path))


def test_a_null_is_found_where_the_error_left_it() -> None:
    data = {"subject": None, "subjects": [{"name": "a", "score": None}, None]}
    errors = [
        _error("subject", "records"),  # non-null: nulled its parent
        _error("subjects", 0, "score"),  # nullable: nulled itself
        _error("subjects", 1, "records", "totalCount"),  # nulled the list item
        GraphQLError("no path"),
    ]
    assert nulled_positions(data, errors) == [
        ["subject"],
        ["subjects", 0, "score"],
        ["subjects", 1],
    ]
    assert nulled_positions(None, [_error("subject")]) == [[]]
    assert nulled_positions({"a": {"b": 1}}, [_error("a", "b")]) == []


def test_a_path_at_or_below_a_nulled_position_is_under_it() -> None:
    nulled = [["subjects", 1]]
    assert under(["subjects", 1], nulled)
    assert under(["subjects", 1, "records"], nulled)
    assert not under(["subjects"], nulled)  # the list field's own objects
    assert not under(["subjects", 10], nulled)
    assert under(["anything"], [[]])
