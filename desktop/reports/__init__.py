"""PDF and CSV reports."""
