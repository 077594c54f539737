"""The forms of conversations and plans. They read types only (dates, texts); whether the
values make a valid record is the services' to say. Rows (agreed actions, goals) are a fixed
number of optional lines; a line left empty is not sent."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import ValidationFailed
from improvement.models import Plan
from improvement.services import ActionInput, GoalInput

ROWS = 5
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d"]
# A service's field name with a row ("actions[2].owner", "participants[0]") as the form's
# ("owner-2", "participants").
ROW_FIELD = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+))?$")


def _date(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )


def _text(label: Any, rows: int = 0, max_length: int = 5000) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)


class RowsForm(forms.Form):
    """A form with ROWS lines of the fields `row_fields` (named `<field>-<n>`)."""

    row_fields: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(ROWS):
            for name, make in self.row_fields.items():
                self.fields[f"{name}-{index}"] = make()

    def rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"{name}-{index}"] for name in self.row_fields] for index in range(ROWS)]

    def filled_rows(self) -> list[dict[str, Any]]:
        rows = []
        for index in range(ROWS):
            row = {name: self.cleaned_data.get(f"{name}-{index}") for name in self.row_fields}
            if any(value not in (None, "") for value in row.values()):
                rows.append(row)
        return rows

    def add_service_errors(self, error: ValidationFailed, rows: list[int]) -> None:
        """Put each error of the service on the field it names (a row's field by the line it
        was typed on: `rows` maps the service's row to the form's line)."""
        for item in error.errors:
            name = item.field
            match = ROW_FIELD.match(name)
            if match:
                base, index, part = match.group(1), int(match.group(2)), match.group(3)
                if part is None:
                    name = base
                elif index < len(rows):
                    name = f"{part}-{rows[index]}"
            if name not in self.fields:
                name = None  # type: ignore[assignment]
            self.add_error(name, str(item.message))

    def filled_lines(self) -> list[int]:
        """The form's line of each row sent."""
        lines = []
        for index in range(ROWS):
            values = [self.cleaned_data.get(f"{name}-{index}") for name in self.row_fields]
            if any(value not in (None, "") for value in values):
                lines.append(index)
        return lines


class ConversationForm(RowsForm):
    held_on = _date(_("Held on"))
    participants = _text(_("Participants (one a line)"), rows=3)
    summary = _text(_("Summary"), rows=6)
    row_fields = {
        "action": lambda: _text(_("Action agreed")),
        "owner": lambda: _text(_("Owner"), max_length=100),
        "due_on": lambda: _date(_("Due on")),
    }

    def inputs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data.get("held_on"),
            "participants": [
                line.strip()
                for line in (data.get("participants") or "").splitlines()
                if line.strip()
            ],
            "summary": data.get("summary") or "",
            "actions": [
                ActionInput(action=row["action"], owner=row["owner"], due_on=row["due_on"])
                for row in self.filled_rows()
            ],
        }


class AcknowledgeForm(forms.Form):
    comment = _text(_("Your comment (optional)"), rows=3)


class PlanForm(RowsForm):
    starts_on = _date(_("Starts on"))
    ends_on = _date(_("Ends on"))
    row_fields = {
        "description": lambda: _text(_("Goal")),
        "target_text": lambda: _text(_("Target (as text)"), max_length=200),
        "target_value": lambda: _text(_("Target figure"), max_length=40),
        "target_unit": lambda: _text(_("Unit"), max_length=20),
        "due_on": lambda: _date(_("Due on")),
    }

    def inputs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_on": data.get("starts_on"),
            "ends_on": data.get("ends_on"),
            "goals": [
                GoalInput(
                    description=row["description"],
                    due_on=row["due_on"],
                    target_text=row["target_text"],
                    target_value=row["target_value"],
                    target_unit=row["target_unit"],
                )
                for row in self.filled_rows()
            ],
        }


class CheckInForm(forms.Form):
    held_on = _date(_("Date of the check-in"))
    overall = _text(_("Overall progress"), rows=2)
    note = _text(_("Note"), rows=2)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(plan.goals.all())
        for goal in self.goals:
            self.fields[f"progress-{goal.pk}"] = _text(
                _("Progress: %(goal)s") % {"goal": goal.description[:60]}
            )

    def progress_fields(self) -> list[forms.BoundField]:
        return [self[f"progress-{goal.pk}"] for goal in self.goals]

    def inputs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data.get("held_on"),
            "overall": data.get("overall") or "",
            "note": data.get("note") or "",
            "progress": {
                goal.pk: data.get(f"progress-{goal.pk}") or ""
                for goal in self.goals
                if data.get(f"progress-{goal.pk}")
            },
        }

    def add_service_errors(self, error: ValidationFailed) -> None:
        for item in error.errors:
            match = ROW_FIELD.match(item.field)
            name = f"progress-{match.group(2)}" if match else item.field
            self.add_error(name if name in self.fields else None, str(item.message))


class JudgeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Plan.Outcome.choices)
    ends_on = _date(_("New end date (when extended)"))
    reason = _text(_("Reason"), rows=3)

    def add_service_errors(self, error: ValidationFailed) -> None:
        for item in error.errors:
            self.add_error(item.field if item.field in self.fields else None, str(item.message))
