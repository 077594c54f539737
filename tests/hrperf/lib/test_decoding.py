"""Which text files are read, and as what: UTF-8 (with or without a byte order mark) or
GB18030 when the text is plausibly Chinese; anything else is refused naming the accepted
encodings and the line, rather than read as mojibake."""

from __future__ import annotations

import codecs

import pytest

from hrperf.lib.decoding import TextRefused, decode_text

HEADER = "employee_no,name,department_code\r\n"


pytestmark = pytest.mark.usefixtures("in_english")


def refusal(data: bytes) -> str:
    with pytest.raises(TextRefused) as info:
        decode_text(data)
    return str(info.value)


CHINESE_ROSTER = (
    "员工编号,姓名,部门编码,岗位\r\n"
    "E10001,王堃,SALES,销售代表\r\n"
    "E10002,李喆,SALES,市场经理（华东）\r\n"
    "E10003,张昇,MARKET,“大客户”专员\r\n"
    "E10004,朱镕基,MARKET,KPI专员\r\n"
    "E10005,刘䶮,MARKET,HR经理\r\n"
    "E10006,阿卜杜·热合曼,SALES,区域经理、主管\r\n"
    "E10007,赵喆喆,SALES,\r\n"
)


@pytest.mark.parametrize(
    "text",
    [
        CHINESE_ROSTER,
        HEADER + "E10001,赵喆喆,SALES\r\n",  # more rare name characters than common ones
        HEADER + "E10001,王堃,SALES\r\nE10002,李喆,SALES\r\nE10003,张昇,MARKET\r\n",
    ],
    ids=["roster", "one rare name", "english header"],
)
def test_gb18030_chinese_is_read_with_its_rare_name_characters(text: str) -> None:
    assert decode_text(text.encode("gb18030")) == text


@pytest.mark.parametrize(
    "data",
    [
        CHINESE_ROSTER.encode("utf-8"),
        codecs.BOM_UTF8 + CHINESE_ROSTER.encode("utf-8"),
        (HEADER + "E10001,Müller Ångström,SALES\r\n").encode("utf-8-sig"),
    ],
    ids=["utf-8", "utf-8 with bom", "latin names in utf-8"],
)
def test_utf8_is_read_with_or_without_a_byte_order_mark(data: bytes) -> None:
    assert decode_text(data) == data.decode("utf-8-sig")


@pytest.mark.parametrize(
    "name",
    [
        "Müller Ångström",
        "Renée Dubois",
        "François Lefèvre",
        "Søren Kierkegaard",
        "Þór Ægisson",
        "Gößl",
        "Ñuño",
        "José García",
        "Zoë Brontë",
        "naïve café",
    ],
)
@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_latin_text_in_a_windows_encoding_is_refused_naming_its_line(
    name: str, encoding: str
) -> None:
    data = (HEADER + "E10001,Ana Li,SALES\r\n" + f"E10002,{name},SALES\r\n").encode(encoding)

    message = refusal(data)

    assert "Line 3" in message
    assert "UTF-8" in message and "GB18030" in message


def test_the_refusal_shows_the_text_as_it_would_have_been_read() -> None:
    message = refusal((HEADER + "E10001,Müller Ångström,SALES\r\n").encode("cp1252"))

    assert "M黮ler" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_refused_naming_the_accepted_encodings(encoding: str) -> None:
    message = refusal((HEADER + "E10001,周杰,SALES\r\n").encode(encoding))

    assert "UTF-16" in message or "UTF-32" in message
    assert "UTF-8" in message and "GB18030" in message


@pytest.mark.parametrize(
    "text",
    [
        "E10001,\ue000\ue001,SALES\r\n",  # user-defined area
        "E10001,〢cme,SALES\r\n",  # a symbol that Chinese text does not use
    ],
    ids=["private use", "odd symbol"],
)
def test_characters_that_chinese_text_does_not_hold_are_refused(text: str) -> None:
    assert "Line 2" in refusal((HEADER + text).encode("gb18030"))
