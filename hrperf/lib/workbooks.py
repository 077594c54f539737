"""Checking an Excel workbook (.xlsx, a zip archive of XML parts) before openpyxl opens it.

openpyxl reads every part whole except the worksheets, which it streams; a few hundred
kilobytes of zip can unpack to gigabytes. So before it opens a workbook, every part is
unpacked here as a stream, never kept, and the archive is refused if it has too many parts
(`settings.XLSX_MAX_PARTS`), if a part unpacks past its limit (`XLSX_MAX_SHEET_BYTES` for a
worksheet, `XLSX_MAX_PART_BYTES` for any other part: the shared strings, the styles…) or all of
them past `XLSX_MAX_UNPACKED_BYTES`, whatever sizes the archive declares (a declared size that
is not the real one is refused too), if a part is compressed more than `XLSX_MAX_RATIO` to one
(no real workbook is), or if it holds an entry no workbook has: a path leaving the archive, an
archive inside it, a part encrypted or compressed other than by deflate, a name given twice.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
CHUNK = 1024 * 1024  # unpacked at a time
RATIO_FROM = MB  # smaller parts may compress as well as they like
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, …, name length, extra field length
LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
ARCHIVE_SUFFIXES = (".zip", ".xlsx", ".xlsm", ".xltx", ".docx", ".pptx", ".gz", ".7z", ".rar")
ARCHIVE_MAGICS = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class WorkbookRefused(ValueError):
    """The workbook passes a limit or is not one Excel writes; the message says which."""


@dataclass(frozen=True)
class Limits:
    parts: int
    part_bytes: int
    sheet_bytes: int
    unpacked_bytes: int
    ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            parts=settings.XLSX_MAX_PARTS,
            part_bytes=settings.XLSX_MAX_PART_BYTES,
            sheet_bytes=settings.XLSX_MAX_SHEET_BYTES,
            unpacked_bytes=settings.XLSX_MAX_UNPACKED_BYTES,
            ratio=settings.XLSX_MAX_RATIO,
        )

    def of_part(self, name: str) -> int:
        return self.sheet_bytes if SHEET.fullmatch(name) else self.part_bytes


def check_workbook(data: bytes, limits: Limits | None = None) -> None:
    """Raise WorkbookRefused if the workbook in `data` passes a limit (`limits`, by default
    those of the settings) or holds what no workbook holds, zipfile.BadZipFile if it is not a
    whole zip archive; return if it may be opened."""
    limits = limits or Limits.from_settings()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    if len(infos) > limits.parts:
        raise WorkbookRefused(
            _("The Excel workbook has more than %(max)s parts; no workbook needs that many.")
            % {"max": limits.parts}
        )
    names: set[str] = set()
    for info in infos:
        _check_entry(info, names, limits)
    if sum(info.file_size for info in infos) > limits.unpacked_bytes:
        raise _too_large_in_all(limits)
    unpacked = 0
    for info in infos:
        unpacked += _check_content(data, info, limits)
        if unpacked > limits.unpacked_bytes:
            raise _too_large_in_all(limits)


def _check_entry(info: zipfile.ZipInfo, names: set[str], limits: Limits) -> None:
    name = info.filename
    odd = (
        name in names
        or name.startswith("/")
        or "\\" in name
        or ":" in name
        or ".." in name.split("/")
        or name.lower().endswith(ARCHIVE_SUFFIXES)
        or info.flag_bits & 0x1  # encrypted
        or info.compress_type not in METHODS
    )
    if odd:
        raise _odd_entry(name)
    names.add(name)
    if info.file_size > limits.of_part(name):
        raise _too_large(name, limits.of_part(name))


def _check_content(data: bytes, info: zipfile.ZipInfo, limits: Limits) -> int:
    """The size `info`'s part really unpacks to, checked against its limits."""
    limit = limits.of_part(info.filename)
    size = 0
    crc = 0
    for index, chunk in enumerate(_unpacked(data, info)):
        if index == 0 and chunk.startswith(ARCHIVE_MAGICS):
            raise _odd_entry(info.filename)
        size += len(chunk)
        if size > limit:
            raise _too_large(info.filename, limit)
        crc = zlib.crc32(chunk, crc)
    if size != info.file_size:
        raise WorkbookRefused(
            _(
                "The part “%(part)s” of the Excel workbook is not the size the file says it is: "
                "the file is damaged or was not written by a spreadsheet program."
            )
            % {"part": info.filename}
        )
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC-32 for {info.filename}")
    if size > RATIO_FROM and size > limits.ratio * max(info.compress_size, 1):
        raise WorkbookRefused(
            _(
                "The part “%(part)s” of the Excel workbook is compressed more than %(max)s to "
                "one, which no real workbook is."
            )
            % {"part": info.filename, "max": limits.ratio}
        )
    return size


