"""Brackets and colons around text in the viewer's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from hrperf.lib.punctuation import labelled, parens


@pytest.mark.parametrize(
    ("language", "note", "label"),
    [("zh-hans", "（邮件）", "原因：迟交"), ("en", " (邮件)", "原因: 迟交")],
)
def test_chinese_takes_full_width_brackets_and_colons(language, note, label) -> None:
    with translation.override(language):
        assert parens("邮件") == note
        assert labelled("原因", "迟交") == label
        assert parens("") == "" and parens(None) == ""
