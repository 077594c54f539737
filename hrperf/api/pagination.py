"""Keyset ("cursor") pagination for the API's lists.

A page is "the rows after this position" in a fixed order whose last key is unique, such as
`(approved_at, id)`, never "rows 5 000 to 5 500": a page costs the same anywhere in the list,
and rows added or removed meanwhile never make a page skip or repeat one. The selector does the
filtering (it owns the query: `rows after position, limit n + 1`); this module parses and checks
the request's `page_size` and `cursor`, makes the cursor of the next page and its link.

A cursor is opaque to clients: the base64url of a small JSON document
`{"v": 1, "k": [the keys of the last row], "q": "<digest of the query's filters>"}`. One that
does not decode, has another shape, or was given out for other filters (another period, say) is
refused with 400 and the code `invalid_cursor` (in the API's error shape); nothing is guessed.

Usage, in a view::

    pages = KeysetPagination(keys=(datetime, int))
    size = pages.page_size(request.query_params)
    after = pages.position(request.query_params, query={"period": period})
    rows = selector(..., after=after, limit=size + 1)
    page = pages.page(request, rows, size=size, query={"period": period}, key=lambda r: ...)
    return Response({"next": page.next, "results": Serializer(page.results, many=True).data})
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.utils.urls import replace_query_param

from hrperf.api.exceptions import ApiError, field_error
from hrperf.lib.errors import ErrorList

T = TypeVar("T")
Key = dt.datetime | int | str
Position = tuple[Key, ...]

CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"
CURSOR_VERSION = 1
MAX_CURSOR_LENGTH = 512
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")
_DIGITS = re.compile(r"^[0-9]{1,9}$")


class InvalidCursor(ApiError):
    """400 `invalid_cursor`: a cursor this list did not give out (garbled, edited, or given out
    for other filters)."""

    def __init__(self) -> None:
        message = _(
            "This cursor is not one this list gave out for these filters. Follow the next link "
            "exactly as given, or start again without a cursor."
        )
        super().__init__(
            status_code=400,
            code="invalid_cursor",
            message=message,
            fields=[field_error(CURSOR_PARAM, message, "invalid_cursor")],
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    results: list[T]
    next: str | None  # the absolute URL of the next page; None on the last one


def query_digest(query: Mapping[str, object]) -> str:
    """A short digest of a list's filters, bound into its cursors."""
    canonical = json.dumps(
        {name: None if value is None else str(value) for name, value in query.items()},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _encode_key(value: Key) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("keyset datetimes must be aware")
        return value.isoformat()
    return value


def _decode_key(raw: object, kind: type) -> Key:
    """The key as `kind`, or ValueError."""
    if kind is dt.datetime:
        if not isinstance(raw, str):
            raise ValueError
        moment = dt.datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            raise ValueError
        return moment
    if kind is int:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError
        return raw
    if kind is str:
        if not isinstance(raw, str):
            raise ValueError
        return raw
    raise TypeError(f"unsupported keyset key type {kind!r}")


class KeysetPagination:
    """Page size and cursor handling for a list ordered by keys of the given types."""

    names = (CURSOR_PARAM, PAGE_SIZE_PARAM)  # the query parameters it reads

    def __init__(
        self, *, keys: Sequence[type], default_size: int = 500, max_size: int = 1000
    ) -> None:
        if not 1 <= default_size <= max_size:
            raise ValueError("default_size must be between 1 and max_size")
        self.keys = tuple(keys)
        self.default_size = default_size
        self.max_size = max_size

    # -- the request ---------------------------------------------------------------------------

    def page_size(self, params: Mapping[str, str], errors: ErrorList | None = None) -> int:
        """`page_size` from the query (the default when absent). A bad one is added to `errors`
        when given (to be raised with the other problems of the query), raised otherwise."""
        raw = params.get(PAGE_SIZE_PARAM)
        if raw is None:
            return self.default_size
        own = ErrorList() if errors is None else errors
        raw = raw.strip()
        if not _DIGITS.match(raw) or not 1 <= int(raw) <= self.max_size:
            own.add(
                PAGE_SIZE_PARAM,
                _("Give a whole number of rows a page, from 1 to %(max)s.")
                % {"max": self.max_size},
                "out_of_range" if _DIGITS.match(raw) else "invalid",
            )
            if errors is None:
                own.raise_if_any()
            return self.default_size
        return int(raw)

    def position(
        self, params: Mapping[str, str], *, query: Mapping[str, object]
    ) -> Position | None:
        """The position after which the requested page starts (None: the first page)."""
        raw = params.get(CURSOR_PARAM)
        if raw is None:
            return None
        return self.decode(raw, query=query)

    # -- cursors -------------------------------------------------------------------------------

    def encode(self, position: Position, *, query: Mapping[str, object]) -> str:
        if len(position) != len(self.keys):
            raise ValueError("a position has one value per key")
        document = {
            "v": CURSOR_VERSION,
            "k": [_encode_key(value) for value in position],
            "q": query_digest(query),
        }
        text = json.dumps(document, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, raw: str, *, query: Mapping[str, object]) -> Position:
        """The position a cursor holds, or InvalidCursor."""
        if len(raw) > MAX_CURSOR_LENGTH or not _BASE64URL.match(raw):
            raise InvalidCursor
        try:
            document = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        except (binascii.Error, ValueError):
            raise InvalidCursor from None
        if (
            not isinstance(document, dict)
            or set(document) != {"v", "k", "q"}
            or document["v"] != CURSOR_VERSION
            or document["q"] != query_digest(query)
            or not isinstance(document["k"], list)
            or len(document["k"]) != len(self.keys)
        ):
            raise InvalidCursor
        try:
            return tuple(
                _decode_key(value, kind)
                for value, kind in zip(document["k"], self.keys, strict=True)
            )
        except ValueError:
            raise InvalidCursor from None

    # -- the response --------------------------------------------------------------------------

    def page(
        self,
        request: HttpRequest,
        rows: Sequence[T],
        *,
        size: int,
        query: Mapping[str, object],
        key: Callable[[T], Position],
    ) -> Page[T]:
        """The page from `rows`, fetched with `limit=size + 1`: one row more than the page
        tells, without a count, that a next page exists."""
        results = list(rows[:size])
        if len(rows) <= size:
            return Page(results=results, next=None)
        cursor = self.encode(key(results[-1]), query=query)
        return Page(
            results=results,
            next=replace_query_param(request.build_absolute_uri(), CURSOR_PARAM, cursor),
        )

    # -- the schema ----------------------------------------------------------------------------

    def parameters(self) -> list[OpenApiParameter]:
        return [
            OpenApiParameter(
                CURSOR_PARAM,
                {"type": "string", "pattern": _BASE64URL.pattern, "maxLength": MAX_CURSOR_LENGTH},
                description=(
                    "Opaque position of the page to fetch, as given in the `next` link of the "
                    "previous page (the link keeps every other parameter). A cursor given out "
                    "for other filters, or edited, is refused with 400 `invalid_cursor`."
                ),
            ),
            OpenApiParameter(
                PAGE_SIZE_PARAM,
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_size,
                    "default": self.default_size,
                },
                description=(
                    f"Rows a page, from 1 to {self.max_size} (default {self.default_size})."
                ),
            ),
        ]
