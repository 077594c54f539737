"""The PDF of many review forms: HTML to PDF with WeasyPrint, parts rendered side by side in
worker processes of their own, and the parts joined into one file.

Each form is a document of its own (its pages numbered "page p of q" of that form), and a part
is the pages of a run of forms; so parts do not depend on one another and PRINTOUTS_PROCESSES
of them are rendered at once (`Renderers`: a pool of processes started with "spawn", which
import WeasyPrint and nothing of Django).

WeasyPrint lays the pages out with Pango and the system's fonts (fontconfig): the forms name
"Noto Sans CJK SC" (Debian's fonts-noto-cjk, installed by the Dockerfile and .ci/run) with
fallbacks; nothing is fetched while rendering: every URL the HTML names is refused, the style
sheet is in the document itself.
"""

from __future__ import annotations

import io
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from pypdf import PdfReader, PdfWriter


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Refuse every resource the HTML names: no network, no file outside the document."""
    raise ValueError(f"not fetched while printing: {url[:80]}")


def html_to_pdf(documents: Sequence[str]) -> tuple[bytes, int]:
    """One PDF of the HTML documents, one after the other (A4, as their style sheet says), and
    its number of pages."""
    # heavy: loaded by the worker when it first prints
    from weasyprint import HTML  # type: ignore[import-untyped]

    rendered = [HTML(string=html, url_fetcher=_no_fetch).render() for html in documents]
    if not rendered:
        return b"", 0
    pages = [page for document in rendered for page in document.pages]
    return rendered[0].copy(pages).write_pdf() or b"", len(pages)


class Renderers:
    """Renders parts (each a list of HTML documents): in this process for one, else in a pool
    of `processes` processes of their own, parts side by side."""

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        self._pool: Executor | None = None

    def __enter__(self) -> Renderers:
        if self.processes > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=multiprocessing.get_context("spawn")
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def render(self, parts: Sequence[Sequence[str]]) -> list[tuple[bytes, int]]:
        """Each part's PDF and pages, in the order given."""
        if self._pool is None:
            return [html_to_pdf(part) for part in parts]
        return list(self._pool.map(html_to_pdf, parts))


def join(names: Iterable[str], target: Path, *, open_part: Callable[[str], IO[bytes]]) -> int:
    """Join the PDF parts, in order, into `target`; the number of pages."""
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
