"""Request parsers that keep to the body size limit (DATA_UPLOAD_MAX_MEMORY_SIZE), and a JSON
parser that refuses what no endpoint takes.

REST framework reads a JSON body straight from the request stream, past Django's own limit, and
Django's multipart parser limits only the form fields, not the files; both are checked here, and
a body over the limit raises RequestDataTooBig, which the API answers with 413 `too_large`.

A JSON body may nest at most MAX_JSON_DEPTH levels (a deeper one would exhaust the stack of
whatever reads it: 400 `parse_error` on `body`), and its texts may hold no control character
but tab, line feed and carriage return (PostgreSQL refuses a NUL: 400 `control_character` on
the field).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext
from rest_framework import exceptions, parsers

MAX_JSON_DEPTH = 32
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def declared_length(parser_context: Mapping[str, Any] | None) -> int:
    """The length the request says its body has (Content-Length), 0 when it says none."""
    request = (parser_context or {}).get("request")
    meta = getattr(request, "META", {})
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


def _too_big() -> RequestDataTooBig:
    return RequestDataTooBig(
        "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE "
        f"({settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."
    )


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None:
            if declared_length(parser_context) > limit:
                raise _too_big()
            data = stream.read(limit + 1)
            if len(data) > limit:
                raise _too_big()
            stream = io.BytesIO(data)
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        _check(parsed)
        return parsed


def _too_deep() -> exceptions.ParseError:
    return exceptions.ParseError(
        gettext("The JSON body is nested too deeply: at most %(max)s levels.")
        % {"max": MAX_JSON_DEPTH}
    )


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _texts(value: Any) -> Iterator[tuple[str, str, int]]:
    """Each text of a parsed body, with its path and depth (keys count as the object's texts),
    read without recursion however deep the body is."""
    pending: list[tuple[Any, str, int]] = [(value, "", 1)]
    while pending:
        item, path, depth = pending.pop()
        if isinstance(item, dict):
            yield from ((key, path, depth) for key in item)
            pending.extend((child, _child(path, key), depth + 1) for key, child in item.items())
        elif isinstance(item, list):
            yield "", path, depth
            pending.extend(
                (child, _child(path, index), depth + 1) for index, child in enumerate(item)
            )
        elif isinstance(item, str):
            yield item, path, depth


def _check(parsed: Any) -> None:
    """Refuses a body nested too deep, or with a control character in a text."""
    for text, path, depth in _texts(parsed):
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if CONTROL.search(text):
            name = path or "body"
            raise exceptions.ValidationError(
                {
                    name: [
                        exceptions.ErrorDetail(
                            gettext("The text of “%(name)s” contains a control character.")
                            % {"name": name},
                            code="control_character",
                        )
                    ]
                }
            )


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and declared_length(parser_context) > limit:
            raise _too_big()
        return super().parse(stream, media_type, parser_context)
