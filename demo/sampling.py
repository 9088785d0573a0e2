"""Small random helpers shared by the row generators (all driven by one seeded RNG)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from demo.dates import REF

T = TypeVar("T")


def skewed(rng: random.Random, items: Sequence[T]) -> T:
    """An item, favouring the front: a few subjects collect many adverse records."""
    return items[int(len(items) * rng.random() ** 2)]


def guid(rng: random.Random) -> str:
    """A 32-hex-digit identifier, like an exported Oracle SYS_GUID()."""
    return f"{rng.getrandbits(128):032x}"


def recent_day(rng: random.Random, earliest: int, latest: int = REF - 1) -> int:
    """A day ordinal in [earliest, latest], leaning towards ``latest``; never after it."""
    if latest <= earliest:
        return latest
    return latest - int((latest - earliest) * rng.random() ** 1.4)


def yuan(rng: random.Random, low: float, high: float) -> float:
    """An amount in yuan with fen, log-uniform between ``low`` and ``high``."""
    return round(low * float((high / low) ** rng.random()), 2)


def ended(rng: random.Random, start: int, share: float, low: int, high: int) -> int | None:
    """With probability ``share``, a day ``low``-``high`` days after ``start`` (before REF)."""
    if rng.random() >= share:
        return None
    day = start + rng.randint(low, high)
    return day if day < REF else None
