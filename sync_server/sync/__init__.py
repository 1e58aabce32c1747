"""The sync API: push of aggregates and feedback, pull of changes after a cursor."""
