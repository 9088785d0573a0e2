"""The look at watched subjects' records that tells them what their sources changed.

The gateway pulls on demand, so nothing tells it when a source lists a subject,
withdraws a record or corrects one. Every ``sweep_every_s`` the lifespan (or
`credit-gateway notify sweep`, from cron) asks the sources for the records of
the watched subjects, a page of them at a time and each source once per page,
and :class:`gateway.store.record_watch.RecordWatch` tells each subject what
changed (003 art. 33, 003 art. 43, 004 art. 53). A source that fails is left
out of that look: a record missing from an answer is never taken as removed,
and a source's first answer about a subject only takes note.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from adapters.fanout import SourceSet
from gateway.codes import InvalidCode, parse_code
from gateway.config.loader import GatewayConfig
from gateway.policy import china_today
from gateway.store.store import Store

log = logging.getLogger(__name__)

PAGE = 100  # subjects per look: one call per source for each page


class Sweeper:
    def __init__(
        self,
        config: GatewayConfig,
        sources: SourceSet,
        store: Store,
        clock: Callable[[], datetime],
        deadline_s: float = 30.0,
    ) -> None:
        self.config = config
        self.sources = sources
        self.store = store
        self.clock = clock
        self.deadline_s = deadline_s

    async def sweep(self) -> int:
        """Look at every watched subject once; how many events it told of."""
        told, after = 0, ""
        # The gateway's own writes (declarations, commitment findings) are told
        # when they are made: only the providers' sources are looked at.
        watched = [s.name for s in self.config.sources if s.kind != "declarations"]
        items = frozenset().union(*(self.sources.serves(name) for name in watched))
        watch = self.store.record_watch
        while codes := await watch.watched(after, PAGE):
            after = codes[-1]
            valid = [code for code in codes if _valid(code)]
            if not valid:
                continue
            now = self.clock()
            deadline = asyncio.get_running_loop().time() + self.deadline_s
            outcome = await self.sources.fetch(valid, items, deadline=deadline)
            for failure in outcome.failures:
                log.warning("sweep: source %s failed: %s", failure.source, failure)
            failed = {failure.source for failure in outcome.failures}
            answered = frozenset(watched) - failed
            for code in valid:
                records = outcome.records[code]
                events = await watch.reconcile(code, records, answered, now, china_today(now))
                told += len(events)
        return told

    async def run(self, every_s: float) -> None:
        """Sweep every ``every_s`` seconds until cancelled; a failed sweep is logged."""
        while True:
            await asyncio.sleep(every_s)
            try:
                told = await self.sweep()
            except Exception:
                log.exception("sweep failed; trying again in %s s", every_s)
            else:
                if told:
                    log.info("sweep told subjects of %d source events", told)


def _valid(code: str) -> bool:
    try:
        parse_code(code)
    except InvalidCode:
        return False
    return True
