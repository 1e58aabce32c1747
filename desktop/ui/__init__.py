"""The desktop window (PySide6 only): pages, table models and background tasks.

Nothing here holds domain logic: every page calls the same services as the CLI,
on a worker thread when the work can take longer than a blink.
"""
