"""Settings every `[[source]]` may carry, whatever its kind: timeouts, retries,
circuit breaking and caching (issue 4; STYLE.md rule 4)."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.reader import Table


@dataclass(frozen=True, slots=True)
class Resilience:
    """How the gateway protects itself from one source (STYLE.md rule 4 wrappers).

    ``timeout_s`` bounds each attempt; reads are retried ``retries`` times on
    transient failures with exponential backoff and jitter between
    ``retry_base_s`` and ``retry_max_s`` (a source's Retry-After wins); the
    circuit opens after ``breaker_failures`` failed calls in a row and probes
    again after ``breaker_reset_s``. ``cache_ttl_s`` > 0 caches the source's
    records per subject, at most ``cache_size`` subjects.
    """

    timeout_s: float = 2.0
    retries: int = 0
    retry_base_s: float = 0.05
    retry_max_s: float = 1.0
    breaker_failures: int = 5
    breaker_reset_s: float = 10.0
    cache_ttl_s: float = 0.0
    cache_size: int = 10_000


RESILIENCE_KEYS = {
    "timeout_s",
    "retries",
    "retry_base_s",
    "retry_max_s",
    "breaker_failures",
    "breaker_reset_s",
    "cache_ttl_s",
    "cache_size",
}


def parse_resilience(t: Table) -> Resilience:
    """Common keys every `[[source]]` may set, whatever its kind."""
    d = Resilience()
    r = Resilience(
        timeout_s=t.real("timeout_s", d.timeout_s),
        retries=t.integer("retries", d.retries),
        retry_base_s=t.real("retry_base_s", d.retry_base_s),
        retry_max_s=t.real("retry_max_s", d.retry_max_s),
        breaker_failures=t.integer("breaker_failures", d.breaker_failures),
        breaker_reset_s=t.real("breaker_reset_s", d.breaker_reset_s),
        cache_ttl_s=t.real("cache_ttl_s", d.cache_ttl_s),
        cache_size=t.integer("cache_size", d.cache_size),
    )
    if r.timeout_s <= 0:
        t.problem("timeout_s", "must be more than 0")
    if r.retries < 0 or r.retries > 5:
        t.problem("retries", "must be between 0 and 5")
    if r.breaker_failures < 1:
        t.problem("breaker_failures", "must be at least 1")
    if r.cache_ttl_s < 0 or r.cache_size < 1:
        t.problem("cache_ttl_s", "cache_ttl_s must be >= 0 and cache_size >= 1")
    return r
