"""WebhookSink on another address, for a mock in a container: `url` is what a sender on this
machine uses, `url_for(host)` what a sender that knows this machine by another name uses."""

import pytest
import requests

from mock_carriers.webhook_sink import WebhookSink

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(
    "host, local", [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("::1", "[::1]"), ("::", "[::1]")]
)
def test_a_sink_on_any_address(host, local):
    sink = WebhookSink(host=host)
    try:
        assert sink.url == f"http://{local}:{sink.port}/hook"
        assert sink.url_for("host.docker.internal") == f"http://host.docker.internal:{sink.port}/hook"
        assert sink.url_for("fd00::1") == f"http://[fd00::1]:{sink.port}/hook"
        sink.answer(503)
        assert requests.post(sink.url, data=b"{}", timeout=5).status_code == 503
        assert [(r.method, r.path, r.status) for r in sink.received] == [("POST", "/hook", 503)]
    finally:
        sink.stop()
    with pytest.raises(requests.ConnectionError):
        requests.post(sink.url, timeout=5)
    sink.stop()  # twice is fine


def test_a_sink_on_all_interfaces_answers_on_any_local_name():
    sink = WebhookSink(host="0.0.0.0")
    try:
        assert requests.get(sink.url_for("localhost") + "?echo=hi", timeout=5).text == "hi"
    finally:
        sink.stop()


def test_a_sink_on_a_chosen_port():
    first = WebhookSink()
    port = first.port
    first.stop()
    sink = WebhookSink(port=port)
    try:
        assert sink.url == f"http://127.0.0.1:{port}/hook"
    finally:
        sink.stop()


def test_the_fixture_binds_the_sink_host_option(pytester):
    pytester.makepyfile(
        test_sink="""
import requests

def test_sink(webhook_sink):
    assert webhook_sink.url.startswith("http://127.0.0.1:")
    requests.post(webhook_sink.url_for("localhost"), timeout=5)
    assert len(webhook_sink.wait_for(1)) == 1
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "--mock-carriers-sink-host", "0.0.0.0").assert_outcomes(
        passed=1
    )
