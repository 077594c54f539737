"""The checked catalogue: what `catalogue_check` returns and `catalogue_load` writes.

Every value in it has passed the checks, so loading needs no more of them. What the file may
leave out is `NO_TEXT` (a text empty in both languages), an empty tuple or None (the years of
experience).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from departments.catalogue_checker import Text
from kpis.catalogue import KpiSpec


class CatalogueError(Exception):
    """The catalogue file cannot be loaded; `problems` lists each problem with its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CodedText:
    code: str
    text: Text


@dataclass(frozen=True)
class DepartmentSpec:
    seq: int
    code: str
    name: Text
    head_position: Text
    source: str
    duties: tuple[Text, ...]
    kpis: tuple[KpiSpec, ...]
    education: Text
    majors: tuple[Text, ...]
    experience_years: int | None
    experience: Text
    abilities: tuple[Text, ...]


@dataclass(frozen=True)
class Catalogue:
    frequency: CodedText
    assessors: tuple[CodedText, ...]
    result_uses: tuple[Text, ...]
    competencies: tuple[CodedText, ...]
    departments: tuple[DepartmentSpec, ...]
    # By competency code, what each level 1–5 looks like (competencies the file gives them for).
    competency_levels: Mapping[str, tuple[Text, ...]] = field(default_factory=dict)
