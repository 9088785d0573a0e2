"""Subject codes are validated by python-stdnum and every failure says why."""

from __future__ import annotations

import pytest
from stdnum.cn import ric

from gateway.codes import InvalidCode, parse_code
from gateway.domain import SubjectKind


@pytest.mark.parametrize(
    ("raw", "normalised", "person"),
    [
        ("91350100M000100Y43", "91350100M000100Y43", False),  # GB 32100 worked example
        ("91320100748204660Q", "91320100748204660Q", False),
        ("9135021359498494XQ", "9135021359498494XQ", False),
        ("11010519491231002X", "11010519491231002X", True),  # GB 11643 annex example
        ("11010519491231002x", "11010519491231002X", True),  # lower-case x normalised
        (" 370101190102039973 ", "370101190102039973", True),
        ("440524188001010014", "440524188001010014", True),  # area code since retired
    ],
)
def test_valid_codes(raw: str, normalised: str, person: bool) -> None:
    code = parse_code(raw)
    assert code.value == normalised
    assert code.is_person is person
    expected = SubjectKind.NATURAL_PERSON if person else SubjectKind.LEGAL_PERSON
    assert code.default_kind is expected


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("91350100M000100Y42", "wrong check digit (the 18th character) for a unified social"),
        ("91350100M000100Y4Z", "characters not allowed in a unified social credit code"),
        ("91350100M000100Y4I", "characters not allowed in a unified social credit code"),
        ("91350100M000100Y4", "it has 17 characters"),
        ("91350100M000100Y431", "it has 19 characters"),
        ("110105194912310021", "wrong check digit (the 18th character) for a citizen ID"),
        (_with_check("11010519491331002"), "the birth date in this citizen ID number"),
        ("", "it has 0 characters"),
    ],
)
def test_invalid_codes_say_why(raw: str, reason: str) -> None:
    with pytest.raises(InvalidCode) as failure:
        parse_code(raw)
    assert reason in str(failure.value)


def test_a_remembered_answer_is_the_same_answer() -> None:
    # Valid codes are remembered; an invalid one fails every time, and a code
    # padded past what is remembered is still read.
    for _ in range(2):
        assert parse_code("91350100M000100Y43").value == "91350100M000100Y43"
        with pytest.raises(InvalidCode, match="check digit"):
            parse_code("91350100M000100Y44")
        assert parse_code(" " * 40 + "91350100m000100y43").value == "91350100M000100Y43"
