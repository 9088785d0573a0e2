"""Signed checkpoints catch what the hash chain alone cannot: a rewrite of the whole chain."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.kinds import load_config
from gateway.config import ConfigError
from gateway.config.loader import PROJECT_ROOT
from gateway.config.settings import DEV_AUDIT_KEY, Audit
from gateway.store.checkpoints import (
    DEV_KEY_MARK,
    GENESIS,
    AutoCheckpoint,
    Checkpoints,
    is_dev_key,
    signing_key,
    verify_chain,
    verify_signature,
)
from gateway.store.querylog import QueryLog
from gateway.store.store import Store
from service.cli import main
from tests.backends import POSTGRES
from tests.store.test_query_log import ENTRY, _drop_triggers, _entries

KEY = Ed25519PrivateKey.generate()
NOW = ENTRY.at
CONFIG = PROJECT_ROOT / "config"
COMMAND = (sys.executable, "-m", "service.cli")


async def _sign_head(store: Store, key: Ed25519PrivateKey = KEY) -> None:
    seq, head_hash = await store.query_log.head()
    await Checkpoints(store.engine, key).sign(store.query_log.chain, seq, head_hash, NOW)


async def _rewrite(store: Store, delete_seq: int) -> None:
    """The attack: delete an entry, then rebuild a consistent chain and head from the rest."""
    newest_first = await store.query_log.for_subject(ENTRY.subject_code, 10_000, None)
    kept = [s.entry for s in reversed(newest_first) if s.seq != delete_seq]
    await _drop_triggers(store)
    async with store.engine.begin() as connection:
        await connection.execute(text("DELETE FROM query_log"))
        await connection.execute(
            text("UPDATE audit_head SET seq = 0, hash = :genesis WHERE id = 1"),
            {"genesis": GENESIS},
        )
    await QueryLog(store.engine).append(kept)


async def _drop_checkpoint_triggers(store: Store) -> None:
    async with store.engine.begin() as connection:
        if store.engine.dialect.name == "postgresql":
            statement = "DROP TRIGGER audit_checkpoints_no_change ON audit_checkpoints"
            await connection.execute(text(statement))
        else:
            await connection.execute(text("DROP TRIGGER audit_checkpoints_no_update"))
            await connection.execute(text("DROP TRIGGER audit_checkpoints_no_delete"))


async def _audit(store: Store, every: int | None = None) -> list[tuple[int, str]]:
    report = await verify_chain(store.query_log, Checkpoints(store.engine), KEY.public_key(), every)
    return [(p.seq, p.problem) for p in report.problems]


async def test_a_signed_head_verifies(store: Store) -> None:
    await store.query_log.append(_entries(5))
    await _sign_head(store)
    checkpoints = Checkpoints(store.engine)
    latest = await checkpoints.latest("query_log")
    assert latest is not None
    assert (latest.seq, latest.signed_at) == (5, NOW.replace(microsecond=0))
    assert verify_signature(latest, KEY.public_key()) is None
    report = await verify_chain(store.query_log, checkpoints, KEY.public_key(), every=5)
    assert (report.ok, report.checkpoints, report.latest) == (True, 1, 5)
    assert await checkpoints.latest("workflow_log") is None  # chains are kept apart


async def test_appends_crossing_the_interval_sign_the_head(store: Store) -> None:
    checkpoints = Checkpoints(store.engine, KEY)
    log = QueryLog(store.engine, AutoCheckpoint(checkpoints, every=3, clock=lambda: NOW))
    for count in (2, 2, 1, 1, 1):  # heads 2, 4, 5, 6, 7: crossing 3 and 6
        await log.append(_entries(count))
    assert [c.seq for c in await checkpoints.all("query_log")] == [4, 6]
    assert log.checkpointing is not None
    sealed = await log.checkpointing.seal(log)  # at shutdown: the tail is covered too
    assert sealed is not None
    assert sealed.seq == 7
    assert await log.checkpointing.seal(log) is None  # already signed
    assert await _audit(store, every=3) == []


async def test_an_edited_entry_still_breaks_the_chain(store: Store) -> None:
    await store.query_log.append(_entries(5))
    await _sign_head(store)
    await _drop_triggers(store)
    async with store.engine.begin() as connection:
        await connection.execute(text("UPDATE query_log SET viewer_code = 'X' WHERE seq = 3"))
    report = await verify_chain(store.query_log, Checkpoints(store.engine), KEY.public_key())
    assert not report.ok
    assert (report.verification.first_bad_seq, report.verification.problem) == (
        3,
        "entry was altered",
    )


async def test_a_rewritten_chain_is_caught_only_by_its_checkpoint(store: Store) -> None:
    await store.query_log.append(_entries(4))
    await _sign_head(store)  # at entry 4
    await store.query_log.append(_entries(2))
    await _rewrite(store, delete_seq=2)
    chain_alone = await store.query_log.verify()
    assert (chain_alone.ok, chain_alone.checked) == (True, 5)  # what `audit verify` used to say
    assert await _audit(store) == [
        (4, "the chain no longer has the signed hash here: it was rewritten up to here")
    ]


async def test_a_forged_or_altered_checkpoint_is_caught(store: Store) -> None:
    await store.query_log.append(_entries(4))
    await _sign_head(store)
    await _rewrite(store, delete_seq=2)
    await _sign_head(store, Ed25519PrivateKey.generate())  # the attacker's own key, at 3
    problems = await _audit(store)
    assert problems[0][0] == 3
    assert problems[0][1].startswith("signed by another key")
    await _drop_checkpoint_triggers(store)
    async with store.engine.begin() as connection:  # or re-point the real one at the forgery
        await connection.execute(text("DELETE FROM audit_checkpoints WHERE seq = 3"))
        head = (await connection.execute(text("SELECT hash FROM audit_head WHERE id = 1"))).one()
        await connection.execute(
            text("UPDATE audit_checkpoints SET seq = 3, hash = :hash WHERE seq = 4"),
            {"hash": head.hash},
        )
    assert await _audit(store) == [
        (3, "the signature does not match: the checkpoint was forged or altered")
    ]


async def test_a_truncated_chain_leaves_its_checkpoint_beyond_the_end(store: Store) -> None:
    await store.query_log.append(_entries(6))
    await _sign_head(store)
    await _drop_triggers(store)
    async with store.engine.begin() as connection:
        await connection.execute(text("DELETE FROM query_log WHERE seq > 4"))
        await connection.execute(
            text(
                "UPDATE audit_head SET seq = 4, "
                "hash = (SELECT hash FROM query_log WHERE seq = 4) WHERE id = 1"
            )
        )
    assert (await store.query_log.verify()).ok
    assert await _audit(store) == [
        (6, "signed, but the chain ends at entry 4: entries were removed")
    ]


async def test_deleting_the_checkpoints_leaves_entries_uncovered(store: Store) -> None:
    await store.query_log.append(_entries(4))
    await _sign_head(store)
    await _drop_checkpoint_triggers(store)
    async with store.engine.begin() as connection:
        await connection.execute(text("DELETE FROM audit_checkpoints"))
    await _rewrite(store, delete_seq=2)
    problems = await _audit(store, every=3)
    assert [seq for seq, _ in problems] == [1]
    assert problems[0][1].startswith("entries 1 to 3 are covered by no signed checkpoint")


async def test_the_database_refuses_to_change_checkpoints(store: Store) -> None:
    await store.query_log.append(_entries(1))
    await _sign_head(store)
    for statement in ("UPDATE audit_checkpoints SET seq = 2", "DELETE FROM audit_checkpoints"):
        with pytest.raises(DBAPIError):
            async with store.engine.begin() as connection:
                await connection.execute(text(statement))
    assert await _audit(store, every=1) == []


def test_a_development_key_is_generated_once_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    audit = Audit(dev_key_file=str(tmp_path / "var" / "dev.pem"))
    with caplog.at_level(logging.WARNING):
        first = signing_key(audit)
    assert "generated a development audit signing key" in caplog.text
    path = Path(audit.dev_key_file)
    assert is_dev_key(path)
    assert path.stat().st_mode & 0o077 == 0
    again = signing_key(audit)
    assert again.public_key() == first.public_key()


def test_audit_settings_are_read_relative_to_the_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREDIT_GATEWAY_AUDIT_KEY_FILE", raising=False)
    config_dir = tmp_path / "config"
    shutil.copytree(CONFIG, config_dir)
    toml = config_dir / "gateway.toml"
    body = toml.read_text().replace("checkpoint_every = 100", 'signing_key_file = "k.pem"')
    toml.write_text(body)
    audit = load_config(config_dir, tmp_path).settings.audit
    assert (audit.signing_key_file, audit.checkpoint_every) == (str(config_dir / "k.pem"), 100)
    monkeypatch.setenv("CREDIT_GATEWAY_AUDIT_KEY_FILE", str(tmp_path / "env.pem"))
    assert load_config(config_dir, tmp_path).settings.audit.key_file == str(tmp_path / "env.pem")
    toml.write_text(body.replace('signing_key_file = "k.pem"', "checkpoint_every = 0"))
    with pytest.raises(ConfigError, match="checkpoint_every"):
        load_config(config_dir, tmp_path)


def _key_file(tmp_path: Path) -> Path:
    path = tmp_path / "audit-key.pem"
    path.write_bytes(
        KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


async def test_audit_commands_end_to_end(
    store: Store,
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_GATEWAY_STORE_URL", store_url)
    monkeypatch.setenv("CREDIT_GATEWAY_AUDIT_KEY_FILE", str(_key_file(tmp_path)))
    base = ["--config", str(CONFIG), "--data", str(tmp_path), "audit"]
    await store.query_log.append(_entries(4))
    assert await asyncio.to_thread(main, [*base, "checkpoint"]) == 0
    assert "checkpoint signed at entry 4" in capsys.readouterr().out
    await store.query_log.append(_entries(2))
    assert await asyncio.to_thread(main, [*base, "verify"]) == 0
    out = capsys.readouterr().out
    assert "6 entries, hash chain verified; 1 signed checkpoints verified" in out
    await _rewrite(store, delete_seq=2)
    assert await asyncio.to_thread(main, [*base, "verify"]) == 1
    assert "checkpoint at entry 4: the chain no longer has the signed hash" in (
        capsys.readouterr().err
    )
    assert await asyncio.to_thread(main, [*base, "checkpoint"]) == 1  # never bless a rewrite
    assert "not signing" in capsys.readouterr().err


async def test_verify_without_the_key_reports_unchecked_checkpoints(
    store: Store,
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_GATEWAY_STORE_URL", store_url)
    monkeypatch.delenv("CREDIT_GATEWAY_AUDIT_KEY_FILE", raising=False)
    await store.query_log.append(_entries(1))
    await _sign_head(store)
    data = tmp_path / "data"
    args = ["--config", str(CONFIG), "--data", str(data), "audit", "verify"]
    assert await asyncio.to_thread(main, args) == 1
    assert "checkpoint at entry 1: no verify key" in capsys.readouterr().err
    assert not await asyncio.to_thread((data / DEV_AUDIT_KEY).exists)  # verify makes no key


def test_verify_refuses_a_store_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "gateway.db"
    env = {**os.environ, "CREDIT_GATEWAY_STORE_URL": f"sqlite+aiosqlite:///{missing}"}
    for action in ("verify", "checkpoint"):
        process = subprocess.run(
            [*COMMAND, "--config", str(CONFIG), "--data", str(tmp_path), "audit", action],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert process.returncode == 2, process.stderr
        assert "the file does not exist" in process.stderr
        assert "intact" not in process.stdout
    assert not missing.parent.exists()


def test_verify_refuses_a_file_that_is_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    monkeypatch.setenv("CREDIT_GATEWAY_STORE_URL", f"sqlite+aiosqlite:///{empty}")
    assert main(["--config", str(CONFIG), "--data", str(tmp_path), "audit", "verify"]) == 2
    assert "not a gateway store" in capsys.readouterr().err
    with closing(sqlite3.connect(empty)) as connection:  # nothing was migrated into it
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == []


def test_verify_refuses_a_postgresql_database_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    POSTGRES.require()
    url = POSTGRES.url_template.format(db="cg_test_never_created")
    monkeypatch.setenv("CREDIT_GATEWAY_STORE_URL", url)
    assert main(["--config", str(CONFIG), "--data", str(tmp_path), "audit", "verify"]) == 2
    assert "cannot open the store" in capsys.readouterr().err


@pytest.mark.parametrize("key", ["unset", "generated", "real"])
def test_serve_beyond_loopback_refuses_a_development_audit_key(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CREDIT_GATEWAY_AUDIT_KEY_FILE", raising=False)
    if key == "generated":
        path = tmp_path / "copied-dev-key.pem"
        signing_key(replace(Audit(), dev_key_file=str(path)))
        monkeypatch.setenv("CREDIT_GATEWAY_AUDIT_KEY_FILE", str(path))
    elif key == "real":
        monkeypatch.setenv("CREDIT_GATEWAY_AUDIT_KEY_FILE", str(_key_file(tmp_path)))
    # The shipped config's dev auth secrets are refused too, so serve never starts.
    assert main(["--config", str(CONFIG), "serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert ("[audit] signing_key_file" in err) is (key != "real")
    if key == "generated":
        assert "is a generated development key" in err
    assert DEV_KEY_MARK.decode().strip() not in err


async def test_a_store_from_before_checkpoints_is_signed_then_verifies(
    store: Store,
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """150 entries and no checkpoint (a store upgraded from revision 0003): verify says
    so, checkpoint signs it (the chain itself verifies), and verify then passes."""
    monkeypatch.setenv("CREDIT_GATEWAY_STORE_URL", store_url)
    monkeypatch.setenv("CREDIT_GATEWAY_AUDIT_KEY_FILE", str(_key_file(tmp_path)))
    base = ["--config", str(CONFIG), "--data", str(tmp_path), "audit"]
    await store.query_log.append(_entries(150))
    assert await asyncio.to_thread(main, [*base, "verify"]) == 1
    assert "covered by no signed checkpoint" in capsys.readouterr().err
    assert await asyncio.to_thread(main, [*base, "checkpoint"]) == 0
    out = capsys.readouterr().out
    assert "query log checkpoint signed at entry 150" in out
    assert "workflow log is empty" in out
    assert await asyncio.to_thread(main, [*base, "verify"]) == 0
