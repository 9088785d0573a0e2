"""Random rows of civil_affairs.db (民政局); dates as TEXT 'YYYY-MM-DD HH:MM:SS'."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from demo import phrases, vocab
from demo.dates import REF, Encoder, ordinal
from demo.population import Population
from demo.sampling import ended, guid, recent_day

Row = tuple[object, ...]
_CIVIL_AFFAIRS = "杭州市民政局"


def persons(pop: Population, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for person in pop.persons:
        yield (
            guid(rng),
            person.code,
            person.name,
            person.gender,
            enc(person.born),
            rng.choice(vocab.EDUCATION),
            rng.choice(vocab.OCCUPATIONS),
            enc(recent_day(rng, ordinal(2020, 1, 1))),
        )


_PERSON_HONOURS = tuple(h for h in phrases.HONOURS if h[4])
_ORG_HONOURS = tuple(h for h in phrases.HONOURS if not h[4])


def commendations(pop: Population, count: int, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for _ in range(count):
        day = recent_day(rng, ordinal(2014, 1, 1))
        if rng.random() < 0.6:
            person = rng.choice(pop.persons)
            kind, code, name = "1", person.code, person.name
            honour, body, prefix, level, _ = rng.choice(_PERSON_HONOURS)
        else:
            org = rng.choice(pop.enterprises if rng.random() < 0.9 else pop.social)
            kind, code, name = "2", org.code, org.name
            honour, body, prefix, level, _ = rng.choice(_ORG_HONOURS)
        number = f"{prefix}〔{date.fromordinal(day).year}〕{rng.randint(1, 60)}号"
        yield (guid(rng), kind, code, name, honour, body, number, level, enc(day))


def volunteering(pop: Population, count: int, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    volunteers = pop.persons[: max(1, len(pop.persons) * 2 // 5)]  # two in five volunteer
    for _ in range(count):
        person = rng.choice(volunteers)
        yield (
            guid(rng),
            person.code,
            person.name,
            rng.choice(phrases.VOLUNTEER_ORGS),
            rng.choice(phrases.VOLUNTEER_ACTIVITIES),
            rng.choice((2.0, 3.0, 4.0, 6.5, 8.0)),
            enc(recent_day(rng, ordinal(2016, 1, 1))),
        )


def social_orgs(pop: Population, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for org in pop.social:
        district = vocab.DISTRICTS[org.district][0]
        address = f"浙江省杭州市{district}{rng.choice(vocab.ROADS)}{rng.randint(1, 400)}号"
        supervisor = "无（直接登记）" if org.established > ordinal(2016, 9, 1) else "杭州市商务局"
        yield (
            org.code,
            org.name,
            org.type_name,
            org.legal_rep.name,
            enc(org.established),
            org.capital,
            address,
            org.scope,
            "正常",
            _CIVIL_AFFAIRS,
            supervisor,
        )


def government_bodies(pop: Population, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for org in pop.government:
        district = vocab.DISTRICTS[org.district][0]
        unit = org.name.removeprefix(f"杭州市{district}").removesuffix("局")
        duty = "经济社会发展和公共事务" if unit == "人民政府" else f"{unit}方面的行政"
        yield (
            org.code,
            org.name,
            "机关",
            org.legal_rep.name,
            enc(org.established),
            f"浙江省杭州市{district}{rng.choice(vocab.ROADS)}{rng.randint(1, 400)}号",
            f"负责全区{duty}管理工作",
            "正常",
            f"中共杭州市{district}委机构编制委员会办公室",
        )


_SOCIAL_ABNORMAL = (
    "未按照规定时限和要求向登记管理机关报送年度工作报告",
    "未按照有关规定办理变更登记、修改章程核准或者负责人备案",
    "通过登记的住所无法与社会组织取得联系",
)


def social_abnormal(pop: Population, count: int, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for _ in range(count):
        org = rng.choice(pop.social)
        listed = recent_day(rng, max(org.established + 400, ordinal(2018, 6, 1)))
        removed = ended(rng, listed, 0.5, 60, 700)
        yield (
            None,
            org.code,
            org.name,
            enc(listed),
            rng.choice(_SOCIAL_ABNORMAL),
            _CIVIL_AFFAIRS,
            None if removed is None or removed >= REF else enc(removed),
        )
