"""Signed checkpoints: an Ed25519 signature over a hash chain's head, kept in the store.

A hash chain proves only that it agrees with itself: whoever can write the
tables can delete an entry, recompute every later hash and the head, and the
chain still verifies. A checkpoint signs (chain, seq, hash, time) with a key
kept outside the store, so such a rewrite changes the hash at a checkpointed
seq, and a truncation leaves a checkpoint beyond the chain's end.

Any hash-chained log can be covered. It satisfies :class:`HashChain` (a name,
its head, a verification that also reports the recomputed hash at given seqs),
calls :meth:`AutoCheckpoint.appended` after each append, and `audit verify`
runs :func:`verify_chain` over it. One module for the chain's vocabulary, the
keys and the checkpoints, because each is a few lines and they change together.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import RowMapping, Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.config.settings import Audit
from gateway.store.tables import audit_checkpoints, audit_head

log = logging.getLogger(__name__)

GENESIS = "0" * 64  # the hash "before" a chain's first entry
# The first line of a generated development key: `serve` refuses such a key
# beyond loopback wherever it is configured from.
DEV_KEY_MARK = b"# credit-gateway development audit key: never use it in production\n"
_DOMAIN = b"credit-gateway checkpoint v1\n"  # a checkpoint signature signs nothing else


def moment(at: datetime) -> datetime:
    """Times in UTC, to the second: every backend stores that exactly."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of recomputing a whole chain."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    # The recomputed hash at each seq asked for (0: GENESIS) that the chain reached.
    hashes: Mapping[int, str] = field(default_factory=dict)


async def walk_chain(
    engine: AsyncEngine,
    table: Table,
    head_id: int,
    expected_hash: Callable[[RowMapping, str], str],
    noun: tuple[str, str],
    at: Collection[int] = (),
) -> Verification:
    """Recompute a hash-chained log ``table`` (rows with seq, prev_hash and hash)
    against its head in ``audit_head`` row ``head_id``; the first row altered or
    missing. ``expected_hash(row, prev)`` is the hash the row must carry; ``noun``
    names one row and many in the answer ("entry", "entries"). ``hashes`` holds the
    recomputed hash at each seq in ``at`` (for checkpoints)."""
    one, many = noun
    prev, expected, checked = GENESIS, 1, 0
    hashes = {0: GENESIS} if 0 in at else {}
    async with engine.connect() as connection:
        result = await connection.stream(select(table).order_by(table.c.seq))
        async for row in result.mappings():
            seq = int(row["seq"])
            if seq != expected:
                return Verification(False, checked, expected, f"{one} is missing")
            if row["prev_hash"] != prev or expected_hash(row, prev) != row["hash"]:
                return Verification(False, checked, seq, f"{one} was altered")
            prev, expected, checked = row["hash"], expected + 1, checked + 1
            if seq in at:
                hashes[seq] = prev
        query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == head_id)
        head = (await connection.execute(query)).one()
    if int(head.seq) != checked or str(head.hash) != prev:
        return Verification(False, checked, checked + 1, f"{many} after this one are missing")
    return Verification(True, checked, hashes=hashes)


class HashChain(Protocol):
    """A hash-chained, append-only log that signed checkpoints can cover."""

    @property
    def chain(self) -> str:
        """The chain's name, stored with its checkpoints (e.g. ``query_log``)."""
        ...

    async def head(self) -> tuple[int, str]:
        """The tip as the store has it: its seq (0 when empty) and hash."""
        ...

    async def verify(self, at: Collection[int] = ()) -> Verification:
        """Recompute the chain; ``hashes`` holds the recomputed hash at each seq in ``at``."""
        ...


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement that ``chain`` had ``hash`` at entry ``seq``."""

    chain: str
    seq: int
    hash: str
    signed_at: datetime
    key_id: str  # the signing key's fingerprint (`key_id`)
    signature: str  # hex


def signed_message(chain: str, seq: int, head_hash: str, signed_at: datetime) -> bytes:
    content = {"chain": chain, "seq": seq, "hash": head_hash, "at": moment(signed_at).isoformat()}
    return _DOMAIN + json.dumps(content, sort_keys=True).encode()


def key_id(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: names the key a checkpoint was signed with."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def verify_signature(checkpoint: Checkpoint, key: Ed25519PublicKey) -> str | None:
    """Why ``checkpoint`` is not ``key``'s signature; None when it is."""
    if checkpoint.key_id != key_id(key):
        return f"signed by another key ({checkpoint.key_id[:16]}), not the verify key"
    message = signed_message(
        checkpoint.chain, checkpoint.seq, checkpoint.hash, checkpoint.signed_at
    )
    try:
        key.verify(bytes.fromhex(checkpoint.signature), message)
    except (ValueError, InvalidSignature):
        return "the signature does not match: the checkpoint was forged or altered"
    return None


