"""PySide6 only: windows, pages, table models and background workers."""
