"""Upstream desktop application: encrypted store, ingest, engines, alerts, sync, reports, UI."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("upstream")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
