"""The KPIs of the department catalogue file: checking a department's `kpis` list, loading it.

Each KPI of a department has a `code` (capital letters, digits and underscores, used once in
the whole file), a bilingual `name`, a `direction` (higher or lower is better), a `unit`, a
`default_target` and a `default_weight`, and may have a bilingual `definition` and the limits
of its figures, `minimum` and `maximum` (by default those of its unit, `values.default_limits`:
0, and 100 for points; give `maximum: 100` to a percentage that is a share of a whole, which
cannot pass 100 %, and `maximum: null` for none). The default target is empty (null) or a
number of at least 0 and below 10**14 with at most 4 decimal places, within the KPI's limits
(a whole number for a count), and not 0 when higher is better. The weights are whole numbers
from 0 to 100 and a department's weights add up to 100.

Loading matches KPIs by code over the whole catalogue (so a KPI may move to another
department) and numbers them in file order within their department. A KPI no longer in the
file is deleted, or, when reviews still use it, kept and marked inactive.

`departments.catalogue` reads the file and calls `check_kpis` and `load_kpis` for its
departments; the generic checks come from `departments.catalogue_checker` and the row helpers
from `departments.catalogue_sync`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from departments.catalogue_checker import (
    NO_TEXT,
    UPPER_CODE,
    Checker,
    Text,
    field_max_length,
    join,
    label,
)
from departments.catalogue_sync import KindCounts, assign, delete_unless_used
from departments.models import Department
from kpis.models import Direction, Kpi, Unit
from kpis.values import FIGURE_LIMIT as TARGET_LIMIT
from kpis.values import MAX_DECIMAL_PLACES as TARGET_DECIMAL_PLACES
from kpis.values import MAX_WEIGHT, Limits, default_limits, limit_problem


@dataclass(frozen=True)
class KpiSpec:
    code: str
    name: Text
    direction: str
    unit: str
    default_target: Decimal | None
    default_weight: int
    definition: Text
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None


# --- Checking --------------------------------------------------------------------------------


def _check_target(
    checker: Checker, value: Any, place: str, direction: str | None
) -> tuple[bool, Decimal | None]:
    """(valid, value): empty, or a number of at least 0 with at most 4 decimal places."""
    if value is None:
        return True, None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        checker.problem(place, _("must be empty (null) or a number"))
        return False, None
    number = Decimal(value)
    if not number.is_finite():
        checker.problem(place, _("must be empty (null) or a number"))
        return False, None
    if number < 0:
        checker.problem(place, _("must not be negative"))
        return False, None
    if number >= TARGET_LIMIT:
        checker.problem(place, _("must be less than %(limit)s") % {"limit": TARGET_LIMIT})
        return False, None
    if number != number.quantize(Decimal(1).scaleb(-TARGET_DECIMAL_PLACES)):
        checker.problem(
            place,
            _("must have at most %(places)s decimal places") % {"places": TARGET_DECIMAL_PLACES},
        )
        return False, None
    if number == 0 and direction == Direction.HIGHER:
        checker.problem(place, _("must not be 0 for a KPI where higher is better"))
        return False, None
    return True, number


def _check_limits(
    checker: Checker, kpi: dict[str, Any], place: str, unit: str | None
) -> Limits | None:
    """The KPI's limits: those it gives (each empty or a number like a target), else its
    unit's; None when one is refused."""
    if unit is None:
        return None
    minimum, maximum = default_limits(unit)
    given = {"minimum": minimum, "maximum": maximum}
    ok = True
    for name in ("minimum", "maximum"):
        if name in kpi:
            valid, number = _check_target(checker, kpi[name], join(place, name), None)
            if name == "minimum" and valid and number is None:
                checker.problem(join(place, name), _("must be a number"))
                valid = False
            ok = ok and valid
            if valid:
                given[name] = number
    low, high = given["minimum"], given["maximum"]
    if ok and low is not None and high is not None and high < low:
        checker.problem(join(place, "maximum"), _("must not be less than the minimum"))
        ok = False
    if not ok or low is None:
        return None
    return Limits(unit=unit, minimum=low, maximum=high)


def _check_default_in_limits(
    checker: Checker, target: Decimal | None, place: str, limits: Limits | None
) -> bool:
    if target is None or limits is None:
        return True
    problem = limit_problem(target, "target", limits)
    if problem is not None:
        checker.problem(place, str(problem[0]))
        return False
    return True


