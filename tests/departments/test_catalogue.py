"""The department catalogue (departments.catalogue): the shipped file, reading, updates,
removals, reordering, bad files."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.db import models
from django.db.models import ProtectedError
from django.utils import translation

from departments.catalogue import CatalogueError, catalogue_load, catalogue_read, default_path
from departments.models import Competency, Department, Duty, Employee, PolicyItem, QualificationItem
from kpis.models import Kpi
from tests.helpers.catalogue import CATALOGUE_MODELS, MINI, snapshot, variant, write

SHIPPED = Path(settings.BASE_DIR) / "fixtures" / "catalogue.yaml"
# Words a synonym-substituting filter put in place of the proper HR terms of the source:
# none of them may appear in the product's data.
SUBSTITUTED_WORDS = ["安排完成率", "刚好", "宣扬", "满足度", "阅历", "实力", "学问"]


def edited(change: Callable[[dict[str, Any]], None]) -> str:
    """MINI after `change` edits its parsed form (texts and whole numbers only)."""
    data = yaml.safe_load(MINI)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def department(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(d for d in data["departments"] if d["code"] == code)


def counts(report: Any) -> dict[str, tuple[int, int, int, int]]:
    """The report's counts by kind, labelled in English."""
    with translation.override("en"):
        return {
            str(label): (c.created, c.updated, c.deleted, c.deactivated)
            for label, c in report.kinds()
        }


# --- The shipped catalogue -------------------------------------------------------------------


def test_the_default_path_is_the_shipped_file_inside_the_project() -> None:
    assert default_path() == SHIPPED
    assert SHIPPED.is_file()


def test_the_product_reads_nothing_outside_its_own_tree() -> None:
    outside = "/work/" + "shared"
    product = [Path(settings.BASE_DIR) / name for name in ("departments", "kpis", "fixtures")]
    offending = [
        str(path)
        for folder in product
        for path in folder.rglob("*")
        if path.suffix in {".py", ".yaml"} and outside in path.read_text(encoding="utf-8")
    ]
    assert offending == []


def test_the_shipped_file_holds_none_of_the_substituted_words() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert [word for word in SUBSTITUTED_WORDS if word in text] == []


def test_every_department_of_the_shipped_file_has_kpi_weights_adding_to_100() -> None:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    totals = {d["code"]: sum(k["default_weight"] for k in d["kpis"]) for d in data["departments"]}
    assert len(totals) == 30
    assert {code: total for code, total in totals.items() if total != 100} == {}


def test_it_loads_the_whole_shipped_catalogue(db) -> None:
    catalogue = catalogue_read(path=SHIPPED)
    report = catalogue_load()

    assert Department.objects.count() == 30
    assert list(Department.objects.values_list("seq", flat=True)) == list(range(1, 31))
    assert Kpi.objects.count() == 104
    assert Kpi.objects.filter(is_active=True).count() == 104
    assert Duty.objects.count() == sum(len(d.duties) for d in catalogue.departments)
    assert QualificationItem.objects.count() == sum(
        len(d.majors) + len(d.abilities) for d in catalogue.departments
    )
    assert Competency.objects.count() == 4
    assert PolicyItem.objects.filter(kind="frequency").get().code == "quarterly"
    assert list(PolicyItem.objects.filter(kind="assessor").values_list("code", flat=True)) == [
        "marketing_director",
        "hr",
    ]
    assert PolicyItem.objects.filter(kind="result_use").count() == 3
    by_source = {
        source: Department.objects.filter(source=source).count()
        for source in ("seed", "seed-partial", "drafted")
    }
    assert by_source == {"seed": 12, "seed-partial": 1, "drafted": 17}
    for item in Department.objects.all():
        kpis = Kpi.objects.filter(department=item)
        assert sum(k.default_weight for k in kpis) == 100, item.code

    sales = Department.objects.get(code="SALES")
    assert (sales.seq, sales.name_zh, sales.name_en) == (2, "销售部", "Sales Department")
    assert sales.experience_years == 3
    assert sales.duties.count() == 9
    assert Kpi.objects.get(code="SALES_REVENUE").default_target is None
    assert Kpi.objects.get(code="LOGISTICS_ERROR_RATE").default_target == Decimal("0.5")
    assert Kpi.objects.get(code="LOGISTICS_DAMAGE_RATE").default_target == Decimal("0.3")
    assert counts(report)["Departments"] == (30, 0, 0, 0)
    assert report.kpis.created == 104
    assert report.warnings == []


