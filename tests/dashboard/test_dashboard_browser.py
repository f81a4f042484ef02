"""The dashboard in a real browser (headless Chromium from Debian, through selenium) against a real
server on 127.0.0.1, clicking through what a QA engineer does: a latency fault added in the form
marks the next request; five minutes on the clock show a BEX webhook's two retries; a revoked token
gets the client's next call a 401; a contract violation shows beside its request; markup in names,
headers and bodies is shown as text and never runs; a page of another origin cannot change the mock;
and with an admin token nothing shows until it is given. One browser and one server for the module.

With MOCK_CARRIERS_SCREENSHOTS=1 the screenshots of each view go to docs/dashboard/ (the README
shows them); otherwise to a temporary folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from head_start import head_start, prepared
from support import BEX_LOGIN, BEX_WAYBILL, P2G_CLIENT, PageServer, chromium_driver, settled, wait_for

from mock_carriers import create_app
from mock_carriers.client import MockCarriers
from mock_carriers.server import Server
from mock_carriers.settings import Settings
from mock_carriers.webhook_sink import WebhookSink

WAIT = 30  # seconds a page may take to show what it should (a loaded CI machine is slow), never a speed check
POLL = 0.02  # seconds between two looks at the page while waiting (selenium's own is 0.5; a look takes ms)
ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "qa-s3cret"
BE_FORM = {"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"}
STATUSES = "/border-express/api/v1/consignments/BE10000001/Statuses"


def _server(_violations, **settings) -> Server:
    app = create_app(Settings(check_responses=True, on_contract_violation=_violations.append, **settings))
    return Server(app, "127.0.0.1", 0).start()


@pytest.fixture(scope="module")
def site(_violations):
    server = _server(_violations)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def guarded_site(_violations):
    server = _server(_violations, admin_token=ADMIN_TOKEN)
    yield server.url
    server.stop()


class Browser:
    """The module's one browser, launched ahead of it in a serial run (tests/head_start.py)."""

    def __init__(self) -> None:
        self.driver = None

    def run(self) -> None:
        self.driver = chromium_driver()

    def stop(self) -> None:
        if self.driver is not None:
            self.driver.quit()
            self.driver = None


@head_start("browser")
def _browser(items) -> Browser:
    return Browser()


