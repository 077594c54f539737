"""The database itself refuses to change an approved review, its lines and ratings, an approved
result or an audit event, whatever the path (service, admin, API, shell, raw SQL).

PostgreSQL also refuses deletions (its test flush uses TRUNCATE, which row triggers ignore);
SQLite, the zero-setup development database, guards updates and inserts only, because its
flush deletes row by row.
"""

from django.db import migrations

FROZEN_FIGURES = [
    "cycle_id", "employee_id", "department_id", "kpi_score", "competency_score", "total_score",
    "grade", "pay_coefficient", "verbal_warning", "policy_id", "approved_at", "approved_by_id",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION reviews_refuse_approved_review_change() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.state = 'approved' THEN
                RAISE EXCEPTION 'review % is approved and cannot be deleted', OLD.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN OLD;
        END IF;
        IF OLD.state = 'approved' THEN
            IF NEW.state <> 'reopened' OR {" OR ".join(
                f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN_FIGURES
            )} THEN
                RAISE EXCEPTION 'review % is approved: it can only be reopened', OLD.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER reviews_review_frozen BEFORE UPDATE OR DELETE ON reviews_review
    FOR EACH ROW EXECUTE FUNCTION reviews_refuse_approved_review_change();
    """,
    """
    CREATE OR REPLACE FUNCTION reviews_refuse_change_under_approved() RETURNS trigger AS $$
    DECLARE
        parent_id bigint;
    BEGIN
        IF TG_OP = 'DELETE' THEN parent_id := OLD.review_id; ELSE parent_id := NEW.review_id; END IF;
        IF EXISTS (SELECT 1 FROM reviews_review WHERE id = parent_id AND state = 'approved') THEN
            RAISE EXCEPTION 'review % is approved: its % cannot change', parent_id, TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER reviews_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON reviews_reviewkpiline
    FOR EACH ROW EXECUTE FUNCTION reviews_refuse_change_under_approved();
    """,
    """
    CREATE TRIGGER reviews_rating_frozen BEFORE INSERT OR UPDATE OR DELETE
    ON reviews_competencyrating
    FOR EACH ROW EXECUTE FUNCTION reviews_refuse_change_under_approved();
    """,
    """
    CREATE OR REPLACE FUNCTION reviews_refuse_any_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER reviews_approvedresult_append_only BEFORE UPDATE OR DELETE
    ON reviews_approvedresult FOR EACH ROW EXECUTE FUNCTION reviews_refuse_any_change();
    """,
    """
    CREATE TRIGGER reviews_auditevent_append_only BEFORE UPDATE OR DELETE
    ON reviews_auditevent FOR EACH ROW EXECUTE FUNCTION reviews_refuse_any_change();
    """,
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS reviews_auditevent_append_only ON reviews_auditevent",
    "DROP TRIGGER IF EXISTS reviews_approvedresult_append_only ON reviews_approvedresult",
    "DROP TRIGGER IF EXISTS reviews_rating_frozen ON reviews_competencyrating",
    "DROP TRIGGER IF EXISTS reviews_line_frozen ON reviews_reviewkpiline",
    "DROP TRIGGER IF EXISTS reviews_review_frozen ON reviews_review",
    "DROP FUNCTION IF EXISTS reviews_refuse_any_change()",
    "DROP FUNCTION IF EXISTS reviews_refuse_change_under_approved()",
    "DROP FUNCTION IF EXISTS reviews_refuse_approved_review_change()",
]


def _sqlite_forward() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_FIGURES)
    statements = [
        f"""
        CREATE TRIGGER reviews_review_frozen BEFORE UPDATE ON reviews_review
        FOR EACH ROW WHEN OLD.state = 'approved' AND (NEW.state <> 'reopened' OR {changed})
        BEGIN SELECT RAISE(ABORT, 'review is approved: it can only be reopened'); END;
        """
    ]
    for table in ("reviews_reviewkpiline", "reviews_competencyrating"):
        for op in ("INSERT", "UPDATE"):
            statements.append(
                f"""
                CREATE TRIGGER {table}_frozen_{op.lower()} BEFORE {op} ON {table}
                FOR EACH ROW WHEN EXISTS (
                    SELECT 1 FROM reviews_review WHERE id = NEW.review_id AND state = 'approved'
                )
                BEGIN SELECT RAISE(ABORT, 'review is approved: it cannot change'); END;
                """
            )
    for table in ("reviews_approvedresult", "reviews_auditevent"):
        statements.append(
            f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'append-only rows cannot change'); END;
            """
        )
    return statements


SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reviews_review_frozen",
    "DROP TRIGGER IF EXISTS reviews_reviewkpiline_frozen_insert",
    "DROP TRIGGER IF EXISTS reviews_reviewkpiline_frozen_update",
    "DROP TRIGGER IF EXISTS reviews_competencyrating_frozen_insert",
    "DROP TRIGGER IF EXISTS reviews_competencyrating_frozen_update",
    "DROP TRIGGER IF EXISTS reviews_approvedresult_append_only",
    "DROP TRIGGER IF EXISTS reviews_auditevent_append_only",
]


def _run(schema_editor, postgres: list[str], sqlite: list[str]) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = postgres if vendor == "postgresql" else sqlite if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _run(schema_editor, POSTGRES_FORWARD, _sqlite_forward())


def backward(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _run(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
