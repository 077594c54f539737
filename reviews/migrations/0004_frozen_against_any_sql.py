"""Frozen means frozen, whatever SQL the application's own database role sends.

Migration 0002 froze an approved review, its lines and ratings, and made approved results and
audit events append-only. This one closes what it left open:

* a line or rating is refused when either its old or its new review is approved (moving one
  off an approved review, or onto one, is a change of both);
* a review enters `approved` only from the states the workflow table allows (APPROVE_FROM,
  kept equal to reviews/workflow.py by a test), scored at its current revision, with nothing
  but its approval changing in the same statement; it is never inserted approved; it leaves
  `approved` only by being reopened as its next version, and only once its approved result is
  kept; and by commit time (a deferred constraint trigger: the service approves the review
  before it writes the result) an approved review has the approved result of its version with
  the same figures;
* an approved result is accepted only while its review is approved at that version with the
  same figures (so no result of another version, and none with other figures);
* a frozen scoring policy (one an approved review was scored with) no longer changes: a
  change of policy is its next version (reviews.services.quarters.cycle_policy_update);
* the functions look tables up in the schema only, never in the session's temporary tables.

What the privileges do (TRUNCATE, DROP or DISABLE TRIGGER, CREATE) is in hrperf/dbroles.py: the
application's role owns nothing, so it can neither empty a table nor remove these triggers.

SQLite, the zero-setup development database, has no deferred triggers and no roles: it gets
the same row checks but the commit-time one.
"""

from importlib import import_module

from django.db import migrations

# Migration 0002, whose review trigger this one replaces (and puts back when reversed).
FROZEN = import_module("reviews.migrations.0002_freeze_approved_reviews")

# The states a review may be approved from: reviews/workflow.py, rule APPROVE (a test keeps
# them equal), and the state reopening leads to (rule REOPEN).
APPROVE_FROM = ("scored",)
REOPENED = "reopened"
# What an approved result repeats of its review.
RESULT_FIGURES = (
    "policy_id",
    "kpi_score",
    "competency_score",
    "total_score",
    "grade",
    "pay_coefficient",
    "verbal_warning",
    "approved_at",
    "approved_by_id",
)
# What may change in the statement that approves a review, and in the one that reopens it.
# Every column of a scoring policy but `frozen_at` (SQLite compares them one by one).
POLICY_COLUMNS = (
    "id", "cycle_id", "version", "kpi_share", "director_weight", "hr_weight", "achievement_cap",
    "achievement_floor", "warning_threshold", "band_s", "band_a", "band_b", "band_c",
    "coefficient_s", "coefficient_a", "coefficient_b", "coefficient_c", "coefficient_d",
    "created_at",
)
APPROVING = ("state", "approved_at", "approved_by_id", "updated_at")
REOPENING = ("state", "version", "revision", "updated_at")


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _all_but(row: str, columns: tuple[str, ...]) -> str:
    return f"(to_jsonb({row}) - ARRAY[{_listed(columns)}])"


def _matches(review: str, result: str) -> str:
    return " AND ".join(
        f"{result}.{column} IS NOT DISTINCT FROM {review}.{column}" for column in RESULT_FIGURES
    )


