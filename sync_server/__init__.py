"""Upstream sync server: tenants, devices, aggregates and feedback (FastAPI)."""
