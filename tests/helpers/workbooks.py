"""Excel workbooks made in the tests: a real one from rows, and forged ones built from it (a
part replaced by one that unpacks to far more, a part whose size is a lie, extra entries)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook

SHARED_STRINGS = "xl/sharedStrings.xml"


def xlsx_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shared_strings(text: str) -> bytes:
    """A shared-strings part holding one string."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        f'uniqueCount="1"><si><t>{text}</t></si></sst>'
    ).encode()


def rezip(
    data: bytes,
    *,
    replace: Mapping[str, bytes] | None = None,
    add: Iterable[tuple[str, bytes]] = (),
) -> bytes:
    """`data`'s archive with some parts replaced and entries added, deflated."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = (replace or {}).get(info.filename)
            target.writestr(info.filename, source.read(info) if content is None else content)
        for name, content in add:
            target.writestr(name, content)
    return buffer.getvalue()


def with_shared_strings(data: bytes, part: bytes) -> bytes:
    """`data` (a workbook as openpyxl saves it, its text inline) with a shared-strings part,
    registered as Excel does, so that a reader loads it whole when it opens the workbook."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>',
    )
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId99" /></Relationships>',
    )
    return rezip(
        data,
        replace={
            "[Content_Types].xml": types.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
        },
        add=[(SHARED_STRINGS, part)],
    )


def bomb(rows: Iterable[Iterable[Any]], *, unpacked: int) -> bytes:
    """A small workbook whose shared strings unpack to about `unpacked` bytes: one string of the
    letter A, which deflates about a thousand to one."""
    return with_shared_strings(xlsx_bytes(rows), shared_strings("A" * unpacked))


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """`data` with the uncompressed size of `name` changed to `size` in both of the archive's
    records of it (its local header and the central directory); the content stays."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    forged = bytearray(data)
    struct.pack_into("<I", forged, info.header_offset + 22, size)
    encoded = name.encode()
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"PK\x05\x06"))
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == encoded:
            struct.pack_into("<I", forged, central + 24, size)
            return bytes(forged)
        central = data.rfind(b"PK\x01\x02", 0, central)
    raise AssertionError(f"{name} is not in the archive")
