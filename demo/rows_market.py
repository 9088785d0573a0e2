"""Random rows of market_regulation.db (市场监督管理局); dates as TEXT 'YYYYMMDD'."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from demo import phrases, vocab
from demo.dates import REF, Encoder, ordinal, years_later
from demo.population import Org, Population
from demo.sampling import ended, guid, recent_day, skewed

Row = tuple[object, ...]
_ORG_LB, _PERSON_LB = "法人及非法人组织", "自然人"
_ACTIVE = "存续（在营、开业、在册）"


def samr(org: Org) -> str:
    """The market-regulation bureau of ``org``'s district."""
    return f"杭州市{vocab.DISTRICTS[org.district][0]}市场监督管理局"


def doc_number(org: Org, kind: str, day: int, rng: random.Random) -> str:
    """A decision number of ``org``'s district bureau, e.g. 杭西市监罚〔2023〕123号."""
    year = date.fromordinal(day).year
    return f"{vocab.DISTRICTS[org.district][2]}{kind}〔{year}〕{rng.randint(1, 2400)}号"


def registrations(pop: Population, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for org in pop.enterprises:
        roll = rng.random()
        status = _ACTIVE if roll < 0.9 else "吊销，未注销" if roll < 0.95 else "注销"
        district = vocab.DISTRICTS[org.district][0]
        address = (
            f"浙江省杭州市{district}{rng.choice(vocab.STREETS)}街道"
            f"{rng.choice(vocab.ROADS)}{rng.randint(1, 999)}号{rng.randint(1, 12)}幢"
            f"{rng.randint(1, 23)}{rng.randint(1, 20):02d}室"
        )
        approved = rng.randint(org.established, REF - 1)
        yield (
            guid(rng),
            org.code,
            org.name,
            org.type_code,
            org.type_name,
            org.legal_rep.name,
            org.legal_rep.code,
            enc(org.established),
            enc(approved),
            org.capital,
            address,
            org.scope,
            status,
            samr(org),
        )


# Licence -> what it permits. Enterprises whose industry needs no particular
# licence hold a food-trade licence (selling prepackaged food) if any.
_LICENCE_CONTENT = {
    "食品经营许可证": "预包装食品销售（含冷藏冷冻食品）",
    "食品生产许可证": "食品生产：糕点、饮料",
    "工业产品生产许可证": "电线电缆产品生产",
    "特种设备生产许可证": "起重机械制造",
    "检验检测机构资质认定证书": "检验检测能力范围：建筑材料及构配件检测",
}
_OPERATOR = "特种设备安全管理和作业人员证"


def _licence_number(name: str, area: str, rng: random.Random) -> str:
    if name == "食品经营许可证":
        return f"JY{rng.randint(1, 3)}{area}{rng.randrange(10**7):07d}"
    if name == "食品生产许可证":
        return f"SC{rng.choice(('101', '106', '107', '122'))}{area}{rng.randrange(10**5):05d}"
    if name == "工业产品生产许可证":
        return f"（浙）XK{rng.randint(10, 30)}-{rng.randint(1, 300):03d}-{rng.randrange(10**5):05d}"
    if name == "特种设备生产许可证":
        return f"TS{rng.randint(1, 7)}233{rng.randrange(10**4):04d}"
    return f"{rng.randint(15, 26)}11{area[2:4]}{rng.randrange(10**6):06d}"


def licences(pop: Population, count: int, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for _ in range(count):
        org = rng.choice(pop.enterprises)
        if rng.random() < 0.1:  # a person's operator certificate
            person = rng.choice(pop.persons)
            day = recent_day(rng, ordinal(2014, 1, 1))
            yield (
                None,
                person.name,
                _PERSON_LB,
                None,
                person.code,
                doc_number(org, "许", day, rng),
                _OPERATOR,
                person.code,
                "认可",
                "特种设备作业：叉车司机",
                enc(day),
                enc(day),
                enc(years_later(day, 4) - 1),
                samr(org),
            )
            continue
        name = org.licence or "食品经营许可证"
        day = recent_day(rng, max(org.established, ordinal(2014, 1, 1)))
        area = vocab.DISTRICTS[org.district][1]
        yield (
            None,
            org.name,
            _ORG_LB,
            org.code,
            None,
            doc_number(org, "许", day, rng),
            name,
            _licence_number(name, area, rng),
            "普通",
            _LICENCE_CONTENT[name],
            enc(day),
            enc(day),
            enc(years_later(day, 5) - 1),
            samr(org),
        )


def penalties(pop: Population, count: int, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for _ in range(count):
        org = skewed(rng, pop.enterprises)
        violation, basis, kinds = rng.choice(phrases.PENALTIES)
        fine = rng.choice((0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 10.0, 20.0, 50.0))
        day = recent_day(rng, max(org.established, ordinal(2015, 1, 1)))
        if rng.random() < 0.05:  # a natural person penalised, e.g. for unlicensed trading
            person = rng.choice(pop.persons)
            subject: tuple[object, ...] = (person.name, _PERSON_LB, None, person.code)
        else:
            subject = (org.name, _ORG_LB, org.code, None)
        yield (
            None,
            *subject,
            doc_number(org, "罚", day, rng),
            violation,
            f"经查，当事人存在{violation}的违法行为",
            basis,
            kinds,
            f"罚款人民币{int(fine * 10000)}元",
            fine,
            enc(day),
            enc(years_later(day, 3)),
            samr(org),
            None,  # not revoked (CF_CXRQ, CF_CXYY)
            None,
        )


def abnormal(pop: Population, count: int, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for _ in range(count):
        org = skewed(rng, pop.enterprises)
        listed = recent_day(rng, max(org.established + 400, ordinal(2015, 1, 1)))
        removed = ended(rng, listed, 0.6, 30, 900)
        yield (
            None,
            org.code,
            org.name,
            enc(listed),
            rng.choice(phrases.ABNORMAL_REASONS),
            samr(org),
            None if removed is None else enc(removed),
            None if removed is None else rng.choice(phrases.ABNORMAL_REMOVALS),
            None if removed is None else samr(org),
        )


def enforcements(pop: Population, count: int, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    for _ in range(count):
        org = skewed(rng, pop.enterprises)
        measure, reason = rng.choice(phrases.ENFORCEMENTS)
        day = recent_day(rng, max(org.established, ordinal(2015, 1, 1)))
        lifted = ended(rng, day, 0.9, 20, 120)
        yield (
            None,
            org.name,
            org.code,
            doc_number(org, "强", day, rng),
            measure,
            reason,
            "《中华人民共和国行政强制法》第九条",
            enc(day),
            None if lifted is None else enc(lifted),
            samr(org),
        )
