"""Which media type an answer is sent as, from the request's ``Accept`` header.

GraphQL over HTTP (graphql.github.io/graphql-over-http) defines two: the
legacy ``application/json`` and ``application/graphql-response+json``, under
which request errors get 4xx statuses. A browser asking for ``text/html`` gets
GraphiQL where it is on.
"""

from __future__ import annotations

from enum import StrEnum


class Media(StrEnum):
    GRAPHQL_RESPONSE = "application/graphql-response+json"
    JSON = "application/json"
    HTML = "text/html"


def negotiate(accept: str | None, *, html: bool) -> Media | None:
    """The best of our media types for ``accept``; None when none is acceptable.

    A missing or empty header means ``application/json`` (the spec's SHOULD).
    Ties go to ``application/graphql-response+json``, then JSON; ``*/*`` and
    ``application/*`` mean JSON, never HTML.
    """
    if accept is None or not accept.strip():
        return Media.JSON
    best: tuple[float, int, Media] | None = None
    for media_range, quality in _ranges(accept):
        for preference, media in enumerate(_matches(media_range, html)):
            candidate = (quality, -preference, media)
            if quality > 0 and (best is None or candidate[:2] > best[:2]):
                best = candidate
    return None if best is None else best[2]


_OURS = (Media.GRAPHQL_RESPONSE, Media.JSON)


def _matches(media_range: str, html: bool) -> tuple[Media, ...]:
    if media_range in ("*/*", "application/*"):
        return (Media.JSON,)
    if media_range == Media.HTML and html:
        return (Media.HTML,)
    return tuple(m for m in _OURS if m == media_range)


def _ranges(accept: str) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs, lower-cased, parameters other than q ignored."""
    ranges: list[tuple[str, float]] = []
    for part in accept.split(",")[:32]:
        media_range, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                quality = _quality(value)
        if media_range:
            ranges.append((media_range.lower(), quality))
    return ranges


def _quality(value: str) -> float:
    try:
        quality = float(value.strip())
    except ValueError:
        return 0.0
    return quality if 0.0 <= quality <= 1.0 else 0.0
