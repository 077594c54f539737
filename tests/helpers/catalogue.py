"""The department catalogue in the tests: a small catalogue file (MINI, two departments), writing a
variant of it, and every catalogue row, to show that nothing changed. The `mini_catalogue`
fixture (tests/fixtures/catalogue.py) loads MINI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models

from departments.models import (
    Competency,
    Department,
    Duty,
    PolicyItem,
    QualificationItem,
)
from kpis.models import Kpi

CATALOGUE_MODELS: list[type[models.Model]] = [
    Department,
    Duty,
    QualificationItem,
    Kpi,
    Competency,
    PolicyItem,
]

MINI = """\
version: 1
policy:
  frequency: {code: quarterly, zh: 季度考核, en: Quarterly assessment}
  assessors:
  - {code: marketing_director, zh: 营销总监, en: Marketing Director}
  - {code: hr, zh: 人力资源部, en: Human Resources}
  result_uses:
  - {zh: 考核结果作为薪酬发放依据, en: Assessment results are the basis for pay}
  - {zh: 考核结论作为培训实施及职位晋升的参考, en: Results guide training and promotion}
competencies:
- {code: culture_loyalty, zh: 认同公司企业文化，忠诚度高, en: Embraces the company culture}
- {code: learning_teamwork, zh: 有学习意识和团队意识, en: Willing to learn and works in a team}
departments:
- seq: 1
  code: MARKET
  name: {zh: 市场部, en: Marketing Department}
  head_position: {zh: 市场部经理, en: Marketing Manager}
  source: seed
  duties:
  - {zh: 编制年度市场开发计划, en: Prepare the annual market development plan}
  - {zh: 组织市场调研工作, en: Organize market research}
  kpis:
  - code: MARKET_DEV_PLAN_RATE
    name: {zh: 市场开发计划完成率, en: Market development plan completion rate}
    direction: higher
    unit: percent
    default_target: 100
    default_weight: 60
    definition: {zh: 实际完成项目数/计划项目数×100%, en: Projects completed ÷ planned × 100%}
  - code: MARKET_RESEARCH_PLAN_RATE
    name: {zh: 市场调研计划完成率, en: Market research plan completion rate}
    direction: higher
    unit: percent
    default_target: 100
    default_weight: 40
    definition: {zh: 实际完成调研数/计划调研数×100%, en: Research completed ÷ planned × 100%}
  qualifications:
    education: {zh: 大学本科以上, en: Bachelor's degree or above}
    majors:
    - {zh: 市场营销, en: Marketing}
    - {zh: 企业管理, en: Business administration}
    experience_years: 3
    experience: {zh: 三年以上市场营销工作经验, en: 3+ years of marketing experience}
    abilities:
    - {zh: 沟通能力, en: Communication}
- seq: 2
  code: LOGISTICS
  name: {zh: 物流配送部, en: Logistics Department}
  head_position: {zh: 物流配送部经理, en: Logistics Manager}
  source: drafted
  duties:
  - {zh: 制定物流配送计划, en: Draw up the distribution plan}
  kpis:
  - code: LOGISTICS_ERROR_RATE
    name: {zh: 配送差错率, en: Delivery error rate}
    direction: lower
    unit: percent
    default_target: 0.5
    default_weight: 50
    definition: {zh: 错发订单数/订单总数×100%, en: Wrong orders ÷ orders × 100%}
  - code: LOGISTICS_COST
    name: {zh: 物流费用, en: Logistics cost}
    direction: lower
    unit: yuan
    default_target: null
    default_weight: 50
"""


def write(tmp_path: Path, text: str, name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def variant(old: str, new: str, text: str = MINI) -> str:
    """MINI with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every value of every catalogue row, to show that nothing changed."""
    return {
        model._meta.label: sorted(
            model._default_manager.values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        for model in CATALOGUE_MODELS
    }