def test_the_shipped_catalogue_gives_every_kpi_its_limits(db) -> None:
    catalogue_load()
    limits = {kpi.code: (kpi.unit, kpi.minimum, kpi.maximum) for kpi in Kpi.objects.all()}
    assert {minimum for _unit, minimum, _maximum in limits.values()} == {Decimal(0)}
    # A share of a whole stops at 100 %; a completion rate may pass it; a score is out of 100.
    assert limits["KEYACCT_CHURN_RATE"] == ("percent", 0, Decimal(100))
    assert limits["CUSTSVC_COMPLAINT_TIMELINESS"] == ("percent", 0, Decimal(100))
    assert limits["SALES_PLAN_RATE"] == ("percent", 0, None)
    assert limits["PROMO_SALES_GROWTH"] == ("percent", 0, None)
    assert limits["PLANNING_COLLAB_SATISFACTION"] == ("points", 0, Decimal(100))
    assert limits["SALES_REVENUE"] == ("yuan", 0, None)
    assert limits["PLANNING_CAMPAIGN_COUNT"] == ("count", 0, None)
    assert all(maximum == 100 for unit, _, maximum in limits.values() if unit == "points")
    assert sum(1 for unit, _, maximum in limits.values() if unit == "percent" and maximum) == 42


def test_a_kpi_may_give_its_own_limits(mini_catalogue: Path, tmp_path: Path) -> None:
    text = variant(
        "    unit: percent\n    default_target: 100\n    default_weight: 60",
        "    unit: percent\n    maximum: 100\n    default_target: 100\n    default_weight: 60",
    )
    text = variant(
        "    unit: yuan\n", "    unit: yuan\n    minimum: 10\n    maximum: 5000.5\n", text
    )
    catalogue_load(path=write(tmp_path, text))
    assert Kpi.objects.values_list("code", "minimum", "maximum").get(
        code="MARKET_DEV_PLAN_RATE"
    ) == ("MARKET_DEV_PLAN_RATE", 0, Decimal(100))
    assert Kpi.objects.values_list("minimum", "maximum").get(code="LOGISTICS_COST") == (
        Decimal(10),
        Decimal("5000.5"),
    )
    assert Kpi.objects.values_list("minimum", "maximum").get(code="MARKET_RESEARCH_PLAN_RATE") == (
        0,
        None,
    )


def test_the_loaded_catalogue_holds_none_of_the_substituted_words(db) -> None:
    catalogue_load()
    found = []
    for model in CATALOGUE_MODELS:
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model._default_manager.values_list(*names):
            found += [(model.__name__, word, row) for word in SUBSTITUTED_WORDS if word in str(row)]
    assert found == []


def test_loading_the_shipped_catalogue_again_changes_nothing(
    db, django_assert_max_num_queries
) -> None:
    catalogue_load()
    before = snapshot()

    with django_assert_max_num_queries(12):
        report = catalogue_load()

    assert not report.changed
    assert set(counts(report).values()) == {(0, 0, 0, 0)}
    assert snapshot() == before  # no row changed, not even its updated_at