def _postgres_forward(schema: str) -> list[str]:
    # Tables are looked up in the schema, then pg_temp: a temporary table of the session never
    # stands in for one of them.
    quoted = schema.replace('"', '""')
    path = f'SET search_path = "{quoted}", pg_temp'
    approve_from = _listed(APPROVE_FROM)
    return [
        f"""
        CREATE OR REPLACE FUNCTION reviews_result_matches(review reviews_review) RETURNS boolean
        LANGUAGE sql STABLE {path} AS $$
            SELECT EXISTS (
                SELECT 1 FROM reviews_approvedresult AS result
                WHERE result.review_id = review.id AND result.version = review.version
                  AND {_matches("review", "result")}
            )
        $$;
        """,
        f"""
        CREATE OR REPLACE FUNCTION reviews_refuse_approved_review_change() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF OLD.state = 'approved' THEN
                    RAISE EXCEPTION 'review % is approved and cannot be deleted', OLD.id
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN OLD;
            END IF;
            IF TG_OP = 'INSERT' THEN
                IF NEW.state = 'approved' THEN
                    RAISE EXCEPTION 'a review is approved once scored, never inserted approved'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END IF;
            IF OLD.state = 'approved' THEN
                IF NEW.state <> '{REOPENED}' OR NEW.version IS DISTINCT FROM OLD.version + 1
                   OR {_all_but("NEW", REOPENING)} IS DISTINCT FROM {_all_but("OLD", REOPENING)}
                THEN
                    RAISE EXCEPTION 'review % is approved: it can only be reopened, as its next '
                        'version', OLD.id USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                IF NOT reviews_result_matches(OLD) THEN
                    RAISE EXCEPTION 'review % cannot be reopened: version % has no approved '
                        'result with its figures', OLD.id, OLD.version
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END IF;
            IF NEW.version IS DISTINCT FROM OLD.version THEN
                RAISE EXCEPTION 'review %: a version begins only when an approved review is '
                    'reopened', OLD.id USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF NEW.state = 'approved' AND (
                OLD.state NOT IN ({approve_from})
                OR NEW.scored_revision IS DISTINCT FROM NEW.revision
                OR {_all_but("NEW", APPROVING)} IS DISTINCT FROM {_all_but("OLD", APPROVING)}
            ) THEN
                RAISE EXCEPTION 'review % can be approved only from {"/".join(APPROVE_FROM)}, '
                    'scored at its current revision, with nothing else changed', OLD.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END;
        $$;
        """,
        "DROP TRIGGER IF EXISTS reviews_review_frozen ON reviews_review",
        """
        CREATE TRIGGER reviews_review_frozen BEFORE INSERT OR UPDATE OR DELETE ON reviews_review
        FOR EACH ROW EXECUTE FUNCTION reviews_refuse_approved_review_change();
        """,
        f"""
        CREATE OR REPLACE FUNCTION reviews_check_approved_result() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE
            review reviews_review;
        BEGIN
            SELECT * INTO review FROM reviews_review WHERE id = NEW.id;
            IF FOUND AND review.state = 'approved' AND NOT reviews_result_matches(review) THEN
                RAISE EXCEPTION 'review % is approved at version % without an approved result '
                    'of that version with its figures', review.id, review.version
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END;
        $$;
        """,
        """
        CREATE CONSTRAINT TRIGGER reviews_review_approved_has_result
        AFTER INSERT OR UPDATE ON reviews_review DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (NEW.state = 'approved')
        EXECUTE FUNCTION reviews_check_approved_result();
        """,
        f"""
        CREATE OR REPLACE FUNCTION reviews_refuse_change_under_approved() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
                SELECT 1 FROM reviews_review WHERE id = OLD.review_id AND state = 'approved'
            ) THEN
                RAISE EXCEPTION 'review % is approved: its % cannot change', OLD.review_id,
                    TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
                SELECT 1 FROM reviews_review WHERE id = NEW.review_id AND state = 'approved'
            ) THEN
                RAISE EXCEPTION 'review % is approved: its % cannot change', NEW.review_id,
                    TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END;
        $$;
        """,
        f"""
        CREATE OR REPLACE FUNCTION reviews_check_new_approved_result() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE
            review reviews_review;
        BEGIN
            SELECT * INTO review FROM reviews_review WHERE id = NEW.review_id FOR SHARE;
            IF NOT FOUND OR review.state <> 'approved' OR review.version <> NEW.version
               OR NOT ({_matches("review", "NEW")}) THEN
                RAISE EXCEPTION 'an approved result repeats its review as approved at that '
                    'version (review %, version %)', NEW.review_id, NEW.version
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END;
        $$;
        """,
        """
        CREATE TRIGGER reviews_approvedresult_matches_review BEFORE INSERT
        ON reviews_approvedresult
        FOR EACH ROW EXECUTE FUNCTION reviews_check_new_approved_result();
        """,
        f"""
        CREATE OR REPLACE FUNCTION reviews_refuse_frozen_policy_change() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
            -- Frozen once marked so, or once an approved result was scored with it (the mark
            -- itself, frozen_at alone, is the one change such a policy still takes).
            IF OLD.frozen_at IS NOT NULL OR (
                EXISTS (SELECT 1 FROM reviews_approvedresult WHERE policy_id = OLD.id)
                AND (TG_OP = 'DELETE'
                     OR to_jsonb(NEW) - 'frozen_at' IS DISTINCT FROM to_jsonb(OLD) - 'frozen_at')
            ) THEN
                RAISE EXCEPTION 'scoring policy % is frozen: a change is its next version',
                    OLD.id USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END;
        $$;
        """,
        """
        CREATE TRIGGER reviews_scoringpolicy_frozen BEFORE UPDATE OR DELETE
        ON reviews_scoringpolicy
        FOR EACH ROW EXECUTE FUNCTION reviews_refuse_frozen_policy_change();
        """,
        f"ALTER FUNCTION reviews_refuse_any_change() {path}",
    ]


POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS reviews_scoringpolicy_frozen ON reviews_scoringpolicy",
    "DROP FUNCTION IF EXISTS reviews_refuse_frozen_policy_change()",
    "DROP TRIGGER IF EXISTS reviews_approvedresult_matches_review ON reviews_approvedresult",
    "DROP TRIGGER IF EXISTS reviews_review_approved_has_result ON reviews_review",
    "DROP TRIGGER IF EXISTS reviews_review_frozen ON reviews_review",
    "DROP FUNCTION IF EXISTS reviews_check_new_approved_result()",
    "DROP FUNCTION IF EXISTS reviews_check_approved_result()",
    # 0002's functions and trigger, as they were.
    *FROZEN.POSTGRES_FORWARD[:3],
    "DROP FUNCTION IF EXISTS reviews_result_matches(reviews_review)",
    "ALTER FUNCTION reviews_refuse_any_change() RESET search_path",
]

