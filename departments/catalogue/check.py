"""Checking the parsed catalogue document into a `Catalogue`, collecting every problem.

The document is a mapping with the keys `version` (the format, 1), `policy` (the assessment
`frequency` and the `assessors`, each a bilingual text with a lower-case code, and the
`result_uses`, bilingual texts), `competencies` (bilingual texts with lower-case codes) and
`departments`. A department has a `seq` (its place in the catalogue), a capital-letter `code`,
a bilingual `name` and `head_position`, a `source` (seed, seed-partial or drafted), its
`duties` (bilingual texts), its `kpis` (checked by `kpis.catalogue`) and may have
`qualifications` (`education`, `majors`, `experience_years`, `experience`, `abilities`).
Codes are used once within their list, a department's code and seq once over all
departments, a KPI code once over the whole file.

Every problem is noted with its place and all of them are raised together in one
`CatalogueError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from departments.catalogue.specs import Catalogue, CatalogueError, CodedText, DepartmentSpec
from departments.catalogue_checker import (
    LOWER_CODE,
    NO_TEXT,
    UPPER_CODE,
    Checker,
    Text,
    field_max_length,
    join,
    label,
)
from departments.catalogue_sync import MAX_POSITION
from departments.models import (
    Competency,
    CompetencyLevel,
    Department,
    Duty,
    PolicyItem,
    Provenance,
    QualificationItem,
)
from kpis.catalogue import check_kpis

FORMAT_VERSION = 1
MAX_EXPERIENCE_YEARS = 50


def _check_texts(
    checker: Checker, value: Any, place: str, model: type[models.Model], name: str
) -> tuple[Text, ...] | None:
    items = checker.sequence(value, place)
    if items is None:
        return None
    texts = [
        checker.bilingual(item, f"{place}[{index}]", model=model, name=name)[1]
        for index, item in enumerate(items)
    ]
    return tuple(t for t in texts if t is not None) if all(texts) else None


def _check_coded_list(
    checker: Checker, value: Any, place: str, model: type[models.Model]
) -> tuple[CodedText, ...] | None:
    items = checker.sequence(value, place)
    if items is None:
        return None
    seen: dict[Any, str] = {}
    result: list[CodedText] = []
    for index, item in enumerate(items):
        code_value = item.get("code") if isinstance(item, dict) else None
        item_place = label(place, index, code_value)
        code, text = checker.bilingual(
            item,
            item_place,
            model=model,
            name="text",
            code=(LOWER_CODE, field_max_length(model, "code")),
        )
        checker.unique(seen, code, join(item_place, "code"))
        if code is not None and text is not None:
            result.append(CodedText(code, text))
    return tuple(result) if len(result) == len(items) else None


LEVELS = 5


def _check_competencies(
    checker: Checker, value: Any
) -> tuple[tuple[CodedText, ...] | None, dict[str, tuple[Text, ...]]]:
    """The competencies (code, text) and, for those that give them, the texts of their levels
    1–5 (`levels`: a list of five `{zh, en}`, level 1 first)."""
    items = checker.sequence(value, "competencies")
    if items is None:
        return None, {}
    plain = [
        {key: text for key, text in item.items() if key != "levels"}
        if isinstance(item, dict)
        else item
        for item in items
    ]
    competencies = _check_coded_list(checker, plain, "competencies", Competency)
    levels: dict[str, tuple[Text, ...]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "levels" not in item:
            continue
        place = join(label("competencies", index, item.get("code")), "levels")
        given = checker.sequence(item["levels"], place)
        if given is None:
            continue
        if len(given) != LEVELS:
            checker.problem(
                place,
                _("must list exactly %(count)s levels, level 1 first") % {"count": LEVELS},
            )
            continue
        texts = [
            checker.bilingual(text, f"{place}[{level}]", model=CompetencyLevel, name="text")[1]
            for level, text in enumerate(given)
        ]
        if all(text is not None for text in texts) and isinstance(item.get("code"), str):
            levels[item["code"]] = tuple(text for text in texts if text is not None)
    return competencies, levels


def _check_policy(
    checker: Checker, value: Any
) -> tuple[CodedText | None, tuple[CodedText, ...] | None, tuple[Text, ...] | None]:
    policy = checker.mapping(value, "policy", required=("frequency", "assessors", "result_uses"))
    if policy is None:
        return None, None, None
    frequency = None
    if "frequency" in policy:
        code, text = checker.bilingual(
            policy["frequency"],
            "policy.frequency",
            model=PolicyItem,
            name="text",
            code=(LOWER_CODE, field_max_length(PolicyItem, "code")),
        )
        frequency = CodedText(code, text) if code is not None and text is not None else None
    assessors = (
        _check_coded_list(checker, policy["assessors"], "policy.assessors", PolicyItem)
        if "assessors" in policy
        else None
    )
    result_uses = (
        _check_texts(checker, policy["result_uses"], "policy.result_uses", PolicyItem, "text")
        if "result_uses" in policy
        else None
    )
    return frequency, assessors, result_uses


@dataclass
class _Qualifications:
    education: Text = NO_TEXT
    majors: tuple[Text, ...] = ()
    experience_years: int | None = None
    experience: Text = NO_TEXT
    abilities: tuple[Text, ...] = ()


def _check_qualifications(checker: Checker, value: Any, place: str) -> _Qualifications | None:
    found = checker.mapping(
        value,
        place,
        required=(),
        optional=("education", "majors", "experience_years", "experience", "abilities"),
    )
    if found is None:
        return None
    result = _Qualifications()
    ok = True
    for key in ("education", "experience"):
        if key in found:
            text = checker.bilingual(found[key], join(place, key), model=Department, name=key)[1]
            ok = ok and text is not None
            setattr(result, key, text)
    for key in ("majors", "abilities"):
        if key in found:
            texts = _check_texts(checker, found[key], join(place, key), QualificationItem, "text")
            ok = ok and texts is not None
            setattr(result, key, texts)
    years = found.get("experience_years")
    if years is not None:
        checked = checker.whole(
            years, join(place, "experience_years"), low=0, high=MAX_EXPERIENCE_YEARS
        )
        ok = ok and checked is not None
        result.experience_years = checked
    return result if ok else None


def _check_department(
    checker: Checker, value: Any, place: str, kpi_codes: dict[Any, str]
) -> DepartmentSpec | None:
    found = checker.mapping(
        value,
        place,
        required=("seq", "code", "name", "head_position", "source", "duties", "kpis"),
        optional=("qualifications",),
    )
    if found is None:
        return None
    seq = (
        checker.whole(found["seq"], join(place, "seq"), low=1, high=MAX_POSITION)
        if "seq" in found
        else None
    )
    code = (
        checker.code(
            found["code"], join(place, "code"), UPPER_CODE, field_max_length(Department, "code")
        )
        if "code" in found
        else None
    )
    name, head_position = (
        checker.bilingual(found[key], join(place, key), model=Department, name=key)[1]
        if key in found
        else None
        for key in ("name", "head_position")
    )
    source = (
        checker.choice(found["source"], join(place, "source"), list(Provenance.values))
        if "source" in found
        else None
    )
    duties = (
        _check_texts(checker, found["duties"], join(place, "duties"), Duty, "text")
        if "duties" in found
        else None
    )
    kpis = (
        check_kpis(checker, found["kpis"], join(place, "kpis"), kpi_codes)
        if "kpis" in found
        else None
    )
    qualifications: _Qualifications | None = _Qualifications()
    if "qualifications" in found:
        qualifications = _check_qualifications(
            checker, found["qualifications"], join(place, "qualifications")
        )
    if (
        seq is None
        or code is None
        or name is None
        or head_position is None
        or source is None
        or duties is None
        or kpis is None
        or qualifications is None
    ):
        return None
    return DepartmentSpec(
        seq=seq,
        code=code,
        name=name,
        head_position=head_position,
        source=source,
        duties=duties,
        kpis=kpis,
        education=qualifications.education,
        majors=qualifications.majors,
        experience_years=qualifications.experience_years,
        experience=qualifications.experience,
        abilities=qualifications.abilities,
    )


def _check_departments(checker: Checker, value: Any) -> tuple[DepartmentSpec, ...] | None:
    """The departments, each code and seq used once, and the KPI codes once over all of them."""
    items = checker.sequence(value, "departments")
    if items is None:
        return None
    if items == []:
        checker.problem("departments", _("must list at least one department"))
    departments: list[DepartmentSpec | None] = []
    codes: dict[Any, str] = {}
    seqs: dict[Any, str] = {}
    kpi_codes: dict[Any, str] = {}
    for index, item in enumerate(items):
        found = item if isinstance(item, dict) else {}
        place = label("departments", index, found.get("code"))
        if isinstance(found.get("code"), str):
            checker.unique(codes, found["code"], join(place, "code"))
        seq = found.get("seq")
        if isinstance(seq, int) and not isinstance(seq, bool):
            checker.unique(seqs, seq, join(place, "seq"))
        departments.append(_check_department(checker, item, place, kpi_codes))
    return tuple(d for d in departments if d is not None)


def catalogue_check(document: Any) -> Catalogue:
    """The catalogue in `document` (parsed YAML); raises CatalogueError listing every problem."""
    checker = Checker()
    if document is None:
        raise CatalogueError([_("the file is empty")])
    if not isinstance(document, dict):
        raise CatalogueError(
            [
                _(
                    "the file must be a mapping with the keys version, policy, competencies "
                    "and departments"
                )
            ]
        )
    root = checker.mapping(
        document, "", required=("version", "policy", "competencies", "departments")
    )
    assert root is not None
    version = root.get("version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:
        checker.problem(
            "version",
            _("must be %(version)s (the catalogue format this product reads)")
            % {"version": FORMAT_VERSION},
        )
    frequency, assessors, result_uses = (
        _check_policy(checker, root["policy"]) if "policy" in root else (None, None, None)
    )
    competencies, levels = (
        _check_competencies(checker, root["competencies"]) if "competencies" in root else (None, {})
    )
    departments = (
        _check_departments(checker, root["departments"]) if "departments" in root else None
    )
    if checker.problems:
        raise CatalogueError(checker.problems)
    assert frequency is not None and assessors is not None and result_uses is not None
    assert competencies is not None and departments is not None
    return Catalogue(
        frequency=frequency,
        assessors=assessors,
        result_uses=result_uses,
        competencies=competencies,
        departments=departments,
        competency_levels=levels,
    )