@pytest.fixture(scope="module")
def browser(request):
    launched = prepared(request, "browser")
    yield launched.driver
    launched.stop()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    if os.environ.get("MOCK_CARRIERS_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "dashboard"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("dashboard-screenshots")


class Page:
    """The browser on one dashboard view, with waits on what it shows."""

    def __init__(self, driver, url: str, view: str, namespace: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver, self.by = driver, By
        driver.get(f"{url}/__admin/ui/{view}?ns={quote(namespace, safe='')}")

    def find(self, css: str):
        return self.driver.find_element(self.by.CSS_SELECTOR, css)

    def all(self, css: str):
        return self.driver.find_elements(self.by.CSS_SELECTOR, css)

    def wait_until(self, condition, what: str):
        """What `condition(driver)` answers once it is truthy (a fragment redrawn meanwhile is read again)."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        waiting = WebDriverWait(
            self.driver, WAIT, poll_frequency=POLL, ignored_exceptions=[StaleElementReferenceException]
        )
        return waiting.until(condition, what)

    def wait_for(self, css: str, text: str = "") -> str:
        """The text of the first element matching `css` that holds `text`, once there is one (the
        text, not the element: a fragment the page redraws replaces its elements)."""

        def found(driver):
            return next((e.text for e in driver.find_elements(self.by.CSS_SELECTOR, css) if text in e.text), False)

        return self.wait_until(found, f"no {css!r} showing {text!r}")

    def click(self, css: str, text: str = "", keys: str | None = None) -> None:
        """Click the first element matching `css` that holds `text`, once there is one (or, given
        `keys`, type them into it, as a keyboard user would)."""

        def clicked(driver):
            element = next((e for e in driver.find_elements(self.by.CSS_SELECTOR, css) if text in e.text), None)
            if element is None:
                return False
            if keys:
                element.send_keys(keys)
            else:
                element.click()
            return True

        self.wait_until(clicked, f"no {css!r} showing {text!r} to click")

    def texts(self, css: str) -> list[str]:
        return [element.text for element in self.all(css)]

    def fill(self, field_id: str, value: str) -> None:
        field = self.find(f"#{field_id}")
        field.clear()
        field.send_keys(value)

    def choose(self, field_id: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.find(f"#{field_id}")).select_by_value(value)

    def press(self, text: str, css: str = "button"):
        button = next(b for b in self.all(css) if b.text.strip() == text)
        button.click()
        return button

    def ran(self) -> object:
        return self.driver.execute_script("return window.__pwned")

    def shoot(self, folder: Path, name: str) -> None:
        self.driver.save_screenshot(str(folder / f"{name}.png"))


def _sandbox(url: str, name: str, **options):
    return MockCarriers.connect(url).sandbox(name, **options)


def _be_token(url: str, namespace: str) -> str:
    answer = requests.post(f"{url}/ns/{namespace}/border-express/token", data=BE_FORM, timeout=10)
    return answer.json()["access_token"]


def test_a_latency_fault_added_in_the_form_marks_the_next_request(site, browser, screenshots):
    _sandbox(site, "ui-latency")
    page = Page(browser, site, "faults", "ui-latency")
    page.wait_for("[data-fragment='faults']", "No fault rules")
    page.choose("fault-effect", "latency")
    page.choose("fault-carrier", "border-express")
    page.fill("fault-ms", "slow")
    page.press("Add the rule")
    page.wait_for("#fault-form .field-problem", "must be a number")
    note = page.find("#fault-form .field-problem").get_attribute("id")
    assert note in page.find("#fault-ms").get_attribute("aria-describedby")
    assert "No fault rules" in page.find("[data-fragment='faults']").text  # nothing changed

    page.fill("fault-ms", "5")
    page.fill("fault-times", "1")
    page.fill("fault-description", "slow token")
    page.press("Add the rule")
    page.wait_for("#fault-form [data-result]", "Added fault_1 (latency)")
    page.wait_for("[data-fragment='faults'] tr", "fault_1")

    traffic = Page(browser, site, "traffic", "ui-latency")
    traffic.wait_for("[data-fragment='traffic'] .empty", "No requests")
    token = _be_token(site, "ui-latency")  # the next request: the fault's one firing
    requests.get(f"{site}/ns/ui-latency{STATUSES}", headers={"Authorization": f"bearer {token}"}, timeout=10)
    marked = traffic.wait_for("details.entry", "#1")  # appears without a reload
    assert "fault: latency (fault_1)" in marked and "POST /ns/ui-latency/border-express/token" in marked
    second = traffic.wait_for("details.entry", "#2")
    assert "fault:" not in second and "200 OK" in second

    rules = Page(browser, site, "faults", "ui-latency")
    cells = rules.wait_until(lambda _: rules.texts("[data-fragment='faults'] tbody td") or False, "the rule")
    assert cells[3:6] == ["1", "1", "retired"]  # matched once, fired once, its one time used
    rules.shoot(screenshots, "faults")


def test_five_minutes_on_the_clock_show_a_bex_webhooks_two_retries(site, browser, screenshots):
    sandbox = _sandbox(site, "ui-webhooks")
    sink = WebhookSink()
    try:
        sink.answer(500, 500)
        page = Page(browser, site, "webhooks", "ui-webhooks")
        page.wait_for("[data-fragment='webhooks']", "No subscriptions")
        page.choose("subscribe-carrier", "bex")
        page.fill("subscribe-url", sink.url)
        page.fill("subscribe-secret", "s" * 40)
        page.fill("subscribe-filters", "waybill_update")
        page.press("Subscribe")
        page.wait_for("[data-result]", "as sub_1")

        clock = Page(browser, site, "clock", "ui-webhooks")
        clock.press("Freeze")
        clock.wait_for("[data-fragment='clock']", "frozen")
        login = requests.post(f"{site}/ns/ui-webhooks/bex/api/service/login", json=BEX_LOGIN, timeout=10)
        requests.post(
            f"{site}/ns/ui-webhooks/bex/api/service/submitwaybillv4",
            headers={"token": login.json()["value"]},
            json=BEX_WAYBILL,
            timeout=10,
        )
        first = settled(lambda: sandbox.webhooks.deliveries(), 1)[0]["id"]  # its first attempt (500) is recorded
        clock.fill("advance-by", "5m")
        clock.press("Advance")
        clock.wait_for("[data-result]", "Clock now")
        clock.shoot(screenshots, "clock")

        outbox = Page(browser, site, "webhooks", "ui-webhooks")
        delivery = outbox.wait_for("details.delivery", "delivered")
        assert first in delivery and "3 attempts" in delivery
        outbox.click(f"#delivery-{first} > summary")
        rows = outbox.wait_until(
            lambda _: (found := outbox.texts(f"#delivery-{first}[open] table.attempts tbody tr")) and found, "attempts"
        )
        assert [
            "500 Internal Server Error" in rows[0],
            "500 Internal Server Error" in rows[1],
            "200 OK" in rows[2],
        ] == [True] * 3
        assert len(rows) == 3 and all("ms-signature: sha256=" in row for row in rows)
        assert len(outbox.all(f"#delivery-{first} svg.timeline circle")) == 3
        assert "Retry schedule: 1m, 4m" in outbox.wait_for(f"#delivery-{first}")
        outbox.shoot(screenshots, "webhooks")

        outbox.press(f"Redeliver {first}")
        outbox.wait_for("#status", "Sent again as dlv_")
        again = outbox.wait_for("details.delivery", f"redelivery of {first}")
        assert again.split()[0] != first  # a delivery of its own
        wait_for(lambda: len(sink.posts()) == 4, what="the redelivery's POST")
    finally:
        sink.stop()


def test_a_revoked_token_gets_the_clients_next_call_a_401_in_the_traffic_view(site, browser, screenshots):
    _sandbox(site, "ui-tokens")
    token = _be_token(site, "ui-tokens")
    read = requests.get(f"{site}/ns/ui-tokens{STATUSES}", headers={"Authorization": f"bearer {token}"}, timeout=10)
    assert read.status_code == 200
    page = Page(browser, site, "clock", "ui-tokens")
    page.choose("tokens-carrier", "border-express")
    page.press("Revoke the tokens")
    page.wait_for("[data-result]", "1 border-express token(s) affected (revoke)")

    read = requests.get(f"{site}/ns/ui-tokens{STATUSES}", headers={"Authorization": f"bearer {token}"}, timeout=10)
    assert read.status_code == 401
    traffic = Page(browser, site, "traffic", "ui-tokens")
    traffic.wait_for("details.entry", "#3")
    traffic.choose("filter-status", "4xx")
    [refused] = traffic.wait_until(
        lambda _: (shown := traffic.texts("details.entry")) and len(shown) == 1 and shown, "only the 401 listed"
    )
    assert "#3" in refused and "401 Unauthorized" in refused and "getConsignmentStatuses" in refused


def test_a_contract_violation_shows_beside_its_request(site, browser, screenshots):
    from selenium.webdriver.common.keys import Keys

    page = Page(browser, site, "", "ui-strict")
    page.fill("create-name", "ui-strict")
    page.choose("create-strict", "true")
    page.press("Create")
    page.wait_for("[data-result]", "Namespace ui-strict is ready (seed 0, strict)")

    token = requests.post(
        f"{site}/ns/ui-strict/parcel2go/auth/connect/token", data={"grant_type": "client_credentials", **P2G_CLIENT}
    ).json()["access_token"]
    quotes = f"{site}/ns/ui-strict/parcel2go/api/quotes"
    parcel = {"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}
    good = {"CollectionAddress": {"Country": "GBR"}, "DeliveryAddress": {"Country": "GBR"}, "Parcels": [parcel]}
    for bearer in (token, token, "not-a-token"):  # some traffic around it: two quotes and a 401
        requests.post(quotes, json=good, headers={"Authorization": f"Bearer {bearer}"}, timeout=10)
    answer = requests.post(quotes, json={**good, "Parcels": "many"}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400

    traffic = Page(browser, site, "traffic", "ui-strict")
    entry = traffic.wait_for("details.entry", "contract violation")
    assert "violation: request body $.Parcels" in entry and "[rule: type; parcel2go:getQuotes]" in entry
    traffic.click("details.entry > summary", "contract violation", keys=Keys.ENTER)  # from the keyboard
    table = traffic.wait_for("table.violations", "$.Parcels")
    assert "type" in table and "is not of type 'array'" in table
    traffic.shoot(screenshots, "traffic")

    overview = Page(browser, site, "", "ui-strict")
    row = overview.wait_for("[data-fragment='namespaces'] tbody tr", "ui-strict")
    assert " on " in f" {row} "  # strict mode
    overview.shoot(screenshots, "namespaces")


def test_scenarios_apply_by_name_or_from_a_file(site, browser, tmp_path):
    page = Page(browser, site, "", "default")
    page.wait_for("#scenario-name option", "parcel2go-429")
    page.choose("scenario-name", "parcel2go-429")
    page.click("form[data-scenario='shipped'] button")
    page.wait_for("form[data-scenario='shipped'] [data-result]", "Scenario applied to qa-p2g-429: 1 fault rules")
    rules = requests.get(f"{site}/__admin/namespaces/qa-p2g-429/faults", timeout=10).json()["faults"]
    assert [rule["effect"] for rule in rules] == ["rate_limit"]

    broken = tmp_path / "broken.yaml"
    broken.write_text("seed: 1\nfaults:\n  - {effect: latency, ms: slow}\n")
    page.fill("scenario-file-namespace", "ui-upload")
    page.find("#scenario-file").send_keys(str(broken))
    page.click("form[data-scenario='upload'] button")
    refused = page.wait_for("form[data-scenario='upload'] [data-result]", "faults[0].ms")
    assert "line 3: must be a number from 0 to 30000" in refused  # the admin API's words, with the line
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text("seed: 1\nfaults:\n  - {effect: latency, ms: 5}\nclock: [freeze]\n")
    page.find("#scenario-file").send_keys(str(fixed))
    page.click("form[data-scenario='upload'] button")
    page.wait_for("form[data-scenario='upload'] [data-result]", "Scenario applied to ui-upload: 1 fault rules")
    assert requests.get(f"{site}/__admin/namespaces/ui-upload/clock", timeout=10).json()["frozen"] is True


MARKUP = "<img src=x onerror=window.__pwned=1>"


def test_markup_in_names_headers_and_bodies_is_shown_as_text_never_run(site, browser):
    named = Page(browser, site, "traffic", MARKUP)
    assert MARKUP in named.find("h1").text
    refusal = named.wait_for("[data-fragment='traffic'] .problem", "invalid namespace name")
    assert MARKUP in refusal

    page = Page(browser, site, "", "ui-xss")
    page.fill("create-name", "<img src=x onerror=window.__pwned=2>")
    page.press("Create")
    page.wait_for("[data-result]", "invalid namespace name '<img src=x onerror=window.__pwned=2>'")  # as text

    _sandbox(site, "ui-xss")
    requests.post(
        f"{site}/ns/ui-xss/bex/api/service/login",
        json={
            "username": "<img src=x onerror=window.__pwned=3>",
            "password": "</pre><script>window.__pwned=4</script>",
        },
        headers={"X-Note": "<img src=x onerror=window.__pwned=5>"},
        timeout=10,
    )
    requests.post(
        f"{site}/__admin/namespaces/ui-xss/faults",
        json={"carrier": "bex", "effect": "status", "description": "<img src=x onerror=window.__pwned=6>"},
        timeout=10,
    )
    traffic = Page(browser, site, "traffic", "ui-xss")
    traffic.click("details.entry > summary", "login")
    detail = traffic.wait_for(".entry-detail", "X-Note")
    assert "<img src=x onerror=window.__pwned=5>" in detail
    assert "<img src=x onerror=window.__pwned=3>" in detail and "</pre><script>window.__pwned=4</script>" in detail
    faults = Page(browser, site, "faults", "ui-xss")
    faults.wait_for("[data-fragment='faults'] tr", "<img src=x onerror=window.__pwned=6>")
    assert faults.ran() is None and traffic.ran() is None


CROSS_SITE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>another site</title></head><body><pre id="result"></pre>
<script>
const mock = %(mock)s;
const tries = [
  fetch(mock + "/__admin/namespaces/ui-csrf/faults", {method: "POST", mode: "no-cors",
        body: JSON.stringify({effect: "status"})}),
  fetch(mock + "/__admin/reset", {method: "POST", mode: "no-cors"}),
];
Promise.allSettled(tries).then(() => { document.getElementById("result").textContent = "sent"; });
</script></body></html>
"""


def test_a_page_of_another_origin_cannot_change_the_mock(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    sandbox = _sandbox(site, "ui-csrf")
    page = PageServer((CROSS_SITE % {"mock": json.dumps(site)}).encode())
    try:
        browser.get(page.url)
        WebDriverWait(browser, WAIT, POLL).until(lambda driver: driver.find_element(By.ID, "result").text == "sent")
    finally:
        page.close()
    assert sandbox.faults.list() == []
    assert "ui-csrf" in [
        n["namespace"] for n in requests.get(f"{site}/__admin/namespaces", timeout=10).json()["namespaces"]
    ]


def test_with_an_admin_token_nothing_shows_until_it_is_given(guarded_site, browser, screenshots):
    page = Page(browser, guarded_site, "", "default")
    page.wait_for("#token-panel", "Admin token needed")
    assert page.find("#token-panel").is_displayed() and not page.find("#main").is_displayed()
    assert page.all("[data-fragment='namespaces'] table") == []
    page.shoot(screenshots, "token")

    page.fill("token-input", "wrong")
    page.press("Use this token")
    page.wait_for("#token-problem", "The server refused that token")
    assert not page.find("#main").is_displayed()

    page.fill("token-input", ADMIN_TOKEN)
    page.press("Use this token")
    page.wait_for("[data-fragment='namespaces'] tbody tr", "default")
    assert page.find("#main").is_displayed() and not page.find("#token-panel").is_displayed()

    again = Page(browser, guarded_site, "faults", "default")  # kept for the tab: asked once
    again.wait_for("[data-fragment='faults']", "No fault rules")
    again.press("Forget the admin token")
    again.wait_for("#token-panel", "Admin token needed")
