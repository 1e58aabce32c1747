"""Code shared by the desktop and the sync server."""
