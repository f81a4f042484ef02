"""The dashboard's pages and fragments through Flask's test client: a page is a shell with no data
(served without the admin token), every fragment is the admin API's answer to the caller (so its
401 without the token, its 400 naming the field), markup anywhere is escaped, the fault form offers
exactly what the admin contract's `x-effects` lists, binary bodies are shown or offered for download,
the whole dashboard stays small, and nothing of it is imported until someone opens it."""

import re
import subprocess
from html.parser import HTMLParser

import pytest
from launching import PYTHON
from support import B360, B360_AUTH, BE, be_token, bearer

from mock_carriers.core.fixtures import load_yaml
from mock_carriers.resources import data_dir

UI = "/__admin/ui"
VIEWS = ["/", "/traffic", "/webhooks", "/faults", "/clock"]
FRAGMENTS = ["namespaces", "namespace-options", "scenario-options", "traffic", "charts", "webhooks", "faults", "clock"]
MARKUP = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_is_a_page_with_its_own_script_and_a_strict_policy(client, view):
    page = client.get(UI + view)
    assert page.status_code == 200 and page.mimetype == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
    html = page.get_data(as_text=True)
    assert f'<script src="{UI}/static/dashboard.js' in html and "<script>" not in html  # no inline script
    assert '<main id="main"' in html and 'aria-current="page"' in html


