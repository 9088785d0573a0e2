"""Random rows of court.db (dates 'YYYY-MM-DD') and tax.db (dates yyyymmdd integers)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from demo import phrases, vocab
from demo.dates import REF, Encoder, ordinal
from demo.population import Org, Person, Population
from demo.sampling import ended, recent_day, skewed, yuan

Row = tuple[object, ...]


def _case(rng: random.Random, enc: Encoder) -> tuple[object, ...]:
    """The columns every defaulter row shares, from 案号 to 移除时间."""
    district, _, _, court_code = rng.choice(vocab.DISTRICTS)
    court = f"杭州市{district}人民法院"
    filed = recent_day(rng, ordinal(2014, 1, 1), REF - 60)
    published = filed + rng.randint(30, 200)
    published = min(published, REF - 1)
    removed = ended(rng, published, 0.55, 180, 1500)
    year = date.fromordinal(filed).year
    amount = int(yuan(rng, 8000, 3_000_000))
    return (
        f"（{year}）{court_code}执{rng.randint(1, 9999)}号",
        court,
        court,
        f"（{year - 1}）{court_code}民初{rng.randint(1, 19999)}号",
        f"被执行人应{rng.choice(phrases.OBLIGATIONS)}人民币{amount}元",
        "全部已履行" if removed else rng.choice(("全部未履行", "部分未履行")),
        rng.choice(phrases.CIRCUMSTANCES),
        enc(filed),
        enc(published),
        None if removed is None else enc(removed),
    )


def person_defaulters(
    pop: Population, count: int, rng: random.Random, enc: Encoder
) -> Iterator[Row]:
    for _ in range(count):
        person = skewed(rng, pop.persons)
        yield (None, person.name, person.gender, person.code, *_case(rng, enc))


def org_defaulters(pop: Population, count: int, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for _ in range(count):
        org = skewed(rng, pop.enterprises)
        yield (None, org.name, org.code, org.legal_rep.name, *_case(rng, enc))


def _tax_office(org: Org | None, rng: random.Random) -> str:
    district = vocab.DISTRICTS[org.district if org else rng.randrange(len(vocab.DISTRICTS))][0]
    return f"国家税务总局杭州市{district}税务局"


def tax_records(
    pop: Population, counts: tuple[int, int, int, int], rng: random.Random, enc: Encoder
) -> Iterator[Row]:
    """nsr_xyxx rows: arrears (01), A grades (02), personal tax (03), uncatalogued (09)."""
    arrears, grades, payments, other = counts
    serial = iter(range(100, 10**7))
    for _ in range(arrears):
        subject: Org | Person = skewed(rng, pop.enterprises)
        tax = rng.choice(phrases.TAX_TYPES)
        if rng.random() < 0.15:
            subject, tax = rng.choice(pop.persons), "个人所得税"
        year, quarter = divmod(rng.randint(2015 * 4, 2026 * 4 + 1), 4)  # up to 2026 Q2
        period = f"{year}{quarter * 3 + 1:02d}-{year}{quarter * 3 + 3:02d}"
        day = min(ordinal(year, quarter * 3 + 3, 28) + rng.randint(20, 200), REF - 1)
        paid = ended(rng, day, 0.6, 10, 700)
        office = _tax_office(subject if isinstance(subject, Org) else None, rng)
        yield (
            f"SW{enc(day)}{next(serial):07d}",
            subject.code,
            subject.name,
            "01",
            f"欠缴{tax}",
            tax,
            period,
            yuan(rng, 300, 2_000_000),
            None,
            None,
            None,
            enc(day),
            None if paid is None else enc(paid),
            office,
        )
    for index in rng.sample(range(len(pop.enterprises)), min(grades, len(pop.enterprises))):
        org, year = pop.enterprises[index], rng.randint(2019, 2025)
        day = ordinal(year + 1, 4, rng.randint(8, 25))
        yield (
            f"SW{enc(day)}{next(serial):07d}",
            org.code,
            org.name,
            "02",
            f"{year}年度纳税信用A级纳税人",
            None,
            None,
            None,
            year,
            None,
            None,
            enc(day),
            None,
            _tax_office(org, rng),
        )
    for index in range(payments):
        person, year = pop.persons[index % len(pop.persons)], 2025 - index // len(pop.persons)
        day = ordinal(year + 1, rng.randint(3, 6), rng.randint(1, 28))
        yield (
            f"SW{enc(day)}{next(serial):07d}",
            person.code,
            person.name,
            "03",
            f"{year}年度个人所得税综合所得汇算",
            "个人所得税",
            f"{year}01-{year}12",
            None,
            None,
            year,
            round(rng.random() ** 3 * 300_000, 2),
            enc(day),
            None,
            _tax_office(None, rng),
        )
    for _ in range(other):  # outside the catalogue: item_values leaves these rows out
        org = rng.choice(pop.enterprises)
        day = recent_day(rng, ordinal(2018, 1, 1))
        yield (
            f"SW{enc(day)}{next(serial):07d}",
            org.code,
            org.name,
            "09",
            "跨区域涉税事项报告",
            None,
            None,
            None,
            None,
            None,
            None,
            enc(day),
            None,
            _tax_office(org, rng),
        )


def insurance_arrears(
    pop: Population, count: int, rng: random.Random, enc: Encoder
) -> Iterator[Row]:
    for _ in range(count):
        org = skewed(rng, pop.enterprises)
        year, half = divmod(rng.randint(2016 * 2, 2026 * 2), 2)  # up to 2026 H1
        day = min(ordinal(year, half * 6 + 6, 28) + rng.randint(15, 120), REF - 1)
        paid = ended(rng, day, 0.6, 10, 600)
        yield (
            None,
            org.code,
            org.name,
            rng.choice(phrases.INSURANCE_TYPES),
            yuan(rng, 2000, 800_000),
            f"{year}{half * 6 + 1:02d}-{year}{half * 6 + 6:02d}",
            enc(day),
            None if paid is None else enc(paid),
            _tax_office(org, rng),
        )
