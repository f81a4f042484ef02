"""MockCarriers / Sandbox over a real server, and the pytest plugin as a user's suite sees it."""

import pytest
import requests
from support import OTHER_PLUGINS_OFF

from mock_carriers import MockCarriers
from mock_carriers.client import AdminError

pytest_plugins = ["pytester"]


def test_start_sandbox_clock_tokens_journal():
    with MockCarriers.start() as mock:
        assert mock.health()["status"] == "ok"
        sb = mock.sandbox("t42", seed=7)
        base, creds, refs = sb.url("border-express"), sb.credentials("border-express"), sb.references("border-express")
        assert base == f"{mock.url}/ns/t42/border-express"
        token = requests.post(f"{base}/token", data={"grant_type": "client_credentials", **creds}, timeout=5).json()
        headers = {"Authorization": f"bearer {token['access_token']}"}
        walking = f"{base}/api/v1/consignments/{refs['walking']}"
        assert requests.get(walking, headers=headers, timeout=5).json()["Status"] == "Despatched"
        sb.clock.freeze()
        sb.clock.advance("50m")
        assert requests.get(walking, headers=headers, timeout=5).json()["Status"] == "Despatched"
        sb.clock.advance("70m")
        assert requests.get(walking, headers=headers, timeout=5).status_code == 401  # an hour passed
        token = requests.post(f"{base}/token", data={"grant_type": "client_credentials", **creds}, timeout=5).json()
        headers = {"Authorization": f"bearer {token['access_token']}"}
        assert requests.get(walking, headers=headers, timeout=5).json()["Status"] == "In Transit"
        assert sb.tokens.revoke("border-express", client_id=creds["client_id"]) == 1
        assert requests.get(walking, headers=headers, timeout=5).status_code == 401
        assert [e["operation"] for e in sb.journal("border-express")][-1] == "getConsignment"
        sb.drop()
        sb.drop()  # dropping twice is fine
        assert mock.reset() == 1  # default, always there


def test_the_admin_client_takes_the_proxy_settings_of_the_environment_it_was_made_in(carriers_server, monkeypatch):
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    through_proxy = MockCarriers.connect(carriers_server.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = MockCarriers.connect(carriers_server.url)
    monkeypatch.delenv("NO_PROXY")
    assert direct.health()["status"] == "ok"  # made while NO_PROXY named the mock's host
    with pytest.raises(requests.exceptions.ProxyError):
        through_proxy.health()


def test_admin_errors_raise():
    with MockCarriers.start(admin_token="abc") as mock:
        try:
            MockCarriers.connect(mock.url).health()
        except AdminError as error:
            assert error.status == 401
        else:
            raise AssertionError("no admin token, yet health answered")
        assert MockCarriers.connect(mock.url, admin_token="abc").health()["status"] == "ok"


PLUGIN_TESTS = """
import requests

def _token(sb):
    data = {{"grant_type": "client_credentials", **sb.credentials("border-express")}}
    return requests.post(sb.url("border-express") + "/token", data=data, timeout=5).json()["access_token"]

def test_{n}_gets_a_fresh_world(carriers, carriers_server):
    ref = carriers.references("border-express")["walking"]
    url = f"{{carriers.url('border-express')}}/api/v1/consignments/{{ref}}"
    assert requests.get(url, headers={{"Authorization": "bearer " + _token(carriers)}}, timeout=5).json()["Status"] == "Despatched"
    carriers.clock.advance("3h")
    assert requests.get(url, headers={{"Authorization": "bearer " + _token(carriers)}}, timeout=5).json()["Status"] == "In Transit"
"""


def test_the_plugin_gives_each_test_a_fresh_namespace(pytester):
    pytester.makepyfile(**{f"test_{n}": PLUGIN_TESTS.format(n=n) for n in range(4)})
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=4)


def test_the_plugin_is_safe_under_xdist(pytester):
    pytester.makepyfile(**{f"test_{n}": PLUGIN_TESTS.format(n=n) for n in range(6)})
    pytester.runpytest_inprocess("-n", "2", "-p", "no:cacheprovider", *OTHER_PLUGINS_OFF).assert_outcomes(passed=6)


def test_the_plugin_can_use_a_running_server(pytester):
    with MockCarriers.start() as mock:
        pytester.makepyfile(test_remote=PLUGIN_TESTS.format(n=0))
        result = pytester.runpytest_inprocess("--mock-carriers-url", mock.url, "-p", "no:cacheprovider")
        result.assert_outcomes(passed=1)


STRICT_TESTS = """
import pytest, requests

AUTH = {"Authorization": "Token mock-b360-token"}

def products(carriers):
    return carriers.url("borderless360") + "/api/v1/public_api/products/"

def test_a_client_that_breaks_the_contract(carriers):
    requests.post(products(carriers), json={"sku": 7, "title": "x"}, headers=AUTH, timeout=5)  # strict mode fails it

def test_a_client_that_keeps_it(carriers):
    assert requests.get(products(carriers), headers=AUTH, timeout=5).status_code == 200

def test_a_test_that_breaks_it_on_purpose(carriers):
    requests.post(products(carriers), json={"sku": 7, "title": "x"}, headers=AUTH, timeout=5)
    assert [v["json_path"] for v in carriers.violations(clear=True)] == ["$.sku"]

@pytest.mark.carriers_strict(False)
def test_a_lenient_test(carriers):
    requests.post(products(carriers), json={"sku": 7, "title": "x"}, headers=AUTH, timeout=5)
"""


def test_the_plugin_fails_a_test_whose_requests_break_a_contract(pytester):
    pytester.makepyfile(test_strict=STRICT_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_a_client_that_breaks_the_contract*",
            "*mock-carriers strict mode: requests broke the carriers' contracts (1 violation)",
            "*POST /ns/*/borderless360/api/v1/public_api/products/ -> 400",
            "*body $.sku: 7 is not of type 'string' [[]rule: type; borderless360:createProduct[]]",
        ]
    )
    lenient = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rf", "--mock-carriers-strict=off")
    lenient.assert_outcomes(passed=3, failed=1)  # no violations recorded: the one that expects them fails
    lenient.stdout.fnmatch_lines(["FAILED *test_a_test_that_breaks_it_on_purpose*"])


def test_admin_calls_go_through_the_session_given(live_server):
    """A Session of the user's own carries every admin call: its headers, its adapters."""
    seen = []

    class Recording(requests.adapters.HTTPAdapter):
        def send(self, request, **kwargs):
            seen.append((request.method, request.url, request.headers.get("X-Team")))
            return super().send(request, **kwargs)

    url = live_server()
    session = requests.Session()
    session.headers["X-Team"] = "qa"
    session.mount("http://", Recording())
    sb = MockCarriers(url, session=session).sandbox("own-session")
    sb.clock.freeze()
    assert seen == [
        ("PUT", f"{url}/__admin/namespaces/own-session", "qa"),
        ("POST", f"{url}/__admin/namespaces/own-session/clock", "qa"),
    ]
