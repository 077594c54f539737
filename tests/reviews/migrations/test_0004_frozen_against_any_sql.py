"""Frozen means frozen, against any SQL the application's own role sends
(reviews/migrations/0004_frozen_against_any_sql.py, with the privileges of hrperf/dbroles.py).

Every attack is raw SQL on the tests' connection, which on PostgreSQL is the application's role
(tests/fixtures/database.py). The commit-time check is forced with SET CONSTRAINTS ALL IMMEDIATE
(the tests run inside a transaction that is never committed). The row checks hold on SQLite as
well; the commit-time check, the privileges and TRUNCATE are PostgreSQL's.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from departments.models import Employee
from hrperf import dbroles
from reviews import services, workflow
from reviews.models import (
    ApprovedResult,
    AuditEvent,
    CompetencyRating,
    Review,
    ReviewKpiLine,
    ScoringPolicy,
)
from reviews.workflow import Action
from tests.helpers.quarters import review_of, scored
from tests.helpers.services import skip_or_fail, uses_postgresql

FROZEN = import_module("reviews.migrations.0004_frozen_against_any_sql")
# 0009 puts the SQLite policy trigger back, comparing its new columns too.
LOOP = import_module("reviews.migrations.0009_employee_loop")
CALIBRATION = import_module("reviews.migrations.0010_calibration")
RESULT_COLUMNS = (
    "review_id, version, policy_id, kpi_score, competency_score, total_score, grade, "
    "pay_coefficient, verbal_warning, approved_at, approved_by_id, snapshot"
)
# An approved result copied from its review's row, with one figure forged.
FORGED_RESULT = f"""
INSERT INTO reviews_approvedresult ({RESULT_COLUMNS})
SELECT id, version + %s, policy_id, kpi_score, competency_score, total_score + %s, grade,
       pay_coefficient, verbal_warning, approved_at, approved_by_id, '{{}}'
