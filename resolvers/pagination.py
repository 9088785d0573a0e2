"""Relay-style cursor pagination shared by every connection in the schema."""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache

import strawberry
from cryptography.fernet import Fernet, InvalidToken

from gateway.errors import bad_input


@strawberry.type(description="Relay page information for a connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether another page follows.")
    has_previous_page: bool = strawberry.field(
        description="Whether a page precedes this one (always false: paging is forward only)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge; pass it as `after` for the next page."
    )


def encode_cursor(*parts: str) -> str:
    """An opaque cursor from key parts (each part must not contain a NUL)."""
    return base64.urlsafe_b64encode("\0".join(parts).encode()).decode()


def decode_cursor(cursor: str, parts: int) -> tuple[str, ...]:
    """The key parts of a cursor; a malformed cursor is BAD_USER_INPUT."""
    try:
        values = tuple(base64.urlsafe_b64decode(cursor.encode()).decode().split("\0"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        values = ()
    if len(values) != parts:
        raise bad_input("The cursor is not one this gateway issued.", argument="after")
    return values


def check_first(first: int, limit: int) -> None:
    if first < 1 or first > limit:
        raise bad_input(
            f"`first` must be between 1 and {limit} (got {first}).", argument="first", limit=limit
        )


def seal_cursor(secret: str, *parts: str) -> str:
    """A cursor whose parts only this gateway can read (encrypted and authenticated).

    For a page that may stop after records the caller may not see: its cursor
    marks where the scan stopped without telling which record that was.
    """
    return _fernet(secret).encrypt("\0".join(parts).encode()).decode()


def open_cursor(secret: str, cursor: str, parts: int) -> tuple[str, ...]:
    """The parts of a sealed cursor; anything else is BAD_USER_INPUT."""
    try:
        values = tuple(_fernet(secret).decrypt(cursor.encode()).decode().split("\0"))
    except (InvalidToken, UnicodeError, ValueError):
        values = ()
    if len(values) != parts:
        raise bad_input("The cursor is not one this gateway issued.", argument="after")
    return values


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    key = hashlib.sha256(b"credit-gateway cursor\0" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))
