"""Valid subject codes for tests, computed with python-stdnum's check digits."""

from __future__ import annotations

from stdnum.cn import ric, uscc


def org_code(serial: int, prefix: str = "91330106") -> str:
    """A valid unified social credit code (GB 32100) with a numbered body."""
    body = f"{prefix}{serial:08d}"
    body += _org_check(body[8:16])
    return body + uscc.calc_check_digit(body)


def person_code(serial: int, area: str = "330106", birth: str = "19850312") -> str:
    """A valid citizen ID number (GB 11643) with a numbered sequence part."""
    body = f"{area}{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _org_check(body: str) -> str:
    # GB 11714 check character of the embedded organisation code.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))
