"""The application role's rights on PostgreSQL: it must be held behind the policies."""

from __future__ import annotations

from sqlalchemy import Connection, text

from sync_server.db.models import tenant_tables


def role_problems(connection: Connection) -> list[str]:
    """What lets the connected role escape row-level security (empty when nothing does)."""
    problems: list[str] = []
    superuser, bypass = connection.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    if superuser:
        problems.append("the application connects as a superuser")
    if bypass:
        problems.append("the application role has BYPASSRLS")
    rows = connection.execute(
        text(
            "SELECT c.relname, pg_get_userbyid(c.relowner) = current_user,"
            " c.relrowsecurity AND c.relforcerowsecurity"
            " FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
            " AND c.relkind = 'r'"
        )
    ).all()
    by_name = {str(name): (bool(owned), bool(forced)) for name, owned, forced in rows}
    for table in tenant_tables():
        owned, forced = by_name.get(table, (False, False))
        if owned:
            problems.append(f"the application role owns {table}")
        if not forced:
            problems.append(f"row-level security is not forced on {table}")
    return problems
