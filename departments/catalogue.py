"""The department catalogue: read a YAML file, check all of it, then load it into the database.

The file (see `fixtures/catalogue.yaml`) holds the assessment policy, the competencies common to
every department and the departments with their duties, KPIs and the qualifications of their
head. Every text is bilingual (`{zh: …, en: …}`).

`catalogue_read` parses and checks the whole document first and raises one `CatalogueError`
listing every problem with its place (list indices count from 0), for example
`departments[1] (SALES).kpis[0] (SALES_PLAN_RATE).default_weight: must be a whole number from
0 to 100`. Numbers with a fraction are read as exact `Decimal`s from their text.

`catalogue_load` writes a checked catalogue in one transaction, matching rows by code
(departments, KPIs, competencies) or by position (duties and qualification items within their
department, policy texts within their kind). Only rows whose values differ are saved, so a
second load of the same file changes nothing. Rows no longer in the file are deleted; one that
is still in use (a KPI, department or competency that reviews or employees refer to) is kept,
and a KPI kept that way is marked inactive.

The KPIs of a department are checked and loaded by `kpis.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import connection, models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

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
from departments.catalogue_sync import (
    MAX_POSITION,
    KindCounts,
    delete_unless_used,
    sync_keyed,
    sync_ranked,
)
from departments.models import (
    Competency,
    Department,
    Duty,
    PolicyItem,
    Provenance,
    QualificationItem,
)
from kpis.catalogue import KpiSpec, check_kpis, load_kpis
from kpis.models import Kpi

FORMAT_VERSION = 1
MAX_EXPERIENCE_YEARS = 50
# Serialises concurrent loads on PostgreSQL (any constant shared by all loaders will do).
ADVISORY_LOCK_KEY = 7_245_001


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "catalogue.yaml"


class CatalogueError(Exception):
    """The catalogue file cannot be loaded; `problems` lists each problem with its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- The checked catalogue -------------------------------------------------------------------


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


