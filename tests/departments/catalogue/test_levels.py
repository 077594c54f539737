"""HR edits what each level of a competency looks like; every change is kept."""

from __future__ import annotations

import pytest

from departments.catalogue.levels import competency_levels, competency_levels_update
from departments.models import CompetencyLevel, CompetencyLevelChange
from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from tests.helpers.examples import create_catalogue_competencies

pytestmark = pytest.mark.django_db


def texts(suffix: str = "") -> dict[int, dict[str, str]]:
    return {n: {"zh": f"第{n}级{suffix}", "en": f"Level {n}{suffix}"} for n in range(1, 6)}


def test_hr_sets_the_levels_and_each_change_is_kept(personas):
    competency = create_catalogue_competencies()[0]
    CompetencyLevel.objects.create(competency=competency, level=1, text_zh="旧", text_en="old")
    changed = competency_levels_update(
        actor=personas["hr"], competency=competency, texts=texts(), expected_version=0
    )
    assert changed == 5
    view = competency_levels(competency=competency)
    first_level = view.levels[0]
    assert (first_level.level, first_level.zh, first_level.en) == (1, "第1级", "Level 1")
    first = CompetencyLevelChange.objects.get(competency=competency, level=1)
    assert (first.text_zh_before, first.text_en_before, first.changed_by) == (
        "旧",
        "old",
        personas["hr"],
    )
    # Only what differs is written again.
    again = {**texts(), 3: {"zh": "第3级新", "en": "Level 3 new"}}
    assert (
        competency_levels_update(
            actor=personas["hr"], competency=competency, texts=again, expected_version=view.version
        )
        == 1
    )
    assert CompetencyLevelChange.objects.filter(competency=competency).count() == 6


def test_a_save_from_an_older_version_is_refused(personas):
    competency = create_catalogue_competencies()[0]
    competency_levels_update(
        actor=personas["hr"], competency=competency, texts=texts(), expected_version=0
    )
    with pytest.raises(Conflict) as refused:
        competency_levels_update(
            actor=personas["hr"], competency=competency, texts=texts("x"), expected_version=0
        )
    assert refused.value.code == "stale"
    assert CompetencyLevel.objects.get(competency=competency, level=1).text_zh == "第1级"


def test_blank_and_too_long_texts_are_named_nothing_written(personas):
    competency = create_catalogue_competencies()[0]
    bad = {**texts(), 2: {"zh": " ", "en": "ok"}, 4: {"zh": "长" * 301, "en": "ok"}}
    with pytest.raises(ValidationFailed) as failed:
        competency_levels_update(
            actor=personas["hr"], competency=competency, texts=bad, expected_version=0
        )
    assert [(e.field, e.code) for e in failed.value.errors] == [
        ("levels[2].zh", "required"),
        ("levels[4].zh", "too_long"),
    ]
    assert not CompetencyLevel.objects.filter(competency=competency).exists()


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_hr_edits(personas, persona):
    competency = create_catalogue_competencies()[0]
    with pytest.raises(NotAllowed):
        competency_levels_update(
            actor=personas[persona], competency=competency, texts=texts(), expected_version=0
        )
    assert not CompetencyLevelChange.objects.exists()
