"""Calendar days pasted or uploaded as lines: spaces, tabs or commas between the fields."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from calendars.files import read_day_file, read_day_lines
from hrperf.lib.tables import ImportRejected


def test_pasted_lines_keep_their_line_numbers() -> None:
    text = "2026-10-01 holiday 国庆节\n\n2026-09-27\tworkday\t国庆 调休\n2026-10-02,holiday\n"
    assert read_day_lines(text) == [
        {"row": 1, "day": "2026-10-01", "kind": "holiday", "name": "国庆节"},
        {"row": 3, "day": "2026-09-27", "kind": "workday", "name": "国庆 调休"},
        {"row": 4, "day": "2026-10-02", "kind": "holiday", "name": ""},
    ]


def test_a_header_line_is_skipped() -> None:
    rows = read_day_lines("date,kind,name\n2026-10-01,holiday,国庆节\n")
    assert [row["row"] for row in rows] == [2]


def test_a_line_with_one_field_leaves_the_others_blank() -> None:
    assert read_day_lines("2026-10-01") == [{"row": 1, "day": "2026-10-01", "kind": "", "name": ""}]


def test_an_uploaded_csv_file_reads_like_pasted_lines() -> None:
    upload = SimpleUploadedFile(
        "days.csv", "日期,类型,名称\r\n2026-10-01,holiday,国庆节\r\n".encode("gb18030")
    )
    assert read_day_file(upload) == [
        {"row": 2, "day": "2026-10-01", "kind": "holiday", "name": "国庆节"}
    ]


def test_a_binary_file_is_refused() -> None:
    with pytest.raises(ImportRejected):
        read_day_file(io.BytesIO(b"\x89PNG\x00\x00\x01\x02"))
