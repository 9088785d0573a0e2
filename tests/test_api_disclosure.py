"""The query log records exactly what each response carried, whatever field carried it.

Generated from the schema: every leaf field reachable from ``Subject`` is asked
for alone, by a consented bank and by a unit in a duty matter, and the entry
written must list exactly the non-public items that field showed. A field
added to the schema without a rule here fails ``test_every_field_has_a_rule``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
)

from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY, PERSON
from gateway.config.loader import GatewayConfig
from gateway.store.querylog import LogEntry
from resolvers.schema import build_schema
from service.app import create_app
from tests import viewers
from tests.conftest import NOW
from tests.server import Client, serve

SCHEMA: GraphQLSchema = build_schema()._schema


def _object(kind: GraphQLOutputType) -> GraphQLObjectType | None:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind if isinstance(kind, GraphQLObjectType) else None


def leaf_paths(
    kind: GraphQLObjectType, prefix: tuple[str, ...] = (), above: frozenset[str] = frozenset()
) -> Iterator[tuple[str, ...]]:
    """Every path from ``kind`` down to a scalar or enum field.

    A field leading back to a type already on the path (an entry's subject) is
    not followed: that type's own fields are walked where it first appears,
    and what such a field logs is tested on its own below.
    """
    above = above | {kind.name}
    for name, field in kind.fields.items():
        child = _object(field.type)
        if child is None:
            yield (*prefix, name)
        elif child.name not in above:
            yield from leaf_paths(child, (*prefix, name), above)


SUBJECT_PATHS = sorted(leaf_paths(SCHEMA.type_map["Subject"]))  # type: ignore[arg-type]
# A credit report shows everything it holds through any of its fields (its number
# and digest stand for the content): every one of them, present or future, is
# asked for alone below and must log it all.
REPORT_PATHS = [("__typename",), *sorted(leaf_paths(SCHEMA.type_map["CreditReport"]))]  # type: ignore[arg-type]


# What each part of a subject shows: nothing, its registration, the records on
# the page, or every record the viewer may see (counts, paging, summaries).
RULES: Sequence[tuple[tuple[str, ...], str]] = (
    (("code",), "nothing"),
    (("kind",), "nothing"),
    (("name",), "registration"),
    (("basicInfo",), "registration"),
    (("records", "edges"), "page"),
    (("records", "totalCount"), "all"),
    (("records", "pageInfo"), "all"),
    (("summary",), "all"),
    # Every entry in the answer shows itself; basis records show themselves too.
    (("listEntries", "basisRecords"), "entry basis"),
    (("listEntries",), "entries"),
    # A measure applied shows what triggered it (and, for an entry, its basis).
    (("applicableMeasures", "entry", "basisRecords"), "measure basis"),
    (("applicableMeasures",), "measures"),
    # The score shows its own item; each contribution shows its record too.
    (("integrityScore", "contributions"), "score contributions"),
    (("integrityScore",), "score"),
)
MATTER = "PUBLIC_PROCUREMENT"


def rule_for(path: tuple[str, ...]) -> str | None:
    return next((rule for prefix, rule in RULES if path[: len(prefix)] == prefix), None)


def selection(path: tuple[str, ...]) -> str:
    head, *rest = path
    if head == "records":
        head = "records(first: 2)"  # a page: only its items are logged
    elif head == "applicableMeasures":
        head = f'applicableMeasures(matter: "{MATTER}")'
    return head if not rest else f"{head} {{ {selection(tuple(rest))} }}"


def test_every_field_has_a_rule() -> None:
    assert SUBJECT_PATHS, "no paths found under Subject"
    missing = [".".join(p) for p in SUBJECT_PATHS if rule_for(p) is None]
    assert missing == [], f"say in RULES what these Subject fields disclose: {missing}"


@dataclass
class Spy:
    """Every query-log entry appended, as the store received them; ``fail`` breaks the store."""

    entries: list[LogEntry]
    fail: bool = False

    def take(self) -> list[LogEntry]:
        taken, self.entries[:] = list(self.entries), []
        return taken


@pytest.fixture
async def logged(demo_config: GatewayConfig) -> AsyncIterator[tuple[Client, Spy]]:
    app = create_app(demo_config, clock=lambda: NOW)
    async with serve(app) as client:
        log = app.state.services.store.query_log
        spy = Spy([])
        append = log.append

        async def spying(entries: Sequence[LogEntry]) -> None:
            if spy.fail:
                raise RuntimeError("the query log is unavailable")
            spy.entries.extend(entries)
            await append(entries)

        log.append = spying
        yield client, spy


async def consent_token(client: Client, config: GatewayConfig, subject: str) -> str:
    # Every category; a person's also names the integrity score, which a consent to
    # OTHER alone does not open (001 art. 28), so that every field is asked for.
    score = ["INTEGRITY_SCORE"] if subject == PERSON.code else None
    body = await client.query(
        """mutation($grantee: String!, $items: [String!]) { grantConsent(input: {
          grantee: $grantee, purpose: "02", categories: [BASIC, ADVERSE, COMMENDATORY, OTHER],
          items: $items, validUntil: "2027-05-31T00:00:00Z"}) { token } }""",
        {"grantee": viewers.BANK, "items": score},
        headers=viewers.subject(config.auth, subject),
    )
    token: str = body["data"]["grantConsent"]["token"]
    return token


RECORDS = """{ subject(code: "%s") { kind records { edges { node {
  item { code openness publicForPersons } } } } } }"""


@dataclass(frozen=True)
class Shown:
    item: str
    public: bool  # public to anyone: its disclosure is not logged
    registration: bool


async def shown(client: Client, headers: dict[str, str], code: str) -> list[Shown]:
    """Every record ``headers``' viewer may see, newest first."""
    body = await client.query(RECORDS % code, headers=headers)
    subject = body["data"]["subject"]
    person = subject["kind"] == "NATURAL_PERSON"
    return [
        Shown(
            item["code"],
            item["openness"] == "PUBLIC" and (item["publicForPersons"] or not person),
            item["code"].startswith("REGISTRATION"),
        )
        for item in (e["node"]["item"] for e in subject["records"]["edges"])
    ]


ITEM = "item { code openness publicForPersons }"
LISTS = f"""query($code: String!, $matter: String!) {{ subject(code: $code) {{ kind
  listEntries {{ record {{ {ITEM} }} basisRecords {{ {ITEM} }} }}
  applicableMeasures(matter: $matter) {{ record {{ {ITEM} }}
    entry {{ basisRecords {{ {ITEM} }} }} }}
  integrityScore {{ contributions {{ record {{ {ITEM} }} }} }} }} }}"""


async def shown_in_lists(
    client: Client, headers: dict[str, str], code: str
) -> dict[str, list[Shown]]:
    """What ``headers``' viewer sees through list entries and applicable measures."""
    body = await client.query(LISTS, {"code": code, "matter": MATTER}, headers=headers)
    subject = body["data"]["subject"]
    person = subject["kind"] == "NATURAL_PERSON"

    def of(items: list[dict[str, Any]]) -> list[Shown]:
        return [
            Shown(
                i["code"],
                i["openness"] == "PUBLIC" and (i["publicForPersons"] or not person),
                False,
            )
            for i in items
        ]

    entries = subject["listEntries"]
    measures = subject["applicableMeasures"] or []
    score = subject["integrityScore"]
    scored = [] if score is None else [Shown("INTEGRITY_SCORE", False, False)]
    return {
        "score": scored,
        "score contributions": scored
        + of([c["record"]["item"] for c in (score or {}).get("contributions", [])]),
        "entries": of([e["record"]["item"] for e in entries]),
        "entry basis": of(
            [e["record"]["item"] for e in entries]
            + [b["item"] for e in entries for b in e["basisRecords"]]
        ),
        "measures": of([m["record"]["item"] for m in measures]),
        "measure basis": of(
            [m["record"]["item"] for m in measures]
            + [b["item"] for m in measures if m["entry"] for b in m["entry"]["basisRecords"]]
        ),
    }


def expected(
    rule: str, visible: list[Shown], lists: dict[str, list[Shown]] | None = None
) -> set[str]:
    """The items a field under ``rule`` shows that are not public."""
    records = {
        "nothing": [],
        "registration": [r for r in visible if r.registration],
        "page": visible[:2],
        "all": visible,
        **(lists or {}),
    }[rule]
    return {r.item for r in records if not r.public}


@pytest.mark.parametrize("subject", [ADVERSE_COMPANY.code, PERSON.code], ids=["company", "person"])
@pytest.mark.parametrize("who", ["bank", "unit"])
async def test_each_field_logs_exactly_what_it_showed(
    logged: tuple[Client, Spy], demo_config: GatewayConfig, who: str, subject: str
) -> None:
    client, spy = logged
    if who == "bank":
        token = await consent_token(client, demo_config, subject)
        headers = viewers.bank(demo_config.auth, token)
    else:
        headers = viewers.gov(demo_config.auth)
    visible = await shown(client, headers, subject)
    lists = await shown_in_lists(client, headers, subject)
    assert any(not r.public for r in visible), visible
    if subject == PERSON.code:
        # A person's registration is not public: showing the name is logged.
        assert expected("registration", visible) == {"REGISTRATION_PERSON"}
    if who == "unit":
        assert lists["measures"], "no measure applies: the test would prove nothing"
    assert lists["entries"], "no list entry is visible: the test would prove nothing"
    if who == "bank" and subject == PERSON.code:
        assert len(expected("score contributions", visible, lists)) > 1, "nothing to log"
    spy.take()
    for path in SUBJECT_PATHS:
        query = f'{{ subject(code: "{subject}") {{ {selection(path)} }} }}'
        body = await client.query(query, headers=headers)
        entries = spy.take()
        if who == "bank" and path[0] == "applicableMeasures":
            # Not for a bank: refused, and nothing left.
            assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
            assert entries == []
            continue
        if who == "unit" and path[0] == "integrityScore" and subject == PERSON.code:
            # Only the person and a consent naming it open the score (001 art. 28);
            # this matter does not even open the score's category.
            assert [e["extensions"]["code"] for e in body["errors"]] == ["CONSENT_REQUIRED"]
            assert entries == []
            continue
        assert "errors" not in body, (path, body)
        want = expected(rule_for(path) or "all", visible, lists)
        got = {item for entry in entries for item in entry.items}
        assert got == want, ".".join(path)
        assert len(entries) == (1 if want else 0), ".".join(path)
        if entries:
            assert entries[0].subject_code == subject
            assert entries[0].viewer_code == (viewers.BANK if who == "bank" else viewers.UNIT)


@pytest.mark.parametrize("who", ["bank", "unit"])
async def test_every_report_field_logs_everything_the_report_holds(
    logged: tuple[Client, Spy], demo_config: GatewayConfig, who: str
) -> None:
    client, spy = logged
    subject = ADVERSE_COMPANY.code
    if who == "bank":
        headers = viewers.bank(demo_config.auth, await consent_token(client, demo_config, subject))
    else:
        headers = viewers.gov(demo_config.auth)
    want = expected("all", await shown(client, headers, subject))
    assert want, "nothing non-public is visible: the test would prove nothing"
    assert len(REPORT_PATHS) > 20
    spy.take()
    for path in REPORT_PATHS:
        for field in ("creditReport(code: $code)", "creditReports(codes: [$code])"):
            query = f"query($code: String!) {{ {field} {{ {selection(path)} }} }}"
            body = await client.query(query, {"code": subject}, headers)
            assert "errors" not in body, (path, body)
            entries = spy.take()
            assert {item for entry in entries for item in entry.items} == want, ".".join(path)
            assert [e.subject_code for e in entries] == [subject], ".".join(path)


async def test_fragments_and_skipped_fields_count_as_the_response_does(
    logged: tuple[Client, Spy], demo_config: GatewayConfig
) -> None:
    client, spy = logged
    headers = viewers.gov(demo_config.auth)
    visible = await shown(client, headers, ADVERSE_COMPANY.code)
    spy.take()
    query = """query($code: String!, $skip: Boolean!) { subject(code: $code) {
      ...Named  records(first: 2) @skip(if: $skip) { totalCount } } }
      fragment Named on Subject { code ... on Subject { summary @include(if: $skip) { count } } }"""
    for skip, rule in ((True, "all"), (False, "all")):
        await client.query(query, {"code": ADVERSE_COMPANY.code, "skip": skip}, headers)
        got = {item for entry in spy.take() for item in entry.items}
        assert got == expected(rule, visible), skip
    spy.take()
    query = """query($code: String!, $skip: Boolean!) { subject(code: $code) {
      code records(first: 2) @skip(if: $skip) { totalCount } } }"""
    await client.query(query, {"code": ADVERSE_COMPANY.code, "skip": True}, headers)
    assert spy.take() == []


async def test_the_subject_itself_and_the_public_write_nothing(
    logged: tuple[Client, Spy], demo_config: GatewayConfig
) -> None:
    client, spy = logged
    # Every field, a few dozen to a document (the token limit keeps documents small).
    for start in range(0, len(SUBJECT_PATHS), 30):
        some = " ".join(selection(p) for p in SUBJECT_PATHS[start : start + 30])
        query = f'{{ subject(code: "{ADVERSE_COMPANY.code}") {{ code {some} }} }}'
        for headers in (viewers.company(demo_config.auth), {}):
            body = await client.query(query, headers=headers)
            assert body["data"]["subject"]["code"] == ADVERSE_COMPANY.code, body
    assert spy.take() == []


BATCH = """query($codes: [String!]!) { subjects(codes: $codes) {
  code records { edges { node { item { code } } } } } }"""


async def test_a_consented_batch_writes_one_entry_per_subject(
    logged: tuple[Client, Spy], demo_config: GatewayConfig
) -> None:
    client, spy = logged
    codes = [ADVERSE_COMPANY.code, CLEAN_COMPANY.code, PERSON.code]
    tokens = [await consent_token(client, demo_config, code) for code in codes]
    spy.take()
    body = await client.query(
        BATCH,
        {"codes": codes},
        viewers.bank(demo_config.auth),
        extensions={"consentTokens": tokens},
    )
    assert "errors" not in body, body
    entries = spy.take()
    assert sorted(e.subject_code for e in entries) == sorted(codes)
    for entry, subject in zip(
        sorted(entries, key=lambda e: e.subject_code),
        sorted(body["data"]["subjects"], key=lambda s: s["code"]),
        strict=True,
    ):
        visible = await shown(
            client,
            viewers.bank(demo_config.auth, tokens[codes.index(subject["code"])]),
            subject["code"],
        )
        assert set(entry.items) == expected("all", visible)
        assert entry.consent_id is not None
        assert entry.purpose == "02"


async def test_a_failed_append_withholds_the_answer_and_says_so(
    logged: tuple[Client, Spy], demo_config: GatewayConfig
) -> None:
    client, spy = logged
    headers = viewers.gov(demo_config.auth)
    query = f'{{ subject(code: "{ADVERSE_COMPANY.code}") {{ records {{ totalCount }} }} }}'
    ok = await client.query(query, headers=headers)
    assert ok["data"]["subject"]["records"]["totalCount"] > 0
    assert spy.take()
    spy.fail = True
    failed = await client.query(query, headers=headers)
    assert failed.get("data") is None
    [error] = failed["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "could not be recorded, so nothing was disclosed" in error["message"]


@pytest.mark.parametrize(
    "selection",
    [
        "edges { node { code } }",
        "edges { cursor }",
        "pageInfo { endCursor }",
        "edges { node { name } }",
    ],
)
async def test_a_name_search_logs_the_registrations_it_shows(
    logged: tuple[Client, Spy], demo_config: GatewayConfig, selection: str
) -> None:
    """Found by name, a person's code is registration data, not the caller's input."""
    client, spy = logged
    unit = viewers.gov(demo_config.auth)  # its duty matter opens persons' registrations
    body = await client.query(
        f'{{ searchSubjects(name: "{PERSON.name}") {{ {selection} }} }}', headers=unit
    )
    assert "errors" not in body, body
    assert body["data"]["searchSubjects"] != {"edges": []}, "the search must find the person"
    entries = spy.take()
    assert [(e.subject_code, e.items) for e in entries] == [(PERSON.code, ("REGISTRATION_PERSON",))]


def commended_person(demo_data: Path) -> str:
    """A person with a commendation and no court-defaulter entry (nothing public of it)."""
    with sqlite3.connect(demo_data / "court.db") as court:
        defaulters = {code for (code,) in court.execute("SELECT sfzhm FROM sx_zrr")}
    with sqlite3.connect(demo_data / "civil_affairs.db") as civil:
        rows = civil.execute("SELECT dxdm FROM bzjl WHERE length(dxdm) = 18 ORDER BY dxdm")
        return next(code for (code,) in rows if code not in defaulters and code[-1].isdigit())


async def test_a_subject_there_only_through_logged_records_logs_being_there(
    logged: tuple[Client, Spy], demo_config: GatewayConfig, demo_data: Path
) -> None:
    """Non-null discloses: a unit that may see only a person's commendation learns, from
    `{ __typename }` alone, that the person has one."""
    client, spy = logged
    code = commended_person(demo_data)
    unit = viewers.gov(demo_config.auth, matter="HONOURS_REVIEW")
    body = await client.query(f'{{ subject(code: "{code}") {{ __typename code }} }}', headers=unit)
    assert body["data"]["subject"] == {"__typename": "Subject", "code": code}
    [entry] = spy.take()
    assert (entry.subject_code, "COMMENDATION" in entry.items) == (code, True)
    body = await client.query(f'{{ subject(code: "{code}") {{ code }} }}')
    assert body["data"]["subject"] is None  # the public may see nothing of it
    assert spy.take() == []


async def test_a_cursor_accepted_discloses_the_record_it_names(
    logged: tuple[Client, Spy], demo_config: GatewayConfig
) -> None:
    client, spy = logged
    unit = viewers.gov(demo_config.auth)
    query = '{ subject(code: "%s") { records(items: ["TAX_ARREARS"]%s) { edges { cursor } } } }'
    body = await client.query(query % (ADVERSE_COMPANY.code, ""), headers=unit)
    cursor = body["data"]["subject"]["records"]["edges"][-1]["cursor"]
    spy.take()
    body = await client.query(
        query.replace("{ edges { cursor } }", "{ __typename }")
        % (ADVERSE_COMPANY.code, f', after: "{cursor}"'),
        headers=unit,
    )
    assert "errors" not in body, body
    assert {i for e in spy.take() for i in e.items} == {"TAX_ARREARS"}


async def test_a_found_subject_logs_its_registration_whatever_is_selected(
    logged: tuple[Client, Spy], demo_config: GatewayConfig
) -> None:
    client, spy = logged
    unit = viewers.gov(demo_config.auth)
    body = await client.query(
        f'{{ searchSubjects(name: "{PERSON.name}") {{ edges {{ node {{ __typename }} }} }} }}',
        headers=unit,
    )
    assert body["data"]["searchSubjects"]["edges"]
    assert [(e.subject_code, e.items) for e in spy.take()] == [
        (PERSON.code, ("REGISTRATION_PERSON",))
    ]


async def test_what_an_error_nulled_out_of_the_answer_is_not_logged(
    logged: tuple[Client, Spy], demo_config: GatewayConfig
) -> None:
    client, spy = logged
    unit = viewers.gov(demo_config.auth)
    query = '{ subject(code: "%s") { name records(first: %d) { totalCount } } }'
    # `records` is non-null: its bad argument nulls the subject, name and all.
    body = await client.query(query % (PERSON.code, 0), headers=unit)
    assert body["data"] == {"subject": None}
    assert [e["path"] for e in body["errors"]] == [["subject", "records"]]
    assert spy.take() == []
    body = await client.query(query % (PERSON.code, 5), headers=unit)
    assert body["data"]["subject"]["name"] == PERSON.name
    assert [e.subject_code for e in spy.take()] == [PERSON.code]


async def test_a_list_item_an_error_nulled_is_not_logged(
    logged: tuple[Client, Spy], demo_config: GatewayConfig
) -> None:
    """Each subject of a batch is logged under its own position: one nulled by its
    non-null `records` failing left nothing, so the log names none of them."""
    client, spy = logged
    unit = viewers.gov(demo_config.auth)
    codes = f'"{PERSON.code}", "{ADVERSE_COMPANY.code}"'
    query = "{ subjects(codes: [%s]) { name records(first: %d) { totalCount } } }"
    body = await client.query(query % (codes, 0), headers=unit)
    assert body["data"] == {"subjects": [None, None]}
    assert [e["path"] for e in body["errors"]] == [
        ["subjects", 0, "records"],
        ["subjects", 1, "records"],
    ]
    assert spy.take() == []
    body = await client.query(query % (codes, 5), headers=unit)
    assert [s["name"] for s in body["data"]["subjects"]] == [PERSON.name, ADVERSE_COMPANY.name]
    assert sorted(e.subject_code for e in spy.take()) == sorted([PERSON.code, ADVERSE_COMPANY.code])
