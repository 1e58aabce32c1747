"""Creating and opening stores.

A store is the encrypted file ``P`` plus its key file ``P.keys`` (see ``keys``).
Creation builds the database under a temporary name and renames it into place, so
``P`` exists only once it is complete. Opening unwraps the data key, proves it on
the file, migrates the schema, checks that the file belongs to the key file, and
finishes a rekey that a killed process left half done.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, select, text

from desktop.clock import Clock, iso_utc, utc_now
from desktop.errors import NotAnUpstreamStore, UsageError, WrongPassphrase
from desktop.store import audit, engine, keychain, keys, migrate
from desktop.store.engine import KeyDoesNotOpen
from desktop.store.keys import KdfParams, KeyFile, UnwrappedKey
from desktop.store.models import Customer, StoreMeta
from desktop.store.store import CustomerInfo, Store

log = logging.getLogger(__name__)

STORE_ID_KEY = "store_id"
FINISHED_REKEY_KEY = "finished_rekey_id"


@dataclass(frozen=True)
class CreatedStore:
    path: Path
    store_id: str
    customer_id: str
    customer_name: str
    recovery_key: str


def create_store(
    path: Path,
    customer_name: str,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    clock: Clock = utc_now,
) -> CreatedStore:
    """Create a new encrypted store bound to one customer; return the recovery key once."""
    name = customer_name.strip()
    if not name:
        raise UsageError("the customer name is empty")
    if not passphrase:
        raise UsageError("the passphrase is empty")
    key_path = keys.key_file_path(path)
    if path.exists():
        raise UsageError(f"{path} already exists; choose another path for a new store")
    if key_path.exists():
        raise UsageError(
            f"{key_path} already exists without its store; move it away or choose another path"
        )
    path.parent.mkdir(parents=True, exist_ok=True)

    store_id = str(uuid.uuid4())
    customer_id = str(uuid.uuid4())
    data_key = keys.new_data_key()
    key_file, recovery_key = keys.new_key_file(store_id, data_key, passphrase, kdf or KdfParams())

    created_at = iso_utc(clock())
    building = path.with_name(f".{path.name}.{secrets.token_hex(4)}.creating")
    building.touch(mode=0o600)
    try:
        store_engine = engine.create_store_engine(building, data_key, pool_size=1)
        try:
            migrate.upgrade(store_engine)
            store = Store(
                building,
                store_engine,
                store_id=store_id,
                customer=CustomerInfo(customer_id, name, created_at),
                schema_revision=migrate.HEAD_REVISION,
            )
            with store.write() as session:
                session.add(Customer(id=customer_id, name=name, created_at=created_at))
                session.add(StoreMeta(key=STORE_ID_KEY, value=store_id))
                audit.append(
                    session,
                    "store.created",
                    "store",
                    store_id,
                    {"customer_id": customer_id, "schema": migrate.HEAD_REVISION},
                    clock=clock,
                )
        finally:
            store_engine.dispose()
        keys.write_key_file(path, key_file)
        building.rename(path)
        keys.fsync_directory(path.parent)
    finally:
        for leftover in (building, *_sidecars(building)):
            leftover.unlink(missing_ok=True)
    log.info("created store %s for customer id %s", path, customer_id)
    return CreatedStore(path, store_id, customer_id, name, recovery_key)


def open_store(path: Path, passphrase: str, *, clock: Clock = utc_now) -> Store:
    return unlock_with_passphrase(path, passphrase, clock)[0]


def unlock_with_passphrase(
    path: Path, passphrase: str, clock: Clock = utc_now
) -> tuple[Store, UnwrappedKey]:
    """The open store and the data key that opened it."""
    key_file = keys.read_key_file(path)
    candidates = keys.unwrap_with_passphrase(key_file, passphrase)
    if not candidates:
        raise WrongPassphrase("wrong passphrase for this store")
    return _open(path, key_file, candidates, clock)


def open_store_with_recovery_key(path: Path, recovery_key: str, *, clock: Clock = utc_now) -> Store:
    return unlock_with_recovery_key(path, recovery_key, clock)[0]


def unlock_with_recovery_key(
    path: Path, recovery_key: str, clock: Clock = utc_now
) -> tuple[Store, UnwrappedKey]:
    key_file = keys.read_key_file(path)
    return _open(path, key_file, keys.unwrap_with_recovery(key_file, recovery_key), clock)


def open_store_with_keychain(path: Path, *, clock: Clock = utc_now) -> Store:
    key_file = keys.read_key_file(path)
    if key_file.keychain_account is None:
        raise WrongPassphrase("this store's key is not kept in this computer's keychain")
    secret = keychain.load_secret(key_file.keychain_account)
    candidates = keys.unwrap_with_keychain_secret(key_file, secret)
    if not candidates:
        raise WrongPassphrase("the keychain's key for this store is out of date")
    return _open(path, key_file, candidates, clock)[0]


def open_connection(path: str | Path, passphrase: str) -> sqlcipher.Connection:
    """A keyed, migrated, ready DB-API connection (the contract's Python entry point)."""
    store_path = Path(path)
    store, working = unlock_with_passphrase(store_path, passphrase)
    store.close()
    return engine.connect(store_path, working.data_key)


def open_store_after_rekey(
    path: Path, key_file: KeyFile, new_key: UnwrappedKey, clock: Clock
) -> Store:
    """Open with the key a rekey just installed; this also finishes that rekey."""
    return _open(path, key_file, [new_key], clock)[0]


def has_keychain_entry(path: Path) -> bool:
    return keys.read_key_file(path).keychain_account is not None


# --- internals ------------------------------------------------------------------------


def _open(
    path: Path, key_file: KeyFile, candidates: list[UnwrappedKey], clock: Clock
) -> tuple[Store, UnwrappedKey]:
    working = find_working_key(path, candidates, rekey_pending=key_file.pending_rekey is not None)
    store_engine = engine.create_store_engine(path, working.data_key)
    try:
        with store_engine.connect() as connection:
            revision = migrate.current_revision(connection)
        if revision is None:
            raise NotAnUpstreamStore(f"{path} is an encrypted database but not an Upstream store")
        migrate.upgrade(store_engine)
        store = _load(path, store_engine)
        if store.store_id != key_file.store_id:
            raise NotAnUpstreamStore(
                f"the key file beside {path} belongs to another store; "
                "restore the key file that was copied with this store"
            )
        if key_file.pending_rekey is not None:
            finish_interrupted_rekey(store, key_file, working, clock)
    except BaseException:
        store_engine.dispose()
        raise
    return store, working


def find_working_key(
    path: Path, candidates: list[UnwrappedKey], *, rekey_pending: bool
) -> UnwrappedKey:
    """The one unwrapped key that decrypts the file (the current one first)."""
    ordered = sorted(candidates, key=lambda c: c.state != "current")
    for candidate in ordered:
        try:
            engine.connect(path, candidate.data_key, autocommit=True).close()
        except KeyDoesNotOpen:
            continue
        return candidate
    if rekey_pending:
        raise WrongPassphrase(
            "this passphrase does not open the store: a change of passphrase was interrupted, "
            "and the store opens with the other one (old or new)"
        )
    raise NotAnUpstreamStore(
        f"{path} does not match its key file: the file is damaged or not an Upstream store"
    )


def finish_interrupted_rekey(
    store: Store, key_file: KeyFile, working: UnwrappedKey, clock: Clock
) -> None:
    """Keep only the key that opens the file; record in the audit trail how it ended."""
    pending = key_file.pending_rekey or {}
    rekey_id = pending.get("id", "")
    completed = working.state == "next"
    with store.write() as session:
        already = session.scalar(select(StoreMeta.value).where(StoreMeta.key == FINISHED_REKEY_KEY))
        if already != rekey_id:
            audit.append(
                session,
                f"store.{pending.get('reason', 'rekey')}" if completed else "store.rekey_abandoned",
                "store",
                store.store_id,
                {
                    "rekey_id": rekey_id,
                    "started_at": pending.get("started_at"),
                    "outcome": "completed"
                    if completed
                    else "interrupted before it changed the file",
                    "key_id": working.key_id,
                },
                clock=clock,
            )
            session.merge(StoreMeta(key=FINISHED_REKEY_KEY, value=rekey_id))
    (entry,) = [k for k in key_file.keys if k.key_id == working.key_id]
    finished = KeyFile(
        store_id=key_file.store_id,
        kdf=key_file.kdf,
        recovery_public=key_file.recovery_public,
        recovery_salt=key_file.recovery_salt,
        keys=(replace(entry, state="current"),),
        keychain_account=key_file.keychain_account if entry.keychain else None,
        pending_rekey=None,
    )
    keys.write_key_file(store.path, finished)


def _load(path: Path, store_engine: Engine) -> Store:
    with store_engine.connect() as connection:
        customer = connection.execute(text("SELECT id, name, created_at FROM customer")).all()
        store_id = connection.execute(
            text("SELECT value FROM store_meta WHERE key = :key"), {"key": STORE_ID_KEY}
        ).scalar()
        revision = migrate.current_revision(connection)
    if len(customer) != 1 or store_id is None or revision is None:
        raise NotAnUpstreamStore(f"{path} is not a complete Upstream store")
    (customer_id, name, created_at) = customer[0]
    return Store(
        path,
        store_engine,
        store_id=store_id,
        customer=CustomerInfo(customer_id, name, created_at),
        schema_revision=revision,
    )


def _sidecars(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))
