"""Alert rules and payer mappings an admin sets for a tenant; devices pull them."""
