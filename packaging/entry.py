"""The bundle's entry point: the ``upstream`` command, frozen.

``freeze_support`` must run first: the import's reader process is started with the
"spawn" method, which re-runs this program with multiprocessing's own arguments.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop.cli import main

    sys.exit(main())
