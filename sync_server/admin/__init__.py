"""Admin: tenants, enrolment codes, devices, policies, overview and audit (always audited)."""
