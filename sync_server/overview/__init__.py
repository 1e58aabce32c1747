"""The tenant overview: aggregates of all a tenant's devices merged by payer and week."""
