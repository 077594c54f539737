"""Telling a file's kind from its content (hrperf/lib/filetypes.py)."""

from __future__ import annotations

import pytest

from hrperf.lib import filetypes
from hrperf.lib.filetypes import FileRefused, clean_name, identify
from tests.helpers.evidence import (
    CONTENT_TYPES,
    docx_bytes,
    exe_bytes,
    html_bytes,
    jpeg_bytes,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
    xlsx_bytes,
)


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("report.pdf", pdf_bytes, filetypes.PDF),
        ("chart.PNG", png_bytes, filetypes.PNG),
        ("photo.jpg", jpeg_bytes, filetypes.JPEG),
        ("photo.jpeg", jpeg_bytes, filetypes.JPEG),
        ("figures.xlsx", xlsx_bytes, filetypes.XLSX),
        ("summary.docx", docx_bytes, filetypes.DOCX),
    ],
)
def test_it_tells_each_accepted_kind_by_its_content(name, make, kind) -> None:
    assert identify(make(), name) == kind


def test_it_tells_gif_and_webp() -> None:
    assert identify(b"GIF89a" + b"\x00" * 20, "a.gif") == filetypes.GIF
    assert identify(b"RIFF\x10\x00\x00\x00WEBPVP8 ", "a.webp") == filetypes.WEBP


def test_it_refuses_a_program_named_as_a_pdf_naming_both() -> None:
    with pytest.raises(FileRefused) as refused:
        identify(exe_bytes(), "invoice.pdf")
    message = str(refused.value)
    assert "invoice.pdf" in message
    assert "PDF" in message
    assert "Windows program" in message or "Windows 程序" in message


def test_it_refuses_a_web_page_named_as_a_png() -> None:
    with pytest.raises(FileRefused) as refused:
        identify(html_bytes(), "chart.png")
    assert "chart.png" in str(refused.value)
    assert "PNG" in str(refused.value)


def test_it_refuses_a_pdf_named_as_a_word_document_naming_both() -> None:
    with pytest.raises(FileRefused) as refused:
        identify(pdf_bytes(), "summary.docx")
    message = str(refused.value)
    assert "Word (.docx)" in message and "PDF" in message


def test_it_refuses_a_kind_not_accepted_whatever_its_name() -> None:
    with pytest.raises(FileRefused):
        identify(exe_bytes(), "setup.exe")
    with pytest.raises(FileRefused):
        identify(html_bytes(), "page.html")


def test_it_refuses_a_zip_that_is_no_office_document() -> None:
    with pytest.raises(FileRefused):
        identify(plain_zip_bytes(), "figures.xlsx")


def test_it_refuses_a_docx_whose_content_types_name_no_main_part() -> None:
    types = CONTENT_TYPES.replace("document.main+xml", "template.main+xml")
    with pytest.raises(FileRefused):
        identify(docx_bytes(types), "summary.docx")


def test_it_refuses_a_damaged_archive() -> None:
    data = docx_bytes()
    with pytest.raises(FileRefused):
        identify(data[: len(data) // 2], "summary.docx")


def test_it_refuses_a_workbook_with_macros() -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as source, zipfile.ZipFile(out, "w") as copy:
        for item in source.infolist():
            copy.writestr(item, source.read(item))
        copy.writestr("xl/vbaProject.bin", b"\x00" * 16)
    with pytest.raises(FileRefused):
        identify(out.getvalue(), "figures.xlsx")


def test_it_refuses_an_old_office_file() -> None:
    with pytest.raises(FileRefused):
        identify(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "old.xls")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\zhang\\季度总结.docx", "季度总结.docx"),
        ("../../etc/passwd.png", "passwd.png"),
        ("bad\x00name\u202e.pdf", "badname.pdf"),
        ("", "file"),
        ("...", "file"),
    ],
)
def test_it_cleans_a_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_it_keeps_the_extension_of_a_long_name() -> None:
    name = clean_name("x" * 500 + ".pdf")
    assert len(name) == filetypes.NAME_MAX
    assert name.endswith(".pdf")
