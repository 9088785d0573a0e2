"""Subject codes: unified social credit codes and citizen ID numbers.

002 arts. 19-20 and 004 art. 25 make these the one match key for every
source. Validation is python-stdnum's (GB 32100-2015 and GB 11643-1999), never
hand-written. Both kinds are 18 characters; a code shaped like an ID number
(17 digits and a digit or X, with a plausible birth year at positions 7-10)
is validated as one, everything else as a unified social credit code.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from gateway.domain import SubjectKind

_ID_SHAPE = re.compile(r"^[1-9]\d{5}(18|19|20)\d{9}[\dX]$")


class InvalidCode(ValueError):
    """A subject code that fails validation; the message says exactly why."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code!r} is not a valid subject code: {reason}")


@dataclass(frozen=True, slots=True)
class SubjectCode:
    """A validated, normalised code and whether it names a natural person."""

    value: str
    is_person: bool

    @property
    def default_kind(self) -> SubjectKind:
        """The kind to assume until a registration record says otherwise."""
        return SubjectKind.NATURAL_PERSON if self.is_person else SubjectKind.LEGAL_PERSON


def parse_code(raw: str) -> SubjectCode:
    """Validate and normalise ``raw`` (spaces removed, upper-cased).

    Raises :class:`InvalidCode` naming the problem: wrong length, a character
    outside the code's alphabet, an impossible birth date, or a wrong check digit.
    """
    # A bank's batch checks each of its 100 codes a few times over (argument,
    # consent, load), request after request: valid codes of a plausible length
    # are remembered, a few MB at most; anything else is checked each time.
    return _remembered(raw) if len(raw) <= 32 else _parsed(raw)


@functools.lru_cache(maxsize=16_384)
def _remembered(raw: str) -> SubjectCode:
    return _parsed(raw)


def _parsed(raw: str) -> SubjectCode:
    code = re.sub(r"\s", "", raw).upper()
    if len(code) != 18:
        raise InvalidCode(
            raw,
            f"it has {len(code)} characters; a unified social credit code "
            "or citizen ID number has 18",
        )
    if _ID_SHAPE.match(code):
        _validate(ric, code, raw, "citizen ID number")
        return SubjectCode(code, is_person=True)
    _validate(uscc, code, raw, "unified social credit code")
    return SubjectCode(code, is_person=False)


def _validate(module: object, code: str, raw: str, what: str) -> None:
    try:
        module.validate(code)  # type: ignore[attr-defined]
    except InvalidChecksum as exc:
        raise InvalidCode(raw, f"wrong check digit (the 18th character) for a {what}") from exc
    except InvalidComponent as exc:
        if _birth_date_ok(code):
            # Only the area code is unknown to stdnum's GB/T 2260 table. Codes
            # retired since an ID was issued stay valid on that ID, so accept.
            return
        raise InvalidCode(raw, f"the birth date in this {what} does not exist") from exc
    except InvalidLength as exc:
        raise InvalidCode(raw, f"wrong length for a {what}") from exc
    except InvalidFormat as exc:
        raise InvalidCode(raw, f"it has characters not allowed in a {what}") from exc
    except ValidationError as exc:
        raise InvalidCode(raw, f"not a valid {what}") from exc


def _birth_date_ok(code: str) -> bool:
    try:
        ric.get_birth_date(code)
    except ValidationError:
        return False
    return True