FROM reviews_review WHERE id = %s
"""  # noqa: S608 (constants only)
REVIEW_COLUMNS = (
    "cycle_id, department_id, version, revision, scored_revision, policy_id, kpi_score, "
    "competency_score, total_score, grade, pay_coefficient, verbal_warning, incomplete_reasons, "
    "approved_at, approved_by_id, created_at, updated_at"
)
REOPEN = "UPDATE reviews_review SET state = 'reopened', version = version + 1 WHERE id = %s"


def run(*statements: tuple[str, list[Any]]) -> None:
    """The statements, then the commit-time checks (PostgreSQL's deferred triggers)."""
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# What the triggers say (PostgreSQL's and SQLite's), and what PostgreSQL's privileges say: a
# refusal for another reason (a unique key, a missing value) does not count.
TRIGGER = r"is approved|approved once|approved only|approved at version|result repeats|version begins|cannot be reopened"  # noqa: E501
PRIVILEGE = r"permission denied|must be owner"


def refused(
    *statements: tuple[str, list[Any]],
    error: type[Exception] = IntegrityError,
    match: str = TRIGGER,
) -> None:
    with pytest.raises(error, match=match), transaction.atomic():
        run(*statements)


def needs_postgresql() -> None:
    if not uses_postgresql():
        skip_or_fail("Roles, TRUNCATE and commit-time checks are PostgreSQL's: set DATABASE_URL")


def needs_two_roles() -> None:
    needs_postgresql()
    if dbroles.owner_credentials() is None:
        skip_or_fail(
            "The application's role is tested apart from the owner's: set "
            "DATABASE_OWNER_URL (README, Two database roles)"
        )


@pytest.fixture
def approved(fresh_quarter: Any, personas: dict[str, Any]) -> Review:
    return services.review_approve(actor=personas["director"], review=scored(personas))


def figures(review: Review) -> tuple[Any, ...]:
    review.refresh_from_db()
    return (review.state, review.version, review.total_score, review.grade)


# -- lines and ratings -------------------------------------------------------------------------

LINES_AND_RATINGS = ["reviews_reviewkpiline", "reviews_competencyrating"]


@pytest.mark.parametrize("table", LINES_AND_RATINGS)
def test_a_line_or_rating_cannot_be_moved_off_an_approved_review(approved, personas, table):
    other = review_of(personas, "other_employee")
    before = (approved.kpi_lines.count(), approved.ratings.count())

    refused(
        (f"DELETE FROM {table} WHERE review_id = %s", [other.pk]),  # noqa: S608
        (f"UPDATE {table} SET review_id = %s WHERE review_id = %s", [other.pk, approved.pk]),  # noqa: S608
    )

    assert (approved.kpi_lines.count(), approved.ratings.count()) == before


@pytest.mark.parametrize("table", LINES_AND_RATINGS)
def test_a_line_or_rating_cannot_be_moved_onto_an_approved_review(approved, personas, table):
    other = review_of(personas, "other_employee")
    for row in [approved.kpi_lines.first(), approved.ratings.first()]:
        assert row is not None
        row.pk, row.review = None, other  # a copy on the other review, not approved
        row.save()
    refused((f"UPDATE {table} SET review_id = %s WHERE review_id = %s", [approved.pk, other.pk]))  # noqa: S608


@pytest.mark.parametrize("table", LINES_AND_RATINGS)
def test_a_line_or_rating_of_an_approved_review_cannot_be_deleted(approved, table):
    needs_postgresql()  # SQLite's test flush deletes row by row: it guards no deletion
    refused((f"DELETE FROM {table} WHERE review_id = %s", [approved.pk]))  # noqa: S608
    assert ReviewKpiLine.objects.filter(review=approved).exists()
    assert CompetencyRating.objects.filter(review=approved).exists()


# -- entering and leaving approved -------------------------------------------------------------


def test_a_review_reopened_cannot_be_approved_again_with_other_figures(approved):
    before = figures(approved)
    refused(
        (REOPEN, [approved.pk]),
        (
            "UPDATE reviews_review SET state = 'approved', total_score = 99 WHERE id = %s",
            [approved.pk],
        ),
    )
    assert figures(approved) == before


def test_a_review_reopened_and_scored_by_hand_cannot_be_approved_without_its_result(approved):
    needs_postgresql()  # the commit-time check
    refused(
        (REOPEN, [approved.pk]),
        (
            "UPDATE reviews_review SET state = 'scored', total_score = 99, grade = 'S', "
            "scored_revision = revision WHERE id = %s",
            [approved.pk],
        ),
        ("UPDATE reviews_review SET state = 'approved' WHERE id = %s", [approved.pk]),
    )


def test_a_review_reopened_and_approved_by_hand_gets_no_result_with_other_figures(approved):
    needs_postgresql()
    refused(
        (REOPEN, [approved.pk]),
        (
            "UPDATE reviews_review SET state = 'scored', total_score = 99, grade = 'S', "
            "scored_revision = revision WHERE id = %s",
            [approved.pk],
        ),
        ("UPDATE reviews_review SET state = 'approved' WHERE id = %s", [approved.pk]),
        (FORGED_RESULT, [0, Decimal(1), approved.pk]),
    )


@pytest.mark.parametrize(
    "change",
    [
        "state = 'reopened'",  # not as its next version
        "state = 'reopened', version = version + 2",
        "state = 'reopened', version = version + 1, total_score = 99",
        "state = 'reopened', version = version + 1, approved_at = NULL",
        "state = 'draft', version = version + 1",
        "state = 'approved'",
        "updated_at = updated_at",
    ],
)
def test_an_approved_review_only_becomes_its_next_version_reopened(approved, change):
    before = figures(approved)
    refused((f"UPDATE reviews_review SET {change} WHERE id = %s", [approved.pk]))  # noqa: S608
    assert figures(approved) == before


@pytest.mark.parametrize(
    "change",
    [
        "state = 'approved', total_score = total_score + 1",
        "state = 'approved', grade = 'S'",
        "state = 'approved', revision = revision + 1, scored_revision = revision + 1",
        "state = 'approved', policy_id = NULL",
        "state = 'approved', scored_revision = NULL",
    ],
)
def test_a_scored_review_is_approved_only_as_it_was_scored(fresh_quarter, personas, change):
    review = scored(personas)
    refused((f"UPDATE reviews_review SET {change} WHERE id = %s", [review.pk]))  # noqa: S608
    assert figures(review)[0] == Review.State.SCORED


@pytest.mark.parametrize(
    "state", sorted(set(Review.State.values) - set(FROZEN.APPROVE_FROM) - {Review.State.APPROVED})
)
def test_a_review_is_approved_only_from_the_states_the_workflow_allows(
    fresh_quarter, personas, state
):
    review = scored(personas)
    Review.objects.filter(pk=review.pk).update(state=state)
    refused(("UPDATE reviews_review SET state = 'approved' WHERE id = %s", [review.pk]))


def test_a_review_scored_at_an_older_revision_cannot_be_approved(fresh_quarter, personas):
    review = scored(personas)
    Review.objects.filter(pk=review.pk).update(revision=review.revision + 1)
    refused(("UPDATE reviews_review SET state = 'approved' WHERE id = %s", [review.pk]))


def test_a_review_is_never_inserted_approved(approved, personas):
    employee = Employee.objects.create(
        employee_no="E09999", name="新员工", department=approved.department
    )
    refused(
        (
            f"INSERT INTO reviews_review (state, employee_id, {REVIEW_COLUMNS}) "  # noqa: S608
            f"SELECT 'approved', %s, {REVIEW_COLUMNS} FROM reviews_review WHERE id = %s",
            [employee.pk, approved.pk],
        ),
    )
    assert not Review.objects.filter(employee=employee).exists()


def test_a_version_begins_only_by_reopening(fresh_quarter, personas):
    review = scored(personas)
    for change in ("version = version + 1", "version = version - 1"):
        refused((f"UPDATE reviews_review SET {change} WHERE id = %s", [review.pk]))  # noqa: S608


def test_the_database_knows_the_workflow_states_of_approving_and_reopening():
    assert set(FROZEN.APPROVE_FROM) == set(workflow.rule(Action.APPROVE).within)
    assert workflow.rule(Action.APPROVE).to == Review.State.APPROVED
    assert FROZEN.REOPENED == workflow.rule(Action.REOPEN).to
    assert workflow.rule(Action.REOPEN).within == {Review.State.APPROVED}


@pytest.mark.parametrize(
    "change",
    [
        "band_s = band_s + 1",
        "coefficient_d = 0",
        "frozen_at = NULL",
        "cycle_id = cycle_id",
        # the settings migration 0009 added (its SQLite trigger compares them too)
        "self_weight = 20",
        "escalation_warnings = 3",
        "escalation_quarters = 2",
        # and those of migration 0010 (relative grading, the guideline)
        "grading = 'relative'",
        "share_s = 20",
        "tolerance = 1",
        "max_share_a = 30",
    ],
)
def test_a_frozen_scoring_policy_does_not_change(approved, change):
    policy = approved.policy
    assert policy is not None and policy.frozen_at is not None
    refused(
        (f"UPDATE reviews_scoringpolicy SET {change} WHERE id = %s", [policy.pk]),  # noqa: S608
        match="is frozen",
    )


def test_a_policy_an_approved_result_was_scored_with_is_frozen_unmarked(fresh_quarter, personas):
    """Approved by hand, without the service's frozen mark: the approved result is the fact."""
    review = scored(personas)
    run(
        (
            "UPDATE reviews_review SET state = 'approved', approved_at = %s, approved_by_id = %s "
            "WHERE id = %s",
            [timezone.now(), personas["director"].pk, review.pk],
        ),
        (FORGED_RESULT, [0, 0, review.pk]),
    )
    policy = ScoringPolicy.objects.get(pk=review.policy_id)
    assert policy.frozen_at is None
    refused(
        ("UPDATE reviews_scoringpolicy SET band_s = band_s + 1 WHERE id = %s", [policy.pk]),
        match="is frozen",
    )
    run(
        (
            "UPDATE reviews_scoringpolicy SET frozen_at = %s WHERE id = %s",
            [timezone.now(), policy.pk],
        )
    )


def test_every_policy_column_is_compared_on_sqlite():
    columns = {field.column for field in ScoringPolicy._meta.concrete_fields} - {"frozen_at"}
    added = LOOP.POLICY_COLUMNS_V2 + CALIBRATION.POLICY_COLUMNS_V3
    assert set(FROZEN.POLICY_COLUMNS + added) == columns


def test_a_scoring_policy_not_yet_frozen_changes_in_place(fresh_quarter):
    run(("UPDATE reviews_scoringpolicy SET band_s = 96 WHERE cycle_id = %s", [fresh_quarter.pk]))
    assert fresh_quarter.policies.get().band_s == 96


# -- approved results --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "total"),
    [(1, Decimal(0)), (1, Decimal(1)), (0, Decimal(1)), (-1, Decimal(0))],
    ids=["next version", "next version, other total", "other total", "older version"],
)
def test_an_approved_result_cannot_be_forged(approved, version, total):
    refused((FORGED_RESULT, [version, total, approved.pk]))
    assert ApprovedResult.objects.filter(review=approved).count() == 1


