"""The admin tools' argument handling, property-tested against a live server: a path argument is
always one path segment, whatever its text, and the contract's schema and the admin API agree on
which namespace names are valid (what the schema lets through, the API never calls a bad request)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples

from mock_carriers.agent_tools import AdminCaller, ToolCallError, admin_tools

TOOLS = {tool.name: tool for tool in admin_tools()}
PROPERTY = settings(max_examples=examples(150), suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def caller(live_server):
    return AdminCaller(live_server())


@PROPERTY
@given(fault_id=st.text(min_size=1, max_size=40))
def test_a_path_argument_is_one_segment_whatever_its_text(caller, fault_id):
    """One segment, or (with a '/', which WSGI would decode into a path step) refused, named."""
    try:
        answer = caller.call(TOOLS["remove_fault"], {"name": "default", "fault_id": fault_id})
    except ToolCallError as error:
        assert "/" in fault_id and str(error) == "remove_fault: fault_id: a path argument cannot hold '/'"
    else:
        assert answer.status == 404 and answer.body["message"] == f"no fault rule {fault_id[:80]!r}"


@PROPERTY
@given(name=st.one_of(st.from_regex(r"[A-Za-z0-9_.-]{1,64}", fullmatch=True), st.text(max_size=70)))
def test_the_schema_and_the_admin_api_agree_on_namespace_names(caller, name):
    try:
        answer = caller.call(TOOLS["get_clock"], {"name": name})
    except ToolCallError as error:
        assert str(error).startswith("get_clock: name: ")
    else:
        assert answer.status in (200, 404), answer.body
