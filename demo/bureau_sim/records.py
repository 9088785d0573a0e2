"""The fake bureau's records, in its own JSON layout (not the gateway's).

Three record types, as a market credit bureau reports them (001 arts. 15-17;
004 art. 29): ``CREDIT_RATING`` 评级, ``PAYMENT_DEFAULT`` 商业履约违约 and
``CONTRACT_PERFORMANCE`` 合同履约. Fields nest, so the gateway's mapping has
to use dotted paths. The five demo examples have hand-written records
(:mod:`demo.bureau_sim.subjects`); any other valid code gets 0-3 records
derived from a hash of the code, the same on every run.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from typing import Any

from demo.dates import REFERENCE_DATE
from gateway.codes import SubjectCode

Record = dict[str, Any]

GRADES = ("AAA", "AA", "A", "BBB", "BB", "B", "C")
AGENCIES = ("浙江信衡信用评估有限公司", "杭州诚鉴信用管理有限公司", "钱塘资信评级有限公司")
_CREDITORS = ("杭州远拓供应链管理有限公司", "宁波港联物流有限公司", "绍兴织锦纺织有限公司")
_OUTLOOK = {"AAA": "稳定", "AA": "稳定", "A": "稳定", "BBB": "稳定", "BB": "负面"}


def rating(
    code: str, serial: int, grade: str, agency: str, rated_on: date, valid_until: date
) -> Record:
    """A 评级 record: the grade an agency gave and until when it holds."""
    return {
        "record_id": f"RT-{code}-{serial:02d}",
        "record_type": "CREDIT_RATING",
        "title": f"信用评级 {grade}",
        "rated_on": rated_on.isoformat(),
        "published_on": (rated_on + timedelta(days=5)).isoformat(),
        "rating": {
            "grade": grade,
            "outlook": _OUTLOOK.get(grade, "负面"),
            "valid_until": valid_until.isoformat(),
            "agency": {"name": agency},
        },
    }


def payment_default(
    code: str, serial: int, creditor: str, amount: float, due_on: date, settled_on: date | None
) -> Record:
    """A 商业履约违约 record: money owed to a creditor past its due date."""
    until = settled_on or REFERENCE_DATE
    return {
        "record_id": f"PD-{code}-{serial:02d}",
        "record_type": "PAYMENT_DEFAULT",
        "title": "商业账款逾期未付" if settled_on is None else "商业账款逾期（已结清）",
        "due_on": due_on.isoformat(),
        "reported_on": (due_on + timedelta(days=60)).isoformat(),
        "settled_on": None if settled_on is None else settled_on.isoformat(),
        "default": {
            "creditor": {"name": creditor},
            "contract": "货物买卖合同",
            "overdue": {"amount": amount, "currency": "CNY", "days": (until - due_on).days},
        },
    }


def contract_performance(
    code: str, serial: int, year: int, counterparties: int, performed: int, rate: float
) -> Record:
    """A 合同履约 record: a year's contracts and how many were performed."""
    return {
        "record_id": f"CP-{code}-{serial:02d}",
        "record_type": "CONTRACT_PERFORMANCE",
        "title": f"{year}年度合同履约情况",
        "period_end": date(year, 12, 31).isoformat(),
        "published_on": date(year + 1, 1, 20).isoformat(),
        "performance": {
            "period": f"{year}年度",
            "counterparties": counterparties,
            "contracts_performed": performed,
            "rate": rate,
        },
    }


def generated(code: SubjectCode) -> list[Record]:
    """0-3 records derived from a hash of the code; persons are only ever rated."""
    if code.value.startswith("1"):
        return []  # 机关 (registered by 机构编制 offices) are not rated by the market
    digest = hashlib.sha256(code.value.encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    count = rng.randint(0, 3)
    if code.is_person:
        return [_random_rating(code.value, n, rng) for n in range(1, count + 1)]
    makers = (_random_rating, _random_default, _random_performance)
    return [rng.choice(makers)(code.value, n, rng) for n in range(1, count + 1)]


def _day(rng: random.Random, years_back: int) -> date:
    return REFERENCE_DATE - timedelta(days=rng.randint(30, 365 * years_back))


def _random_rating(code: str, serial: int, rng: random.Random) -> Record:
    grade = rng.choices(GRADES, weights=(8, 20, 30, 22, 10, 6, 4))[0]
    rated_on = _day(rng, 2)
    return rating(code, serial, grade, rng.choice(AGENCIES), rated_on, rated_on + timedelta(365))


def _random_default(code: str, serial: int, rng: random.Random) -> Record:
    due_on = _day(rng, 5)
    settled = due_on + timedelta(days=rng.randint(31, 400))
    settled_on = settled if settled < REFERENCE_DATE and rng.random() < 0.6 else None
    amount = round(rng.uniform(5_000, 800_000), 2)
    return payment_default(code, serial, rng.choice(_CREDITORS), amount, due_on, settled_on)


def _random_performance(code: str, serial: int, rng: random.Random) -> Record:
    year = REFERENCE_DATE.year - rng.randint(1, 3)
    performed = rng.randint(5, 400)
    rate = round(rng.uniform(90, 100), 1)
    return contract_performance(code, serial, year, rng.randint(2, 60), performed, rate)
