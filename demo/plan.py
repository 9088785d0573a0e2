"""How many rows each demo table gets for a requested total, and where they come from.

Every count is a fixed share of the requested total (rounded up, so the
rows that become catalogue records are never fewer than requested); rows are then spread over random
subjects, so some subjects have many records and most have few, as in real
data. The shares roughly follow what a city credit platform holds:
licences and personal tax records are common, court and enforcement rare.
The serious-dishonesty entries' other responsible persons and the red list
are shares of the entries and of the organisations instead
(:mod:`demo.rows_lists`), on top of the requested total.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from demo import rows_civil, rows_court_tax, rows_lists, rows_market
from demo.dates import Encoder
from demo.population import Population, government_names

Row = tuple[object, ...]

# Rows per unit of size. Registration tables get one row per subject.
_SUBJECTS = {"persons": 12.0, "enterprises": 10.0, "social": 0.2, "government": 0.1}
_EVENTS = {
    "t_xzxk": 16.0,
    "t_xzcf": 5.0,
    "qy_jyyc": 1.5,
    "qy_yzsx": 0.05,
    "t_xzqz": 0.5,
    "sx_zrr": 0.6,
    "sx_fr": 0.8,
    "tax_arrears": 0.9,
    "tax_grades": 3.0,
    "tax_payments": 20.0,
    "tax_other": 0.3,
    "sb_dwqj": 0.6,
    "bzjl": 1.0,
    "zyz_fwjl": 12.0,
    "shzz_ycml": 0.05,
}


@dataclass(frozen=True, slots=True)
class Plan:
    """Subject counts and row counts for one generation."""

    persons: int
    enterprises: int
    social: int
    government: int
    events: dict[str, int]


def make_plan(target: int) -> Plan:
    """A plan whose catalogued rows number at least ``target``."""
    # Rows outside the catalogue (tax record type 09) never become records,
    # so they do not count towards the target.
    counted = sum(w for k, w in _EVENTS.items() if k != "tax_other")
    unit = target / (sum(_SUBJECTS.values()) + counted)
    subjects = {k: max(1, math.ceil(w * unit)) for k, w in _SUBJECTS.items()}
    government = min(subjects["government"], len(government_names()))
    # 机关 are few in reality; rows the cap removes go to enterprises.
    enterprises = subjects["enterprises"] + subjects["government"] - government
    events = {k: max(1, math.ceil(w * unit)) for k, w in _EVENTS.items()}
    return Plan(subjects["persons"], enterprises, subjects["social"], government, events)


def random_rows(
    table: str, pop: Population, plan: Plan, rng: random.Random, enc: Encoder
) -> Iterator[Row]:
    """The random rows of ``table``, in its column order."""
    n = plan.events
    if table == "nsr_xyxx":
        counts = (n["tax_arrears"], n["tax_grades"], n["tax_payments"], n["tax_other"])
        return rows_court_tax.tax_records(pop, counts, rng, enc)
    if table == "qy_yzsx_zrr":  # the persons the random qy_yzsx entries name
        return rows_lists.other_responsible(pop, n["qy_yzsx"], rng)
    if table in _WHOLE:
        return _WHOLE[table](pop, rng, enc)
    return _COUNTED[table](pop, n[table], rng, enc)


_WHOLE = {
    "qy_jbxx": rows_market.registrations,
    "rk_jbxx": rows_civil.persons,
    "shzz_djxx": rows_civil.social_orgs,
    "jg_djxx": rows_civil.government_bodies,
    "sxjl_md": rows_lists.red_list,  # a share of the organisations
}
_COUNTED = {
    "t_xzxk": rows_market.licences,
    "t_xzcf": rows_market.penalties,
    "qy_jyyc": rows_market.abnormal,
    "qy_yzsx": rows_lists.serious_dishonesty,
    "t_xzqz": rows_market.enforcements,
    "sx_zrr": rows_court_tax.person_defaulters,
    "sx_fr": rows_court_tax.org_defaulters,
    "sb_dwqj": rows_court_tax.insurance_arrears,
    "bzjl": rows_civil.commendations,
    "zyz_fwjl": rows_civil.volunteering,
    "shzz_ycml": rows_civil.social_abnormal,
}