def test_an_approved_result_is_kept_once_per_version(approved):
    refused((FORGED_RESULT, [0, Decimal(0), approved.pk]), match=r"(?i)unique|result repeats")


@pytest.mark.parametrize(
    "forgery",
    [
        "policy_id = NULL",
        "kpi_score = kpi_score + 1",
        "competency_score = competency_score + 1",
        "total_score = total_score + 1",
        "grade = 'S'",
        "pay_coefficient = 9",
        "verbal_warning = NOT verbal_warning",
        "approved_at = NULL",
        "approved_by_id = NULL",
        "version = version + 1",
    ],
)
def test_an_approved_result_repeats_every_figure_of_its_review(fresh_quarter, personas, forgery):
    """A review approved by hand, its result copied from the review with one figure forged."""
    review = scored(personas)
    approve = "UPDATE reviews_review SET state = 'approved', approved_at = %s, approved_by_id = %s"
    statements = [
        (f"{approve} WHERE id = %s", [timezone.now(), personas["director"].pk, review.pk]),
        ("CREATE TEMP TABLE forged AS SELECT * FROM reviews_review WHERE id = %s", [review.pk]),
        (f"UPDATE forged SET {forgery}", []),  # noqa: S608
        (
            f"INSERT INTO reviews_approvedresult ({RESULT_COLUMNS}) "  # noqa: S608
            "SELECT id, version, policy_id, kpi_score, competency_score, total_score, grade, "
            "pay_coefficient, verbal_warning, approved_at, approved_by_id, '{}' FROM forged",
            [],
        ),
    ]
    refused(*statements)
    # The same without the forgery is what the database accepts.
    with transaction.atomic():
        run(*[statement for statement in statements if "UPDATE forged" not in statement[0]])
    assert ApprovedResult.objects.filter(review=review, version=1).exists()


