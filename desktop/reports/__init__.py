"""Reports of the latest analysis: a PDF for a manager, a CSV of findings and worklists.

``service.write_report(store, out_path, progress=None, clock=utc_now, cancel=None)``
picks the format by the file's suffix (``.pdf`` or ``.csv``), writes to a temporary file
beside the target and renames it into place, so a failed or cancelled report leaves no
half-written file.
The PDF is drawn with Qt (imported only when a PDF is asked for); the CSV needs no
Qt. ``progress(done, total, detail)`` may raise to cancel, and ``cancel()`` returning
True stops it between steps. The window reads the content on a worker thread and
draws the PDF on the GUI thread (``read_report`` then ``write_pdf_report``).
"""
