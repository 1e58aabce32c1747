"""Pure computation on numpy columns: drift, delay and quality (no Qt, no SQL)."""