def test_assets_and_unknown_names(client):
    script = client.get(f"{UI}/static/dashboard.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert client.get(f"{UI}/static/dashboard.css").mimetype == "text/css"
    for path in ("/static/app.py", "/static/..%2fviews.py", "/nowhere", "/fragments/secrets"):
        answer = client.get(UI + path)
        assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"
    assert client.post(f"{UI}/").status_code == 405


def test_the_whole_dashboard_is_under_300_kb(client):
    total = sum(len(client.get(UI + view).data) for view in VIEWS)
    total += sum(len(client.get(f"{UI}/static/{name}").data) for name in ("dashboard.js", "dashboard.css"))
    assert total < 300_000, total


def test_with_an_admin_token_pages_show_no_data_and_fragments_need_the_token(make_app):
    client = make_app(admin_token="s3cret").test_client()
    client.put("/__admin/namespaces/hidden-world", headers={"Authorization": "Bearer s3cret"})
    assert "hidden-world" not in client.get(f"{UI}/").get_data(as_text=True)
    for name in FRAGMENTS:
        refused = client.get(f"{UI}/fragments/{name}?ns=default")
        assert refused.status_code == 401 and refused.get_json()["error"] == "unauthorized", name
        allowed = client.get(f"{UI}/fragments/{name}?ns=default", headers={"Authorization": "Bearer s3cret"})
        assert allowed.status_code == 200, name
    assert client.get(f"{UI}/fragments/namespaces", headers={"Authorization": "Bearer wrong"}).status_code == 401
    listed = client.get(f"{UI}/fragments/namespaces", headers={"Authorization": "Bearer s3cret"})
    assert "hidden-world" in listed.get_data(as_text=True)


def test_a_fragment_passes_on_the_admin_apis_refusal(client):
    refused = client.get(f"{UI}/fragments/traffic?ns=default&status=6xx")
    assert refused.status_code == 400 and "status" in refused.get_json()["fields"]
    missing = client.get(f"{UI}/fragments/clock?ns=never-made")
    assert missing.status_code == 404 and "no live namespace 'never-made'" in missing.get_json()["message"]
    assert client.get(f"{UI}/fragments/entry?ns=default&id=x").status_code == 400


def test_a_namespace_name_with_markup_is_escaped_on_the_page_and_refused_by_the_api(client):
    page = client.get(f"{UI}/traffic", query_string={"ns": MARKUP}).get_data(as_text=True)
    assert MARKUP not in page and ESCAPED in page
    refused = client.get(f"{UI}/fragments/traffic", query_string={"ns": MARKUP})
    assert refused.status_code == 400 and MARKUP in refused.get_json()["message"]  # JSON, shown with textContent
    assert refused.mimetype == "application/json"


def test_headers_bodies_descriptions_and_urls_with_markup_are_escaped(client):
    client.post(
        "/bex/api/service/login",
        json={"username": MARKUP, "password": "</pre><script>alert(2)</script>"},
        headers={"X-Note": MARKUP},
    )
    client.post("/__admin/namespaces/default/faults", json={"effect": "status", "description": MARKUP})
    client.post(
        "/__admin/namespaces/default/webhooks/subscriptions",
        json={"carrier": "bex", "url": "http://127.0.0.1:9/<img src=x>", "description": MARKUP},
    )
    pages = {
        "entry": client.get(f"{UI}/fragments/entry?ns=default&id=1"),
        "traffic": client.get(f"{UI}/fragments/traffic?ns=default"),
        "faults": client.get(f"{UI}/fragments/faults?ns=default"),
        "webhooks": client.get(f"{UI}/fragments/webhooks?ns=default"),
    }
    for name, answer in pages.items():
        html = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "<img src=x" not in html and "<script>alert" not in html, name
    assert ESCAPED in pages["entry"].get_data(as_text=True)
    assert "&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in pages["entry"].get_data(as_text=True)
    assert ESCAPED in pages["faults"].get_data(as_text=True) and ESCAPED in pages["webhooks"].get_data(as_text=True)


def test_the_traffic_fragment_gives_what_is_new_since_an_id(client):
    token = be_token(client)
    for _ in range(2):
        client.get(f"{BE}/api/v1/consignments/BE10000001/Statuses", headers=bearer(token))
    everything = client.get(f"{UI}/fragments/traffic?ns=default")
    assert everything.headers["X-Journal-Last-Id"] == "3" and everything.headers["X-Journal-Newest"] == "3"
    assert re.findall(r'data-id="(\d+)"', everything.get_data(as_text=True)) == ["3", "2", "1"]  # newest first
    newer = client.get(f"{UI}/fragments/traffic?ns=default&since=2")
    assert re.findall(r'data-id="(\d+)"', newer.get_data(as_text=True)) == ["3"]
    nothing = client.get(f"{UI}/fragments/traffic?ns=default&since=3")
    assert nothing.get_data(as_text=True).strip() == "" and nothing.headers["X-Journal-Newest"] == "3"
    only_401 = client.get(f"{UI}/fragments/traffic?ns=default&status=4xx")
    assert re.findall(r'data-id="(\d+)"', only_401.get_data(as_text=True)) == []


def test_images_are_shown_and_pdfs_offered_for_download(client):
    token = be_token(client)
    client.get(f"{BE}/api/v1/consignments/BE10000001/pods/png", headers=bearer(token))
    client.get(f"{BE}/api/v1/consignments/BE10000001/pods/pdf", headers=bearer(token))
    image = client.get(f"{UI}/fragments/entry?ns=default&id=2").get_data(as_text=True)
    assert '<img src="data:image/png;base64,iVBOR' in image and "The response body: image/png, " in image
    pdf = client.get(f"{UI}/fragments/entry?ns=default&id=3").get_data(as_text=True)
    assert 'href="data:application/pdf;base64,JVBER' in pdf and 'download="entry-3-response.pdf"' in pdf


def test_a_json_body_is_pretty_printed(client):
    client.post(f"{B360}/products/", json={"sku": "P-1", "title": "Tea"}, headers=B360_AUTH)
    detail = client.get(f"{UI}/fragments/entry?ns=default&id=1").get_data(as_text=True)
    assert '<pre class="body json">{\n  &#34;sku&#34;: &#34;P-1&#34;,' in detail


class _Form(HTMLParser):
    """The fault form's effects (option values) and fields (name -> data-effects)."""

    def __init__(self) -> None:
        super().__init__()
        self.effects: list[str] = []
        self.fields: dict[str, str] = {}
        self._effects = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "option" and "data-matches" in attrs and "data-summary" in attrs:
            self.effects.append(attrs["value"])
        if tag == "p" and "field" in attrs.get("class", ""):
            self._effects = attrs.get("data-effects", "")
        if tag in ("input", "select") and attrs.get("name") and attrs.get("id", "").startswith("fault-"):
            self.fields[attrs["name"]] = self._effects


def test_the_fault_form_offers_exactly_the_contracts_effects_and_parameters(client):
    schema = load_yaml(data_dir("contracts") / "admin.openapi.yaml")["components"]["schemas"]["FaultRequest"]
    form = _Form()
    form.feed(client.get(f"{UI}/faults").get_data(as_text=True))
    assert form.effects == list(schema["x-effects"])
    assert set(form.fields) == set(schema["properties"])
    for effect, described in schema["x-effects"].items():
        for name in described["parameters"]:
            assert effect in form.fields[name].split(), (effect, name)


def test_nothing_of_the_dashboard_is_imported_until_it_is_opened():
    script = """
import sys
from mock_carriers import create_app
client = create_app().test_client()
client.post("/border-express/token", data={"grant_type": "client_credentials"})
client.get("/__admin/namespaces")
before = sorted(name for name in sys.modules if name.startswith("mock_carriers.admin.ui"))
client.get("/__admin/ui/")
after = "mock_carriers.admin.ui.views" in sys.modules
print(before, after)
"""
    result = subprocess.run([*PYTHON, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["[]", "True"]


def test_the_wheel_and_the_docker_build_keep_the_dashboards_files():
    """The wheel takes every file under mock_carriers/ that git does not ignore, and the image
    installs from the build context `.dockerignore` leaves: neither may leave the dashboard out."""
    from fnmatch import fnmatch
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = [
        path.relative_to(root).as_posix()
        for path in (root / "mock_carriers" / "admin" / "ui").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert {"mock_carriers/admin/ui/static/dashboard.js", "mock_carriers/admin/ui/templates/base.html"} <= set(files)
    for ignore in (".gitignore", ".dockerignore"):
        patterns = [line.strip().rstrip("/") for line in (root / ignore).read_text().splitlines() if line.strip()]
        for name in files:
            parts = name.split("/")
            hit = [p for p in patterns if fnmatch(name, p) or any(fnmatch(part, p.lstrip("*/")) for part in parts)]
            assert not hit, (ignore, name, hit)


class _Controls(HTMLParser):
    """Every form control of a page, and the ids its labels name."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.labelled: set[str] = set()
        self._in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._in_label += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append({**attrs, "wrapped": self._in_label > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label -= 1


@pytest.mark.parametrize("view", VIEWS)
def test_every_control_has_a_label(client, view):
    page = _Controls()
    page.feed(client.get(UI + view).get_data(as_text=True))
    assert page.controls
    unlabelled = [c for c in page.controls if not c["wrapped"] and c.get("id") not in page.labelled]
    assert not unlabelled, unlabelled
