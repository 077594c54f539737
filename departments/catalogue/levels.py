"""What each level 1–5 of a competency looks like in behaviour (`CompetencyLevel`): read for the
assessors (the rating grid, the self-assessment) and edited by HR on its page.

Every change HR makes is kept (`CompetencyLevelChange`: the texts before and after, who, when),
so what assessors were shown can be told afterwards. A catalogue load (`catalogue_load`) writes
the file's texts again: HR's edits belong in the catalogue file too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from departments.models import Competency, CompetencyLevel, CompetencyLevelChange
from hrperf.lib.errors import Conflict, ErrorList, NotAllowed
from hrperf.lib.roles import roles_of

logger = logging.getLogger(__name__)

LEVELS = (1, 2, 3, 4, 5)
LANGUAGES = ("zh", "en")
MAX_LENGTH = {"zh": 300, "en": 500}  # CompetencyLevel.text_zh, text_en
HISTORY = 50  # the changes a page shows, newest first


@dataclass(frozen=True)
class LevelTexts:
    level: int
    zh: str
    en: str


@dataclass(frozen=True)
class CompetencyLevels:
    competency: Competency
    levels: list[LevelTexts]
    history: list[CompetencyLevelChange]

    @property
    def version(self) -> int:
        """The latest change's id (0: never changed here): a form sends it back, and a save
        based on an older one is refused."""
        return self.history[0].pk if self.history else 0


def competency_get(*, code: str) -> Competency | None:
    return Competency.objects.filter(code=code).first() if len(code) <= 64 else None


def competency_levels(*, competency: Competency) -> CompetencyLevels:
    """The competency's five levels (blank where the catalogue gives none) and its latest
    changes (two queries)."""
    own = {level.level: level for level in competency.levels.all()}
    return CompetencyLevels(
        competency=competency,
        levels=[
            LevelTexts(
                level=level,
                zh=own[level].text_zh if level in own else "",
                en=own[level].text_en if level in own else "",
            )
            for level in LEVELS
        ],
        history=list(
            competency.level_changes.select_related("changed_by").order_by("-pk")[:HISTORY]
        ),
    )


def competency_levels_update(
    *,
    actor: Any,
    competency: Competency,
    texts: Mapping[int, Mapping[str, str]],
    expected_version: int,
) -> int:
    """Set the texts of the competency's levels ({level: {"zh": …, "en": …}}, all five, both
    languages, neither blank); keep each change. The number of levels changed. Only HR; a save
    based on an older version of the texts is refused (Conflict `stale`), and so is any bad
    text, each named (`levels[<n>].<zh|en>`), nothing written."""
    if not roles_of(actor).is_hr:
        raise NotAllowed(_("Only HR may do this."))
    wanted = _checked(texts)
    with transaction.atomic():
        locked = Competency.objects.select_for_update().get(pk=competency.pk)
        latest = locked.level_changes.order_by("-pk").values_list("pk", flat=True).first() or 0
        if latest != expected_version:
            raise Conflict(
                _(
                    "Someone else changed these texts after you opened them. Reload the page "
                    "to see their changes; nothing of yours was saved."
                ),
                code="stale",
            )
        own = {level.level: level for level in locked.levels.all()}
        changes = []
        for level, (zh, en) in wanted.items():
            current = own.get(level)
            before = (current.text_zh, current.text_en) if current else ("", "")
            if before == (zh, en):
                continue
            if current is None:
                CompetencyLevel.objects.create(
                    competency=locked, level=level, text_zh=zh, text_en=en
                )
            else:
                CompetencyLevel.objects.filter(
                    pk=current.pk, text_zh=before[0], text_en=before[1]
                ).update(text_zh=zh, text_en=en)
            changes.append(
                CompetencyLevelChange(
                    competency=locked,
                    level=level,
                    text_zh_before=before[0],
                    text_en_before=before[1],
                    text_zh=zh,
                    text_en=en,
                    changed_by=actor if getattr(actor, "pk", None) else None,
                )
            )
        CompetencyLevelChange.objects.bulk_create(changes)
    if changes:
        logger.info(
            "competency levels changed",
            extra={
                "competency": competency.code,
                "levels": [change.level for change in changes],
                "user": getattr(actor, "pk", None),
            },
        )
    return len(changes)


def _checked(texts: Mapping[int, Mapping[str, str]]) -> dict[int, tuple[str, str]]:
    errors = ErrorList()
    wanted: dict[int, tuple[str, str]] = {}
    for level in LEVELS:
        given = texts.get(level) or {}
        values = []
        for language in LANGUAGES:
            place = f"levels[{level}].{language}"
            text = " ".join(str(given.get(language) or "").split())
            if not text:
                errors.add(place, _("Describe this level."), "required")
            elif len(text) > MAX_LENGTH[language]:
                errors.add(
                    place,
                    _("At most %(max)s characters.") % {"max": MAX_LENGTH[language]},
                    "too_long",
                )
            values.append(text)
        wanted[level] = (values[0], values[1])
    unknown = sorted(set(texts) - set(LEVELS), key=str)
    for level in unknown:
        errors.add(f"levels[{level}]", _("A level is a whole number from 1 to 5."))
    errors.raise_if_any()
    return wanted
