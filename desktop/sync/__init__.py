"""Outbox, de-identified aggregate builder and the sync server client."""
