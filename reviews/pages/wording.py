"""A review in words, in the viewer's language: what it still lacks, its calculation step by
step, and its history. The scoring rules and the audit trail record codes and parameters
(`reviews.scoring.Step`, `reviews.events`); this is where they become sentences."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from calendars.selectors import field_label
from hrperf.lib import people
from hrperf.lib.bilingual import localized
from hrperf.lib.numbers import amount_text, score
from hrperf.lib.punctuation import labelled
from reviews import events, scoring
from reviews.models import AssessorRole, AuditEvent, Review
from reviews.selectors import ReviewDetail
from reviews.services.inputs import REASON_CODES

RULE_TEXT = {
    "higher": gettext_lazy("achievement = actual ÷ target (higher is better)"),
    "lower": gettext_lazy("achievement = target ÷ actual (lower is better)"),
    "lower_zero_actual": gettext_lazy("actual is 0 on a lower-is-better KPI: achievement = cap"),
    "weighted_mean": gettext_lazy("weighted mean"),
    "mean_times_20": gettext_lazy("mean of the ratings × 20"),
    "shares": gettext_lazy("KPI score and competency score by their shares"),
    "band": gettext_lazy("grade by the policy's bands, with its pay coefficient"),
}
KIND_TEXT = {
    scoring.StepKind.LINE: gettext_lazy("KPI line"),
    scoring.StepKind.KPI: gettext_lazy("KPI score (K)"),
    scoring.StepKind.ASSESSOR: gettext_lazy("Assessor's competency score"),
    scoring.StepKind.COMPETENCY: gettext_lazy("Competency score (C)"),
    scoring.StepKind.TOTAL: gettext_lazy("Total (T)"),
    scoring.StepKind.GRADE: gettext_lazy("Grade"),
    scoring.StepKind.WARNING: gettext_lazy("Verbal warning"),
    scoring.StepKind.BASIS: gettext_lazy("Grade basis"),
}
FIGURE_TEXT = {
    "target": gettext_lazy("Target of %(kpi)s"),
    "actual": gettext_lazy("Actual figure of %(kpi)s"),
    "weight": gettext_lazy("Weight of %(kpi)s"),
}
# Why the system itself moved a review, as the history says it.
CAUSE_TEXT = {
    events.INCOMPLETE: gettext_lazy("inputs were missing when it was scored"),
    events.INPUTS_CHANGED: gettext_lazy("inputs changed"),
    events.APPEAL: gettext_lazy("the employee's appeal was accepted"),
    events.RESCORED: gettext_lazy("rescored: ranked into its locked group again"),
}
STATE_TEXT = dict(Review.State.choices)


@dataclass(frozen=True)
class Names:
    """The viewer's-language names of what the scoring rules and the history refer to by code."""

    kpis: dict[str, str]  # KPI code → name
    competencies: dict[str, str]  # competency code → text
    people: dict[int, str] = field(default_factory=dict)  # user id → name and role

    def kpi(self, code: str) -> str:
        return self.kpis.get(code, code)

    def competency(self, code: str) -> str:
        return self.competencies.get(code, code)


def names_of(detail: ReviewDetail) -> Names:
    competencies = {}
    for assessor in detail.assessors:
        for rating in assessor.ratings:
            competencies[rating.competency.code] = localized(rating.competency, "text")
    raters = [rating.rater for assessor in detail.assessors for rating in assessor.ratings]
    return Names(
        kpis={row.line.code: localized(row.line, "name") for row in detail.lines},
        competencies=competencies,
        people=people.directory([event.actor for event in detail.history] + raters),
    )


def assessor_name(role: str) -> str:
    return str(AssessorRole(role).label) if role in AssessorRole.values else role


def actor_name(user: Any, known: Mapping[int, str] | None = None) -> str:
    """Who did something: "System", or the person's full name and role (王总（营销总监）),
    never their login name; `known` are names already looked up (`people.directory`)."""
    if user is None:
        return gettext("System")
    if known and user.pk in known:
        return known[user.pk]
    return people.person(user)


def figure_label(name: str, kpi: str, names: Names) -> str:
    """ "Target of Sales revenue": a figure of a KPI line by its name."""
    return str(FIGURE_TEXT[name] % {"kpi": names.kpi(kpi)})


# -- what is missing ---------------------------------------------------------------------------


