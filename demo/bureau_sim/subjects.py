"""The records the fake bureau holds for a subject code.

The five demo subjects (demo.examples) have hand-written records; any
other valid code gets generated ones (:func:`records.generated`). What to
expect, dates relative to the demo reference date 2026-11-01:

- the adverse company: a B rating (负面 outlook), an unpaid commercial payment
  default of 356,800.00 yuan due 2026-02-10, and one settled in 2023;
- the clean company: an AAA rating and 2025 contract performance of 100%;
- the person: a rating only (A);
- the sole proprietorship: a BBB rating and 2025 contract performance of 96.4%;
- the government body: nothing (the market does not rate 机关).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from demo.bureau_sim.records import (
    AGENCIES,
    Record,
    contract_performance,
    generated,
    payment_default,
    rating,
)
from demo.examples import (
    ADVERSE_COMPANY,
    CLEAN_COMPANY,
    GOVERNMENT_BODY,
    PERSON,
    SOLE_PROPRIETORSHIP,
)
from gateway.codes import InvalidCode, parse_code


def _adverse_company(code: str = ADVERSE_COMPANY.code) -> list[Record]:
    return [
        rating(code, 1, "B", AGENCIES[0], date(2026, 4, 20), date(2027, 4, 19)),
        payment_default(code, 1, "杭州远拓供应链管理有限公司", 356_800.00, date(2026, 2, 10), None),
        payment_default(
            code, 2, "杭州云栈数据服务有限公司", 48_200.50, date(2023, 7, 31), date(2023, 11, 20)
        ),
    ]


def _clean_company(code: str = CLEAN_COMPANY.code) -> list[Record]:
    return [
        rating(code, 1, "AAA", AGENCIES[1], date(2026, 6, 18), date(2027, 6, 30)),
        contract_performance(code, 1, 2025, 42, 318, 100.0),
    ]


def _person(code: str = PERSON.code) -> list[Record]:
    return [rating(code, 1, "A", AGENCIES[0], date(2026, 3, 1), date(2027, 2, 28))]


def _sole_proprietorship(code: str = SOLE_PROPRIETORSHIP.code) -> list[Record]:
    return [
        rating(code, 1, "BBB", AGENCIES[2], date(2026, 4, 1), date(2027, 3, 31)),
        contract_performance(code, 1, 2025, 6, 27, 96.4),
    ]


def _government_body() -> list[Record]:
    return []


# Builders rather than values: every answer gets fresh dicts it may not share.
EXAMPLE_RECORDS: dict[str, Callable[[], list[Record]]] = {
    ADVERSE_COMPANY.code: _adverse_company,
    CLEAN_COMPANY.code: _clean_company,
    PERSON.code: _person,
    SOLE_PROPRIETORSHIP.code: _sole_proprietorship,
    GOVERNMENT_BODY.code: _government_body,
}


def records_for(raw: str) -> list[Record]:
    """The bureau's records for ``raw``: none for an invalid code."""
    try:
        code = parse_code(raw)
    except InvalidCode:
        return []
    example = EXAMPLE_RECORDS.get(code.value)
    return example() if example is not None else generated(code)
