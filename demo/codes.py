"""Valid subject codes for the demo data: unified social credit codes and ID numbers.

Check characters come from python-stdnum (GB 32100-2015 for the 18th character
of a unified social credit code, GB 11643-1999 for a citizen ID number), so
every generated code passes the same validation the gateway applies
(002 arts. 19-20, 004 art. 25). The GB 11714 check inside the embedded
organisation code has no stdnum module; it is computed here so that the
generated codes also pass stricter validators.
"""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric, uscc

# The 31 characters a unified social credit code may use (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Hangzhou county-level GB/T 2260 codes with the years each existed, as in
# python-stdnum's data: `stdnum.cn.ric.validate` rejects an ID number whose
# area code did not exist in the holder's birth year (330108 滨江区 dates
# from 1996, 330110 余杭区 from 2001), so a person's area is drawn from the
# codes valid in their birth year.
PERSON_AREAS: tuple[tuple[str, int, int], ...] = (
    ("330102", 1983, 9999),  # 上城区
    ("330103", 1983, 2021),  # 下城区 (merged into 拱墅区 in 2021; old ID numbers keep it)
    ("330104", 1983, 2021),  # 江干区
    ("330105", 1983, 9999),  # 拱墅区
    ("330106", 1983, 9999),  # 西湖区
    ("330108", 1996, 9999),  # 滨江区
    ("330109", 2001, 9999),  # 萧山区
    ("330110", 2001, 9999),  # 余杭区
    ("330122", 0, 9999),  # 桐庐县
    ("330121", 0, 1987),  # 萧山县
    ("330125", 0, 1994),  # 余杭县
    ("330127", 0, 9999),  # 淳安县
    ("330182", 1992, 9999),  # 建德市
)


def areas_for_birth_year(year: int) -> tuple[str, ...]:
    """The person area codes that existed in ``year``."""
    return tuple(code for code, start, end in PERSON_AREAS if start <= year <= end)


def gb11714_check(body: str) -> str:
    """The check character of an 8-character GB 11714 organisation code body."""
    total = sum(_value(c) * w for c, w in zip(body, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code(authority: str, category: str, area: str, body: str) -> str:
    """A unified social credit code from its parts (GB 32100-2015).

    ``authority`` and ``category`` are positions 1-2 (e.g. "9", "1" for an
    enterprise registered by market regulation; "1", "1" for a 机关), ``area``
    the registering authority's GB/T 2260 code, ``body`` the 8 characters of
    the organisation code before its own check character.
    """
    first17 = f"{authority}{category}{area}{body}{gb11714_check(body)}"
    return first17 + str(uscc.calc_check_digit(first17))


def person_code(area: str, born: date, sequence: int) -> str:
    """A citizen ID number (GB 11643-1999); an odd ``sequence`` means male."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    # stdnum's calc_check_digit expects the number with a check-digit slot.
    return first17 + str(ric.calc_check_digit(first17 + "0"))


def scrambled(index: int, alphabet: str, length: int, step: int, offset: int) -> str:
    """``index`` mapped one-to-one onto ``length`` characters of ``alphabet``.

    ``step`` must be coprime with ``len(alphabet) ** length``; distinct
    indexes then give distinct strings that do not look sequential.
    """
    base = len(alphabet)
    value = (index * step + offset) % base**length
    chars = []
    for _ in range(length):
        value, digit = divmod(value, base)
        chars.append(alphabet[digit])
    return "".join(reversed(chars))
