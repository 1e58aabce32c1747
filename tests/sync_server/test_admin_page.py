"""The admin page driven in headless Chromium: sign in, tenants, devices with last
sync, enrolment codes, overview, revoke, audit trail; cookie flags and CSRF."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sync_server.client import ADMIN_TOKEN, Api, aggregate
from tests.sync_server.conftest import ServerDb

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", shutil.which("chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1200,1400",
)


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or CHROMEDRIVER is None:
        pytest.skip("chromium or chromedriver is not installed (scripts/ensure-system-packages)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_url(driver: Any, url: str) -> None:
    WebDriverWait(driver, 10).until(expected_conditions.url_to_be(url))


def text_of(driver: Any, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def test_an_admin_manages_a_tenant_in_the_browser(
    sqlite_db: ServerDb, serve: Any, browser: Any, tmp_path: Path
) -> None:
    server, api = serve(sqlite_db, cookie_secure=True)
    tenant = api.create_tenant("Harbor Medical Billing")
    device = api.new_device(tenant, "Reception PC")
    api.push(device, [aggregate(cpt=None, lines=200, denied_lines=30)])
    base: str = server.base_url

    browser.get(f"{base}/admin")
    wait_for_url(browser, f"{base}/admin/sign-in")
    browser.find_element(By.ID, "token").send_keys("not the admin token")
    browser.find_element(By.ID, "sign-in").click()
    assert "not right" in text_of(browser, "#sign-in-error")
    browser.find_element(By.ID, "token").send_keys(ADMIN_TOKEN)
    browser.find_element(By.ID, "sign-in").click()
    wait_for_url(browser, f"{base}/admin/tenants")

    cookie = browser.get_cookie("upstream_admin")
    assert cookie["secure"] is True and cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"

    browser.find_element(By.LINK_TEXT, "Harbor Medical Billing").click()
    wait_for_url(browser, f"{base}/admin/tenants/{tenant}")
    assert text_of(browser, "#tenant-name") == "Harbor Medical Billing"
    assert "Harbor Medical Billing" in browser.title
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-device-id="{device.device_id}"]')
    assert "Reception PC" in row.text and "never" not in row.text and "active" in row.text
    overview = text_of(browser, "#overview")
    assert "Acme Health" in overview and "15.0 %" in overview

    browser.find_element(By.ID, "create-code").click()
    code = text_of(browser, "#new-code")
    assert api.enrol_response(code, "Billing office").status_code == 201

    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-device-id="{device.device_id}"]')
    row.find_element(By.CSS_SELECTOR, "button.danger").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(row))
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-device-id="{device.device_id}"]')
    assert "revoked" in row.text
    assert api.pull(device).status_code == 401
    browser.save_screenshot(str(tmp_path / "tenant.png"))

    browser.find_element(By.LINK_TEXT, "Audit trail").click()
    wait_for_url(browser, f"{base}/admin/audit")
    audit = text_of(browser, "#audit")
    assert "device.revoke" in audit and "admin-page@127.0.0.1" in audit
    assert "admin.credential_refused" in audit

    # a form posted without the session's CSRF token is refused, even with the cookie
    forged = httpx.post(
        f"{base}/admin/tenants",
        data={"name": "Forged", "csrf_token": "guess"},
        cookies={"upstream_admin": cookie["value"]},
    )
    assert forged.status_code == 403
    listed = Api(base)
    try:
        names = [
            t["name"]
            for t in listed.http.get("/admin/v1/tenants", headers=listed.admin_headers).json()[
                "tenants"
            ]
        ]
    finally:
        listed.close()
    assert "Forged" not in names