def missing_rows(detail: ReviewDetail) -> list[dict[str, str]]:
    """What the review lacks before it can be scored, as sentences naming the KPIs,
    competencies and assessors in the viewer's language."""
    return [{"code": reason.code, "text": reason.message} for reason in detail.missing]


# -- the calculation ---------------------------------------------------------------------------


def step_rows(steps: list[scoring.Step], names: Names) -> list[dict[str, Any]]:
    """The calculation, one step a row: what is computed, by which rule, the arithmetic and
    its result; the grade and warning steps as a sentence."""
    return [_step_row(step, names) for step in steps]


def _step_row(step: scoring.Step, names: Names) -> dict[str, Any]:
    subject = ""
    if step.kind == scoring.StepKind.LINE:
        subject = names.kpi(step.key)
    elif step.kind == scoring.StepKind.ASSESSOR:
        subject = assessor_name(step.key)
    rule = str(RULE_TEXT.get(step.rule, step.rule))
    sentence = ""
    if step.kind == scoring.StepKind.GRADE:
        sentence = _grade_sentence(step)
    elif step.kind == scoring.StepKind.WARNING:
        rule, sentence = "", _warning_sentence(step)
    elif step.kind == scoring.StepKind.BASIS:
        rule, sentence = "", basis_sentence(step.rule, step.params)
    return {
        "kind": KIND_TEXT.get(step.kind, step.kind),
        "key": step.key,
        "subject": subject,
        "rule": rule,
        "expression": "" if sentence else _arithmetic(step),
        "sentence": sentence,
        "notes": _notes(step),
    }


def _arithmetic(step: scoring.Step) -> str:
    """The step's arithmetic on the exact values it uses, its exact result and, when that is
    not already a figure of 2 places, the rounded figure reported: `… = 92.037894… → 92.04`."""
    if step.exact == step.rounded:
        return f"{step.exact_expression} = {score(step.rounded)}"
    return f"{step.exact_expression} = {scoring.exact_text(step.exact)} → {score(step.rounded)}"


def _notes(step: scoring.Step) -> list[str]:
    notes = []
    if step.params.get("capped") == "true":
        notes.append(gettext("capped at %(cap)s%%") % {"cap": step.params.get("cap", "")})
    if step.params.get("below_floor") == "true":
        notes.append(
            gettext("below the floor of %(floor)s%%: scores 0")
            % {"floor": step.params.get("floor", "")}
        )
    return notes


def _grade_sentence(step: scoring.Step) -> str:
    if Decimal(step.params.get("lowest", "0") or "0") > 0:
        text = gettext(
            "%(total)s is at least %(lowest)s, the lowest total for grade %(grade)s: "
            "grade %(grade)s, pay coefficient %(coefficient)s."
        )
    else:  # the lowest band, which starts at 0
        text = gettext(
            "%(total)s is below the bands of all higher grades: "
            "grade %(grade)s, pay coefficient %(coefficient)s."
        )
    return text % {
        "total": score(step.rounded),
        "lowest": step.params.get("lowest", ""),
        "grade": step.params.get("grade", ""),
        "coefficient": step.params.get("coefficient", ""),
    }


def basis_sentence(rule: str, params: Any) -> str:
    """What a grade rests on (relative grading, scoring.md v2), for the calculation."""
    words = {key: params.get(key, "") for key in ("grade", "rank", "size", "minimum")}
    words["coefficient"] = params.get("coefficient", "")
    if rule == "provisional":
        text = gettext(
            "Grade %(grade)s by the bands is provisional: this quarter grades relatively, and "
            "the director has not locked the group yet."
        )
    elif rule == "small_group":
        text = gettext(
            "The locked group has %(size)s reviews, fewer than %(minimum)s: it keeps the "
            "bands' grade %(grade)s, pay coefficient %(coefficient)s."
        )
    elif rule == scoring.RELATIVE:
        text = gettext(
            "Rank %(rank)s of %(size)s in the locked group: grade %(grade)s by the quotas' "
            "seats, pay coefficient %(coefficient)s."
        )
    else:
        text = gettext("Grade %(grade)s by the policy's bands (absolute grading).")
    return text % words


def _warning_sentence(step: scoring.Step) -> str:
    if step.rule == "below_threshold":
        text = gettext("%(total)s is below the threshold %(threshold)s: verbal warning.")
    else:
        text = gettext("%(total)s is not below the threshold %(threshold)s: no verbal warning.")
    return text % {"total": score(step.rounded), "threshold": step.params.get("threshold", "")}