def _unpacked(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The content of `info`'s part, a chunk at a time, however large it really is."""
    offset = info.header_offset
    if offset + LOCAL_HEADER.size > len(data):
        raise zipfile.BadZipFile(f"no local header for {info.filename}")
    signature, name_length, extra_length = LOCAL_HEADER.unpack_from(data, offset)
    if signature != LOCAL_HEADER_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    start = offset + LOCAL_HEADER.size + name_length + extra_length
    packed = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for position in range(0, len(packed), CHUNK):
            yield bytes(packed[position : position + CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for position in range(0, len(packed), CHUNK):
            pending = bytes(packed[position : position + CHUNK])
            while pending:
                chunk = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                if chunk:
                    yield chunk
            if inflater.eof:
                break
        rest = inflater.flush()
    except zlib.error as exc:
        raise zipfile.BadZipFile(f"{info.filename}: {exc}") from exc
    if rest:
        yield rest
    if not inflater.eof:
        raise zipfile.BadZipFile(f"{info.filename} is cut short")


def _too_large(part: str, limit: int) -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The part “%(part)s” of the Excel workbook unpacks to more than %(max)s MB, the "
            "limit. Remove unused sheets, or save it as CSV and try again."
        )
        % {"part": part, "max": _megabytes(limit)}
    )


def _too_large_in_all(limits: Limits) -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The Excel workbook unpacks to more than %(max)s MB, the limit. Remove unused "
            "sheets, or save it as CSV and try again."
        )
        % {"max": _megabytes(limits.unpacked_bytes)}
    )


def _odd_entry(part: str) -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The Excel workbook holds “%(part)s”, which no workbook does. Save the sheet as a "
            "new workbook, or as CSV, and try again."
        )
        % {"part": part}
    )


def _megabytes(size: int) -> str:
    return f"{size / MB:g}"


# -- reading the first sheet, fast -------------------------------------------------------------
#
# openpyxl builds objects for every cell it reads (a rich-text object for each inline string);
# a quarter's figures file has millions of cells. `sheet_values` reads the first worksheet of a
# workbook (checked first with `check_workbook`) with expat as the zip streams it, giving the
# rows as openpyxl's read-only mode gives them with `values_only=True` and `data_only=True`:
# shared and inline strings as text, numbers as int or float (dates as datetimes, by their
# style), yes/no cells as bools, errors as their text, formulas as their last value, rows that
# are missing as empty ones and cells that are missing as None.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REFERENCE = re.compile(r"([A-Z]+)(\d+)")


def sheet_values(data: bytes) -> Iterator[list[Any]]:
    """The rows of the workbook's first worksheet as lists of values (see above)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet, shared_path, styles_path = _parts(archive)
        shared = _shared_strings(archive, shared_path)
        dates, epoch = _date_styles(archive, styles_path)
        plain = _plain_markup(archive, sheet)
        reader: _SheetReader | _PlainSheetReader = (
            _PlainSheetReader(shared, dates, epoch) if plain else _SheetReader(shared, dates, epoch)
        )
        with archive.open(sheet) as stream:
            while chunk := stream.read(CHUNK):
                yield from reader.feed(chunk)
        yield from reader.close()


def _xml(archive: zipfile.ZipFile, path: str) -> Any:
    """A small part's XML tree; a part declaring a document type (entities) is refused."""
    from xml.etree import ElementTree

    data = archive.read(path)
    _no_doctype(data)
    return ElementTree.fromstring(data)  # noqa: S314 (no DTD, no entities: checked above)


