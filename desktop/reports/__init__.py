"""Reports of the latest analysis: a PDF for a manager, a CSV of findings and worklists.

``service.write_report(store, out_path, progress=None, clock=utc_now)`` picks the
format by the file's suffix (``.pdf`` or ``.csv``), writes to a temporary file beside the
target and renames it into place, so a failed report leaves no half-written file.
The PDF is drawn with Qt (imported only when a PDF is asked for); the CSV needs no
Qt. ``progress(done, total, detail)`` may raise to cancel (run it on a worker thread
in the window).
"""
