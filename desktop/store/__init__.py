"""The encrypted single-customer store.

``open_connection(path, passphrase)`` is the contract's entry point for support tools
and outside-in tests; the application uses ``open_store`` and the ``Store`` it returns.

The names below load on first use (PEP 562): the store's models are imported by the
engines and by the import's reader process, which need neither the key handling
(cryptography) nor the migrations (Alembic) that opening a store brings in.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.store.lifecycle import (
        CreatedStore,
        create_store,
        open_connection,
        open_store,
        open_store_with_keychain,
        open_store_with_recovery_key,
    )
    from desktop.store.rekey import RekeyResult, recover_store, rekey_store
    from desktop.store.store import CustomerInfo, Store

_WHERE = {
    "CreatedStore": "desktop.store.lifecycle",
    "create_store": "desktop.store.lifecycle",
    "open_connection": "desktop.store.lifecycle",
    "open_store": "desktop.store.lifecycle",
    "open_store_with_keychain": "desktop.store.lifecycle",
    "open_store_with_recovery_key": "desktop.store.lifecycle",
    "RekeyResult": "desktop.store.rekey",
    "recover_store": "desktop.store.rekey",
    "rekey_store": "desktop.store.rekey",
    "CustomerInfo": "desktop.store.store",
    "Store": "desktop.store.store",
}

__all__ = [
    "CreatedStore",
    "CustomerInfo",
    "RekeyResult",
    "Store",
    "create_store",
    "open_connection",
    "open_store",
    "open_store_with_keychain",
    "open_store_with_recovery_key",
    "recover_store",
    "rekey_store",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'desktop.store' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value
