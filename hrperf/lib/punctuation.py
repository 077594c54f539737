"""Punctuation around text in the viewer's language. Chinese takes full-width brackets and
colons （）：, English half-width ones with a space after the colon. Pages, mails and printouts
that put brackets or a colon around translated text (or a name) use these rather than gluing
"(" and ":" in a template, so a Chinese page never shows half-width punctuation."""

from __future__ import annotations

from typing import Any

from hrperf.lib.bilingual import current_suffix


def chinese() -> bool:
    return current_suffix() == "zh"


def parens(text: Any) -> str:
    """A note in brackets, to put right after what it is about: " (text)" in English (with
    the space), "（text）" in Chinese; "" for empty text."""
    if text is None or text == "":
        return ""
    return f"（{text}）" if chinese() else f" ({text})"


def labelled(label: Any, text: Any) -> str:
    """label: text in English, label：text in Chinese."""
    return f"{label}：{text}" if chinese() else f"{label}: {text}"
