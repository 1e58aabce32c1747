"""Pushes at the same time: one batch id is stored once, and a pull that runs while
feedback is being pushed never skips a change (change numbers commit in order)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.sync_server.client import Api, Device, aggregate, feedback

PUSHERS = 4
BATCHES_PER_PUSHER = 6
PULL_ROUNDS_LIMIT = 2000


def _client(api: Api) -> Api:
    return Api(str(api.http.base_url))


def test_one_batch_pushed_at_once_from_many_connections_is_stored_once(api: Api) -> None:
    tenant = api.create_tenant()
    device, other = api.new_device(tenant), api.new_device(tenant, "Back office")
    items = [aggregate(), feedback(device.device_id)]

    def push(_: int) -> dict[str, Any]:
        client = _client(api)
        try:
            response = client.push(device, items, batch_id="batch-race-0001")
        finally:
            client.close()
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(push, range(6)))
    assert sorted(a["replayed"] for a in answers) == [False] + [True] * 5
    assert all(a["results"] == answers[0]["results"] for a in answers)
    assert [r["status"] for r in answers[0]["results"]] == ["stored", "stored"]
    assert len(api.pull(other).json()["feedback"]) == 1


def test_a_refused_batch_leaves_none_of_its_items(api: Api) -> None:
    device = api.new_device(api.create_tenant())
    assert api.push(device, [aggregate()], batch_id="batch-reuse-0002").status_code == 200
    new_items = [aggregate(), feedback(device.device_id)]
    assert api.push(device, new_items, batch_id="batch-reuse-0002").status_code == 422
    answer = api.push(device, new_items).json()
    assert [r["status"] for r in answer["results"]] == ["stored", "stored"]


def test_a_pull_running_during_pushes_sees_every_feedback_once(api: Api) -> None:
    tenant = api.create_tenant()
    pushers = [api.new_device(tenant, f"PC {n}") for n in range(PUSHERS)]
    reader = api.new_device(tenant, "Reader")
    done = threading.Event()
    seen: list[str] = []
    cursors: list[int] = []

    def push_batches(device: Device) -> list[str]:
        client, sent = _client(api), []
        try:
            for _ in range(BATCHES_PER_PUSHER):
                items = [feedback(device.device_id) for _ in range(3)]
                assert client.push(device, items).status_code == 200
                sent += [item["item_id"] for item in items]
        finally:
            client.close()
        return sent

    def pull_along() -> None:
        client, cursor = _client(api), 0
        try:
            for _ in range(PULL_ROUNDS_LIMIT):
                finished = done.is_set()  # read before pulling: the last pull sees everything
                page = client.pull(reader, cursor=cursor, limit=5).json()
                seen.extend(change["feedback"]["item_id"] for change in page["feedback"])
                cursor = page["next_cursor"]
                cursors.append(cursor)
                if finished and not page["has_more"]:
                    return
            raise AssertionError("the pull did not catch up")
        finally:
            client.close()

    puller = threading.Thread(target=pull_along)
    puller.start()
    with ThreadPoolExecutor(PUSHERS) as pool:
        sent = [item for items in pool.map(push_batches, pushers) for item in items]
    done.set()
    puller.join(timeout=120)
    assert not puller.is_alive()
    assert sorted(seen) == sorted(sent)  # each once: none skipped, none repeated
    assert cursors == sorted(cursors)
