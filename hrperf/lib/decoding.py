"""Reading an uploaded text file as UTF-8 or GB18030, and refusing it rather than guessing.

UTF-8 (with or without a byte order mark) is read as it is. Otherwise the file is read as
GB18030 (what Chinese Excel saves as "CSV"), but almost any bytes decode as GB18030: a
Windows Latin (cp1252) "Müller" reads as "M黮ler". So GB18030 text must look like Chinese:

* every non-ASCII character is a GB2312 one (the common hanzi, full-width punctuation, the
  symbols of GB2312's first rows), or a CJK ideograph outside it (the rare characters of real
  names: 堃, 喆, 昇, 镕, 䶮…); anything else (the user-defined areas, the symbols only GBK adds)
  is mojibake;
* a rare ideograph never touches an ASCII letter, and no non-ASCII character sits between two
  ASCII letters: mojibake of a Latin word does ("M黮ler", "G鲞l"), where a GBK double byte
  swallowed the letter after an accented one;
* rare ideographs are not more than twice as many as the common characters (a Chinese file
  is mostly common hanzi; "Ñuño" reads as two rare ones and nothing else).

Every other file (UTF-16 and UTF-32 included, which Excel writes as "Unicode text") is
refused, naming the accepted encodings and the line where the text cannot be read.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from django.utils.translation import gettext as _

WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
SNIPPET = 40  # characters of the refused line shown
BETWEEN_LETTERS = r"(?<=[A-Za-z])[^\x00-\x7f](?=[A-Za-z])"  # any non-ASCII character
RARE_PER_COMMON = 2
# GB2312's rows 1-9 (symbols) and 16-87 (hanzi) as GB18030 encodes them; rows 10-15 are
# user-defined.
GB2312_LEADS = frozenset(range(0xA1, 0xAA)) | frozenset(range(0xB0, 0xF8))
GB2312_TRAILS = range(0xA1, 0xFF)
COMMON_OUTSIDE_GB2312 = frozenset("〇")  # the zero of Chinese numbers, GBK's A996


class TextRefused(ValueError):
    """The file is not text in an accepted encoding; the message says why and where."""


def decode_text(data: bytes) -> str:
    """`data` as text, read as UTF-8 or as plausible GB18030; TextRefused otherwise."""
    wide = wide_encoding(data)
    if wide is not None:
        raise TextRefused(
            _(
                "The file is in %(encoding)s, which cannot be imported. The accepted encodings "
                "are UTF-8 (with or without BOM) and GB18030. %(advice)s"
            )
            % {"encoding": wide, "advice": _advice()}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TextRefused(
            _(
                "Line %(line)s of the file is neither UTF-8 nor GB18030 text. The accepted "
                "encodings are UTF-8 (with or without BOM) and GB18030. %(advice)s"
            )
            % {"line": data.count(b"\n", 0, exc.start) + 1, "advice": _advice()}
        ) from exc
    position = implausible_position(text)
    if position is not None:
        raise TextRefused(
            _(
                "Line %(line)s of the file is not UTF-8, and read as GB18030 it says "
                "“%(text)s”, which is not Chinese text: the file is probably in another "
                "encoding, such as Windows Latin (cp1252). The accepted encodings are UTF-8 "
                "(with or without BOM) and GB18030. %(advice)s"
            )
            % {
                "line": text.count("\n", 0, position) + 1,
                "text": _line_around(text, position),
                "advice": _advice(),
            }
        )
    return text


def _advice() -> str:
    return _("In Excel, save the file as “CSV UTF-8” and import it again.")


def wide_encoding(data: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" for text in those encodings (with a byte order mark, or UTF-16
    without one: every other byte zero, as ASCII text has), else None."""
    for bom, name in WIDE_BOMS:
        if data.startswith(bom):
            return name
    sample = data[:512]
    for zeros in (sample[1::2], sample[0::2]):
        if len(zeros) >= 2 and zeros.count(0) * 10 >= len(zeros) * 9:
            return "UTF-16"
    return None


def implausible_position(text: str) -> int | None:
    """Where GB18030-decoded `text` stops looking like Chinese, or None if it does throughout."""
    kinds: dict[str, list[str]] = {"common": [], "rare": [], "other": []}
    for char in set(text):
        if not char.isascii():
            kinds[_kind(char)].append(char)
    suspects = [BETWEEN_LETTERS]
    if kinds["other"]:
        suspects.append(_one_of(kinds["other"]))
    if kinds["rare"]:
        rare = _one_of(kinds["rare"])
        suspects.append(f"(?<=[A-Za-z]){rare}|{rare}(?=[A-Za-z])")
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        rare_count = len(re.findall(rare, text))
        if rare_count > RARE_PER_COMMON * (non_ascii - rare_count):
            suspects.append(rare)
    found = [match.start() for match in (re.search(suspect, text) for suspect in suspects) if match]
    return min(found, default=None)


def _kind(char: str) -> str:
    """ "common" (GB2312), "rare" (a CJK ideograph outside it) or "other"."""
    if char in COMMON_OUTSIDE_GB2312:
        return "common"
    encoded = char.encode("gb18030")
    if len(encoded) == 2 and encoded[0] in GB2312_LEADS and encoded[1] in GB2312_TRAILS:
        return "common"
    if unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEO")):
        return "rare"
    return "other"


def _one_of(chars: list[str]) -> str:
    return "[" + "".join(re.escape(char) for char in chars) + "]"


def _line_around(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start : len(text) if end < 0 else end].strip()
    if len(line) <= SNIPPET:
        return line
    offset = max(0, min(position - start - SNIPPET // 2, len(line) - SNIPPET))
    return "…" + line[offset : offset + SNIPPET] + "…"
