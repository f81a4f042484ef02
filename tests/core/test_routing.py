import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.errors import BadRequest, MethodNotAllowed, Redirect, RouteNotFound
from mock_carriers.core.routing import RouteTable, resolve_target

CARRIERS = ("border-express", "bex")
HOSTS = {"api.borderexpress.com.au": "border-express"}


def _table(**options) -> RouteTable:
    table = RouteTable(**options)
    table.add(["GET"], "/api/v1/consignments/<number>/Statuses", "statuses", "getStatuses")
    table.add(["GET"], "/api/v1/consignments/<number>/pods/<fmt>", "pod", "getPod")
    table.add(["POST"], "/token", "token", "issueToken")
    return table


segment = st.text(st.characters(blacklist_characters="/", blacklist_categories=("Cs",)), min_size=1, max_size=60)


@given(number=segment, flips=st.lists(st.booleans(), min_size=40, max_size=40))
def test_case_insensitive_tables_match_any_casing_and_keep_parameters(number, flips):
    static = "/api/v1/consignments/{}/Statuses"
    mixed = "".join(c.upper() if flip else c.lower() for c, flip in zip(static, flips + [False] * 99))
    route, params = _table(case_insensitive=True).match("GET", mixed.format(number))
    assert route.operation_id == "getStatuses"
    assert params == {"number": number}


def test_case_sensitive_tables_do_not():
    with pytest.raises(RouteNotFound):
        _table(case_insensitive=False).match("GET", "/API/v1/consignments/x/statuses")


@given(st.text(max_size=300))
def test_any_path_matches_or_raises_a_routing_error(path):
    try:
        _table(case_insensitive=True).match("GET", path)
    except (RouteNotFound, MethodNotAllowed):
        pass


def test_a_wrong_method_lists_the_allowed_ones():
    with pytest.raises(MethodNotAllowed) as raised:
        _table(case_insensitive=True).match("DELETE", "/api/v1/consignments/1/Statuses")
    assert raised.value.headers["Allow"] == "GET, HEAD"


def test_trailing_slash_tolerated_the_aspnet_way():
    route, _ = _table(case_insensitive=True).match("POST", "/token/")
    assert route.operation_id == "issueToken"


def test_append_slash_redirects_the_django_way():
    table = RouteTable(case_insensitive=False, trailing_slash="append")
    table.add(["GET"], "/api/orders/", "orders", "listOrders")
    with pytest.raises(Redirect) as raised:
        table.match("GET", "/api/orders", "limit=5")
    assert raised.value.headers["Location"] == "/api/orders/?limit=5"
    with pytest.raises(RouteNotFound):
        table.match("GET", "/api/nothing")


@pytest.mark.parametrize(
    "path, host, header, expected",
    [
        ("/border-express/token", None, None, ("border-express", "default", "/token", "/border-express")),
        ("/ns/t42/bex/api/x", None, None, ("bex", "t42", "/api/x", "/ns/t42/bex")),
        ("/border-express", None, None, ("border-express", "default", "/", "/border-express")),
        ("/api/v1/x", "api.borderexpress.com.au:443", None, ("border-express", "default", "/api/v1/x", "")),
        ("/api/v1/x", "API.BorderExpress.com.au", "t9", ("border-express", "t9", "/api/v1/x", "")),
        ("/bex/x", None, "other", ("bex", "other", "/x", "/bex")),
    ],
)
def test_targets(path, host, header, expected):
    target = resolve_target(path, host, header, CARRIERS, HOSTS)
    assert (target.carrier, target.namespace, target.path, target.prefix) == expected


@pytest.mark.parametrize("path", ["/", "/nope/x", "/ns/t1/nope/x", "/ns/t1", "/__admin/x"])
def test_paths_naming_no_carrier(path):
    assert resolve_target(path, "localhost", None, CARRIERS, HOSTS) is None


@given(st.text(min_size=1, max_size=80))
def test_namespace_names_are_checked(name):
    valid = (
        len(name) <= 64 and all(c.isascii() and (c.isalnum() or c in "_.-") for c in name) and name not in (".", "..")
    )  # a path step in a base URL, so refused
    try:
        target = resolve_target("/bex/x", None, name, CARRIERS, HOSTS)
    except BadRequest:
        assert not valid
    else:
        assert valid and target.namespace == name


@given(number=segment, repeats=st.lists(st.integers(1, 4), min_size=5, max_size=5))
def test_merge_slashes_reads_any_run_of_slashes_as_one(number, repeats):
    parts = ["api", "v1", "consignments", number, "Statuses"]
    path = "".join("/" * count + part for count, part in zip(repeats, parts))
    route, params = _table(case_insensitive=True, merge_slashes=True).match("GET", path)
    assert route.operation_id == "getStatuses" and params == {"number": number}


def test_tables_keep_repeated_slashes_unless_told():
    with pytest.raises(RouteNotFound):
        _table(case_insensitive=True).match("GET", "//api/v1/consignments/1/Statuses")
