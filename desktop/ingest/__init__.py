"""Readers (claims CSV, X12 835/837) into column batches, the PHI guard, the import pipeline."""
