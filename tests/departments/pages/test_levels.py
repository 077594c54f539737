"""The competencies' level texts page: everyone with a role reads, HR edits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from departments.models import CompetencyLevel, CompetencyLevelChange
from tests.helpers.examples import COMPETENCY_CODES, create_catalogue_competencies

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def levels_url(code: str = COMPETENCY_CODES[0]) -> str:
    return reverse("departments:competency_levels", args=[code])


def form(version: int = 0, changes: dict[str, str] | None = None) -> dict[str, str]:
    data = {"version": str(version)}
    for n in range(1, 6):
        data[f"zh-{n}"] = f"第{n}级"
        data[f"en-{n}"] = f"Level {n}"
    data.update(changes or {})
    return data


@pytest.mark.parametrize(
    ("persona", "status", "editable"),
    [
        ("hr", 200, True),
        ("director", 200, False),
        ("head", 200, False),
        ("employee", 200, False),
        ("other_employee", 200, False),
        ("outsider", 403, False),
    ],
)
def test_who_reads_and_who_edits(personas, client_for, persona, status, editable):
    create_catalogue_competencies()
    client = client_for(persona)
    for url in (reverse("departments:competencies"), levels_url()):
        assert client.get(url).status_code == status
    if status == 200:
        html = client.get(levels_url()).content.decode()
        assert ('data-testid="levels-form"' in html) == editable
    response = client.post(levels_url(), form())
    assert response.status_code == (302 if editable else 403)
    assert CompetencyLevel.objects.exists() == editable


def test_hr_saves_sees_the_history_and_a_stale_form_is_refused(personas, client_for):
    create_catalogue_competencies()
    client = client_for("hr")
    response = client.post(levels_url(), form(), follow=True, **EN)
    assert "Levels changed: 5." in response.content.decode()
    html = client.get(levels_url(), **EN).content.decode()
    assert 'data-testid="levels-history"' in html and "第3级" in html
    version = CompetencyLevelChange.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert f'name="version" value="{version}"' in html
    stale = client.post(levels_url(), form(0, {"zh-1": "别人"}), **EN)
    assert stale.status_code == 409
    assert "Someone else changed these texts" in stale.content.decode()
    blank = client.post(levels_url(), form(version, {"en-2": ""}), **EN)
    assert blank.status_code == 400 and "Describe this level." in blank.content.decode()
    assert CompetencyLevel.objects.get(level=1).text_zh == "第1级"


def test_an_unknown_competency_is_a_404(personas, client_for):
    assert client_for("hr").get(levels_url("nope")).status_code == 404


def test_the_grid_shows_the_edited_text(page_quarter, client_for):
    client = client_for("hr")
    client.post(levels_url(), form(0, {"zh-4": "在压力下也能表现"}))
    html = client.get(reverse("reviews:grid", args=["2026Q3"])).content.decode()
    assert "在压力下也能表现" in html
