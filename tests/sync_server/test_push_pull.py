"""Push is answered item by item and is safely repeatable; pull pages by server cursor."""

from __future__ import annotations

from tests.sync_server.client import Api, aggregate, feedback, new_id


def test_a_batch_is_answered_item_by_item(api: Api) -> None:
    device = api.new_device(api.create_tenant())
    items = [
        aggregate("agg-stored-1"),
        aggregate("agg-small-1", lines=7),
        aggregate("agg-denied-1", lines=20, denied_lines=21),
        feedback(device.device_id, "fb-stored-1"),
        feedback("someone-else-device", "fb-other-1"),
        aggregate("agg-stored-1"),
    ]
    response = api.push(device, items)
    assert response.status_code == 200, response.text
    body = response.json()
    statuses = [(r["item_id"], r["status"]) for r in body["results"]]
    assert statuses == [
        ("agg-stored-1", "stored"),
        ("agg-small-1", "rejected"),
        ("agg-denied-1", "rejected"),
        ("fb-stored-1", "stored"),
        ("fb-other-1", "rejected"),
        ("agg-stored-1", "duplicate"),
    ]
    assert "small cell" in body["results"][1]["reason"]
    assert (body["stored"], body["duplicate"], body["rejected"]) == (2, 1, 3)


def test_the_same_batch_twice_is_stored_once(api: Api) -> None:
    tenant = api.create_tenant()
    device, other = api.new_device(tenant), api.new_device(tenant, "Back office")
    items = [aggregate(), feedback(device.device_id)]
    first = api.push(device, items, batch_id="batch-retry-0001")
    again = api.push(device, items, batch_id="batch-retry-0001")
    assert first.status_code == again.status_code == 200
    assert first.json()["replayed"] is False and again.json()["replayed"] is True
    assert again.json()["results"] == first.json()["results"]
    # the same items under a new batch id (a retry after a lost answer) are duplicates
    retry = api.push(device, items, batch_id="batch-retry-0002").json()
    assert [r["status"] for r in retry["results"]] == ["duplicate", "duplicate"]
    pulled = api.pull(other).json()
    assert len(pulled["feedback"]) == 1


def test_a_batch_id_reused_with_another_body_is_refused(api: Api) -> None:
    device = api.new_device(api.create_tenant())
    assert api.push(device, [aggregate()], batch_id="batch-reuse-0001").status_code == 200
    response = api.push(device, [aggregate()], batch_id="batch-reuse-0001")
    assert response.status_code == 422
    assert "already used" in response.json()["message"]


def test_unknown_fields_and_oversized_batches_are_refused(sqlite_api: Api) -> None:
    api = sqlite_api
    device = api.new_device(api.create_tenant())
    extra = aggregate() | {"patient_name": "Jane Roe"}
    assert api.push(device, [extra]).status_code == 422
    response = api.http.post(
        "/v1/push",
        json={"batch_id": new_id(), "items": [aggregate()], "client_clock": "x"},
        headers=api.device_headers(device.token),
    )
    assert response.status_code == 422
    assert api.push(device, [aggregate() for _ in range(501)]).status_code == 422
    assert api.push(device, []).status_code == 422


def test_request_bodies_have_a_size_limit(sqlite_db, serve) -> None:  # type: ignore[no-untyped-def]
    _, api = serve(sqlite_db, max_body_bytes=4096)
    device = api.new_device(api.create_tenant())
    response = api.push(device, [aggregate() for _ in range(40)])
    assert response.status_code == 413
    assert api.push(device, [aggregate()]).status_code == 200


def test_pull_returns_rules_mappings_and_other_devices_feedback(api: Api) -> None:
    tenant = api.create_tenant()
    mine, theirs = api.new_device(tenant, "A"), api.new_device(tenant, "B")
    assert api.set_rule(tenant, "denials").status_code == 200
    assert api.set_mapping(tenant, "ACME HLTH", "Acme Health").status_code == 200
    api.push(mine, [feedback(mine.device_id, "fb-mine-0001")])
    api.push(theirs, [feedback(theirs.device_id, "fb-theirs-0001", verdict="noise")])
    page = api.pull(mine).json()
    assert [r["rule_id"] for r in page["rules"]] == ["denials"]
    assert [m["canonical_payer"] for m in page["mappings"]] == ["Acme Health"]
    assert [f["feedback"]["item_id"] for f in page["feedback"]] == ["fb-theirs-0001"]
    assert page["has_more"] is False
    # nothing new after the cursor; a changed rule comes back with a newer version
    assert api.pull(mine, page["next_cursor"]).json()["rules"] == []
    api.set_rule(tenant, "denials", name="Denials up sharply")
    later = api.pull(mine, page["next_cursor"]).json()
    assert later["rules"][0]["name"] == "Denials up sharply"
    assert later["rules"][0]["version"] > page["rules"][0]["version"]


def test_pull_pages_by_cursor(api: Api) -> None:
    tenant = api.create_tenant()
    writer, reader = api.new_device(tenant, "A"), api.new_device(tenant, "B")
    items = [feedback(writer.device_id, f"fb-page-{i:04d}") for i in range(12)]
    assert api.push(writer, items).json()["stored"] == 12
    seen: list[str] = []
    cursor, pages = 0, 0
    while pages < 10:
        page = api.pull(reader, cursor, limit=5).json()
        seen += [f["feedback"]["item_id"] for f in page["feedback"]]
        cursor, pages = page["next_cursor"], pages + 1
        if not page["has_more"]:
            break
    assert pages == 3
    assert seen == [f"fb-page-{i:04d}" for i in range(12)]


def test_a_cursor_ahead_of_the_server_is_refused(api: Api) -> None:
    device = api.new_device(api.create_tenant())
    response = api.pull(device, cursor=10_000)
    assert response.status_code == 409
    assert "from 0" in response.json()["message"]


def test_the_protocol_handshake_names_who_must_upgrade(sqlite_api: Api) -> None:
    api = sqlite_api
    device = api.new_device(api.create_tenant())
    hello = api.http.get("/v1/handshake").json()
    assert hello["server_protocol_versions"] == [1]
    for header, who in ((None, "client"), ("0", "client"), ("2", "server"), ("x", "client")):
        headers = {"Authorization": f"Bearer {device.token}"}
        if header is not None:
            headers["Upstream-Protocol"] = header
        response = api.http.get("/v1/changes", headers=headers)
        assert response.status_code == 426
        assert response.json()["upgrade"] == who
        assert "protocol" in response.json()["message"]


def test_health_and_readiness(api: Api) -> None:
    assert api.http.get("/v1/health").json() == {"status": "ok"}
    ready = api.http.get("/v1/ready").json()
    assert ready["status"] == "ready"
    assert ready["rate_limits"].startswith("memory")
