"""What the simulator has served, so tests can count the gateway's calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class Stats:
    """Requests per endpoint, answers per status and the most data requests at once."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: int = 0  # subject codes asked about, over all data requests
    in_flight: int = 0
    max_in_flight: int = 0

    @contextmanager
    def flight(self) -> Iterator[None]:
        """Count one data request as in flight for the block's duration."""
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            self.in_flight -= 1

    def reset(self) -> None:
        self.requests.clear()
        self.statuses.clear()
        self.codes = 0
        self.max_in_flight = self.in_flight

    def as_json(self) -> dict[str, object]:
        return {
            "requests": dict(self.requests),
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "codes": self.codes,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
        }
