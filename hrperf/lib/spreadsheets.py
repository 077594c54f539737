"""Text cells that a spreadsheet must show as text, never run as a formula, and a one-sheet
Excel workbook written as it goes (`xlsx_stream`).

Names of employees, departments and KPIs end up in files HR opens in Excel; a name starting
with "=" (or "+", "-", "@") would otherwise be a formula there.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe;
    anything else is returned as it is."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def xlsx_text(cell: Any) -> Any:
    """An openpyxl cell holding text stays text (openpyxl makes a formula of any text starting
    with "="); the text is kept exactly. Returns the cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


# -- a one-sheet Excel workbook written as it goes -------------------------------------------
#
# A workbook (.xlsx) is a zip archive of XML parts. `xlsx_stream` writes the few fixed parts
# itself and the sheet row by row as XML text, each chunk of the archive yielded as soon as it
# is written: a sheet of any length takes the memory of one batch of rows. Text cells are inline
# strings (never a formula, kept exactly), numbers are number cells written exactly, blanks are
# left out. The styles are three: plain, bold (the header) and bold on a light yellow fill (the
# header of the columns to fill in).

PLAIN, BOLD, BOLD_FILLED = 0, 1, 2
ROWS_PER_CHUNK = 1000
# Fast deflate: the sheet is repetitive XML, level 1 packs it nearly as tight as the default.
COMPRESS_LEVEL = 1
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="00FFF4CE"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" '
    'applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook_xml(sheet_name: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name="{_escape(sheet_name[:31])}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def _escape(text: str) -> str:
    if _SPECIAL.search(text) is None:
        return text
    text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def column_letter(index: int) -> str:
    """The letter(s) of the column at `index` (0: A, 26: AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    """A text cell's type and content (after its reference and style)."""
    text = _escape(value)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _value(value: Any) -> str:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | Decimal):
        return f' t="n"><v>{_number(value)}</v></c>'
    raise TypeError(f"no cell for {type(value).__name__}")


def _number(value: int | Decimal) -> str:
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _row(number: int, starts: Sequence[str], cells: Sequence[Any]) -> str:
    """A row's XML; `starts` are each column's `<c r="` and letter, with its style."""
    at = f'{number}"'
    inner = "".join(
        [
            start + at + (_text(value) if type(value) is str else _value(value))
            for start, value in zip(starts, cells, strict=False)
            if value is not None and value != ""
        ]
    )
    return f'<row r="{number}">{inner}</row>'


def _sheet_head(widths: Sequence[float]) -> str:
    columns = "".join(
        f'<col min="{index}" max="{index}" width="{width:g}" customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{columns}</cols><sheetData>"
    )


_SHEET_TAIL = (
    '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
    'footer="0.5"/></worksheet>'
)


class _Chunks:
    """A write-only, non-seekable file that keeps what is written until it is taken."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def xlsx_stream(
    *,
    sheet_name: str,
    widths: Sequence[float],
    header: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[Any]],
) -> Iterator[bytes]:
    """A one-sheet workbook as chunks of bytes: the header row (text, style), frozen, then
    `rows` (cells of text, numbers or None), the columns `widths` wide."""
    letters = [column_letter(index) for index in range(max(len(widths), len(header)))]
    sink = _Chunks()
    with zipfile.ZipFile(
        sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
    ) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml(sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            texts = [text for text, _style in header]
            styled = [
                f'<c s="{style}" r="{letter}'
                for letter, (_text, style) in zip(letters, header, strict=False)
            ]
            part.write((_sheet_head(widths) + _row(1, styled, texts)).encode())
            batch: list[str] = []
            plain = [f'<c r="{letter}' for letter in letters]
            for number, cells in enumerate(rows, start=2):
                batch.append(_row(number, plain, cells))
                if len(batch) >= ROWS_PER_CHUNK:
                    part.write("".join(batch).encode())
                    batch.clear()
                    yield sink.take()
            part.write(("".join(batch) + _SHEET_TAIL).encode())
    yield sink.take()
