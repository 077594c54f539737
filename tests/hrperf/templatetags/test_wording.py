"""Punctuation around translated text, people by name and role, and the marks of a low grade
and a verbal warning, in templates."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "shown"),
    [("zh-hans", "已审批（40%）"), ("en", "approved (40%)")],
)
def test_a_note_in_brackets_takes_the_languages_brackets(language, shown) -> None:
    word = "已审批" if language == "zh-hans" else "approved"
    with translation.override(language):
        assert render("{{ word }}{% filter parens %}40%{% endfilter %}", word=word) == shown


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "评语：很好"), ("en", "评语: 很好")])
def test_a_label_takes_the_languages_colon(language, shown) -> None:
    with translation.override(language):
        assert render("{{ label|labelled:text }}", label="评语", text="很好") == shown


def test_the_punctuation_filters_escape_what_they_wrap() -> None:
    with translation.override("zh-hans"):
        assert render("{{ a|labelled:b }}", a="<b>", b="<i>") == "&lt;b&gt;：&lt;i&gt;"
        assert render("{{ a|parens }}", a="<b>") == "（&lt;b&gt;）"
        assert render("{{ a|parens }}", a="") == ""


def test_the_lowest_grade_is_marked_by_a_class_and_a_sign() -> None:
    with translation.override("en"):
        marked = render("{{ g|grade_mark }}", g="D")
        assert 'class="badge grade-low"' in marked and "▼ D" in marked
        assert render("{{ g|grade_mark }}", g="B") == "B"
        assert render("{{ g|grade_mark }}", g=None) == "—"


def test_a_verbal_warning_is_marked_by_a_class_and_a_sign() -> None:
    with translation.override("en"):
        marked = render("{{ w|warning_mark }}", w=True)
        assert 'class="badge warning"' in marked and "⚠ Yes" in marked
        assert render("{{ w|warning_mark }}", w=False) == "—"


@pytest.mark.django_db
def test_a_person_reads_by_name_and_role(personas) -> None:
    director = personas["director"]
    director.last_name, director.first_name = "王", "总"
    director.save()
    with translation.override("zh-hans"):
        assert render("{{ u|person }}", u=director) == "王总（营销总监）"
