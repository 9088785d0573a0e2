"""The production profile: what must be true before the gateway listens beyond loopback.

On 127.0.0.1 the development secrets are a convenience: `credit-gateway token`
mints any viewer's token with them. On any other address they would let anyone
who has this repository mint a government unit's token, so `serve` refuses.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from gateway.auth.settings import DEV_SECRET_ENV
from gateway.config.loader import GatewayConfig
from gateway.config.settings import is_loopback
from gateway.consent import DEV_SECRET as DEV_CONSENT_SECRET


def exposure_problems(config: GatewayConfig) -> list[str]:
    """Why ``config`` must not serve on its (non-loopback) host; empty when it may."""
    if config.settings.server.loopback:
        return []
    auth, problems = config.auth, []
    if auth.dev_secret is not None:
        problems.append(
            f"[auth] dev_secret (or {DEV_SECRET_ENV}) is set: remove it, since anyone "
            "with it can mint tokens"
        )
    if not auth.public_keys and auth.jwks_url is None:
        problems.append(
            "[auth] has no real keys: set public_key_files (RS256/ES256 PEM) or jwks_url"
        )
    if config.consent.secret == DEV_CONSENT_SECRET:
        problems.append(
            "[consent] secret is the development one: set [consent] secret or "
            "CREDIT_GATEWAY_CONSENT_SECRET to a random string of 32 or more characters"
        )
    if (problem := _plain_webhook(config.settings.notifications.webhook_url)) is not None:
        problems.append(problem)
    return problems


def _plain_webhook(url: str | None) -> str | None:
    """A plain-http webhook beyond this machine would carry subjects' notifications
    (and their signatures) in clear across the network."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme != "http" or is_loopback(parts.hostname or ""):
        return None
    return (
        f"[notifications] webhook_url is plain http to {parts.hostname}: use https "
        "(or a receiver on loopback)"
    )
