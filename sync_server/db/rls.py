"""Row-level-security policies for PostgreSQL, applied by the migrations.

Each tenant table gets one policy, enabled and forced (so it binds the owner too).
A row is visible when the transaction's tenant key matches, or in an admin
transaction; the device and enrolment-code tables also let a transaction that holds
one token or code hash see exactly that row (authentication happens before the
tenant is known).
"""

from __future__ import annotations

from alembic import op

TENANT_MATCH = "tenant_id = current_setting('upstream.tenant_id', true)"
ADMIN_MATCH = "current_setting('upstream.admin', true) = 'on'"


def enable(table: str, *extra_conditions: str, tenant_column: str = "tenant_id") -> None:
    """Enable, force and define the tenant policy on ``table`` (no-op off PostgreSQL)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    tenant = TENANT_MATCH.replace("tenant_id", tenant_column, 1)
    condition = " OR ".join((tenant, ADMIN_MATCH, *extra_conditions))
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING ({condition}) WITH CHECK ({condition})"
    )


def append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on ``table`` with a trigger, on both backends."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION upstream_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION upstream_refuse_change()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )
