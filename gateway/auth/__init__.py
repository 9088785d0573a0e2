"""Bearer-token authentication: who the caller is, proven by a signed JWT.

A request without a token is anonymous; a request with a token that does not
verify is refused with ``UNAUTHENTICATED``, never downgraded to anonymous.
"""

from gateway.auth.identity import Identity
from gateway.auth.minting import MintError, mint
from gateway.auth.settings import AuthSettings, parse_auth
from gateway.auth.verifier import TokenVerifier, Unauthenticated

__all__ = [
    "AuthSettings",
    "Identity",
    "MintError",
    "TokenVerifier",
    "Unauthenticated",
    "mint",
    "parse_auth",
]