# SQLite: the same row checks, as far as its triggers go (no deferred check, no roles).
SQLITE_REVIEW_FROZEN = f"""
CREATE TRIGGER reviews_review_frozen BEFORE UPDATE ON reviews_review
FOR EACH ROW WHEN OLD.state = 'approved' AND (
    NEW.state <> '{REOPENED}' OR NEW.version IS NOT OLD.version + 1
    OR {" OR ".join(
        f"NEW.{c} IS NOT OLD.{c}"
        for c in ("id", "cycle_id", "employee_id", "department_id", *RESULT_FIGURES)
    )}
    OR NOT EXISTS (
        SELECT 1 FROM reviews_approvedresult AS result
        WHERE result.review_id = OLD.id AND result.version = OLD.version
          AND {_matches("OLD", "result").replace("IS NOT DISTINCT FROM", "IS")}
    )
)
BEGIN SELECT RAISE(ABORT, 'review is approved: it can only be reopened'); END;
"""
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS reviews_review_frozen",
    SQLITE_REVIEW_FROZEN,
    """
    CREATE TRIGGER reviews_review_never_inserted_approved BEFORE INSERT ON reviews_review
    FOR EACH ROW WHEN NEW.state = 'approved'
    BEGIN SELECT RAISE(ABORT, 'a review is approved once scored, never inserted approved'); END;
    """,
    f"""
    CREATE TRIGGER reviews_review_approved_from_scored BEFORE UPDATE ON reviews_review
    FOR EACH ROW WHEN OLD.state <> 'approved' AND (
        NEW.version IS NOT OLD.version
        OR NEW.state = 'approved' AND (
            OLD.state NOT IN ({_listed(APPROVE_FROM)}) OR NEW.scored_revision IS NOT NEW.revision
            OR NEW.revision IS NOT OLD.revision
            OR {" OR ".join(
                f"NEW.{c} IS NOT OLD.{c}"
                for c in ("id", "cycle_id", "employee_id", "department_id", "policy_id",
                          "kpi_score", "competency_score", "total_score", "grade",
                          "pay_coefficient", "verbal_warning")
            )}
        )
    )
    BEGIN SELECT RAISE(ABORT, 'a review is approved only once scored, as it was scored'); END;
    """,
    f"""
    CREATE TRIGGER reviews_approvedresult_matches_review BEFORE INSERT ON reviews_approvedresult
    FOR EACH ROW WHEN NOT EXISTS (
        SELECT 1 FROM reviews_review AS review
        WHERE review.id = NEW.review_id AND review.state = 'approved'
          AND review.version = NEW.version
          AND {_matches("review", "NEW").replace("IS NOT DISTINCT FROM", "IS")}
    )
    BEGIN SELECT RAISE(ABORT, 'an approved result repeats its review as approved'); END;
    """,
    f"""
    CREATE TRIGGER reviews_scoringpolicy_frozen BEFORE UPDATE ON reviews_scoringpolicy
    FOR EACH ROW WHEN OLD.frozen_at IS NOT NULL OR (
        EXISTS (SELECT 1 FROM reviews_approvedresult WHERE policy_id = OLD.id)
        AND ({" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in POLICY_COLUMNS)})
    )
    BEGIN SELECT RAISE(ABORT, 'scoring policy is frozen: a change is its next version'); END;
    """,
    *[
        f"""
        CREATE TRIGGER {table}_frozen_moved BEFORE UPDATE ON {table}
        FOR EACH ROW WHEN EXISTS (
            SELECT 1 FROM reviews_review WHERE id = OLD.review_id AND state = 'approved'
        )
        BEGIN SELECT RAISE(ABORT, 'review is approved: it cannot change'); END;
        """
        for table in ("reviews_reviewkpiline", "reviews_competencyrating")
    ],
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reviews_scoringpolicy_frozen",
    "DROP TRIGGER IF EXISTS reviews_reviewkpiline_frozen_moved",
    "DROP TRIGGER IF EXISTS reviews_competencyrating_frozen_moved",
    "DROP TRIGGER IF EXISTS reviews_approvedresult_matches_review",
    "DROP TRIGGER IF EXISTS reviews_review_approved_from_scored",
    "DROP TRIGGER IF EXISTS reviews_review_never_inserted_approved",
    "DROP TRIGGER IF EXISTS reviews_review_frozen",
    FROZEN._sqlite_forward()[0],
]


def forward(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            statements = _postgres_forward(cursor.fetchone()[0])
    else:
        statements = SQLITE_FORWARD if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_audit_event_actions_and_params")]

    operations = [migrations.RunPython(forward, backward)]
