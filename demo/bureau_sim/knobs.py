"""The simulator's knobs: how slow, how flaky and how strict the fake bureau is.

Settable from CLI flags and, while it runs, through ``POST /_knobs`` (JSON
with any subset of the fields), so tests and demos can break the bureau on
purpose and watch the gateway cope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace

_RATES = ("error_rate", "timeout_rate", "malformed_rate")


@dataclass(frozen=True, slots=True)
class Knobs:
    """Fault injection for every data request; all off by default.

    ``latency_ms`` (+ up to ``jitter_ms``) is added to every data request;
    each ``*_rate`` is a probability in 0..1: ``error_rate`` answers 503 with
    Retry-After, ``timeout_rate`` hangs far longer than any client waits (at
    most 30 s), ``malformed_rate`` answers 200 with a body that is not what the
    API promises. ``rate_limit_per_s`` > 0 enforces a token bucket (429 with
    Retry-After). ``seed`` makes every random choice repeatable.
    """

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    malformed_rate: float = 0.0
    rate_limit_per_s: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("latency_ms", "jitter_ms", "rate_limit_per_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more")
        for name in _RATES:
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")

    def updated(self, changes: Mapping[str, object]) -> Knobs:
        """These knobs with ``changes`` applied; ValueError naming a bad key or value."""
        known = {f.name for f in fields(self)}
        values: dict[str, float | int] = {}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown knob {key!r}; one of {sorted(known)}")
            values[key] = _number(key, value)
        return replace(self, **values)  # type: ignore[arg-type]

    def as_json(self) -> dict[str, float | int]:
        return asdict(self)


def _number(key: str, value: object) -> float | int:
    if key == "seed":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValueError("seed must be an integer")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"{key} must be a number")
