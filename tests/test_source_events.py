"""Being told what a source changed on its own (003 art. 33, 003 art. 43, 004 art. 53).

Pure rules first (a record's watch state, the events between two), then end to
end: a watched subject's source data changes under the gateway, a sweep looks,
and the subject reads each change as a notification, once, however many
processes sweep.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from demo.examples import ADVERSE_COMPANY
from gateway.config.loader import GatewayConfig
from gateway.domain import ListKind
from gateway.source_events import SourceEvent, Watched, events, watched
from gateway.store.store import Store
from service.sweeper import Sweeper
from tests import viewers
from tests.conftest import NOW
from tests.factories import item, record
from tests.test_api_lists import _serve, _with_data

TODAY = date(2026, 11, 23)


def test_a_first_look_tells_only_of_entering_a_list_or_a_withdrawal() -> None:
    listed, active = Watched("LISTED", "a"), Watched("ACTIVE", "a")
    assert events(None, listed) == [SourceEvent.LISTED]
    assert events(None, Watched("WITHDRAWN:2026-11-20", "a")) == [SourceEvent.WITHDRAWN]
    assert events(None, active) == []
    assert events(None, Watched("REMOVED", "a")) == []


def test_changes_between_two_looks() -> None:
    listed = Watched("LISTED", "a")
    assert events(listed, listed) == []
    assert events(listed, Watched("REMOVED", "b")) == [SourceEvent.REMOVED]
    assert events(listed, Watched("WITHDRAWN:2026-11-20", "b")) == [SourceEvent.WITHDRAWN]
    assert events(Watched("ACTIVE", "l:a"), Watched("ACTIVE", "l:b")) == [SourceEvent.CORRECTED]
    # The catalogue changed the item's fields: every digest changes, nobody corrected.
    assert events(Watched("ACTIVE", "l:a"), Watched("ACTIVE", "m:b")) == []
    assert events(Watched("REMOVED", "a"), Watched("LISTED", "a")) == [SourceEvent.LISTED]
    # A revocation undone, or an entry coming back to plain: nothing to tell.
    assert events(Watched("WITHDRAWN:2026-11-20", "a"), Watched("ACTIVE", "a")) == []


def test_a_records_watch_state() -> None:
    penalty = record(item("ADM_PENALTY"))
    assert watched(penalty, TODAY).state == "ACTIVE"
    revoked = replace(penalty, withdrawn_on=TODAY)
    assert watched(revoked, TODAY).state == "WITHDRAWN:2026-11-23"
    # Revoked from tomorrow: not yet.
    assert watched(replace(penalty, withdrawn_on=date(2026, 11, 24)), TODAY).state == "ACTIVE"
    assert watched(penalty, TODAY).digest != watched(replace(penalty, title="x"), TODAY).digest
    assert watched(penalty, TODAY) == watched(penalty, TODAY)
    entry = record(replace(item("LISTED"), listing=ListKind.BUSINESS_ABNORMAL))
    assert watched(entry, TODAY).state == "LISTED"
    assert watched(replace(entry, ended_on=TODAY), TODAY).state == "REMOVED"
    assert watched(replace(entry, ended_on=date(2026, 11, 24)), TODAY).state == "LISTED"


MINE = "{ me { notifications { kind text } } }"


async def _told(client: Any, config: GatewayConfig) -> list[dict[str, str]]:
    own = viewers.subject(config.auth, ADVERSE_COMPANY.code)
    body = await client.query(MINE, headers=own)
    told: list[dict[str, str]] = body["data"]["me"]["notifications"]
    return told


def _sweeper(client: Any) -> Sweeper:
    services = client.app.state.services
    return Sweeper(services.config, services.sources, services.store, lambda: NOW)


async def test_a_watched_subject_is_told_what_its_sources_changed(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path
) -> None:
    config = _with_data(
        demo_config,
        demo_data,
        tmp_path,
        "market_regulation.db",
        "UPDATE t_xzcf SET ID = ID WHERE 0",
        [()],
    )
    db = tmp_path / "data" / "market_regulation.db"
    async with _serve(config) as client:
        sweeper = _sweeper(client)
        assert await sweeper.sweep() == 0  # nobody is watched yet
        assert await _told(client, config) == []  # reading them watches the subject
        # The first look only takes note of the whole file.
        assert await sweeper.sweep() == 0
        with sqlite3.connect(db) as c:
            c.execute("UPDATE t_xzcf SET CF_NR_FK = 0.25 WHERE ID = 1")
        assert await sweeper.sweep() == 1
        assert await sweeper.sweep() == 0  # told once
        with sqlite3.connect(db) as c:
            c.execute("UPDATE t_xzcf SET CF_CXRQ = '20261120', CF_CXYY = '经复议撤销' WHERE ID = 1")
            c.execute(
                "UPDATE qy_jyyc SET ycrq = '20261122', ycyy = '已补报年报' WHERE tyshxydm = ?",
                (ADVERSE_COMPANY.code,),
            )
        assert await sweeper.sweep() == 2
        told = await _told(client, config)
    assert sorted(n["kind"] for n in told) == [
        "RECORD_CORRECTED",
        "RECORD_REMOVED",
        "RECORD_WITHDRAWN",
    ]
    texts = " ".join(n["text"] for n in told)
    assert "经复议撤销" in texts
    assert "003 art. 43" in texts
    assert "004 art. 53" in texts
    assert "移出经营异常名录" in texts


async def test_two_sweeps_at_once_tell_once(
    demo_config: GatewayConfig, demo_data: Path, tmp_path: Path
) -> None:
    config = _with_data(
        demo_config,
        demo_data,
        tmp_path,
        "market_regulation.db",
        "UPDATE t_xzcf SET ID = ID WHERE 0",
        [()],
    )
    db = tmp_path / "data" / "market_regulation.db"
    async with _serve(config) as client:
        await _told(client, config)
        sweeper = _sweeper(client)
        await sweeper.sweep()
        with sqlite3.connect(db) as c:
            c.execute("UPDATE t_xzcf SET CF_NR_FK = 0.25 WHERE ID = 1")
        other = _sweeper(client)
        other.store = replace_store(client)
        results = await asyncio.gather(sweeper.sweep(), other.sweep())
        told = await _told(client, config)
    assert sorted(results) == [0, 1]
    assert [n["kind"] for n in told] == ["RECORD_CORRECTED"]


def replace_store(client: Any) -> Any:
    """A second store object over the same database, as another process has."""
    services = client.app.state.services
    return Store.open(services.config.settings.store_url)


async def test_the_gateways_own_writes_are_not_told_again_by_the_sweep(
    demo_config: GatewayConfig,
) -> None:
    from tests.test_api_commitments import HR_UNIT, PERFORM, _commit
    from tests.test_api_objections import provider

    async with _serve(demo_config) as client:
        sweeper = _sweeper(client)
        await _told(client, demo_config)
        commitment = (await _commit(client, demo_config))["data"]["declare"]["id"]
        await sweeper.sweep()
        broken = {"id": commitment, "performance": "BROKEN", "on": "2026-11-23", "note": "未缴"}
        await client.query(PERFORM, broken, provider(demo_config, HR_UNIT))
        assert await sweeper.sweep() == 0
        kinds = [n["kind"] for n in await _told(client, demo_config)]
    assert kinds == ["COMMITMENT_BROKEN"]
