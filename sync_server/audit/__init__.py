"""The append-only audit trail of admin actions."""
