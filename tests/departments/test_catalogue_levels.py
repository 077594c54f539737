"""What each level 1–5 of a competency looks like, in the catalogue file (departments/catalogue):
checked, loaded, replaced when the file changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from departments.catalogue import CatalogueError, catalogue_load
from departments.models import CompetencyLevel
from tests.helpers.catalogue import MINI, write

LEVELS = """  levels:
  - {zh: 一级, en: Level one}
  - {zh: 二级, en: Level two}
  - {zh: 三级, en: Level three}
  - {zh: 四级, en: Level four}
  - {zh: 五级, en: Level five}
"""
ZH = "认同公司企业文化，忠诚度高"
EN = "Embraces the company culture"
LINE = f"- {{code: culture_loyalty, zh: {ZH}, en: {EN}}}\n"
BLOCK = f"- code: culture_loyalty\n  zh: {ZH}\n  en: {EN}\n"


def with_levels(levels: str = LEVELS) -> str:
    assert LINE in MINI
    return MINI.replace(LINE, BLOCK + levels)


def test_the_shipped_catalogue_gives_every_competency_five_levels(db) -> None:
    catalogue_load()
    counts: dict[str, int] = {}
    for level in CompetencyLevel.objects.select_related("competency"):
        counts[level.competency.code] = counts.get(level.competency.code, 0) + 1
    assert counts == {
        "culture_loyalty": 5,
        "customer_industry_knowledge": 5,
        "internal_management": 5,
        "learning_teamwork": 5,
    }
    assert all(level.text_zh and level.text_en for level in CompetencyLevel.objects.all())


def test_it_loads_the_levels_a_file_gives(db, tmp_path: Path) -> None:
    catalogue_load(path=write(tmp_path, with_levels()))
    levels = CompetencyLevel.objects.filter(competency__code="culture_loyalty")
    assert [(level.level, level.text_zh) for level in levels] == [
        (1, "一级"),
        (2, "二级"),
        (3, "三级"),
        (4, "四级"),
        (5, "五级"),
    ]
    assert not CompetencyLevel.objects.filter(competency__code="learning_teamwork").exists()


def test_loading_them_again_changes_nothing_and_a_change_replaces_them(
    db, tmp_path: Path, django_assert_max_num_queries
) -> None:
    catalogue_load(path=write(tmp_path, with_levels()))
    ids = list(CompetencyLevel.objects.values_list("pk", flat=True))
    catalogue_load(path=write(tmp_path, with_levels()))
    assert list(CompetencyLevel.objects.values_list("pk", flat=True)) == ids
    catalogue_load(path=write(tmp_path, with_levels(LEVELS.replace("三级", "第三级"))))
    assert CompetencyLevel.objects.get(level=3).text_zh == "第三级"
    catalogue_load(path=write(tmp_path, MINI))
    assert not CompetencyLevel.objects.exists()


@pytest.mark.parametrize(
    "levels",
    [
        "  levels:\n  - {zh: 一级, en: Level one}\n",
        "  levels: some text\n",
        LEVELS.replace("{zh: 三级, en: Level three}", "{zh: 三级}"),
    ],
)
def test_it_refuses_levels_that_are_not_five_texts(db, tmp_path: Path, levels: str) -> None:
    with pytest.raises(CatalogueError) as refused:
        catalogue_load(path=write(tmp_path, with_levels(levels)))
    assert any("competencies[0] (culture_loyalty).levels" in p for p in refused.value.problems)
    assert not CompetencyLevel.objects.exists()
