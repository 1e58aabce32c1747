"""Commands on the store itself: init, recover, rekey, audit, keychain."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli import common
from desktop.errors import UsageError
from desktop.store import audit, create_store, recover_store, rekey_store
from desktop.store.backup import backup_store
from desktop.store.remember import forget_keychain, remember_in_keychain


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create a new encrypted store bound to one customer")
    common.add_store_options(p)
    p.add_argument("--customer", required=True, metavar="NAME", help="the customer's name")
    p.set_defaults(handler=run_init)

    p = sub.add_parser("recover", help="open with the recovery key and set a new passphrase")
    common.add_store_options(p)
    p.set_defaults(handler=run_recover)

    p = sub.add_parser("rekey", help="re-encrypt the store under a new passphrase")
    common.add_store_options(p)
    p.set_defaults(handler=run_rekey)

    p = sub.add_parser("audit", help="list the audit trail; --verify checks it was not altered")
    common.add_store_options(p)
    p.add_argument("--verify", action="store_true", help="check the hash chain")
    p.add_argument("--limit", type=int, default=None, help="show at most N entries (newest)")
    p.set_defaults(handler=run_audit)

    p = sub.add_parser("backup", help="write a consistent copy of the store and its key file")
    common.add_store_options(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.set_defaults(handler=run_backup)

    p = sub.add_parser("keychain", help="keep the store's key in this computer's keychain")
    common.add_store_options(p)
    p.add_argument("action", choices=["remember", "forget"])
    p.set_defaults(handler=run_keychain)


def run_init(args: argparse.Namespace) -> int:
    path = common.store_path(args)
    passphrase = common.passphrase_from_args(args)
    if passphrase is None:
        passphrase = common.prompt_secret("New store passphrase: ", confirm=True)
    created = create_store(path, args.customer, passphrase)
    if args.json:
        common.emit_json(
            {
                "store": str(created.path),
                "customer_id": created.customer_id,
                "recovery_key": created.recovery_key,
            }
        )
        return 0
    common.emit_text(
        f"Created the store {created.path} for {created.customer_name}.\n"
        f"It is two files: {created.path.name} and {created.path.name}.keys; "
        "back up and copy both.\n\n"
        f"Recovery key: {created.recovery_key}\n\n"
        "This recovery key is shown only now. Print it or write it down and keep it away "
        "from this computer: it opens the store if the passphrase is lost."
    )
    return 0


def run_recover(args: argparse.Namespace) -> int:
    path = common.store_path(args)
    recovery_key = common.secret_from_env_or_prompt(
        common.RECOVERY_KEY_ENV, "Recovery key: ", confirm=False
    )
    new_passphrase = common.secret_from_env_or_prompt(
        common.NEW_PASSPHRASE_ENV, "New passphrase: ", confirm=True
    )
    result = recover_store(path, recovery_key, new_passphrase)
    _report_rekey(args, result, "Recovered the store; it now opens with the new passphrase.")
    return 0


def run_rekey(args: argparse.Namespace) -> int:
    path = common.store_path(args)
    passphrase = common.passphrase_for_existing(args)
    new_passphrase = common.secret_from_env_or_prompt(
        common.NEW_PASSPHRASE_ENV, "New passphrase: ", confirm=True
    )
    if new_passphrase == passphrase:
        raise UsageError("the new passphrase is the same as the current one")
    result = rekey_store(path, passphrase, new_passphrase)
    _report_rekey(args, result, "Re-encrypted the store; only the new passphrase opens it now.")
    return 0


def _report_rekey(args: argparse.Namespace, result: Any, text: str) -> None:
    if args.json:
        common.emit_json(
            {
                "store": str(common.store_path(args)),
                "key_id": result.new_key_id,
                "keychain_kept": result.keychain_kept,
            }
        )
        return
    common.message(text)
    if result.keychain_kept:
        common.message("The keychain of this computer was updated too.")


def run_audit(args: argparse.Namespace) -> int:
    with common.open_store_from_args(args) as store, store.read() as session:
        entries = audit.entries(session)
        verification = audit.verify(session) if args.verify else None
    if args.limit is not None:
        entries = entries[-args.limit :]
    if args.json:
        document: dict[str, Any] = {
            "entries": [
                {
                    "seq": e.seq,
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "details": e.details,
                }
                for e in entries
            ]
        }
        if verification is not None:
            problem = verification.problem
            document["verify"] = {
                "ok": verification.ok,
                "entries_checked": verification.entries_checked,
                "first_problem": None
                if problem is None
                else {"seq": problem.seq, "kind": problem.kind, "message": problem.message},
            }
        common.emit_json(document)
    else:
        lines = [
            f"{e.seq:>6}  {e.at}  {e.actor:<12}  {e.action:<28} {e.object_type}"
            + (f" {e.object_id}" if e.object_id else "")
            for e in entries
        ]
        common.emit_text("\n".join(lines) if lines else "The audit trail is empty.")
        if verification is not None:
            if verification.ok:
                common.message(
                    f"Audit trail intact: {verification.entries_checked} entries checked."
                )
            else:
                assert verification.problem is not None
                common.message(f"AUDIT TRAIL ALTERED: {verification.problem.message}.")
    return 0 if verification is None or verification.ok else 1


def run_backup(args: argparse.Namespace) -> int:
    destination = backup_store(
        common.store_path(args), common.passphrase_for_existing(args), args.out
    )
    if args.json:
        common.emit_json({"backup": str(destination), "key_file": f"{destination}.keys"})
    else:
        common.message(
            f"Wrote {destination} and {destination.name}.keys; keep the two files together."
        )
    return 0


def run_keychain(args: argparse.Namespace) -> int:
    path = common.store_path(args)
    passphrase = common.passphrase_for_existing(args)
    if args.action == "remember":
        remember_in_keychain(path, passphrase)
        text = "This computer's keychain now opens the store; the passphrase still works too."
    else:
        forget_keychain(path, passphrase)
        text = "The keychain of this computer no longer holds the store's key."
    if args.json:
        common.emit_json({"store": str(path), "keychain": args.action == "remember"})
    else:
        common.message(text)
    return 0
