"""Tenants: one billing-office customer each."""
