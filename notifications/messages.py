"""What each kind of notification says, in the recipient's language.

A notification keeps its facts (`context`: names, a period, ids, numbers as text); the words are
made when it is sent, under the recipient's language, so a person who switches language gets
the next message in the new one. Each kind answers a `Message`: a title, a few lines and a link
to the page where the work is done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override


@dataclass(frozen=True)
class Message:
    title: str
    lines: tuple[str, ...]
    path: str  # the page's path; `link` makes it absolute with SITE_URL

    @property
    def link(self) -> str:
        return f"{settings.SITE_URL}{self.path}"


Context = Mapping[str, Any]


# The pages messages link to (tests/notifications/test_messages.py resolves each).
DASHBOARD = "/dashboard/"
QUEUE = "/queue/"
WARNINGS = "/warnings/"


def _review(context: Context) -> str:
    return f"/reviews/{int(context['review_id'])}/"


def _appeal(context: Context) -> str:
    return f"/appeals/{int(context['appeal_id'])}/"


def _review_returned(c: Context) -> Message:
    lines = [
        _("The director returned %(name)s's %(period)s review to HR.")
        % {"name": c["employee"], "period": c["period"]}
    ]
    if c.get("comment"):
        lines.append(_("Comment: %(text)s") % {"text": c["comment"]})
    return Message(
        _("Review returned: %(name)s, %(period)s") % {"name": c["employee"], "period": c["period"]},
        tuple(lines),
        _review(c),
    )


def _review_reopened(c: Context) -> Message:
    lines = [
        _("%(name)s's approved %(period)s review was reopened and waits for HR.")
        % {"name": c["employee"], "period": c["period"]}
    ]
    if c.get("reason"):
        lines.append(_("Reason: %(text)s") % {"text": c["reason"]})
    return Message(
        _("Review reopened: %(name)s, %(period)s") % {"name": c["employee"], "period": c["period"]},
        tuple(lines),
        _review(c),
    )


def _approvals_waiting(c: Context) -> Message:
    lines = tuple(
        _("%(period)s: %(count)s reviews") % {"period": period, "count": count}
        for period, count in sorted(c["counts"].items())
    )
    return Message(
        _("Reviews waiting for your approval"),
        (_("These scored reviews are waiting for your approval:"), *lines),
        QUEUE,
    )


def _warning(c: Context) -> Message:
    return Message(
        _("Verbal warning: %(name)s, %(period)s") % {"name": c["employee"], "period": c["period"]},
        (
            _(
                "%(name)s (%(number)s) scored %(total)s in %(period)s, below the warning "
                "threshold. A verbal warning (口头警告) is due; record the conversation "
                "in hrperf when it is held."
            )
            % {
                "name": c["employee"],
                "number": c["number"],
                "total": c["total"],
                "period": c["period"],
            },
        ),
        WARNINGS,
    )


def _appeal_filed(c: Context) -> Message:
    return Message(
        _("Appeal filed: %(name)s, %(period)s") % {"name": c["employee"], "period": c["period"]},
        (
            _("%(name)s appealed their %(period)s result. Answer by %(due)s.")
            % {"name": c["employee"], "period": c["period"], "due": c["due"]},
        ),
        _appeal(c),
    )


def _appeal_answered(c: Context) -> Message:
    if c["accepted"]:
        body = _(
            "HR accepted your appeal on your %(period)s result. Your review is corrected and "
            "approved again; you will see the new result in hrperf."
        )
    else:
        body = _("HR rejected your appeal on your %(period)s result; the result stands.")
    return Message(
        _("Your appeal on %(period)s is answered") % {"period": c["period"]},
        (body % {"period": c["period"]}, _("HR's answer: %(reason)s") % {"reason": c["reason"]}),
        _appeal(c),
    )


def _result_to_confirm(c: Context) -> Message:
    return Message(
        _("Your %(period)s result is ready") % {"period": c["period"]},
        (
            _(
                "Your %(period)s review is approved: grade %(grade)s. Read how it was worked "
                "out, then confirm it or appeal by %(due)s."
            )
            % {"period": c["period"], "grade": c["grade"], "due": c["due"]},
        ),
        _review(c),
    )


def _deadline(c: Context) -> Message:
    if c["overdue"]:
        title = _("Overdue: %(work)s") % {"work": c["label"]}
        line = _("%(work)s was due on %(due)s (%(count)s waiting).")
    else:
        title = _("Due on %(due)s: %(work)s") % {"work": c["label"], "due": c["due"]}
        line = _("%(work)s is due on %(due)s (%(count)s waiting).")
    return Message(
        title, (line % {"work": c["label"], "due": c["due"], "count": c["count"]},), c["url"]
    )


def _test(c: Context) -> Message:
    return Message(
        _("hrperf test message"),
        (_("This robot is set up: hrperf's messages will reach this chat."),),
        DASHBOARD,
    )


KINDS: dict[str, Callable[[Context], Message]] = {
    "review_returned": _review_returned,
    "review_reopened": _review_reopened,
    "approvals_waiting": _approvals_waiting,
    "warning": _warning,
    "appeal_filed": _appeal_filed,
    "appeal_answered": _appeal_answered,
    "result_to_confirm": _result_to_confirm,
    "deadline": _deadline,
    "test": _test,
}


LABELS = {
    "review_returned": gettext_lazy("Review returned"),
    "review_reopened": gettext_lazy("Review reopened"),
    "approvals_waiting": gettext_lazy("Reviews waiting for approval"),
    "warning": gettext_lazy("Verbal warning"),
    "appeal_filed": gettext_lazy("Appeal filed"),
    "appeal_answered": gettext_lazy("Appeal answered"),
    "result_to_confirm": gettext_lazy("Result to confirm"),
    "deadline": gettext_lazy("Deadline"),
    "digest": gettext_lazy("Daily digest"),
    "test": gettext_lazy("Test message"),
}


def message(kind: str, context: Context, language: str) -> Message:
    """The words of one notification in `language`."""
    with override(language):
        return KINDS[kind](context)


def digest(items: Sequence[tuple[str, Context]], language: str) -> Message:
    """One day's notifications of one person as one message: each one's title and link."""
    with override(language):
        told = [KINDS[kind](context) for kind, context in items]
        lines = tuple(f"{m.title}: {m.link}" for m in told)
        return Message(
            ngettext(
                "hrperf: %(count)s thing for you today",
                "hrperf: %(count)s things for you today",
                len(told),
            )
            % {"count": len(told)},
            lines,
            DASHBOARD,
        )
