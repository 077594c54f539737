"""Confirming and appealing an approved result (appeals.services): the window, once per
approved version, the employee's own review only, HR's answer, and the deadline's
confirmation; every refusal names its rule and saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from appeals import selectors, services
from appeals.inputs import RATING, WHOLE, Disputed
from appeals.models import Appeal, AppealStep, Confirmation
from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from hrperf.lib.roles import roles_of
from reviews import services as review_services
from reviews.models import AuditEvent, Review
from tests.helpers.appeals import after_window, counts, file, line_of
from tests.helpers.notifications import send_due

# The refusals are read in English, whatever an earlier test left active.
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def own(api_quarter) -> Review:
    return api_quarter.own


def confirm(personas, review, name="employee", **kwargs):
    user = personas[name]
    return services.result_confirm(user=user, roles=roles_of(user), review=review, **kwargs)


def answer(personas, appeal, how, reason="Checked against the CRM."):
    hr = personas["hr"]
    act = services.appeal_accept if how == "accept" else services.appeal_reject
    return act(user=hr, roles=roles_of(hr), appeal=appeal, reason=reason)


def test_the_employee_confirms_once(personas, own):
    confirmation = confirm(personas, own)
    assert (confirmation.how, confirmation.version) == ("employee", 1)
    assert confirmation.confirmed_by == personas["employee"]
    event = AuditEvent.objects.get(review=own, action="result_confirmed")
    assert event.params == {"version": 1, "how": "employee"}
    before = counts()
    with pytest.raises(Conflict) as refused:
        confirm(personas, own)
    assert refused.value.code == "already_confirmed"
    assert "confirmed once" in str(refused.value.message)
    assert counts() == before


def test_confirming_after_the_window_is_refused_naming_its_date(personas, own):
    before = counts()
    with pytest.raises(Conflict) as refused:
        confirm(personas, own, now=after_window(own))
    assert refused.value.code == "window_closed"
    assert (after_window(own) - dt.timedelta(days=1)).date().isoformat() in str(
        refused.value.message
    )
    assert counts() == before


@pytest.mark.parametrize("name", ["hr", "director", "head", "other_employee", "outsider"])
def test_only_the_employee_confirms_their_own(personas, own, name):
    before = counts()
    with pytest.raises(NotAllowed):
        confirm(personas, own, name=name)
    assert counts() == before


def test_an_appeal_names_a_kpi_line_and_keeps_the_review_approved(personas, own):
    appeal = file(personas, own, line_of(own))
    own.refresh_from_db()
    assert own.state == Review.State.APPROVED
    assert (appeal.status, appeal.version) == ("filed", 1)
    assert appeal.answer_due > appeal.filed_at.date()
    assert [item.kind for item in appeal.items.all()] == ["line"]
    assert [step.kind for step in selectors.exchange(appeal)] == ["filed"]
    event = AuditEvent.objects.get(review=own, action="appeal_filed")
    assert (event.params or {})["items"] == ["line:SALES_PLAN_RATE"]


def test_an_appeal_names_a_rating(personas, own):
    appeal = file(personas, own, Disputed(RATING, assessor="hr", competency="culture"))
    item = appeal.items.get()
    assert item.competency is not None
    assert (item.kind, item.assessor_role, item.competency.code) == ("rating", "hr", "culture")


def test_an_appeal_after_the_window_is_refused_naming_the_date(personas, own):
    before = counts()
    with pytest.raises(Conflict) as refused:
        file(personas, own, now=after_window(own))
    assert refused.value.code == "window_closed"
    assert str(refused.value.message).startswith("The appeal window closed on 20")
    assert counts() == before


def test_a_second_appeal_on_one_version_is_refused(personas, own):
    file(personas, own)
    before = counts()
    with pytest.raises(Conflict) as refused:
        file(personas, own)
    assert refused.value.code == "already_appealed"
    assert "One appeal per approved version" in str(refused.value.message)
    assert counts() == before


def test_a_strangers_review_cannot_be_appealed(personas, api_quarter):
    other = api_quarter.scored  # a SALES colleague's review
    before = counts()
    with pytest.raises(NotAllowed):
        file(personas, other)
    assert counts() == before


def test_a_confirmed_result_cannot_be_appealed(personas, own):
    confirm(personas, own)
    before = counts()
    with pytest.raises(Conflict) as refused:
        file(personas, own)
    assert refused.value.code == "confirmed"
    assert counts() == before


def test_an_open_appeal_blocks_the_confirmation(personas, own):
    file(personas, own)
    before = counts()
    with pytest.raises(Conflict) as refused:
        confirm(personas, own)
    assert refused.value.code == "appeal_open"
    assert counts() == before


def test_bad_input_names_each_field_and_saves_nothing(personas, own, api_quarter):
    foreign_line = Disputed("line", line_id=api_quarter.scored.kpi_lines.get().pk)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        file(personas, own, foreign_line, grounds="  ")
    fields = {(error.field, error.code) for error in refused.value.errors}
    assert fields == {("grounds", "required"), ("items", "not_on_review")}
    with pytest.raises(ValidationFailed) as refused:
        file(personas, own, grounds="x" * 4001)
    assert [error.code for error in refused.value.errors] == ["too_long"]
    with pytest.raises(ValidationFailed):
        services.appeal_file(
            user=personas["employee"],
            roles=roles_of(personas["employee"]),
            review=own,
            items=[],
            grounds="Wrong.",
        )
    assert counts() == before


def test_a_rejection_keeps_the_result_and_tells_the_employee(personas, own, mailoutbox):
    personas["employee"].email = "zhang@example.com"
    personas["employee"].save()
    appeal = answer(personas, file(personas, own), "reject")
    own.refresh_from_db()
    assert (own.state, own.version, appeal.status) == ("approved", 1, "rejected")
    assert appeal.reason == "Checked against the CRM."
    assert services.appeal_mail_answer(appeal_id=appeal.pk)
    assert not services.appeal_mail_answer(appeal_id=appeal.pk)  # once
    send_due()
    [mail] = [m for m in mailoutbox if m.to == ["zhang@example.com"]]
    assert "Checked against the CRM." in mail.body
    kinds = [(step.kind, step.channel) for step in selectors.exchange(appeal)]
    assert kinds == [("filed", ""), ("rejected", ""), ("told", "page"), ("told", "notice")]
    event = AuditEvent.objects.get(review=own, action="appeal_answered")
    assert (event.params or {})[
        "status"
    ] == "rejected" and event.reason == "Checked against the CRM."
    # The employee may still confirm within the window.
    assert confirm(personas, own).how == "employee"


def test_an_answer_needs_a_reason_and_hr(personas, own):
    appeal = file(personas, own)
    before = counts()
    with pytest.raises(ValidationFailed):
        answer(personas, appeal, "reject", reason=" ")
    for name in ("director", "head", "employee"):
        user = personas[name]
        with pytest.raises(NotAllowed):
            services.appeal_accept(user=user, roles=roles_of(user), appeal=appeal, reason="ok")
    assert counts() == before


def test_an_appeal_is_answered_once(personas, own):
    appeal = answer(personas, file(personas, own), "reject")
    before = counts()
    with pytest.raises(Conflict) as refused:
        answer(personas, appeal, "accept")
    assert refused.value.code == "already_answered"
    assert counts() == before


def test_acceptance_reopens_the_review_with_the_appeal_as_cause(personas, own):
    appeal = answer(personas, file(personas, own, line_of(own)), "accept")
    own.refresh_from_db()
    assert (own.state, own.version) == ("reopened", 2)
    assert appeal.reopened_version == 2
    reopening = AuditEvent.objects.filter(review=own, action="state").latest("pk")
    assert reopening.params == {
        "from": "approved",
        "to": "reopened",
        "cause": "appeal",
        "appeal": appeal.pk,
    }
    assert [step.kind for step in AppealStep.objects.filter(appeal=appeal)] == [
        "filed",
        "accepted",
        "reopened",
        "told",
    ]


def test_the_deadline_confirms_once(personas, own, api_quarter):
    later = after_window(own)
    assert services.results_confirm_by_deadline(now=later - dt.timedelta(seconds=1)) == 0
    assert services.results_confirm_by_deadline(now=later) == 1
    assert services.results_confirm_by_deadline(now=later) == 0
    confirmation = Confirmation.objects.get(review=own)
    assert (confirmation.how, confirmation.confirmed_by) == ("deadline", None)
    event = AuditEvent.objects.get(review=own, action="result_confirmed")
    assert event.actor is None and (event.params or {})["how"] == "deadline"


def test_the_deadline_leaves_an_open_appeal_alone(personas, own):
    appeal = file(personas, own)
    later = after_window(own)
    assert services.results_confirm_by_deadline(now=later) == 0
    answer(personas, appeal, "reject")
    assert services.results_confirm_by_deadline(now=later) == 1
    assert Confirmation.objects.get(review=own).how == "deadline"


def test_an_appeal_is_answered_against_the_approved_version_the_director_left(personas, own):
    """The director's reopening is refused while the appeal waits (it would leave HR no
    version to answer for), and HR's acceptance then reopens the version appealed."""
    appeal = file(personas, own)
    with pytest.raises(Conflict):
        review_services.review_reopen(actor=personas["director"], review=own, reason="x")
    answer(personas, appeal, "accept")
    own.refresh_from_db()
    assert (own.state, own.version) == (Review.State.REOPENED, 2)
    assert Appeal.objects.get(pk=appeal.pk).status == "accepted"


