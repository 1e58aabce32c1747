"""Alert rules, evaluation outcomes and the suppression policy (clock injected)."""
