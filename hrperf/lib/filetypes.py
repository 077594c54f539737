"""What kind of file an upload really is, told from its content, never from its name or the
Content-Type a browser sent.

A PDF, PNG, JPEG, GIF or WebP file by its first bytes (its magic number); an Excel workbook
(.xlsx) or a Word document (.docx) as a zip archive, first checked like any workbook
(`hrperf.lib.workbooks`: parts, sizes, compression ratio), whose `[Content_Types].xml` names the
main part of a workbook or a document, which the archive holds. Anything else is refused,
naming what it seems to be where that is known (a program, a web page, a zip archive). A file
whose name claims one accepted kind and whose content is another is refused, naming both.
The old binary Office formats (.xls, .doc) are not accepted: their content cannot be told
apart from other compound files without reading their directory.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrperf.lib.workbooks import WorkbookRefused, check_workbook


@dataclass(frozen=True)
class Kind:
    code: str  # pdf, png, jpeg, gif, webp, xlsx, docx
    label: str  # what people call it
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("pdf", "PDF", "application/pdf", (".pdf",))
PNG = Kind("png", "PNG", "image/png", (".png",))
JPEG = Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
GIF = Kind("gif", "GIF", "image/gif", (".gif",))
WEBP = Kind("webp", "WebP", "image/webp", (".webp",))
XLSX = Kind(
    "xlsx",
    "Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
DOCX = Kind(
    "docx",
    "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
KINDS = (PDF, PNG, JPEG, GIF, WEBP, XLSX, DOCX)
BY_EXTENSION = {extension: kind for kind in KINDS for extension in kind.extensions}

MAGICS = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
ZIP_MAGIC = b"PK\x03\x04"
# The main part's content type, by the kind it makes the package.
MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
}
OVERRIDE = re.compile(rb"<Override\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(rb'\b(PartName|ContentType)\s*=\s*"([^"]*)"')
CONTENT_TYPES = "[Content_Types].xml"
MACROS = re.compile(r"(^|/)vbaProject\.bin$", re.IGNORECASE)
# What a refused content seems to be, by its first bytes: to say so.
LOOKS_LIKE = (
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a program")),
    (b"#!", gettext_lazy("a script")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old Office file (.xls or .doc)")),
    (b"PK\x03\x04", gettext_lazy("a zip archive")),
    (b"Rar!", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf", gettext_lazy("a 7-Zip archive")),
)
MARKUP = re.compile(rb"^\s*<(!doctype|html|\?xml|svg|script|head|body)", re.IGNORECASE)
NAME_MAX = 200


class FileRefused(ValueError):
    """The file is not of an accepted kind, or its name says another; the message says which."""


def accepted_labels() -> str:
    return ", ".join(kind.label for kind in KINDS)


def clean_name(name: str) -> str:
    """The file's own name as people should see it: without folders, control or format
    characters, at most NAME_MAX characters (its extension kept); "file" when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:16] if dot else ""
        keep = NAME_MAX - len(extension) - (1 if extension else 0)
        name = f"{(stem if dot else name)[:keep].rstrip()}{'.' if extension else ''}{extension}"
    return name or "file"


def extension_of(name: str) -> str:
    _stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot else ""


def detect(data: bytes) -> Kind | None:
    """The accepted kind the content is, or None. An archive is checked (WorkbookRefused,
    zipfile.BadZipFile) before its parts are read."""
    for magic, kind in MAGICS:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(ZIP_MAGIC):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> Kind | None:
    check_workbook(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if CONTENT_TYPES not in names or any(MACROS.search(name) for name in names):
            return None
        types = archive.read(CONTENT_TYPES)
    for match in OVERRIDE.finditer(types):
        attributes = dict(ATTRIBUTE.findall(match.group(0)))
        kind = MAIN_PARTS.get(attributes.get(b"ContentType", b"").decode("ascii", "replace"))
        part = attributes.get(b"PartName", b"").decode("utf-8", "replace").lstrip("/")
        if kind is not None and part in names:
            return kind
    return None


def looks_like(data: bytes) -> str:
    """What content of no accepted kind seems to be, in words."""
    for magic, words in LOOKS_LIKE:
        if data.startswith(magic):
            return str(words)
    if MARKUP.match(data[:512]):
        return _("a web page or other markup")
    return _("a file of an unknown kind")


def identify(data: bytes, name: str) -> Kind:
    """The kind of an upload named `name` with content `data`; FileRefused saying why not."""
    claimed = BY_EXTENSION.get(extension_of(name))
    try:
        kind = detect(data)
    except (WorkbookRefused, zipfile.BadZipFile) as error:
        raise FileRefused(
            _("The file “%(name)s” is a damaged or unusual archive: %(why)s")
            % {"name": name, "why": str(error)}
        ) from None
    if kind is None:
        if claimed is not None:
            raise FileRefused(
                _(
                    "The file “%(name)s” is named as %(claimed)s, but its content is "
                    "%(actual)s. Accepted: %(accepted)s."
                )
                % {
                    "name": name,
                    "claimed": claimed.label,
                    "actual": looks_like(data),
                    "accepted": accepted_labels(),
                }
            )
        raise FileRefused(
            _("The file “%(name)s” is %(actual)s, which is not accepted. Accepted: %(accepted)s.")
            % {"name": name, "actual": looks_like(data), "accepted": accepted_labels()}
        )
    if claimed != kind:
        raise FileRefused(
            _(
                "The file “%(name)s” is named as %(claimed)s, but its content is %(actual)s. "
                "Rename it to match what it is, or choose another file."
            )
            % {
                "name": name,
                "claimed": claimed.label if claimed else _("a file of another kind"),
                "actual": kind.label,
            }
        )
    return kind
