"""The random subjects of the demo data: persons, enterprises, social organisations, 机关.

Every code is unique and valid (see :mod:`demo.codes`) and none
equals an example subject's code. Organisation code bodies come from a
bijective scramble of a counter, so uniqueness needs no retries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from demo import vocab
from demo.codes import (
    USCC_ALPHABET,
    areas_for_birth_year,
    org_code,
    person_code,
    scrambled,
)
from demo.dates import ordinal, years_later


@dataclass(frozen=True, slots=True)
class Person:
    code: str
    name: str
    gender: str  # 男 / 女, agreeing with the ID number's sequence digit
    born: int  # day ordinal


@dataclass(frozen=True, slots=True)
class Org:
    code: str
    name: str
    kind: str  # SubjectKind value
    type_code: str
    type_name: str
    district: int  # index into vocab.DISTRICTS
    scope: str
    licence: str  # the licence its business typically needs, or ""
    legal_rep: Person
    established: int  # day ordinal
    capital: float  # 万元


@dataclass(frozen=True, slots=True)
class Population:
    persons: list[Person]
    enterprises: list[Org]
    social: list[Org]
    government: list[Org]


def government_names() -> list[tuple[int, str]]:
    """Every (district, name) a random 机关 may take; the 机关 count is capped by it."""
    return [
        (d, f"杭州市{district[0]}{suffix}")
        for d, district in enumerate(vocab.DISTRICTS)
        for suffix in ("人民政府", *vocab.BUREAUS)
    ]


def make_population(
    rng: random.Random,
    persons: int,
    enterprises: int,
    social: int,
    government: int,
    reserved: frozenset[str],
) -> Population:
    people = _persons(rng, persons, reserved)
    return Population(
        persons=people,
        enterprises=[_enterprise(rng, i, people, reserved) for i in range(enterprises)],
        social=[_social(rng, i, people) for i in range(social)],
        government=[_government(rng, i, people, reserved) for i in range(government)],
    )


def _persons(rng: random.Random, count: int, reserved: frozenset[str]) -> list[Person]:
    seen = set(reserved)
    people: list[Person] = []
    first, last = ordinal(1950, 1, 1), ordinal(2006, 10, 31)  # adults on the reference date
    while len(people) < count:
        born = rng.randint(first, last)
        day = date.fromordinal(born)
        sequence = rng.randint(1, 999)
        code = person_code(rng.choice(areas_for_birth_year(day.year)), day, sequence)
        if code in seen:
            continue
        seen.add(code)
        given = rng.choice(vocab.GIVEN_CHARS)
        if rng.random() < 0.7:
            given += rng.choice(vocab.GIVEN_CHARS)
        name = rng.choice(vocab.SURNAMES) + given
        people.append(Person(code, name, "男" if sequence % 2 else "女", born))
    return people


def _enterprise(
    rng: random.Random, index: int, people: list[Person], reserved: frozenset[str]
) -> Org:
    district = rng.randrange(len(vocab.DISTRICTS))
    body = "MA" + scrambled(index, USCC_ALPHABET, 6, 7919, 104729)
    code = org_code("9", "1", vocab.DISTRICTS[district][1], body)
    if code in reserved:  # never shadow an example subject
        code = org_code("9", "1", "330100", body)
    roll = rng.random()
    type_index = (
        0 if roll < 0.8 else 1 if roll < 0.88 else 2 if roll < 0.92 else 3 if roll < 0.97 else 4
    )
    type_code, type_name, kind = vocab.ORG_TYPES[type_index]
    trade = rng.choice(vocab.TRADE_CHARS) + rng.choice(vocab.TRADE_CHARS)
    industry, scope, licence = rng.choice(vocab.INDUSTRIES)
    if type_code == "4530":
        name, scope, licence = f"杭州{trade}投资管理合伙企业（有限合伙）", _FUND_SCOPE, ""
    elif type_code == "4700":
        name, scope, licence = f"杭州{trade}食品商行", "食品销售；农副产品销售", "食品经营许可证"
    else:
        suffix = "股份有限公司" if type_code == "1212" else "有限公司"
        name = f"杭州{trade}{industry}{suffix}"
    return Org(
        code,
        name,
        kind,
        type_code,
        type_name,
        district,
        scope,
        licence,
        *_founded(rng, people, ordinal(2000, 1, 1), ordinal(2026, 9, 30)),
        float(rng.choice((10, 50, 100, 200, 500, 1000, 3000, 5000))),
    )


def _founded(rng: random.Random, people: list[Person], first: int, last: int) -> tuple[Person, int]:
    """A legal representative and a founding day when they were already an adult."""
    representative = rng.choice(people)
    adult = years_later(representative.born, 18)
    return representative, rng.randint(min(max(first, adult), last), last)


_FUND_SCOPE = (
    "股权投资；投资管理；投资咨询（未经金融等监管部门批准，不得从事向公众融资存款、"
    "融资担保、代客理财等金融业务）"
)


def _social(rng: random.Random, index: int, people: list[Person]) -> Org:
    category, form, pattern = vocab.SOCIAL_ORG_FORMS[index % len(vocab.SOCIAL_ORG_FORMS)]
    body = "MJ" + scrambled(index, USCC_ALPHABET, 6, 7927, 15485863)
    trade = rng.choice(vocab.TRADE_CHARS) + rng.choice(vocab.TRADE_CHARS)
    district = rng.randrange(len(vocab.DISTRICTS))
    name = pattern.format(
        trade=trade,
        district=vocab.DISTRICTS[district][0],
        sector=rng.choice(vocab.SECTORS),
        suffix=rng.choice(vocab.ASSOCIATION_SUFFIXES),
    )
    return Org(
        org_code("5", category, "330100", body),
        name,
        "LEGAL_PERSON",
        category,
        form,
        district,
        _SOCIAL_SCOPES[form],
        "",
        *_founded(rng, people, ordinal(2005, 1, 1), ordinal(2026, 6, 30)),
        float(rng.choice((3, 10, 50))) if category != "3" else 400.0,
    )


_SOCIAL_SCOPES = {
    "社会团体": "行业自律、行业调研、业务培训、交流合作、咨询服务",
    "民办非企业单位": "社会工作服务、社区服务、志愿服务组织与培训",
    "基金会": "资助教育、扶贫济困、助老助残等公益慈善项目",
}


def _government(
    rng: random.Random, index: int, people: list[Person], reserved: frozenset[str]
) -> Org:
    district, name = _GOVERNMENT_NAMES[index]
    body = "00" + scrambled(index, "0123456789", 6, 7919, 310577)
    code = org_code("1", "1", vocab.DISTRICTS[district][1], body)
    if code in reserved:
        code = org_code("1", "1", "330100", body)
    return Org(
        code,
        name,
        "LEGAL_PERSON",
        "11",
        "机关",
        district,
        "",
        "",
        rng.choice(people),
        rng.randint(ordinal(1983, 1, 1), ordinal(2021, 12, 31)),
        0.0,
    )


_GOVERNMENT_NAMES = government_names()
