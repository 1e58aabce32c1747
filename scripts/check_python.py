"""Stop early, with a plain message, when the Python that would build .venv is too old."""

import sys

if sys.version_info < (3, 11):
    sys.exit(
        f"Upstream needs Python 3.11 or newer; {sys.executable} is "
        f"{sys.version.split()[0]}. Run: make PYTHON=python3.11 …"
    )