class Checkpoints:
    """The signed checkpoints of every chain in the store."""

    def __init__(self, engine: AsyncEngine, signing_key: Ed25519PrivateKey | None = None) -> None:
        self.engine = engine
        self.signing_key = signing_key

    async def sign(self, chain: str, seq: int, head_hash: str, now: datetime) -> Checkpoint:
        """Sign and store that ``chain`` has ``head_hash`` at ``seq``; an existing one stands."""
        if self.signing_key is None:
            raise KeyFileError("no signing key to sign a checkpoint with")
        signed_at = moment(now)
        signature = self.signing_key.sign(signed_message(chain, seq, head_hash, signed_at))
        public = key_id(self.signing_key.public_key())
        checkpoint = Checkpoint(chain, seq, head_hash, signed_at, public, signature.hex())
        try:
            async with self.engine.begin() as connection:
                await connection.execute(audit_checkpoints.insert(), [_row(checkpoint)])
        except IntegrityError:
            # Another process signed this seq first (e.g. both shutting down).
            existing = await self._select(chain, seq)
            if not existing:
                raise
            return existing[0]
        return checkpoint

    async def latest(self, chain: str) -> Checkpoint | None:
        found = await self._select(chain, None, newest=True)
        return found[0] if found else None

    async def all(self, chain: str) -> list[Checkpoint]:
        """``chain``'s checkpoints, oldest first."""
        return await self._select(chain, None)

    async def _select(self, chain: str, seq: int | None, newest: bool = False) -> list[Checkpoint]:
        table = audit_checkpoints
        query = select(table).where(table.c.chain == chain)
        if seq is not None:
            query = query.where(table.c.seq == seq)
        query = query.order_by(table.c.seq.desc() if newest else table.c.seq)
        if newest:
            query = query.limit(1)
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).mappings()
            return [Checkpoint(**{**row, "signed_at": moment(row["signed_at"])}) for row in rows]


def _row(checkpoint: Checkpoint) -> dict[str, object]:
    return {f.name: getattr(checkpoint, f.name) for f in fields(checkpoint)}


def utc_now() -> datetime:
    return datetime.now(UTC)


