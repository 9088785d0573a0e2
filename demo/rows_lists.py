"""Random rows of the lists in market_regulation.db; dates as TEXT 'YYYYMMDD'.

The serious-dishonesty list (qy_yzsx) names each entry's legal
representative in the entry's row and its other responsible persons in
qy_yzsx_zrr (004 art. 44, 003 art. 36); the red list (sxjl_md) is what the
units decided, collected by the credit authority (001 art. 20, 004 art. 39).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from demo import phrases, vocab
from demo.dates import REF, Encoder, ordinal, years_later
from demo.population import Org, Population
from demo.rows_market import doc_number, samr
from demo.sampling import ended, recent_day, skewed

Row = tuple[object, ...]

# qy_yzsx.xh of the first random entry; the examples' entries number below it.
# The numbers are set here, not by SQLite, so qy_yzsx_zrr can refer to them.
FIRST_RANDOM_ENTRY = 101
RESPONSIBLE_SHARE = 0.3  # random entries that name one more responsible person
RED_LIST_SHARE = 0.03  # random enterprises and social organisations on the red list
_QUALIFYING_YEARS = 3  # a red-list finding rests on a few years' good record


def serious_dishonesty(
    pop: Population, count: int, rng: random.Random, enc: Encoder
) -> Iterator[Row]:
    """严重违法失信名单 entries (003 arts. 32-33, 004 arts. 43-44); most still listed.

    The legal representative is the one the organisation's registration names.
    """
    for i in range(count):
        org = skewed(rng, pop.enterprises)
        listed = recent_day(rng, max(org.established + 400, ordinal(2018, 1, 1)))
        removed = ended(rng, listed, 0.3, 365, 1500)
        reason, basis = rng.choice(phrases.SERIOUS_DISHONESTY)
        yield (
            FIRST_RANDOM_ENTRY + i,
            org.code,
            org.name,
            org.legal_rep.name,
            org.legal_rep.code,
            enc(listed),
            reason,
            basis,
            doc_number(org, "严失", listed, rng),
            samr(org),
            phrases.SERIOUS_DISHONESTY_REMOVAL,
            None if removed is None else enc(removed),
            None if removed is None else phrases.SERIOUS_DISHONESTY_REMOVED,
        )


def other_responsible(pop: Population, entries: int, rng: random.Random) -> Iterator[Row]:
    """qy_yzsx_zrr rows: an actual controller, principal or other directly
    responsible person for about :data:`RESPONSIBLE_SHARE` of the ``entries``
    random serious-dishonesty entries."""
    for i in range(entries):
        if rng.random() < RESPONSIBLE_SHARE:
            person = rng.choice(pop.persons)
            role = rng.choice(phrases.RESPONSIBLE_ROLES)
            yield (None, FIRST_RANDOM_ENTRY + i, role, person.name, person.code)


def red_list(pop: Population, rng: random.Random, enc: Encoder) -> Iterator[Row]:
    """守信激励对象名单 entries for about :data:`RED_LIST_SHARE` of the random
    enterprises and social organisations old enough to qualify; most still valid."""
    kinds = ((pop.enterprises, phrases.RED_LISTS), (pop.social, phrases.SOCIAL_RED_LISTS))
    for orgs, findings in kinds:
        for org in orgs:
            if rng.random() >= RED_LIST_SHARE:
                continue
            earliest = max(years_later(org.established, _QUALIFYING_YEARS), ordinal(2019, 1, 1))
            if earliest < REF:
                yield _red_list_entry(org, rng.choice(findings), earliest, rng, enc)


def _red_list_entry(
    org: Org,
    finding: tuple[str, str, str, str, str],
    earliest: int,
    rng: random.Random,
    enc: Encoder,
) -> Row:
    sector, reason, basis, unit, prefix = finding
    decided = recent_day(rng, earliest)
    valid_until = years_later(decided, rng.choice((2, 3))) - 1
    if valid_until < REF - 1:
        removed, why = valid_until + 1, phrases.RED_LIST_EXPIRED
    elif rng.random() < 0.05 and decided + 30 < REF - 1:
        removed, why = rng.randint(decided + 30, REF - 1), phrases.RED_LIST_REVOKED
    else:
        removed, why = None, None
    year = date.fromordinal(decided).year
    return (
        None,
        org.code,
        org.name,
        sector,
        reason,
        basis,
        f"{prefix}〔{year}〕{rng.randint(1, 300)}号",
        unit.format(district=vocab.DISTRICTS[org.district][0]),
        enc(decided),
        enc(valid_until),
        None if removed is None else enc(removed),
        why,
    )