def test_the_first_load_takes_a_handful_of_queries(db, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(20):
        catalogue_load()


# --- Reading ---------------------------------------------------------------------------------


def test_it_reads_numbers_with_a_fraction_as_exact_decimals(tmp_path: Path) -> None:
    text = variant("default_target: 0.5", "default_target: 1234567890123.4567")
    catalogue = catalogue_read(path=write(tmp_path, text))

    target = catalogue.departments[1].kpis[0].default_target
    assert isinstance(target, Decimal)
    assert target == Decimal("1234567890123.4567")  # through a float it would not be exact


def test_it_stores_a_fractional_target_exactly(mini_catalogue: Path) -> None:
    assert Kpi.objects.get(code="LOGISTICS_ERROR_RATE").default_target == Decimal("0.5")
    assert Kpi.objects.get(code="LOGISTICS_COST").default_target is None


# --- Loading changes -------------------------------------------------------------------------


def test_it_loads_a_small_catalogue_with_everything_in_place(mini_catalogue: Path) -> None:
    market = Department.objects.get(code="MARKET")
    assert list(market.duties.values_list("order", "text_en")) == [
        (1, "Prepare the annual market development plan"),
        (2, "Organize market research"),
    ]
    assert list(market.qualification_items.values_list("kind", "order", "text_zh")) == [
        ("ability", 1, "沟通能力"),
        ("major", 1, "市场营销"),
        ("major", 2, "企业管理"),
    ]
    assert (market.education_en, market.experience_years) == ("Bachelor's degree or above", 3)
    logistics = Department.objects.get(code="LOGISTICS")
    assert (logistics.education_zh, logistics.experience_years, logistics.source) == (
        "",
        None,
        "drafted",
    )
    assert Kpi.objects.get(code="LOGISTICS_COST").definition_en == ""
    assert list(Competency.objects.values_list("order", "code")) == [
        (1, "culture_loyalty"),
        (2, "learning_teamwork"),
    ]


def test_loading_the_same_file_again_changes_nothing(mini_catalogue: Path) -> None:
    before = snapshot()

    report = catalogue_load(path=mini_catalogue)

    assert not report.changed
    assert snapshot() == before


def test_it_updates_a_changed_text_in_place(mini_catalogue: Path, tmp_path: Path) -> None:
    market_id = Department.objects.get(code="MARKET").pk
    kpi_id = Kpi.objects.get(code="MARKET_DEV_PLAN_RATE").pk
    logistics_before = Department.objects.get(code="LOGISTICS").updated_at
    text = variant("en: Marketing Department}", "en: Marketing and Brand Department}")
    text = variant("en: Market development plan completion rate}", "en: Market plan rate}", text)
    text = variant("en: Organize market research}", "en: Organize market surveys}", text)

    report = catalogue_load(path=write(tmp_path, text))

    market = Department.objects.get(code="MARKET")
    assert (market.pk, market.name_en) == (market_id, "Marketing and Brand Department")
    assert Kpi.objects.get(pk=kpi_id).name_en == "Market plan rate"
    assert market.duties.get(order=2).text_en == "Organize market surveys"
    assert (report.departments.updated, report.kpis.updated, report.duties.updated) == (1, 1, 1)
    assert (report.departments.created, report.kpis.created, report.duties.created) == (0, 0, 0)
    assert Department.objects.get(code="LOGISTICS").updated_at == logistics_before


def test_it_updates_a_changed_target_and_weight(mini_catalogue: Path, tmp_path: Path) -> None:
    text = variant("default_target: 0.5", "default_target: 0.25")
    text = variant("default_weight: 60", "default_weight: 70", text)
    text = variant("default_weight: 40", "default_weight: 30", text)

    report = catalogue_load(path=write(tmp_path, text))

    assert Kpi.objects.get(code="LOGISTICS_ERROR_RATE").default_target == Decimal("0.25")
    assert Kpi.objects.get(code="MARKET_DEV_PLAN_RATE").default_weight == 70
    assert report.kpis.updated == 3


def test_it_deletes_a_duty_removed_from_the_file(mini_catalogue: Path, tmp_path: Path) -> None:
    text = variant("  - {zh: 组织市场调研工作, en: Organize market research}\n", "")

    report = catalogue_load(path=write(tmp_path, text))

    market = Department.objects.get(code="MARKET")
    assert list(market.duties.values_list("order", "text_zh")) == [(1, "编制年度市场开发计划")]
    assert report.duties.deleted == 1


def test_it_deletes_qualification_items_and_policy_texts_removed_from_the_file(
    mini_catalogue: Path, tmp_path: Path
) -> None:
    def change(data: dict[str, Any]) -> None:
        department(data, "MARKET")["qualifications"]["majors"].pop()
        data["policy"]["result_uses"].pop()
        data["policy"]["assessors"].pop(0)

    report = catalogue_load(path=write(tmp_path, edited(change)))

    assert list(
        QualificationItem.objects.filter(kind="major").values_list("text_zh", flat=True)
    ) == ["市场营销"]
    assert list(PolicyItem.objects.filter(kind="assessor").values_list("order", "code")) == [
        (1, "hr")
    ]
    assert PolicyItem.objects.filter(kind="result_use").count() == 1
    assert report.qualification_items.deleted == 1
    assert (report.policy_items.updated, report.policy_items.deleted) == (1, 2)


def test_it_deletes_a_competency_removed_from_the_file(
    mini_catalogue: Path, tmp_path: Path
) -> None:
    report = catalogue_load(path=write(tmp_path, edited(lambda data: data["competencies"].pop(0))))

    assert list(Competency.objects.values_list("order", "code")) == [(1, "learning_teamwork")]
    assert (report.competencies.deleted, report.competencies.updated) == (1, 1)


def test_it_keeps_a_competency_removed_from_the_file_but_in_use(
    mini_catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    delete = Competency.delete

    def protected_delete(self: Competency, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.code == "culture_loyalty":
            raise ProtectedError("Cannot delete a competency that reviews use", {self})
        return delete(self, *args, **kwargs)

    monkeypatch.setattr(Competency, "delete", protected_delete)

    with translation.override("en"):
        report = catalogue_load(
            path=write(tmp_path, edited(lambda data: data["competencies"].pop(0)))
        )

    assert list(Competency.objects.values_list("code", flat=True)) == [
        "learning_teamwork",  # now first
        "culture_loyalty",  # kept, after the catalogue's
    ]
    assert report.competencies.deleted == 0
    assert report.warnings == [
        "Competency culture_loyalty is no longer in the catalogue file but reviews use it, "
        "so it was kept."
    ]


def without_market_research(data: dict[str, Any]) -> None:
    market = department(data, "MARKET")
    market["kpis"] = [k for k in market["kpis"] if k["code"] != "MARKET_RESEARCH_PLAN_RATE"]
    market["kpis"][0]["default_weight"] = 100


def test_it_deletes_a_kpi_removed_from_the_file_when_nothing_uses_it(
    mini_catalogue: Path, tmp_path: Path
) -> None:
    report = catalogue_load(path=write(tmp_path, edited(without_market_research)))

    assert not Kpi.objects.filter(code="MARKET_RESEARCH_PLAN_RATE").exists()
    assert Kpi.objects.get(code="MARKET_DEV_PLAN_RATE").default_weight == 100
    assert (report.kpis.deleted, report.kpis.deactivated, report.kpis.updated) == (1, 0, 1)


@pytest.fixture
def kpi_in_use(monkeypatch: pytest.MonkeyPatch) -> str:
    """MARKET_RESEARCH_PLAN_RATE is in use: deleting it raises ProtectedError.

    This is what Django's collector raises when a row refers to the KPI through a foreign key
    with on_delete=PROTECT (as reviews do). The catalogue tests stay independent of the review
    models by raising it here; the same code path is exercised against a real PROTECT reference
    by the department tests below (an employee protects their department).
    """
    code = "MARKET_RESEARCH_PLAN_RATE"
    delete = Kpi.delete

    def protected_delete(self: Kpi, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.code == code:
            raise ProtectedError("Cannot delete a KPI that reviews use", {self})
        return delete(self, *args, **kwargs)

    monkeypatch.setattr(Kpi, "delete", protected_delete)
    return code


def test_it_keeps_a_kpi_removed_from_the_file_but_in_use_as_inactive(
    mini_catalogue: Path, tmp_path: Path, kpi_in_use: str
) -> None:
    kpi_id = Kpi.objects.get(code=kpi_in_use).pk
    path = write(tmp_path, edited(without_market_research))

    report = catalogue_load(path=path)

    kpi = Kpi.objects.get(code=kpi_in_use)
    assert (kpi.pk, kpi.is_active) == (kpi_id, False)
    assert (report.kpis.deleted, report.kpis.deactivated) == (0, 1)
    # The rest of the load went through after the refused deletion.
    assert Kpi.objects.get(code="MARKET_DEV_PLAN_RATE").default_weight == 100

    again = catalogue_load(path=path)

    assert not again.changed


def test_a_kpi_that_reappears_in_the_file_becomes_active_again(
    mini_catalogue: Path, tmp_path: Path, kpi_in_use: str
) -> None:
    catalogue_load(path=write(tmp_path, edited(without_market_research), "without.yaml"))

    report = catalogue_load(path=mini_catalogue)

    assert Kpi.objects.get(code=kpi_in_use).is_active
    assert report.kpis.updated == 2  # back to active, and the weight of the other one


def test_it_moves_a_kpi_to_another_department(mini_catalogue: Path, tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        market, logistics = department(data, "MARKET"), department(data, "LOGISTICS")
        moved = market["kpis"].pop()
        market["kpis"][0]["default_weight"] = 100
        moved["default_weight"] = 20
        logistics["kpis"][1]["default_weight"] = 30
        logistics["kpis"].insert(0, moved)

    kpi_id = Kpi.objects.get(code="MARKET_RESEARCH_PLAN_RATE").pk

    report = catalogue_load(path=write(tmp_path, edited(change)))

    kpi = Kpi.objects.get(code="MARKET_RESEARCH_PLAN_RATE")
    assert (kpi.pk, kpi.department.code, kpi.order) == (kpi_id, "LOGISTICS", 1)
    assert list(
        Kpi.objects.filter(department__code="LOGISTICS").values_list("code", flat=True)
    ) == ["MARKET_RESEARCH_PLAN_RATE", "LOGISTICS_ERROR_RATE", "LOGISTICS_COST"]
    assert (report.kpis.created, report.kpis.deleted) == (0, 0)


def test_it_swaps_the_seq_of_two_departments(mini_catalogue: Path, tmp_path: Path) -> None:
    ids = dict(Department.objects.values_list("code", "pk"))

    def change(data: dict[str, Any]) -> None:
        department(data, "MARKET")["seq"] = 2
        department(data, "LOGISTICS")["seq"] = 1

    report = catalogue_load(path=write(tmp_path, edited(change)))

    assert list(Department.objects.values_list("seq", "code", "pk")) == [
        (1, "LOGISTICS", ids["LOGISTICS"]),
        (2, "MARKET", ids["MARKET"]),
    ]
    assert report.departments.updated == 2


def test_it_reorders_duties_competencies_and_kpis(mini_catalogue: Path, tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        market = department(data, "MARKET")
        market["duties"].reverse()
        market["kpis"].reverse()
        data["competencies"].reverse()

    report = catalogue_load(path=write(tmp_path, edited(change)))

    market = Department.objects.get(code="MARKET")
    assert list(market.duties.values_list("text_en", flat=True)) == [
        "Organize market research",
        "Prepare the annual market development plan",
    ]
    assert list(market.kpis.values_list("code", flat=True)) == [
        "MARKET_RESEARCH_PLAN_RATE",
        "MARKET_DEV_PLAN_RATE",
    ]
    assert list(Competency.objects.values_list("code", flat=True)) == [
        "learning_teamwork",
        "culture_loyalty",
    ]
    assert (report.duties.updated, report.kpis.updated, report.competencies.updated) == (2, 2, 2)
    assert Duty.objects.count() == 3


def test_it_adds_a_department_in_the_middle(mini_catalogue: Path, tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        department(data, "LOGISTICS")["seq"] = 3
        new = yaml.safe_load(yaml.safe_dump(department(data, "LOGISTICS")))
        new.update(code="SALES", seq=2, name={"zh": "销售部", "en": "Sales Department"})
        for number, kpi in enumerate(new["kpis"]):
            kpi["code"] = f"SALES_KPI_{number}"
        data["departments"].append(new)

    report = catalogue_load(path=write(tmp_path, edited(change)))

    assert list(Department.objects.values_list("code", flat=True)) == [
        "MARKET",
        "SALES",
        "LOGISTICS",
    ]
    assert (report.departments.created, report.departments.updated) == (1, 1)
    assert (report.duties.created, report.kpis.created) == (1, 2)


def test_it_deletes_a_department_removed_from_the_file_when_nothing_uses_it(
    mini_catalogue: Path, tmp_path: Path
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["departments"] = [department(data, "MARKET")]

    report = catalogue_load(path=write(tmp_path, edited(change)))

    assert list(Department.objects.values_list("code", flat=True)) == ["MARKET"]
    assert not Kpi.objects.filter(code__startswith="LOGISTICS").exists()
    assert (report.departments.deleted, report.duties.deleted, report.kpis.deleted) == (1, 1, 2)


def test_it_keeps_a_department_removed_from_the_file_that_employees_belong_to(
    mini_catalogue: Path, tmp_path: Path
) -> None:
    logistics = Department.objects.get(code="LOGISTICS")
    Employee.objects.create(employee_no="E1", name="张伟", department=logistics)

    def change(data: dict[str, Any]) -> None:
        replacement = department(data, "LOGISTICS")
        replacement.update(code="DISTRIBUTION", name={"zh": "配送部", "en": "Distribution"})
        for kpi in replacement["kpis"]:
            kpi["code"] = kpi["code"].replace("LOGISTICS", "DISTRIBUTION")

    with translation.override("en"):
        report = catalogue_load(path=write(tmp_path, edited(change)))

    kept = Department.objects.get(code="LOGISTICS")
    assert kept.pk == logistics.pk
    assert kept.seq > 2  # stepped aside for the department that now has seq 2
    assert Department.objects.get(code="DISTRIBUTION").seq == 2
    assert kept.duties.count() == 1
    assert report.departments.created == 1
    assert report.departments.deleted == 0
    assert report.kpis.deleted == 2  # its KPIs were not in use
    assert report.warnings == [
        "Department LOGISTICS is no longer in the catalogue file but employees, KPIs or "
        "reviews refer to it, so it was kept."
    ]

    again = catalogue_load(path=tmp_path / "catalogue.yaml")

    assert not again.changed
    assert Department.objects.get(code="LOGISTICS").seq == kept.seq


# --- Bad files -------------------------------------------------------------------------------

BAD_FILES = [
    pytest.param(
        ("  source: seed\n", "  source: [seed\n"),
        "line 19, column 9: YAML syntax error: expected ',' or ']'",
        id="yaml-syntax",
    ),
    pytest.param(
        ("  source: seed\n", ""), "departments[0] (MARKET).source: is required", id="missing-key"
    ),
    pytest.param(
        ("direction: lower\n    unit: yuan", "direction: down\n    unit: yuan"),
        "departments[1] (LOGISTICS).kpis[1] (LOGISTICS_COST).direction: must be one of: "
        "higher, lower",
        id="bad-direction",
    ),
    pytest.param(
        ("default_weight: 40", "default_weight: 30"),
        "departments[0] (MARKET).kpis: the KPI weights add up to 90; they must add up to 100",
        id="weights-not-100",
    ),
    pytest.param(
        ("default_weight: 40", "default_weight: 40.0"),
        "departments[0] (MARKET).kpis[1] (MARKET_RESEARCH_PLAN_RATE).default_weight: "
        "must be a whole number from 0 to 100",
        id="weight-not-whole",
    ),
    pytest.param(
        ("code: LOGISTICS\n", "code: MARKET\n"),
        "departments[1] (MARKET).code: MARKET is used more than once "
        "(first at departments[0] (MARKET).code)",
        id="duplicate-department-code",
    ),
    pytest.param(
        ("seq: 2", "seq: 1"),
        "departments[1] (LOGISTICS).seq: 1 is used more than once",
        id="duplicate-seq",
    ),
    pytest.param(
        ("code: LOGISTICS_COST", "code: MARKET_DEV_PLAN_RATE"),
        "departments[1] (LOGISTICS).kpis[1] (MARKET_DEV_PLAN_RATE).code: MARKET_DEV_PLAN_RATE "
        "is used more than once (first at departments[0] (MARKET).kpis[0] "
        "(MARKET_DEV_PLAN_RATE).code)",
        id="duplicate-kpi-code",
    ),
    pytest.param(
        ("code: learning_teamwork", "code: culture_loyalty"),
        "competencies[1] (culture_loyalty).code: culture_loyalty is used more than once",
        id="duplicate-competency-code",
    ),
    pytest.param(
        ("default_target: 0.5", "default_target: -0.5"),
        "departments[1] (LOGISTICS).kpis[0] (LOGISTICS_ERROR_RATE).default_target: "
        "must not be negative",
        id="negative-target",
    ),
    pytest.param(
        ("default_target: 0.5", "default_target: 0.12345"),
        "default_target: must have at most 4 decimal places",
        id="target-too-precise",
    ),
    pytest.param(
        ("default_target: 0.5", "default_target: '0.5'"),
        "default_target: must be empty (null) or a number",
        id="target-not-a-number",
    ),
    pytest.param(
        ("default_target: 0.5", "default_target: .nan"),
        "default_target: must be empty (null) or a number",
        id="target-not-finite",
    ),
    pytest.param(
        (
            "    default_target: 100\n    default_weight: 60",
            "    default_target: 0\n    default_weight: 60",
        ),
        "kpis[0] (MARKET_DEV_PLAN_RATE).default_target: must not be 0 for a KPI where higher is "
        "better",
        id="zero-target-higher",
    ),
    pytest.param(
        ("    default_target: 0.5\n", "    maximum: 0.4\n    default_target: 0.5\n"),
        "(LOGISTICS_ERROR_RATE).default_target: target 0.5 is above this KPI's maximum of 0.4 "
        "(a share of a whole)",
        id="target-above-maximum",
    ),
    pytest.param(
        ("    default_target: 0.5\n", "    minimum: 1\n    default_target: 0.5\n"),
        "(LOGISTICS_ERROR_RATE).default_target: target 0.5 is below this KPI's minimum of 1",
        id="target-below-minimum",
    ),
    pytest.param(
        ("    default_target: 0.5\n", "    minimum: 2\n    maximum: 1\n    default_target: 0.5\n"),
        "(LOGISTICS_ERROR_RATE).maximum: must not be less than the minimum",
        id="maximum-below-minimum",
    ),
    pytest.param(
        ("    default_target: 0.5\n", "    maximum: -1\n    default_target: 0.5\n"),
        "(LOGISTICS_ERROR_RATE).maximum: must not be negative",
        id="negative-maximum",
    ),
    pytest.param(
        ("    default_target: 0.5\n", "    maximum: '100'\n    default_target: 0.5\n"),
        "(LOGISTICS_ERROR_RATE).maximum: must be empty (null) or a number",
        id="maximum-not-a-number",
    ),
    pytest.param(
        ("    default_target: 0.5\n", "    minimum: null\n    default_target: 0.5\n"),
        "(LOGISTICS_ERROR_RATE).minimum: must be a number",
        id="minimum-null",
    ),
    pytest.param(
        ("unit: yuan", "unit: dollars"),
        "(LOGISTICS_COST).unit: must be one of: percent, yuan, count, points",
        id="bad-unit",
    ),
    pytest.param(
        ("source: drafted", "source: invented"),
        "departments[1] (LOGISTICS).source: must be one of: seed, seed-partial, drafted",
        id="bad-source",
    ),
    pytest.param(
        ("code: MARKET\n", "code: Market\n"),
        "departments[0] (Market).code: must be capital letters, digits and underscores",
        id="bad-department-code",
    ),
    pytest.param(
        ("{code: hr, zh: 人力资源部", "{code: HR, zh: 人力资源部"),
        "policy.assessors[1] (HR).code: must be lower-case letters, digits and underscores",
        id="bad-assessor-code",
    ),
    pytest.param(
        ("{code: hr, zh: 人力资源部", "{code: marketing_director, zh: 人力资源部"),
        "policy.assessors[1] (marketing_director).code: marketing_director is used more than once",
        id="duplicate-assessor-code",
    ),
    pytest.param(
        ("en: Logistics Manager}", "en: ''}"),
        "departments[1] (LOGISTICS).head_position.en: must be a non-empty text",
        id="empty-english-text",
    ),
    pytest.param(
        ("{zh: 沟通能力, en: Communication}", "{en: Communication}"),
        "departments[0] (MARKET).qualifications.abilities[0].zh: is required",
        id="missing-chinese-text",
    ),
    pytest.param(
        ("{zh: 物流配送部, en:", f"{{zh: {'物' * 101}, en:"),
        "departments[1] (LOGISTICS).name.zh: must be at most 100 characters long (it has 101)",
        id="text-too-long",
    ),
    pytest.param(
        ("experience_years: 3", "experience_years: 99"),
        "departments[0] (MARKET).qualifications.experience_years: must be a whole number "
        "from 0 to 50",
        id="bad-experience-years",
    ),
    pytest.param(
        ("  source: drafted\n", "  source: drafted\n  colour: red\n"),
        "departments[1] (LOGISTICS).colour: unknown key",
        id="unknown-key",
    ),
    pytest.param(
        ("  source: drafted\n", "  source: drafted\n  source: seed\n"),
        "YAML syntax error: duplicate key source",
        id="duplicate-yaml-key",
    ),
    pytest.param(("version: 1", "version: 2"), "version: must be 1", id="bad-version"),
    pytest.param(
        ("departments:\n", "departments: []\nold_departments:\n"),
        "departments: must list at least one department",
        id="no-departments",
    ),
    pytest.param(
        ("  duties:\n  - {zh: 制定", "  duties: none\n  x:\n  - {zh: 制定"),
        "departments[1] (LOGISTICS).duties: must be a list",
        id="wrong-structure",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAD_FILES)
def test_it_refuses_a_bad_file_naming_the_place_and_changes_nothing(
    mini_catalogue: Path, tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    before = snapshot()
    path = write(tmp_path, variant(*change), "bad.yaml")

    with translation.override("en"), pytest.raises(CatalogueError) as raised:
        catalogue_load(path=path)

    assert any(expected in problem for problem in raised.value.problems), raised.value.problems
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(None, "cannot read the file", id="missing-file"),
        pytest.param(b"", "the file is empty", id="empty-file"),
        pytest.param(b"- a\n- b\n", "the file must be a mapping", id="a-list"),
        pytest.param(b"version: 1\n\xff\xfe", "the file is not UTF-8 text", id="not-utf8"),
        pytest.param(b"version: 1\n", "policy: is required", id="almost-empty"),
    ],
)
def test_it_refuses_a_file_it_cannot_read(
    mini_catalogue: Path, tmp_path: Path, content: bytes | None, expected: str
) -> None:
    before = snapshot()
    path = tmp_path / "other.yaml"
    if content is not None:
        path.write_bytes(content)

    with translation.override("en"), pytest.raises(CatalogueError) as raised:
        catalogue_load(path=path)

    assert any(expected in problem for problem in raised.value.problems), raised.value.problems
    assert snapshot() == before


def test_it_refuses_a_directory(mini_catalogue: Path, tmp_path: Path) -> None:
    before = snapshot()

    with translation.override("en"), pytest.raises(CatalogueError) as raised:
        catalogue_load(path=tmp_path)

    assert raised.value.problems == [f"{tmp_path}: cannot read the file (Is a directory)"]
    assert snapshot() == before


def test_it_lists_every_problem_of_a_file_at_once(db, tmp_path: Path) -> None:
    text = variant("default_target: 0.5", "default_target: -1")
    text = variant("unit: yuan", "unit: dollars", text)
    text = variant("default_weight: 40", "default_weight: 30", text)
    text = variant("en: Marketing Director}", "en: ''}", text)

    with translation.override("en"), pytest.raises(CatalogueError) as raised:
        catalogue_load(path=write(tmp_path, text))

    assert len(raised.value.problems) == 4, raised.value.problems
    assert Department.objects.count() == 0


def test_the_problems_are_translated(db, tmp_path: Path) -> None:
    path = write(tmp_path, variant("  source: seed\n", ""))

    with translation.override("zh-hans"), pytest.raises(CatalogueError) as raised:
        catalogue_load(path=path)

    # The place is the file's own wording; the message is in the active language.
    with translation.override("zh-hans"):
        expected = f"departments[0] (MARKET).source: {translation.gettext('is required')}"
    assert raised.value.problems == [expected]


@pytest.mark.parametrize(
    "written", ["1_000", "0x64", "1e2", "+100", "1:40", ".inf", ".nan", "100.", "0o144"]
)
def test_it_reads_no_number_yaml_would_take_loosely(tmp_path: Path, written: str) -> None:
    text = variant("default_target: 0.5", f"default_target: {written}")
    with translation.override("en"), pytest.raises(CatalogueError) as raised:
        catalogue_read(path=write(tmp_path, text))
    assert any(
        "(LOGISTICS_ERROR_RATE).default_target: must be empty (null) or a number" in problem
        for problem in raised.value.problems
    ), raised.value.problems


@pytest.mark.parametrize("written", ["6_0", "0x3C", "+60", "60.0", "1:00"])
def test_a_weight_is_plain_digits(tmp_path: Path, written: str) -> None:
    text = variant(
        "    default_target: 100\n    default_weight: 60",
        f"    default_target: 100\n    default_weight: {written}",
    )
    with translation.override("en"), pytest.raises(CatalogueError) as raised:
        catalogue_read(path=write(tmp_path, text))
    assert any("default_weight: must be a whole number" in p for p in raised.value.problems), (
        raised.value.problems
    )
