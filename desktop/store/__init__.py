"""The encrypted single-customer store.

``open_connection(path, passphrase)`` is the contract's entry point for support tools
and outside-in tests; the application uses ``open_store`` and the ``Store`` it returns.
"""

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
