"""Headers for each kind of viewer, with development tokens."""

from __future__ import annotations

from demo.examples import ADVERSE_COMPANY, PERSON
from gateway.auth.minting import mint
from gateway.auth.settings import AuthSettings

BANK = "91330000MA27XX0C6N"  # an institution's code (a bank branch)
OTHER_BANK = "91330000MA27XY2E0Q"
UNIT = "11330100002489176N"  # a city government unit


def headers(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def subject(auth: AuthSettings, code: str = PERSON.code) -> dict[str, str]:
    return headers(mint(auth, "subject", code))


def company(auth: AuthSettings) -> dict[str, str]:
    return subject(auth, ADVERSE_COMPANY.code)


def bank(
    auth: AuthSettings, *consents: str, purpose: str = "02", code: str = BANK
) -> dict[str, str]:
    extra = {"X-Query-Purpose": purpose}
    if consents:
        extra["X-Consent-Token"] = ", ".join(consents)
    return headers(mint(auth, "institution", code, name="示例银行杭州分行"), **extra)


def gov(
    auth: AuthSettings,
    matter: str | None = "PUBLIC_PROCUREMENT",
    duties: tuple[str, ...] = ("PUBLIC_PROCUREMENT", "HONOURS_REVIEW"),
) -> dict[str, str]:
    extra = {"X-Duty-Matter": matter} if matter else {}
    return headers(mint(auth, "gov_unit", UNIT, name="杭州市财政局", duties=duties), **extra)