# -- the history ------------------------------------------------------------------------------


def history_rows(trail: list[AuditEvent], names: Names) -> list[dict[str, Any]]:
    """Each event of the review as who, when, what (in words) and why."""
    rows = []
    for event in trail:
        params = events.params_of(event)
        describe = _DESCRIBE.get(event.action)
        why = events.reason_of(event)
        if "cause" in params:
            cause = str(CAUSE_TEXT.get(params["cause"], params["cause"]))
            why = labelled(cause, why) if why and params["cause"] == events.APPEAL else cause
        if "reason_code" in params:
            code = str(REASON_CODES.get(params["reason_code"], params["reason_code"]))
            why = labelled(code, why) if why else code
        rows.append(
            {
                "action": event.action,
                "at": event.at,
                "who": actor_name(event.actor, names.people),
                "what": describe(event, params, names) if describe else event.action,
                "why": why,
            }
        )
    return rows


def _before_after(event: AuditEvent) -> dict[str, str]:
    return {"from": amount_text(event.from_value) or "—", "to": amount_text(event.to_value) or "—"}


def _created(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    return gettext("Review created")


def _state(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    before, after = params.get("from", ""), params.get("to", "")
    return gettext("State: %(from)s → %(to)s") % {
        "from": STATE_TEXT.get(before, before),
        "to": STATE_TEXT.get(after, after),
    }


def _figure(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    figure = params.get("figure", "")
    subject = figure_label(figure, params["kpi"], names) if figure in FIGURE_TEXT else event.field
    return gettext("%(field)s: %(from)s → %(to)s") % {"field": subject, **_before_after(event)}


def _rating(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    if "assessor" not in params:
        return event.action
    words = {
        "assessor": assessor_name(params["assessor"]),
        "competency": names.competency(params["competency"]),
        **_before_after(event),
    }
    if event.from_value == event.to_value:
        return gettext("%(assessor)s changed the comment on %(competency)s") % words
    return gettext("%(assessor)s rated %(competency)s %(from)s → %(to)s") % words


def _scored(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    if "grade" in params:
        return gettext("Scored: total %(total)s, grade %(grade)s") % {
            "total": score(Decimal(event.to_value)) if event.to_value else "—",
            "grade": params["grade"],
        }
    return gettext("Scored: total %(total)s") % {"total": _before_after(event)["to"]}


def _acknowledged(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    return gettext("Verbal warning acknowledged")


def _deadlines_changed(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    """`Deadlines: Ratings due 2026-10-16 → 2026-10-19; …` (a date not set reads "not set")."""
    parts = []
    for change in params.get("changes", []):
        before, after = change.get("from", ""), change.get("to", "")
        parts.append(
            gettext("%(field)s: %(from)s → %(to)s")
            % {
                "field": capfirst(field_label(change.get("field", ""))),
                "from": before if before != "" else gettext("not set"),
                "to": after if after != "" else gettext("not set"),
            }
        )
    return gettext("Deadlines changed: %(changes)s") % {"changes": "; ".join(parts)}


def _self_assessed(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    return gettext("The employee submitted their self-assessment")


# -- confirmations and appeals (appeals.events) -----------------------------------------------

CONFIRMED_HOW_TEXT = {
    "employee": gettext_lazy("Result of version %(version)s confirmed by the employee"),
    "deadline": gettext_lazy(
        "Result of version %(version)s confirmed by the deadline (no appeal within the window)"
    ),
}
APPEAL_ANSWER_TEXT = {
    "accepted": gettext_lazy("Appeal on version %(version)s accepted"),
    "rejected": gettext_lazy("Appeal on version %(version)s rejected"),
}


def _result_confirmed(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    text = CONFIRMED_HOW_TEXT.get(params.get("how", ""), CONFIRMED_HOW_TEXT["employee"])
    return str(text) % {"version": params.get("version", "")}


def _appeal_filed(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    return gettext("Appeal filed on version %(version)s") % {"version": params.get("version", "")}


def _appeal_answered(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    text = APPEAL_ANSWER_TEXT.get(params.get("status", ""), APPEAL_ANSWER_TEXT["rejected"])
    return str(text) % {"version": params.get("version", "")}


def _conversation_recorded(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    return gettext("Performance conversation of %(date)s recorded") % {
        "date": params.get("held_on", "—")
    }


def _conversation_acknowledged(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    return gettext("Performance conversation acknowledged by the employee")


PLAN_TEXT = {
    "created": gettext_lazy("Improvement plan started, until %(ends_on)s"),
    "check_in": gettext_lazy("Improvement plan check-in of %(held_on)s"),
    "judged": gettext_lazy("Improvement plan judged: %(outcome)s"),
}
PLAN_OUTCOME_TEXT = {
    "passed": gettext_lazy("passed"),
    "extended": gettext_lazy("extended"),
    "failed": gettext_lazy("failed"),
}


def _plan_changed(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    text = PLAN_TEXT.get(params.get("change", ""))
    if text is None:
        return gettext("Improvement plan changed")
    outcome = params.get("outcome", "")
    return str(text) % {
        "ends_on": params.get("ends_on", "—"),
        "held_on": params.get("held_on", "—"),
        "outcome": PLAN_OUTCOME_TEXT.get(outcome, outcome),
    }


def _written_warning(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    if params.get("step") == "acknowledged":
        return gettext("Written warning acknowledged by HR")
    return gettext("Written warning (书面警告): verbal warnings in %(periods)s") % {
        "periods": ", ".join(params.get("periods", []))
    }


def _group_locked(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    seats = " ".join(f"{grade}{count}" for grade, count in (params.get("seats") or {}).items())
    return gettext("Group locked for calibration: %(size)s reviews, seats %(seats)s") % {
        "size": params.get("size", ""),
        "seats": seats,
    }


def _grade_calibrated(event: AuditEvent, params: dict[str, Any], names: Names) -> str:
    words = {
        "from": params.get("from") or "—",
        "to": params.get("to") or "—",
        "rank": params.get("rank", ""),
    }
    if params.get("basis") != scoring.RELATIVE:
        return gettext("Grade kept by the bands at calibration: %(to)s (group too small)") % words
    return gettext("Grade set by calibration: %(from)s → %(to)s (rank %(rank)s)") % words


_DESCRIBE: dict[str, Callable[[AuditEvent, dict[str, Any], Names], str]] = {
    AuditEvent.Action.CREATED: _created,
    AuditEvent.Action.STATE: _state,
    AuditEvent.Action.FIGURE: _figure,
    AuditEvent.Action.RATING: _rating,
    AuditEvent.Action.SCORED: _scored,
    AuditEvent.Action.WARNING_ACKNOWLEDGED: _acknowledged,
    AuditEvent.Action.DEADLINES_CHANGED: _deadlines_changed,
    AuditEvent.Action.SELF_ASSESSED: _self_assessed,
    AuditEvent.Action.RESULT_CONFIRMED: _result_confirmed,
    AuditEvent.Action.APPEAL_FILED: _appeal_filed,
    AuditEvent.Action.APPEAL_ANSWERED: _appeal_answered,
    AuditEvent.Action.CONVERSATION_RECORDED: _conversation_recorded,
    AuditEvent.Action.CONVERSATION_ACKNOWLEDGED: _conversation_acknowledged,
    AuditEvent.Action.PLAN_CHANGED: _plan_changed,
    AuditEvent.Action.WRITTEN_WARNING: _written_warning,
    AuditEvent.Action.GROUP_LOCKED: _group_locked,
    AuditEvent.Action.GRADE_CALIBRATED: _grade_calibrated,
}


# -- the quarter's own history -----------------------------------------------------------------

QUARTER_TEXT: dict[str, Any] = {
    AuditEvent.Action.QUARTER_OPENED: gettext_lazy("Quarter %(period)s opened"),
    events.QUARTER_CLOSED: gettext_lazy("Quarter %(period)s closed: read-only, its reports final"),
    events.QUARTER_REOPENED: gettext_lazy("Quarter %(period)s reopened"),
}


def quarter_history_rows(trail: list[AuditEvent]) -> list[dict[str, Any]]:
    """The quarter's opening, closings and reopenings as who, when, what and why."""
    rows = []
    for event in trail:
        text = QUARTER_TEXT.get(event.action)
        if text is None:
            continue
        period = events.params_of(event).get("period", event.cycle.period)
        rows.append(
            {
                "action": event.action,
                "at": event.at,
                "who": actor_name(event.actor),
                "what": str(text) % {"period": period},
                "why": event.reason,
            }
        )
    return rows
