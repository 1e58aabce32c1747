"""Rate limits per device, per tenant, per address (enrolment and admin), via `limits`."""