def _check_kpi(checker: Checker, value: Any, place: str) -> KpiSpec | None:
    kpi = checker.mapping(
        value,
        place,
        required=("code", "name", "direction", "unit", "default_target", "default_weight"),
        optional=("definition", "minimum", "maximum"),
    )
    if kpi is None:
        return None
    code = (
        checker.code(kpi["code"], join(place, "code"), UPPER_CODE, field_max_length(Kpi, "code"))
        if "code" in kpi
        else None
    )
    name = (
        checker.bilingual(kpi["name"], join(place, "name"), model=Kpi, name="name")[1]
        if "name" in kpi
        else None
    )
    direction = (
        checker.choice(kpi["direction"], join(place, "direction"), list(Direction.values))
        if "direction" in kpi
        else None
    )
    unit = (
        checker.choice(kpi["unit"], join(place, "unit"), list(Unit.values))
        if "unit" in kpi
        else None
    )
    target_ok, target = (
        _check_target(checker, kpi["default_target"], join(place, "default_target"), direction)
        if "default_target" in kpi
        else (False, None)
    )
    limits = _check_limits(checker, kpi, place, unit)
    if target_ok:
        target_ok = _check_default_in_limits(checker, target, join(place, "default_target"), limits)
    weight = (
        checker.whole(kpi["default_weight"], join(place, "default_weight"), low=0, high=MAX_WEIGHT)
        if "default_weight" in kpi
        else None
    )
    definition: Text | None = NO_TEXT
    if "definition" in kpi:
        definition = checker.bilingual(
            kpi["definition"], join(place, "definition"), model=Kpi, name="definition"
        )[1]
    if (
        code is None
        or name is None
        or direction is None
        or unit is None
        or not target_ok
        or weight is None
        or definition is None
        or limits is None
    ):
        return None
    return KpiSpec(
        code, name, direction, unit, target, weight, definition, limits.minimum, limits.maximum
    )


def check_kpis(
    checker: Checker, value: Any, place: str, codes: dict[Any, str]
) -> tuple[KpiSpec, ...] | None:
    """The KPIs of one department, listed at `place`; None when any of them has a problem.

    `codes` notes the place of every KPI code seen so far in the file, so that a code is used
    only once over all departments.
    """
    items = checker.sequence(value, place)
    if items is None:
        return None
    checked: list[KpiSpec | None] = []
    for index, item in enumerate(items):
        code = item.get("code") if isinstance(item, dict) else None
        item_place = label(place, index, code)
        spec = _check_kpi(checker, item, item_place)
        if isinstance(code, str):
            checker.unique(codes, code, join(item_place, "code"))
        checked.append(spec)
    # The weights are added up whenever each of them is valid, even if other fields are not.
    weights = [item.get("default_weight") if isinstance(item, dict) else None for item in items]
    whole = [w for w in weights if type(w) is int and 0 <= w <= MAX_WEIGHT]
    total_ok = True
    if len(whole) == len(weights):
        total = sum(whole)
        if total != MAX_WEIGHT:
            total_ok = False
            checker.problem(
                place,
                _("the KPI weights add up to %(total)s; they must add up to 100")
                % {"total": total},
            )
    if total_ok and all(checked):
        return tuple(spec for spec in checked if spec is not None)
    return None


# --- Loading ---------------------------------------------------------------------------------


def _kpi_values(spec: KpiSpec, department: Department, order: int) -> dict[str, Any]:
    return {
        "department_id": department.pk,
        "order": order,
        "name_zh": spec.name.zh,
        "name_en": spec.name.en,
        "direction": spec.direction,
        "unit": spec.unit,
        "default_target": spec.default_target,
        "default_weight": spec.default_weight,
        "definition_zh": spec.definition.zh,
        "definition_en": spec.definition.en,
        "minimum": spec.minimum,
        "maximum": spec.maximum,
        "is_active": True,
    }


def load_kpis(
    departments: Iterable[tuple[Department, Sequence[KpiSpec]]], counts: KindCounts
) -> None:
    """Make the KPI rows match the KPIs of `departments` (each saved one with its KPIs).

    KPIs no longer listed are deleted, or marked inactive when something still uses them.
    """
    existing = {k.code: k for k in Kpi.objects.all()}
    new: list[Kpi] = []
    wanted: set[str] = set()
    for department, specs in departments:
        for order, spec in enumerate(specs, start=1):
            values = _kpi_values(spec, department, order)
            wanted.add(spec.code)
            kpi = existing.get(spec.code)
            if kpi is None:
                new.append(Kpi(code=spec.code, **values))
            elif assign(kpi, values):
                kpi.save()
                counts.updated += 1
    if new:
        Kpi.objects.bulk_create(new)
        counts.created += len(new)
    for code, kpi in existing.items():
        if code in wanted:
            continue
        if delete_unless_used(kpi) is not None:
            counts.deleted += 1
        elif kpi.is_active:
            kpi.is_active = False
            kpi.save()
            counts.deactivated += 1
