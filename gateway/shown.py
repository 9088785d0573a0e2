"""What of a disclosed record its decision lets through: the details and the corrections.

One place for both ``CreditRecord`` (resolvers/records.py) and the credit report
(gateway/report.py), so a report can never show more, or less, of a record than
``Subject.records`` does to the same viewer.
"""

from __future__ import annotations

from dataclasses import replace

from gateway.policy import sees_replaced_values
from gateway.records import Correction, Detail
from gateway.visibility import Disclosed


def shown_details(disclosed: Disclosed) -> tuple[Detail, ...]:
    """The record's details, a person's amounts left out without a consent naming
    them (003 art. 18)."""
    details = disclosed.record.details
    if not disclosed.decision.redact_sensitive:
        return tuple(details)
    return tuple(d for d in details if not d.sensitive_financial)


def shown_corrections(disclosed: Disclosed) -> tuple[Correction, ...]:
    """The record's corrections (004 art. 52), oldest first, as this decision shows them.

    A correction of an amount left out is left out too (it would show the amount);
    what a correction replaced is kept only for the subject and those handling its
    case (information found wrong is not published again); otherwise ``previous``
    is None.
    """
    record, decision = disclosed.record, disclosed.decision
    hidden = (
        {f.key for f in record.item.fields if f.sensitive_financial}
        if decision.redact_sensitive
        else set()
    )
    replaced = sees_replaced_values(decision)
    return tuple(
        c if replaced else replace(c, previous=None)
        for c in record.corrections
        if c.key not in hidden
    )
