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

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

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
