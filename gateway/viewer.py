"""Who is asking: the viewer, resolved once per request with everything it holds.

A viewer is built from the bearer token (and any consent tokens) before
execution starts, so the policy never does I/O and fields never re-check
credentials (DESIGN.md section 6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from gateway.domain import Category


class ViewerKind(StrEnum):
    """The four kinds of caller of DESIGN.md section 3, provider units, and the
    credit work agency that handles the subjects' objections (001 art. 34)."""

    ANONYMOUS = "ANONYMOUS"
    SUBJECT = "SUBJECT"
    INSTITUTION = "INSTITUTION"
    GOV_UNIT = "GOV_UNIT"
    PROVIDER = "PROVIDER"
    AGENCY = "AGENCY"


@dataclass(frozen=True, slots=True)
class ConsentGrant:
    """A verified 书面授权 held by the viewer for one subject (002 art. 21, 003 art. 20)."""

    consent_id: str
    subject_code: str
    grantee_code: str
    purpose: str
    items: frozenset[str]
    valid_from: datetime
    valid_until: datetime
    sensitive_financial: bool = False
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class DutyGrant:
    """A listed duty matter the government unit invokes for this request (001 art. 27)."""

    matter_code: str
    matter_name: str
    categories: frozenset[Category]


@dataclass(frozen=True, slots=True)
class Viewer:
    """The caller of one request."""

    kind: ViewerKind
    code: str | None = None
    name: str | None = None
    consents: Mapping[str, tuple[ConsentGrant, ...]] = field(default_factory=dict)
    duty: DutyGrant | None = None
    # The purpose an institution states for this request (X-Query-Purpose, 003 art. 20).
    purpose: str | None = None
    # A provider unit's operator: the sources that hold its unit's records.
    sources: frozenset[str] = frozenset()

    def is_subject(self, code: str) -> bool:
        return self.kind is ViewerKind.SUBJECT and self.code == code

    def consents_for(self, code: str) -> tuple[ConsentGrant, ...]:
        return self.consents.get(code, ())


ANONYMOUS = Viewer(ViewerKind.ANONYMOUS)