def test_whole_result(personas, own):
    appeal = file(personas, own, Disputed(WHOLE), Disputed(WHOLE))
    assert [item.kind for item in appeal.items.all()] == ["whole"]


def test_the_whole_path_of_an_accepted_appeal(personas, own):
    """Approve → appeal one KPI line → accept → fix the figure → submit → score → approve:
    payroll reads version 2 with the new total, and the appeal its re-approved version."""
    from payroll.selectors import payroll_rows
    from reviews import services as review_services

    first_total = own.total_score
    line = own.kpi_lines.get()
    appeal = answer(personas, file(personas, own, line_of(own)), "accept")
    own.refresh_from_db()
    assert selectors.reapproved(appeal) is None
    [row] = payroll_rows(period="2026Q3", updated_since=None, after=None, limit=10)
    assert (row.version, row.total_score) == (1, first_total)  # still paid on version 1
    hr, director = personas["hr"], personas["director"]
    own = review_services.review_set_figures(
        actor=hr, review=own, figures={line.pk: {"actual": "95"}}
    )
    own = review_services.review_submit(actor=hr, review=own)
    assert review_services.review_score(review_id=own.pk, revision=own.revision)
    own.refresh_from_db()
    own = review_services.review_approve(actor=director, review=own)
    assert (own.state, own.version) == ("approved", 2)
    rows = payroll_rows(period="2026Q3", updated_since=None, after=None, limit=10)
    [row] = [row for row in rows if row.employee_no == "E00002"]
    assert row.version == 2 and row.total_score == own.total_score != first_total
    reapproval = selectors.reapproved(appeal)
    assert reapproval is not None and reapproval.version == 2
    assert [step.kind for step in selectors.exchange(appeal)][-1] == "reapproved"
    # Version 2 has a window of its own: the employee may confirm it.
    assert confirm(personas, own).version == 2


def test_the_director_cannot_reopen_a_result_whose_appeal_waits_for_hr(personas, own):
    """Reopening under an open appeal would leave HR nothing to answer for: HR answers first."""
    appeal = file(personas, own, line_of(own))
    director = personas["director"]
    with pytest.raises(Conflict) as refused:
        review_services.review_reopen(actor=director, review=own, reason="数据有误")
    assert refused.value.code == "appeal_open"
    own.refresh_from_db()
    assert (own.state, own.version) == (Review.State.APPROVED, 1)
    answer(personas, appeal, "reject")
    reopened = review_services.review_reopen(actor=director, review=own, reason="数据有误")
    assert (reopened.state, reopened.version) == (Review.State.REOPENED, 2)