def _no_doctype(head: bytes) -> None:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise zipfile.BadZipFile("a part of the workbook declares a document type")


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    folder = base.rsplit("/", 1)[0]
    parts: list[str] = []
    for piece in f"{folder}/{target}".split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _parts(archive: zipfile.ZipFile) -> tuple[str, str | None, str | None]:
    """The paths of the first worksheet, the shared strings and the styles."""
    relations = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets: dict[str, tuple[str, str]] = {}
    for relation in relations.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        kind = relation.get("Type", "").rsplit("/", 1)[-1]
        path = _resolve("xl/workbook.xml", relation.get("Target", ""))
        targets[relation.get("Id", "")] = (kind, path)
    workbook = _xml(archive, "xl/workbook.xml")
    sheet = None
    for item in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        kind, path = targets.get(item.get(f"{{{_REL_NS}}}id", ""), ("", ""))
        if kind == "worksheet":
            sheet = path
            break
    if sheet is None:
        raise zipfile.BadZipFile("no worksheet")
    found = dict(targets.values())
    return sheet, found.get("sharedStrings"), found.get("styles")


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """The shared strings, each the text of its runs (phonetic hints left out)."""
    from xml.etree import ElementTree

    if path is None or path not in archive.namelist():
        return []
    strings: list[str] = []
    text_tag, item_tag = f"{{{_MAIN_NS}}}t", f"{{{_MAIN_NS}}}si"
    phonetic_tag = f"{{{_MAIN_NS}}}rPh"
    with archive.open(path) as stream:
        _no_doctype(stream.read(64 * 1024))
    with archive.open(path) as stream:
        # No DTD in its head (checked above), and none may come after the root element.
        for _event, element in ElementTree.iterparse(stream):  # noqa: S314
            if element.tag == item_tag:
                strings.append(
                    "".join(
                        text.text or ""
                        for child in element
                        if child.tag != phonetic_tag
                        for text in ([child] if child.tag == text_tag else child.iter(text_tag))
                    )
                )
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> tuple[set[int], Any]:
    """The cell styles (indexes) that show a date, and the workbook's epoch."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    workbook = _xml(archive, "xl/workbook.xml")
    properties = workbook.find(f"{{{_MAIN_NS}}}workbookPr")
    mac = properties is not None and properties.get("date1904") in ("1", "true")
    epoch = CALENDAR_MAC_1904 if mac else CALENDAR_WINDOWS_1900
    if path is None or path not in archive.namelist():
        return set(), epoch
    styles = _xml(archive, path)
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    for item in styles.iter(f"{{{_MAIN_NS}}}numFmt"):
        try:
            formats[int(item.get("numFmtId", ""))] = item.get("formatCode", "")
        except ValueError:
            continue
    dates: set[int] = set()
    cell_styles = styles.find(f"{{{_MAIN_NS}}}cellXfs")
    for index, xf in enumerate(cell_styles if cell_styles is not None else []):
        try:
            code = formats.get(int(xf.get("numFmtId", "0")), "")
        except ValueError:
            continue
        if code and is_date_format(code):
            dates.add(index)
    return dates, epoch


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


class _SheetReader:
    """An expat parser of a worksheet's XML, fed a chunk at a time, giving whole rows."""

    def __init__(self, shared: list[str], dates: set[int], epoch: Any) -> None:
        from xml.parsers import expat

        self.shared, self.dates, self.epoch = shared, dates, epoch
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse
        self.done: list[list[Any]] = []
        self.row: list[Any] = []
        self.row_number = 0  # of the last row given
        self.this_row = 0
        self.column = -1
        self.kind = "n"
        self.style = 0
        self.text: list[str] | None = None
        self.value: list[str] = []
        self.in_phonetic = False

    def _refuse(self, *args: Any) -> None:
        raise zipfile.BadZipFile("the worksheet declares a document type")

    def feed(self, chunk: bytes) -> list[list[Any]]:
        self.parser.Parse(chunk, False)
        done, self.done = self.done, []
        return done

    def close(self) -> list[list[Any]]:
        self.parser.Parse(b"", True)
        return self.done

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            reference = attributes.get("r")
            match = _CELL_REFERENCE.fullmatch(reference) if reference else None
            self.column = _column_index(match.group(1)) if match else self.column + 1
            self.kind = attributes.get("t", "n")
            self.style = int(attributes.get("s", "0") or 0)
            self.value = []
        elif tag == "v" or (tag == "t" and not self.in_phonetic and self.kind == "inlineStr"):
            self.text = self.value
        elif tag == "rPh":
            self.in_phonetic = True
        elif tag == "row":
            given = attributes.get("r")
            self.this_row = int(given) if given and given.isdigit() else self.row_number + 1
            self.row = []
            self.column = -1

    def _text(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def _end(self, name: str) -> None:
        tag = _local(name)
        if tag in ("v", "t"):
            self.text = None
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "c":
            value = self._cell("".join(self.value))
            if value is not None:
                self.row.extend([None] * (self.column - len(self.row)))
                self.row.append(value)
        elif tag == "row":
            while self.row_number + 1 < self.this_row:
                self.row_number += 1
                self.done.append([])
            self.row_number = max(self.row_number + 1, self.this_row)
            self.done.append(self.row)

    def _cell(self, text: str) -> Any:
        kind = self.kind
        if kind == "inlineStr":
            return text
        if not text:
            return None
        if kind == "s":
            return self.shared[int(text)]
        if kind in ("str", "e"):
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(text)
        number: int | float = (
            float(text) if "." in text or "E" in text or "e" in text else int(text)
        )
        if self.style in self.dates:
            from openpyxl.utils.datetime import from_excel

            return from_excel(number, self.epoch)
        return number


_UNUSUAL = (b"<!--", b"<![CDATA[", b"<?")


def _plain_markup(archive: zipfile.ZipFile, path: str) -> bool:
    """Whether the worksheet holds no comment, CDATA or processing instruction past its XML
    declaration (what spreadsheet programs write): then `_PlainSheetReader` reads it."""
    tail = b""
    with archive.open(path) as stream:
        head = stream.read(CHUNK)
        body = head[head.find(b"?>") + 2 :] if head.startswith(b"<?xml") else head
        chunk = body
        while chunk:
            window = tail + chunk
            if any(marker in window for marker in _UNUSUAL):
                return False
            tail = window[-16:]
            chunk = stream.read(CHUNK)
    return True


_ROW = re.compile(r"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")
_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTRIBUTE = re.compile(r"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_VALUE = re.compile(r"<(?:\w+:)?v(?:\s[^>]*)?>(.*?)</(?:\w+:)?v>", re.S)
_TEXT = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
_REFERENCE_ATTRIBUTE = re.compile(r"(?:^|\s)r\s*=\s*[\"']([A-Z]+)\d+[\"']")
_KIND_ATTRIBUTE = re.compile(r"(?:^|\s)t\s*=\s*[\"']([^\"']*)[\"']")
_STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)s\s*=\s*[\"'](\d+)[\"']")
_PHONETIC = re.compile(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)


def _unescaped(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class _PlainSheetReader(_SheetReader):
    """The same rows as `_SheetReader`, read with regular expressions a batch of whole rows at
    a time (several times faster); only for a sheet of plain markup (`_plain_markup`)."""

    def __init__(self, shared: list[str], dates: set[int], epoch: Any) -> None:
        super().__init__(shared, dates, epoch)
        self.pending = b""

    def feed(self, chunk: bytes) -> list[list[Any]]:
        data = self.pending + chunk
        end = None
        for end in _ROW_END.finditer(data, max(0, len(data) - 65536)):  # noqa: B007 (the last)
            pass
        if end is None:
            for end in _ROW_END.finditer(data):  # noqa: B007 (the last)
                pass
        if end is None:
            self.pending = data
            return []
        self.pending = data[end.end() :]
        return self._rows(data[: end.end()].decode("utf-8"))

    def close(self) -> list[list[Any]]:
        rows = self._rows(self.pending.decode("utf-8", errors="replace"))
        self.pending = b""
        return rows

    def _rows(self, text: str) -> list[list[Any]]:
        done: list[list[Any]] = []
        for row_match in _ROW.finditer(text):
            attributes = dict(_pairs(row_match.group(1)))
            given = attributes.get("r", "")
            this_row = int(given) if given.isdigit() else self.row_number + 1
            while self.row_number + 1 < this_row:
                self.row_number += 1
                done.append([])
            self.row_number = max(self.row_number + 1, this_row)
            done.append(self._cells(row_match.group(2) or ""))
        return done

    def _cells(self, text: str) -> list[Any]:
        row: list[Any] = []
        column = -1
        for attributes, inner in _CELL.findall(text):
            reference = _REFERENCE_ATTRIBUTE.search(attributes)
            column = _column_index(reference.group(1)) if reference else column + 1
            kind = _KIND_ATTRIBUTE.search(attributes)
            self.kind = kind.group(1) if kind else "n"
            style = _STYLE_ATTRIBUTE.search(attributes)
            self.style = int(style.group(1)) if style else 0
            if self.kind == "inlineStr":
                if "rPh" in inner:
                    inner = _PHONETIC.sub("", inner)
                content = "".join(_TEXT.findall(inner))
            else:
                found = _VALUE.search(inner)
                content = found.group(1) if found else ""
            value = self._cell(
                _unescaped(content) if "&" in content or "\r" in content else content
            )
            if value is not None:
                if len(row) < column:
                    row.extend([None] * (column - len(row)))
                row.append(value)
        return row


def _pairs(text: str) -> Iterator[tuple[str, str]]:
    for name, double, single in _ATTRIBUTE.findall(text):
        yield name.rsplit(":", 1)[-1], _unescaped(double or single)
