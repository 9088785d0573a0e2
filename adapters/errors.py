"""The small error tree every adapter translates its library's exceptions into.

Resolvers and the gateway see only these (STYLE.md rule 5); the original
exception is chained for the server log and never shown to a client.
"""

from __future__ import annotations


class SourceError(Exception):
    """A source could not answer. ``code`` is the client-visible error code."""

    code = "SOURCE_UNAVAILABLE"
    # Whether asking again may help (a read that timed out or hit a 5xx/429 may;
    # a body the adapter cannot read will not).
    transient = True

    def __init__(self, source: str, detail: str, *, retry_after: float | None = None) -> None:
        self.source = source
        self.detail = detail
        # Seconds the source asked us to wait (HTTP Retry-After), if it said.
        self.retry_after = retry_after
        super().__init__(f"{source}: {detail}")

    @property
    def public_message(self) -> str:
        """What a client may read: the source's name and the kind of failure only."""
        return f"Source '{self.source}' {self._what}; its data is missing from this response."

    _what = "is unavailable"


class SourceUnavailable(SourceError):
    """The source could not be reached or failed while answering."""


class SourceTimeout(SourceError):
    """The source did not answer within its configured time."""

    code = "SOURCE_TIMEOUT"
    _what = "did not answer in time"


class SourceRejected(SourceError):
    """The source answered with something the adapter cannot accept."""

    code = "SOURCE_REJECTED"
    transient = False
    _what = "sent an answer that could not be read"


class SourceUnsupported(SourceError):
    """The source was asked for something it cannot do."""

    code = "SOURCE_UNSUPPORTED"
    transient = False
    _what = "cannot answer this kind of request"
