"""Two devices of one tenant and one of another, against a real ``upstream-server``."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.alerts.feedback import record_feedback
from desktop.alerts.queries import AlertView, alert_detail, list_alerts
from desktop.analysis import AnalysisRequest
from desktop.analysis.wiring import run_standard_analysis
from desktop.ingest.payers import list_payer_mappings
from desktop.store.keys import key_file_path
from desktop.store.models import AlertRule, AuditEntry
from desktop.sync import service
from desktop.sync.errors import (
    DeviceRevoked,
    EnrolmentRefused,
    ProtocolMismatch,
    ServerUnreachable,
)
from desktop.sync.outbox import enqueue
from tests.conftest import PASSPHRASE, StoreFactory
from tests.desktop.sync.server import SyncServer
from tests.desktop.sync.support import (
    FAST_RETRIES,
    effective_verdict,
    feedback_rows,
    give_feedback,
    opened,
)
from tests.helpers.cli import run_cli
from tests.helpers.stubs import MovableClock

FINGERPRINT = "ab" * 32
START = datetime(2026, 11, 2, 10, 15, tzinfo=UTC)


@pytest.fixture
def server(sync_server: SyncServer) -> SyncServer:
    return sync_server


def enrolled(server: SyncServer, path: Path, code: str, clock: MovableClock) -> Path:
    with opened(path) as store:
        service.enroll(store, server.base_url, code, clock=clock, policy=FAST_RETRIES)
    return path


def sync(path: Path, clock: MovableClock) -> service.SyncReport:
    with opened(path) as store:
        return service.sync_once(store, clock=clock, policy=FAST_RETRIES)


def test_devices_of_one_tenant_share_feedback_and_another_tenant_sees_none(
    server: SyncServer, make_store: StoreFactory
) -> None:
    lakeside, hillcrest = server.tenant("Lakeside Billing"), server.tenant("Hillcrest Billing")
    code = server.code(lakeside, uses=2)
    # The two devices' clocks are a day apart each way from the truth: nothing is lost.
    fast, slow = (
        MovableClock(START + timedelta(hours=24)),
        MovableClock(START - timedelta(hours=24)),
    )
    front = enrolled(server, make_store().path, code, fast)
    back = enrolled(server, make_store().path, code, slow)
    other = enrolled(server, make_store().path, server.code(hillcrest), MovableClock(START))

    with opened(front) as store:
        give_feedback(store, FINGERPRINT, "real", fast)
    assert sync(front, fast).stored == 1
    assert sync(back, slow).pulled.feedback_added == 1
    with opened(back) as store:
        arrived = effective_verdict(store, FINGERPRINT)
        assert arrived is not None and (arrived.origin, arrived.verdict) == ("remote", "real")
        # The back office, whose clock runs two days behind, judges it noise after
        # seeing "real": its clock has observed the other's, so its word is the later.
        give_feedback(store, FINGERPRINT, "noise", slow)
    sync(back, slow)
    assert sync(front, fast).pulled.feedback_added == 1
    for path in (front, back):
        with opened(path) as store:
            latest = effective_verdict(store, FINGERPRINT)
            assert latest is not None and latest.verdict == "noise"
            assert len(feedback_rows(store)) == 2  # echoes and repeats add nothing
    # Syncing again changes nothing anywhere.
    assert sync(front, fast).pulled.feedback_added == 0
    assert sync(back, slow).pulled.feedback_added == 0

    assert sync(other, MovableClock(START)).pulled.feedback_added == 0
    with opened(other) as store:
        assert feedback_rows(store) == []
    assert {row[0] for row in server.feedback_rows(hillcrest)} == set()
    assert len(server.feedback_rows(lakeside)) == 2


def test_rules_and_payer_mappings_from_the_admin_apply_locally_and_are_audited(
    server: SyncServer, make_store: StoreFactory
) -> None:
    lakeside, hillcrest = server.tenant("Lakeside Billing"), server.tenant("Hillcrest Billing")
    clock = MovableClock(START)
    mine = enrolled(server, make_store().path, server.code(lakeside), clock)
    theirs = enrolled(server, make_store().path, server.code(hillcrest), clock)
    with server.admin_api() as admin:
        rule = {"name": "Denials up", "metrics": ["denial_rate"], "min_severity": "medium"}
        assert admin.put(f"/admin/v1/tenants/{lakeside}/rules/denials", json=rule).is_success
        mapping = {"raw_name": "ACME HEALTH PLAN", "canonical_payer": "Acme Health"}
        assert admin.put(f"/admin/v1/tenants/{lakeside}/payer-mappings", json=mapping).is_success
    report = sync(mine, clock)
    assert (report.pulled.rules_set, report.pulled.mappings_set) == (1, 1)
    with opened(mine) as store, store.read() as session:
        # The store's default rules stay; the pulled one comes beside them.
        rules = session.scalars(select(AlertRule).where(AlertRule.source == "server")).all()
        assert [(r.name, r.source, r.min_severity) for r in rules] == [
            ("Denials up", "server", "medium")
        ]
        assert [(m.raw_name, m.payer, m.source) for m in list_payer_mappings(session)] == [
            ("ACME HEALTH PLAN", "Acme Health", "server")
        ]
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"alert_rule.set", "payer_mapping.set", "sync.pulled"} <= actions
    with server.admin_api() as admin:
        assert admin.delete(f"/admin/v1/tenants/{lakeside}/rules/denials").is_success
    assert sync(mine, clock).pulled.rules_removed == 1
    with opened(mine) as store, store.read() as session:
        assert session.scalars(select(AlertRule).where(AlertRule.source == "server")).all() == []
        assert session.scalars(select(AlertRule)).all()  # the defaults are untouched
    theirs_report = sync(theirs, clock)
    assert (theirs_report.pulled.rules_set, theirs_report.pulled.mappings_set) == (0, 0)


def test_a_revoked_device_and_an_unreachable_server_keep_the_outbox(
    server: SyncServer, make_store: StoreFactory
) -> None:
    lakeside = server.tenant("Lakeside Billing")
    clock = MovableClock(START)
    path = enrolled(server, make_store().path, server.code(lakeside), clock)
    with opened(path) as store:
        give_feedback(store, FINGERPRINT, "noise", clock)
        device_id = service.status(store).device_id
    assert device_id is not None
    server.admin("device", "revoke", device_id)
    with opened(path) as store:
        with pytest.raises(EnrolmentRefused, match="enrolment code was refused"):
            service.enroll(store, server.base_url, "not-a-real-code", policy=FAST_RETRIES)
        with pytest.raises(DeviceRevoked, match="revoked"):
            service.sync_once(store, clock=clock, policy=FAST_RETRIES)
        state = service.status(store)
        assert state.outbox == 1 and state.last_error and "revoked" in state.last_error
    server.stop()
    with opened(path) as store:
        with pytest.raises(ServerUnreachable, match="outbox is kept"):
            service.sync_once(store, clock=clock, policy=FAST_RETRIES)
        assert service.status(store).outbox == 1


def test_a_protocol_mismatch_says_which_side_must_upgrade(server: SyncServer) -> None:
    import httpx

    from desktop.sync.client import _refusal
    from shared.models import PROTOCOL_HEADER

    answer = httpx.get(f"{server.base_url}/v1/changes", headers={PROTOCOL_HEADER: "99"})
    assert answer.status_code == 426
    error = _refusal(answer, enrolling=False)
    assert isinstance(error, ProtocolMismatch)
    assert "the sync server must be upgraded" in str(error)
    answer = httpx.get(f"{server.base_url}/v1/changes", headers={PROTOCOL_HEADER: "0"})
    assert "Upstream on this computer must be upgraded" in str(_refusal(answer, enrolling=False))


def test_the_cli_enrols_runs_and_reports_status(
    server: SyncServer, make_store: StoreFactory
) -> None:
    lakeside = server.tenant("Lakeside Billing")
    path = make_store().path
    env = {"UPSTREAM_PASSPHRASE": PASSPHRASE}
    before = run_cli("sync", "status", "--store", path, "--json", env=env)
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout) == {
        "server": None,
        "device_id": None,
        "tenant_id": None,
        "last_sync": None,
        "outbox": 0,
    }
    code = server.code(lakeside)
    enrol = run_cli(
        "sync", "enroll", "--store", path, "--server", server.base_url, "--code", code, env=env
    )
    assert enrol.returncode == 0, enrol.stderr
    with opened(path) as store:
        give_feedback(store, FINGERPRINT, "real", MovableClock(START))
    ran = run_cli("sync", "run", "--store", path, "--json", env=env)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["pushed"]["stored"] == 1
    status = json.loads(run_cli("sync", "status", "--store", path, "--json", env=env).stdout)
    assert list(status) == ["server", "device_id", "tenant_id", "last_sync", "outbox"]
    assert status["server"] == server.base_url and status["tenant_id"] == lakeside
    assert status["outbox"] == 0 and str(status["last_sync"]).endswith("Z")
    server.stop()
    with opened(path) as store:
        give_feedback(store, FINGERPRINT, "noise", MovableClock(START))
    offline = run_cli("sync", "run", "--store", path, env=env, timeout=300)
    assert offline.returncode == 5, offline.stderr
    assert "outbox is kept" in offline.stderr
    status = json.loads(run_cli("sync", "status", "--store", path, "--json", env=env).stdout)
    assert status["outbox"] == 1


def test_items_the_server_rejects_stay_marked_and_do_not_block_the_rest(
    server: SyncServer, make_store: StoreFactory
) -> None:
    lakeside = server.tenant("Lakeside Billing")
    clock = MovableClock(START)
    path = enrolled(server, make_store().path, server.code(lakeside), clock)
    small = {
        "week": "2026-W10",
        "payer": "Acme Health",
        "cpt": "99213",
        "lines": 4,
        "denied_lines": 1,
        "billed": 400.0,
        "allowed": 300.0,
        "paid": 250.0,
        "days_to_pay_p50": 12.0,
        "days_to_pay_p90": 20.0,
    }
    with opened(path) as store:
        with store.write() as session:
            enqueue(session, "aggregate", small, item_id="small-cell-0001", clock=clock)
        give_feedback(store, FINGERPRINT, "real", clock)
        report = service.sync_once(store, clock=clock, policy=FAST_RETRIES)
        assert report.stored == 1
        assert list(report.rejected) == ["small-cell-0001"]
        assert "small cell" in report.rejected["small-cell-0001"]
        state = service.status(store)
        assert (state.outbox, state.rejected) == (1, 1)
        assert state.last_error is not None and "rejected 1 item" in state.last_error
        again = service.sync_once(store, clock=clock, policy=FAST_RETRIES)
        assert (again.stored, again.rejected) == (0, {})  # not sent again
        give_feedback(store, FINGERPRINT, "noise", clock)
        steps: list[tuple[int, int, str]] = []
        cancelled = service.sync_once(
            store, lambda *step: steps.append(step), lambda: True, policy=FAST_RETRIES
        )
        assert cancelled.cancelled and cancelled.stored == 0 and cancelled.outbox == 2
        finished = service.sync_once(
            store, lambda *step: steps.append(step), clock=clock, policy=FAST_RETRIES
        )
        assert finished.stored == 1 and steps == [(1, 1, "pushing")]
    env = {"UPSTREAM_PASSPHRASE": PASSPHRASE}
    text = run_cli("sync", "status", "--store", path, env=env).stdout
    assert "1 rejected by the server" in text


def test_sync_of_a_store_that_is_not_enrolled_is_a_usage_error(make_store: StoreFactory) -> None:
    path = make_store().path
    result = run_cli("sync", "run", "--store", path, env={"UPSTREAM_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 2 and "not enrolled" in result.stderr


def test_a_malformed_enrolment_code_is_a_usage_error(make_store: StoreFactory) -> None:
    path = make_store().path
    result = run_cli(
        "sync",
        "enroll",
        "--store",
        path,
        "--server",
        "http://127.0.0.1:9",
        "--code",
        "X",
        env={"UPSTREAM_PASSPHRASE": PASSPHRASE},
    )
    assert result.returncode == 2 and "enrolment code is 8 to 64" in result.stderr


def test_a_crash_after_the_server_stored_a_batch_resends_the_same_batch(
    server: SyncServer, make_store: StoreFactory
) -> None:
    from desktop.sync.client import SyncClient
    from desktop.sync.push import PushTally, _batch
    from desktop.sync.state import enrolment, pending_batch

    lakeside = server.tenant("Lakeside Billing")
    clock = MovableClock(START)
    path = enrolled(server, make_store().path, server.code(lakeside), clock)
    with opened(path) as store:
        for verdict in ("real", "noise", "resolved"):
            give_feedback(store, FINGERPRINT, verdict, clock)
        with store.write() as session:
            state = enrolment(session)
            assert state is not None
            batch = _batch(session, state.device_id, 500, clock, PushTally())
        assert batch is not None
        # The batch reaches the server, then the app dies before it hears the answer.
        with SyncClient(state.server_url, state.device_token, policy=FAST_RETRIES) as client:
            assert client.push(batch.body).stored == 3
    with opened(path) as store:
        with store.read() as session:
            assert pending_batch(session) == batch  # it survived the crash
        report = service.sync_once(store, clock=clock, policy=FAST_RETRIES)
        assert (report.replayed, report.stored, report.duplicate) == (1, 3, 0)
        assert service.status(store).outbox == 0
    assert sorted(server.item_ids(state.device_id)) == sorted(batch.item_ids)


def test_noise_on_one_device_suppresses_the_alert_on_the_other_through_real_runs(
    server: SyncServer, demo_store_template: Path, tmp_path: Path
) -> None:
    """The same office analysed on two desktops: one judgment holds on both."""
    lakeside, hillcrest = server.tenant("Lakeside Billing"), server.tenant("Hillcrest Billing")
    code = server.code(lakeside, uses=2)
    clock = MovableClock(START)
    paths: dict[str, Path] = {}
    for name, enrol_code in (
        ("front", code),
        ("back", code),
        ("elsewhere", server.code(hillcrest)),
    ):
        paths[name] = tmp_path / f"{name}.upstream"
        shutil.copy(demo_store_template, paths[name])
        shutil.copy(key_file_path(demo_store_template), key_file_path(paths[name]))
        enrolled(server, paths[name], enrol_code, clock)
        with opened(paths[name]) as store:
            run_standard_analysis(store, AnalysisRequest(as_of=date(2026, 10, 31)), clock=clock)

    def acme_denials(path: Path) -> AlertView:
        with opened(path) as store, store.read() as session:
            views = {(a.payer, a.metric): a for a in list_alerts(session).items}
        return views[("Acme Health", "denial_rate")]

    assert {acme_denials(p).state for p in paths.values()} == {"open"}
    with opened(paths["front"]) as store:
        result = record_feedback(
            store, acme_denials(paths["front"]).id, "noise", "contract renegotiated", clock=clock
        )
    assert result.state_after == "suppressed"
    assert sync(paths["front"], clock).stored >= 1
    assert sync(paths["back"], clock).pulled.feedback_added == 1

    # The pulled verdict acts at once, with the reason in words and an audit entry ...
    held = acme_denials(paths["back"])
    assert held.state == "suppressed" and "marked noise" in (held.suppressed_reason or "")
    with opened(paths["back"]) as store, store.read() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert "alert.remote_feedback" in actions
    # ... and the next analysis run on that desktop keeps the alert held for that reason.
    clock.advance(timedelta(hours=1))
    with opened(paths["back"]) as store:
        run_standard_analysis(store, AnalysisRequest(as_of=date(2026, 10, 31)), clock=clock)
        with store.read() as session:
            detail = alert_detail(session, held.id)
    assert acme_denials(paths["back"]).state == "suppressed"
    assert detail.events[0].outcome == "suppressed"

    # Another customer with the same pattern sees none of it: its alert stays open.
    assert sync(paths["elsewhere"], clock).pulled.feedback_added == 0
    assert acme_denials(paths["elsewhere"]).state == "open"
