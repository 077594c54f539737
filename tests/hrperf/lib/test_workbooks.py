"""An Excel workbook is checked as an archive before it is opened: too many parts, a part or
the whole unpacking past its limit (whatever sizes the archive declares), compression no real
workbook has, and entries a workbook never holds are refused, naming the limit."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from django.test import override_settings

from hrperf.lib.workbooks import WorkbookRefused, check_workbook
from tests.helpers.workbooks import (
    SHARED_STRINGS,
    bomb,
    declare_size,
    rezip,
    shared_strings,
    with_shared_strings,
    xlsx_bytes,
)

ROWS = [["employee_no", "name"], ["E10001", "周杰"], ["E10002", "Müller"]]
# As Excel saves it: its text in a shared-strings part.
WORKBOOK = with_shared_strings(xlsx_bytes(ROWS), shared_strings("周杰"))
MB = 1024 * 1024


pytestmark = pytest.mark.usefixtures("in_english")


def refusal(data: bytes) -> str:
    with pytest.raises(WorkbookRefused) as info:
        check_workbook(data)
    return str(info.value)


def test_a_workbook_as_excel_saves_it_passes() -> None:
    check_workbook(WORKBOOK)


def test_shared_strings_that_unpack_past_the_part_limit_are_refused() -> None:
    data = bomb(ROWS, unpacked=20 * MB)
    assert len(data) < 100_000

    message = refusal(data)

    assert SHARED_STRINGS in message and "8 MB" in message


def test_a_part_that_declares_a_small_size_and_unpacks_to_more_is_refused() -> None:
    data = declare_size(bomb(ROWS, unpacked=20 * MB), SHARED_STRINGS, 1000)

    message = refusal(data)

    assert SHARED_STRINGS in message and "8 MB" in message


def test_a_part_whose_declared_size_is_not_its_size_is_refused() -> None:
    data = WORKBOOK
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        size = archive.getinfo(SHARED_STRINGS).file_size

    message = refusal(declare_size(data, SHARED_STRINGS, size - 10))

    assert SHARED_STRINGS in message and "size" in message


def test_a_part_compressed_as_no_workbook_is_refused() -> None:
    message = refusal(bomb(ROWS, unpacked=3 * MB))

    assert SHARED_STRINGS in message and "200" in message


@override_settings(XLSX_MAX_UNPACKED_BYTES=2 * MB)
def test_a_workbook_that_unpacks_past_the_total_limit_is_refused() -> None:
    data = rezip(
        WORKBOOK,
        add=[(f"xl/media/part{i}.xml", bytes(range(256)) * 2048) for i in range(5)],
    )

    assert "2 MB" in refusal(data)


def test_a_workbook_of_too_many_parts_is_refused() -> None:
    data = rezip(WORKBOOK, add=[(f"xl/media/image{i}.xml", b"<x/>") for i in range(500)])

    assert "500" in refusal(data)


def _nested_zip() -> bytes:
    return rezip(WORKBOOK)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("../outside.xml", b"<x/>"),
        ("/etc/hosts.xml", b"<x/>"),
        ("xl\\worksheets\\sheet9.xml", b"<x/>"),
        ("C:/sheet.xml", b"<x/>"),
        ("xl/embeddings/book.xlsx", b"<x/>"),
        ("xl/media/image1.png", _nested_zip()),
        ("xl/media/image2.png", b"\x1f\x8b\x08\x00rest of a gzip stream"),
        ("xl/workbook.xml", b"<x/>"),  # a second entry of that name
    ],
    ids=["parent", "absolute", "backslash", "drive", "archive name", "zip", "gzip", "twice"],
)
def test_an_entry_that_no_workbook_holds_is_refused(name: str, content: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name
        data = rezip(WORKBOOK, add=[(name, content)])

    assert name in refusal(data)


def test_a_part_compressed_other_than_by_deflate_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            method = zipfile.ZIP_BZIP2 if info.filename == SHARED_STRINGS else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info), compress_type=method)

    assert SHARED_STRINGS in refusal(buffer.getvalue())


def test_a_truncated_part_is_a_broken_archive() -> None:
    data = WORKBOOK
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(SHARED_STRINGS)
    start = info.header_offset + 30 + len(SHARED_STRINGS)
    broken = bytearray(data)
    broken[start : start + 8] = b"\x00" * 8

    with pytest.raises(zipfile.BadZipFile):
        check_workbook(bytes(broken))