# --- Parsing ---------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """A safe loader that reads numbers with a fraction as exact Decimals and refuses a key
    given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        _("duplicate key %(key)s") % {"key": key_node.value},
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    assert isinstance(node, yaml.ScalarNode)
    text = str(loader.construct_scalar(node)).replace("_", "").lower()
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    if text == ".inf":
        return sign * Decimal("Infinity")
    if text == ".nan":
        return Decimal("NaN")
    value = Decimal(0)
    try:
        for part in text.split(":"):  # YAML 1.1 also writes base-60 numbers, such as 1:30.5
            value = value * 60 + Decimal(part)
    except InvalidOperation:  # such as "._", which YAML 1.1 reads as a float
        return Decimal("NaN")  # refused by the checks like any value that is not a number
    return sign * value


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _parse(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or str(error)
        if mark is None:
            raise CatalogueError(
                [_("YAML syntax error: %(problem)s") % {"problem": problem}]
            ) from None
        raise CatalogueError(
            [
                _("line %(line)s, column %(column)s: YAML syntax error: %(problem)s")
                % {"line": mark.line + 1, "column": mark.column + 1, "problem": problem}
            ]
        ) from None
    except yaml.YAMLError as error:
        raise CatalogueError([_("YAML syntax error: %(problem)s") % {"problem": error}]) from None


# --- Checking --------------------------------------------------------------------------------


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
    name = head_position = None
    if "name" in found:
        name = checker.bilingual(
            found["name"],
            join(place, "name"),
            model=Department,
            name="name",
        )[1]
    if "head_position" in found:
        head_position = checker.bilingual(
            found["head_position"],
            join(place, "head_position"),
            model=Department,
            name="head_position",
        )[1]
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
    competencies = (
        _check_coded_list(checker, root["competencies"], "competencies", Competency)
        if "competencies" in root
        else None
    )
    departments: list[DepartmentSpec | None] = []
    items = checker.sequence(root["departments"], "departments") if "departments" in root else None
    if items == []:
        checker.problem("departments", _("must list at least one department"))
    codes: dict[Any, str] = {}
    seqs: dict[Any, str] = {}
    kpi_codes: dict[Any, str] = {}
    for index, item in enumerate(items or []):
        found = item if isinstance(item, dict) else {}
        place = label("departments", index, found.get("code"))
        if isinstance(found.get("code"), str):
            checker.unique(codes, found["code"], join(place, "code"))
        seq = found.get("seq")
        if isinstance(seq, int) and not isinstance(seq, bool):
            checker.unique(seqs, seq, join(place, "seq"))
        departments.append(_check_department(checker, item, place, kpi_codes))
    if checker.problems:
        raise CatalogueError(checker.problems)
    assert frequency is not None and assessors is not None and result_uses is not None
    assert competencies is not None and items is not None
    return Catalogue(
        frequency=frequency,
        assessors=assessors,
        result_uses=result_uses,
        competencies=competencies,
        departments=tuple(d for d in departments if d is not None),
    )


def catalogue_read(*, path: Path) -> Catalogue:
    """The checked catalogue of the YAML file at `path`; raises CatalogueError."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CatalogueError(
            [
                _("%(path)s: cannot read the file (%(reason)s)")
                % {"path": path, "reason": error.strerror or error}
            ]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogueError(
            [
                _("%(path)s: the file is not UTF-8 text (byte %(position)s)")
                % {"path": path, "position": error.start}
            ]
        ) from None
    return catalogue_check(_parse(text))


# --- Loading ---------------------------------------------------------------------------------


@dataclass
class LoadReport:
    path: Path
    departments: KindCounts = field(default_factory=KindCounts)
    duties: KindCounts = field(default_factory=KindCounts)
    qualification_items: KindCounts = field(default_factory=KindCounts)
    kpis: KindCounts = field(default_factory=KindCounts)
    competencies: KindCounts = field(default_factory=KindCounts)
    policy_items: KindCounts = field(default_factory=KindCounts)
    warnings: list[str] = field(default_factory=list)

    def kinds(self) -> list[tuple[str, KindCounts]]:
        """(label in the active language, counts) for each kind of row, in catalogue order."""
        pairs: list[tuple[type[models.Model], KindCounts]] = [
            (Department, self.departments),
            (Duty, self.duties),
            (QualificationItem, self.qualification_items),
            (Kpi, self.kpis),
            (Competency, self.competencies),
            (PolicyItem, self.policy_items),
        ]
        return [(capfirst(str(model._meta.verbose_name_plural)), c) for model, c in pairs]

    @property
    def changed(self) -> bool:
        return any(counts.changed for _label, counts in self.kinds())


def _load_policy(catalogue: Catalogue, report: LoadReport) -> None:
    wanted: dict[tuple[str, int], dict[str, Any]] = {
        (PolicyItem.Kind.FREQUENCY, 1): {
            "code": catalogue.frequency.code,
            "text_zh": catalogue.frequency.text.zh,
            "text_en": catalogue.frequency.text.en,
        }
    }
    for order, assessor in enumerate(catalogue.assessors, start=1):
        wanted[(PolicyItem.Kind.ASSESSOR, order)] = {
            "code": assessor.code,
            "text_zh": assessor.text.zh,
            "text_en": assessor.text.en,
        }
    for order, text in enumerate(catalogue.result_uses, start=1):
        wanted[(PolicyItem.Kind.RESULT_USE, order)] = {
            "code": "",
            "text_zh": text.zh,
            "text_en": text.en,
        }
    sync_keyed(
        model=PolicyItem,
        existing={(str(p.kind), p.order): p for p in PolicyItem.objects.all()},
        wanted={(str(kind), order): values for (kind, order), values in wanted.items()},
        build=lambda key, values: PolicyItem(kind=key[0], order=key[1], **values),
        counts=report.policy_items,
    )


def _load_competencies(catalogue: Catalogue, report: LoadReport) -> None:
    wanted = {
        item.code: {"order": order, "text_zh": item.text.zh, "text_en": item.text.en}
        for order, item in enumerate(catalogue.competencies, start=1)
    }
    existing = {c.code: c for c in Competency.objects.all()}
    for code, competency in list(existing.items()):
        if code in wanted:
            continue
        if delete_unless_used(competency) is None:
            report.warnings.append(
                _(
                    "Competency %(code)s is no longer in the catalogue file but reviews use it, "
                    "so it was kept."
                )
                % {"code": code}
            )
        else:
            report.competencies.deleted += 1
            del existing[code]
    sync_ranked(
        model=Competency,
        existing=existing,
        wanted=wanted,
        position="order",
        build=lambda code, values: Competency(code=code, **values),
        counts=report.competencies,
    )


def _department_values(spec: DepartmentSpec) -> dict[str, Any]:
    return {
        "seq": spec.seq,
        "name_zh": spec.name.zh,
        "name_en": spec.name.en,
        "head_position_zh": spec.head_position.zh,
        "head_position_en": spec.head_position.en,
        "source": spec.source,
        "education_zh": spec.education.zh,
        "education_en": spec.education.en,
        "experience_years": spec.experience_years,
        "experience_zh": spec.experience.zh,
        "experience_en": spec.experience.en,
    }


def _load_departments(catalogue: Catalogue, report: LoadReport) -> None:
    existing = {d.code: d for d in Department.objects.all()}
    departments = sync_ranked(
        model=Department,
        existing=existing,
        wanted={spec.code: _department_values(spec) for spec in catalogue.departments},
        position="seq",
        build=lambda code, values: Department(code=code, **values),
        counts=report.departments,
    )
    in_file = {departments[spec.code].pk for spec in catalogue.departments}

    duties: dict[tuple[int, int], dict[str, Any]] = {}
    items: dict[tuple[int, str, int], dict[str, Any]] = {}
    for spec in catalogue.departments:
        pk = departments[spec.code].pk
        for order, text in enumerate(spec.duties, start=1):
            duties[(pk, order)] = {"text_zh": text.zh, "text_en": text.en}
        for kind, texts in (
            (QualificationItem.Kind.MAJOR, spec.majors),
            (QualificationItem.Kind.ABILITY, spec.abilities),
        ):
            for order, text in enumerate(texts, start=1):
                items[(pk, str(kind), order)] = {"text_zh": text.zh, "text_en": text.en}
    sync_keyed(
        model=Duty,
        existing={
            (d.department_id, d.order): d for d in Duty.objects.filter(department_id__in=in_file)
        },
        wanted=duties,
        build=lambda key, values: Duty(department_id=key[0], order=key[1], **values),
        counts=report.duties,
    )
    sync_keyed(
        model=QualificationItem,
        existing={
            (q.department_id, str(q.kind), q.order): q
            for q in QualificationItem.objects.filter(department_id__in=in_file)
        },
        wanted=items,
        build=lambda key, values: QualificationItem(
            department_id=key[0], kind=key[1], order=key[2], **values
        ),
        counts=report.qualification_items,
    )

    load_kpis(((departments[spec.code], spec.kpis) for spec in catalogue.departments), report.kpis)

    for code, department in existing.items():
        if code in departments:
            continue
        deleted = delete_unless_used(department)
        if deleted is None:
            report.warnings.append(
                _(
                    "Department %(code)s is no longer in the catalogue file but employees, KPIs "
                    "or reviews refer to it, so it was kept."
                )
                % {"code": code}
            )
            continue
        report.departments.deleted += 1
        report.duties.deleted += deleted.get(Duty._meta.label, 0)
        report.qualification_items.deleted += deleted.get(QualificationItem._meta.label, 0)


def catalogue_load(*, path: Path | None = None) -> LoadReport:
    """Load the catalogue file at `path` (default: the shipped one) into the database.

    The whole file is checked before anything is written; a bad file raises CatalogueError.
    """
    path = default_path() if path is None else Path(path)
    catalogue = catalogue_read(path=path)
    report = LoadReport(path=path)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        _load_policy(catalogue, report)
        _load_competencies(catalogue, report)
        _load_departments(catalogue, report)
    return report