def test_no_result_is_kept_for_a_review_not_approved(fresh_quarter, personas):
    review = scored(personas)
    refused((FORGED_RESULT, [0, Decimal(0), review.pk]))


@pytest.mark.parametrize("table", ["reviews_approvedresult", "reviews_auditevent"])
@pytest.mark.parametrize(
    "change",
    ["UPDATE {table} SET id = id", "UPDATE {table} SET review_id = NULL", "DELETE FROM {table}"],
)
def test_approved_results_and_audit_events_are_append_only(approved, table, change):
    if change.startswith("DELETE"):
        needs_postgresql()  # SQLite's test flush deletes row by row: it guards no deletion
    before = (ApprovedResult.objects.count(), AuditEvent.objects.count())
    refused((change.format(table=table), []), error=DatabaseError, match=f"{PRIVILEGE}|append-only")
    assert (ApprovedResult.objects.count(), AuditEvent.objects.count()) == before


# -- what only the owner may do ----------------------------------------------------------------


@pytest.mark.parametrize("table", dbroles.PROTECTED)
def test_the_application_cannot_truncate_a_protected_table(approved, table):
    needs_two_roles()
    refused((f"TRUNCATE {table} CASCADE", []), error=DatabaseError, match=PRIVILEGE)
    assert Review.objects.filter(pk=approved.pk, state=Review.State.APPROVED).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER reviews_review_frozen ON reviews_review",
        "ALTER TABLE reviews_review DISABLE TRIGGER reviews_review_frozen",
        "ALTER TABLE reviews_review DISABLE TRIGGER ALL",
        "ALTER TABLE reviews_reviewkpiline DISABLE TRIGGER USER",
        "ALTER TABLE reviews_approvedresult DROP CONSTRAINT approved_unique_version",
        "DROP FUNCTION reviews_refuse_change_under_approved() CASCADE",
        "CREATE OR REPLACE FUNCTION reviews_refuse_any_change() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "CREATE TABLE reviews_shadow (id integer)",
        "CREATE FUNCTION reviews_shadow() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$",
        "ALTER TABLE reviews_review OWNER TO CURRENT_USER",
        "DROP TABLE reviews_auditevent CASCADE",
        "SET session_replication_role = replica",
        "UPDATE django_migrations SET name = name",
        "DELETE FROM django_migrations",
    ],
)
def test_the_application_cannot_remove_what_guards_the_rows(db, statement):
    needs_two_roles()
    refused((statement, []), error=DatabaseError, match=PRIVILEGE)


def test_a_temporary_table_does_not_stand_in_for_a_reviews_table(approved, personas):
    needs_postgresql()
    other = review_of(personas, "other_employee")
    refused(
        ("DELETE FROM reviews_reviewkpiline WHERE review_id = %s", [other.pk]),
        ("CREATE TEMP TABLE reviews_review AS SELECT * FROM public.reviews_review", []),
        ("UPDATE reviews_review SET state = 'draft'", []),
        (
            "UPDATE public.reviews_reviewkpiline SET review_id = %s WHERE review_id = %s",
            [other.pk, approved.pk],
        ),
    )


def test_the_application_role_holds_only_what_it_needs(db):
    needs_two_roles()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
    assert role != dbroles.owner_credentials()["USER"]  # type: ignore[index]
    assert dbroles.app_role_problems(connection, role) == []


# -- the way the services go ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_approve_reopen_resubmit_and_approve_again_commit(fresh_quarter, personas):
    """Committed for real, each step its own transaction, as the pages and the worker do."""
    director, hr = personas["director"], personas["hr"]
    review = services.review_approve(actor=director, review=scored(personas))
    review = services.review_reopen(actor=director, review=review, reason="Wrong actual")
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=hr, review=review, figures={line.pk: {"actual": "90"}}
    )
    review = services.review_submit(actor=hr, review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    review = services.review_approve(actor=director, review=review)

    results = list(ApprovedResult.objects.filter(review=review).order_by("version"))
    assert [r.version for r in results] == [1, 2]
    assert results[1].total_score == review.total_score != results[0].total_score
    assert review.state == Review.State.APPROVED and review.version == 2