class AutoCheckpoint:
    """Signs a chain's head whenever an append crosses a multiple of ``every`` entries.

    Crossing is decided from the append's own seqs, so among several gateway
    processes exactly one signs each crossing, with no state shared.
    """

    def __init__(
        self, checkpoints: Checkpoints, every: int, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.checkpoints = checkpoints
        self.every = every
        self.clock = clock

    async def appended(self, chain: str, before: int, head: int, head_hash: str) -> None:
        """After an append moved ``chain`` from entry ``before`` to ``head``, committed."""
        if head // self.every == before // self.every:
            return
        try:
            await self.checkpoints.sign(chain, head, head_hash, self.clock())
        except Exception:
            # The entries are committed: failing the request would not unwrite
            # them. `audit verify` reports the entries no checkpoint covers.
            log.exception("could not sign a checkpoint of %s at entry %d", chain, head)

    async def seal(self, chain: HashChain) -> Checkpoint | None:
        """Sign ``chain``'s head unless already signed (at shutdown): no entry left uncovered."""
        seq, head_hash = await chain.head()
        latest = await self.checkpoints.latest(chain.chain)
        if seq == 0 or (latest is not None and latest.seq >= seq):
            return None
        return await self.checkpoints.sign(chain.chain, seq, head_hash, self.clock())


def checkpointing(
    engine: AsyncEngine, audit: Audit, clock: Callable[[], datetime] = utc_now
) -> AutoCheckpoint:
    """The lifespan's checkpoint policy from `[audit]` (generates a dev key if none is set)."""
    return AutoCheckpoint(Checkpoints(engine, signing_key(audit)), audit.checkpoint_every, clock)


@dataclass(frozen=True, slots=True)
class CheckpointProblem:
    seq: int
    problem: str
    # Only entries no checkpoint covers (never signed, or deleted): signing the
    # head now is what fixes it, unlike a rewritten or forged chain.
    coverage: bool = False


@dataclass(frozen=True, slots=True)
class ChainAudit:
    """A chain's verification and its checkpoints' problems, by seq."""

    chain: str
    verification: Verification
    checkpoints: int  # how many there are
    latest: int | None  # the newest one's seq
    problems: tuple[CheckpointProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.verification.ok and not self.problems


async def verify_chain(
    chain: HashChain,
    checkpoints: Checkpoints,
    key: Ed25519PublicKey | None,
    every: int | None = None,
) -> ChainAudit:
    """Recompute ``chain`` and check every checkpoint of it against ``key`` and the chain.

    ``every`` (the checkpoint policy) also flags entries that should be covered
    and are not: whoever deleted the checkpoints to hide a rewrite.
    """
    signed = await checkpoints.all(chain.chain)
    result = await chain.verify(at={c.seq for c in signed})
    problems = _signature_problems(signed, key)
    if result.ok:
        problems += _chain_problems(signed, result)
        problems += _coverage_problems(signed, result.checked, every)
    latest = signed[-1].seq if signed else None
    problems.sort(key=lambda p: p.seq)
    return ChainAudit(chain.chain, result, len(signed), latest, tuple(problems))


def _signature_problems(
    signed: Sequence[Checkpoint], key: Ed25519PublicKey | None
) -> list[CheckpointProblem]:
    if key is None:
        missing = "no verify key to check it with ([audit] verify_key_file or signing_key_file)"
        return [CheckpointProblem(signed[0].seq, missing)] if signed else []
    return [CheckpointProblem(c.seq, p) for c in signed if (p := verify_signature(c, key))]


def _chain_problems(signed: Sequence[Checkpoint], result: Verification) -> list[CheckpointProblem]:
    problems = []
    for checkpoint in signed:
        if checkpoint.seq > result.checked:
            problem = f"signed, but the chain ends at entry {result.checked}: entries were removed"
        elif result.hashes.get(checkpoint.seq) != checkpoint.hash:
            problem = "the chain no longer has the signed hash here: it was rewritten up to here"
        else:
            continue
        problems.append(CheckpointProblem(checkpoint.seq, problem))
    return problems


def _coverage_problems(
    signed: Sequence[Checkpoint], length: int, every: int | None
) -> list[CheckpointProblem]:
    latest = max((c.seq for c in signed), default=0)
    if every is None or latest >= length // every * every:
        return []
    problem = (
        f"entries {latest + 1} to {length} are covered by no signed checkpoint, though one "
        f"is due every {every} entries: deleted, or never signed (`audit checkpoint` signs now)"
    )
    return [CheckpointProblem(latest + 1, problem, coverage=True)]


class KeyFileError(ValueError):
    """An audit key file that is missing, unreadable or not Ed25519."""


def signing_key(audit: Audit) -> Ed25519PrivateKey:
    """`[audit]`'s private key; unset, the development key (generated on first use)."""
    if audit.signing_key_file is not None:
        return load_signing_key(Path(audit.signing_key_file))
    return dev_signing_key(Path(audit.dev_key_file))


def verify_key(audit: Audit) -> Ed25519PublicKey | None:
    """`[audit]`'s public key; None when only a development key could be and none exists."""
    if audit.verify_key_file is not None:
        return load_verify_key(Path(audit.verify_key_file))
    if audit.signing_key_file is None and not Path(audit.dev_key_file).exists():
        return None  # nothing was ever signed with a dev key here
    return load_verify_key(Path(audit.key_file))


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise KeyFileError(f"{path}: not an unencrypted PEM private key ({error})") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 private key")
    return key


def load_verify_key(path: Path) -> Ed25519PublicKey:
    """A PEM public key, or the public half of a PEM private key."""
    pem = _read(path)
    if b"PRIVATE KEY-----" in pem:
        return load_signing_key(path).public_key()
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm) as error:
        raise KeyFileError(f"{path}: not a PEM public key ({error})") from error
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an Ed25519 public key")
    return key


def dev_signing_key(path: Path) -> Ed25519PrivateKey:
    """The development key at ``path``, generated (readable by its owner only) if missing."""
    if path.exists():
        return load_signing_key(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return load_signing_key(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(DEV_KEY_MARK + pem)
    log.warning(
        "generated a development audit signing key at %s; set [audit] signing_key_file "
        "for production",
        path,
    )
    return key


def is_dev_key(path: Path) -> bool:
    """Whether ``path`` holds a key this module generated for development."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(DEV_KEY_MARK)) == DEV_KEY_MARK
    except OSError:
        return False


def _read(path: Path) -> bytes:
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"{path}: {error.strerror or error}") from error
    if b"-----BEGIN" not in pem:
        raise KeyFileError(f"{path}: not a PEM file")
    return pem
