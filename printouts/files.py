"""The PDF of many review forms: HTML to PDF with WeasyPrint, and the parts joined into one file.

WeasyPrint lays the pages out with Pango and the system's fonts (fontconfig): the forms name
"Noto Sans CJK SC" (Debian's fonts-noto-cjk, installed by the Dockerfile and .ci/run) with
fallbacks; nothing is fetched while rendering: every URL the HTML names is refused, the style
sheet is in the document itself.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from pypdf import PdfReader, PdfWriter


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Refuse every resource the HTML names: no network, no file outside the document."""
    raise ValueError(f"not fetched while printing: {url[:80]}")


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of the HTML (A4, as its style sheet says) and its number of pages."""
    # heavy: loaded by the worker when it first prints
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=html, url_fetcher=_no_fetch).render()
    return document.write_pdf() or b"", len(document.pages)


def join(names: Iterable[str], target: Path, *, open_part: Callable[[str], IO[bytes]]) -> int:
    """Join the PDF parts, in order, into `target`; the number of pages. One part is open at a
    time; the pages are written out at the end."""
    writer = PdfWriter()
    for name in names:
        with open_part(name) as stream:
            writer.append(PdfReader(io.BytesIO(stream.read())))
    with target.open("wb") as out:
        writer.write(out)
    return len(writer.pages)


def page_count(body: bytes) -> int:
    return len(PdfReader(io.BytesIO(body)).pages)


def text_of(body: bytes) -> str:
    """The text of every page (what a search in the PDF finds)."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
