"""Bearer-token settings from the `[auth]` table of `config/gateway.toml`.

Every key is optional. The defaults suit development: HS256 with a dev
secret, issued and checked by the gateway itself (`credit-gateway token`).
Production configures RS256/ES256 public keys or a JWKS URL instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from gateway.config.reader import Table

HMAC_ALGORITHM = "HS256"
# Each asymmetric algorithm with the one key type it may be verified with.
ASYMMETRIC_ALGORITHMS = ("RS256", "ES256")
SUPPORTED_ALGORITHMS = (HMAC_ALGORITHM, *ASYMMETRIC_ALGORITHMS)
DEV_SECRET_ENV = "CREDIT_GATEWAY_DEV_SECRET"
# RFC 7518 section 3.2: an HS256 key must be at least as long as the hash (256 bits).
MIN_SECRET_BYTES = 32
MIN_RSA_BITS = 2048
MAX_LEEWAY_S = 300

_KEYS = {
    "issuer",
    "audience",
    "leeway_s",
    "algorithms",
    "dev_secret",
    "public_key_files",
    "jwks_url",
    "jwks_cache_s",
}


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """How bearer tokens are verified: who may issue them, for whom, signed how."""

    issuer: str = "credit-gateway"
    audience: str = "credit-gateway"
    leeway_s: int = 30
    algorithms: tuple[str, ...] = (HMAC_ALGORITHM,)
    # repr=False: the secret must never reach a log line or a traceback.
    dev_secret: str | None = field(default=None, repr=False)
    public_keys: tuple[str, ...] = ()
    jwks_url: str | None = None
    jwks_cache_s: int = 300


def key_algorithm(key: object) -> str | None:
    """The one algorithm a public key may verify, or None if it fits none we allow."""
    if isinstance(key, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    return None


def parse_auth(table: Table, config_dir: Path) -> AuthSettings:
    """Read the `[auth]` table, recording every problem on ``table``'s problem list.

    ``CREDIT_GATEWAY_DEV_SECRET``, when set, overrides ``dev_secret`` so that a
    secret need not sit in a file. Key files are read relative to ``config_dir``.
    """
    table.unknown_keys(_KEYS)
    defaults = AuthSettings()
    algorithms = _algorithms(table)
    keys = _public_keys(table, config_dir, algorithms)
    settings = AuthSettings(
        issuer=_text(table, "issuer", defaults.issuer),
        audience=_text(table, "audience", defaults.audience),
        leeway_s=table.integer("leeway_s", defaults.leeway_s),
        algorithms=algorithms,
        dev_secret=os.environ.get(DEV_SECRET_ENV) or table.opt_string("dev_secret"),
        public_keys=tuple(text for text, _ in keys),
        jwks_url=table.opt_string("jwks_url"),
        jwks_cache_s=table.integer("jwks_cache_s", defaults.jwks_cache_s),
    )
    _check(table, settings, {algorithm for _, algorithm in keys})
    return settings


def _text(table: Table, name: str, default: str) -> str:
    value = table.opt_string(name)
    if value is not None and not value.strip():
        table.problem(name, "must not be empty")
    return default if value is None else value


def _algorithms(table: Table) -> tuple[str, ...]:
    if not table.has("algorithms"):
        return AuthSettings().algorithms
    result: list[str] = []
    for name in table.strings("algorithms"):
        if name.lower() == "none":
            table.problem("algorithms", "'none' is never accepted: tokens must be signed")
        elif name not in SUPPORTED_ALGORITHMS:
            table.problem("algorithms", f"{name!r} is not one of {', '.join(SUPPORTED_ALGORITHMS)}")
        elif name not in result:
            result.append(name)
    if not result:
        table.problem("algorithms", "must name at least one supported algorithm")
    return tuple(result)


def _public_keys(
    table: Table, config_dir: Path, algorithms: tuple[str, ...]
) -> list[tuple[str, str]]:
    """The readable, usable PEM texts, each with the algorithm its key verifies."""
    keys: list[tuple[str, str]] = []
    for name in table.strings("public_key_files"):
        path = config_dir / name
        try:
            text = path.read_text(encoding="ascii")
            key = load_pem_public_key(text.encode("ascii"))
        except OSError as exc:
            table.problem("public_key_files", f"{name}: cannot read ({exc.strerror or exc})")
            continue
        except (ValueError, UnsupportedAlgorithm):
            # Also what a private key gets: only public keys belong in config.
            table.problem("public_key_files", f"{name}: is not a PEM public key")
            continue
        algorithm = key_algorithm(key)
        if algorithm is None:
            table.problem("public_key_files", f"{name}: only RSA and EC P-256 keys are supported")
        elif algorithm not in algorithms:
            table.problem("public_key_files", f"{name}: its {algorithm} key is not in algorithms")
        elif isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
            table.problem("public_key_files", f"{name}: RSA keys need {MIN_RSA_BITS} bits or more")
        else:
            keys.append((text, algorithm))
    return keys


def _check(table: Table, settings: AuthSettings, key_algorithms: set[str]) -> None:
    if not 0 <= settings.leeway_s <= MAX_LEEWAY_S:
        # A large leeway would quietly turn expiry off.
        table.problem("leeway_s", f"must be between 0 and {MAX_LEEWAY_S} seconds")
    if settings.jwks_cache_s < 1:
        table.problem("jwks_cache_s", "must be at least 1 second")
    _check_secret(table, settings)
    _check_key_sources(table, settings, key_algorithms)


def _check_secret(table: Table, settings: AuthSettings) -> None:
    secret = settings.dev_secret
    if HMAC_ALGORITHM in settings.algorithms and not secret:
        table.problem(
            "dev_secret",
            f"HS256 is in algorithms but no dev secret is set (here or in {DEV_SECRET_ENV})",
        )
    # The message never repeats the secret itself.
    if secret and len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        table.problem("dev_secret", f"must be at least {MIN_SECRET_BYTES} bytes (RFC 7518 s. 3.2)")


def _check_key_sources(table: Table, settings: AuthSettings, key_algorithms: set[str]) -> None:
    url = settings.jwks_url
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            table.problem("jwks_url", "must be an http(s) URL")
        if not set(ASYMMETRIC_ALGORITHMS) & set(settings.algorithms):
            table.problem("jwks_url", "is set but algorithms allows neither RS256 nor ES256")
    for algorithm in ASYMMETRIC_ALGORITHMS:
        if algorithm in settings.algorithms and url is None and algorithm not in key_algorithms:
            table.problem(
                "algorithms",
                f"{algorithm} is allowed but no public_key_files or jwks_url has a key",
            )
