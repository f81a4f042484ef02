"""DRF LimitOffset pagination: any walk along `next` sees every object exactly once, and bad
parameters fall back to DRF's defaults instead of failing."""

from urllib.parse import parse_qsl, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.drf.pagination import LimitOffset

PAGES = LimitOffset(default_limit=20)
URL = "http://mock/api/things/"


def walk(items, query):
    seen, page = [], PAGES.page(items, URL, query, lambda item: item)
    pages = 1
    while True:
        seen += page["results"]
        if page["next"] is None:
            return seen, pages
        parts = urlsplit(page["next"])
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == URL
        page = PAGES.page(items, URL, parse_qsl(parts.query), lambda item: item)
        pages += 1


@given(st.integers(0, 300), st.integers(1, 50), st.integers(0, 40))
def test_following_next_sees_every_object_once(count, limit, offset):
    items = list(range(count))
    seen, _ = walk(items, [("limit", str(limit)), ("offset", str(offset)), ("three_pl", "9")])
    assert seen == items[offset:]


@given(st.integers(0, 300), st.integers(1, 50))
def test_previous_links_go_back_page_by_page(count, limit):
    items = list(range(count))
    last = max(count - 1, 0) // limit * limit
    page, seen = PAGES.page(items, URL, [("limit", str(limit)), ("offset", str(last))], lambda i: i), []
    while True:
        seen = page["results"] + seen
        if page["previous"] is None:
            break
        page = PAGES.page(items, URL, parse_qsl(urlsplit(page["previous"]).query), lambda i: i)
    assert seen == items


def test_links_keep_other_parameters_sorted_as_django_writes_them():
    page = PAGES.page(list(range(79)), URL, [("three_pl", "9"), ("expand", "product"), ("limit", "20")], str)
    assert page["next"] == f"{URL}?expand=product&limit=20&offset=20&three_pl=9"
    assert page["previous"] is None and page["count"] == 79 and len(page["results"]) == 20
    second = PAGES.page(list(range(79)), URL, [("limit", "20"), ("offset", "20")], str)
    assert second["previous"] == f"{URL}?limit=20"  # the first page drops its offset


def _as_int(text):
    """What Python's int() (DRF's `_positive_int`) reads, or None."""
    try:
        return int(text)
    except ValueError:
        return None


@given(
    st.one_of(
        st.text(max_size=30),
        st.just("0"),
        st.just("-5"),
        st.just("9" * 40),
        st.just("+2"),
        st.just(" 3 "),
        st.just("1_0"),
        st.just("-0"),
        st.just("9" * 5000),
    ),
    st.one_of(st.text(max_size=30), st.just("-1"), st.just("1e3"), st.just("+4")),
)
def test_bad_parameters_fall_back_to_the_defaults(limit, offset):
    page = PAGES.page(list(range(50)), URL, [("limit", limit), ("offset", offset)], lambda i: i)
    expected_limit = _as_int(limit) if (_as_int(limit) or 0) > 0 else 20  # not positive -> the default
    expected_offset = _as_int(offset) if (_as_int(offset) or 0) > 0 else 0
    assert page["results"] == list(range(50))[expected_offset : expected_offset + expected_limit]


def test_a_signed_limit_is_read_as_python_reads_it():
    page = PAGES.page(list(range(10)), URL, [("limit", "+2"), ("offset", " +4 ")], str)
    assert page["results"] == ["4", "5"] and page["next"] == f"{URL}?limit=2&offset=6"


def test_links_keep_every_value_of_a_repeated_parameter():
    query = [("expand", "product"), ("three_pl", "9"), ("expand", "three_pl"), ("limit", "2"), ("offset", "2")]
    page = PAGES.page(list(range(9)), URL, query, str)
    assert page["next"] == f"{URL}?expand=product&expand=three_pl&limit=2&offset=4&three_pl=9"
    assert page["previous"] == f"{URL}?expand=product&expand=three_pl&limit=2&three_pl=9"


def test_the_last_of_a_repeated_limit_counts():
    page = PAGES.page(list(range(9)), URL, [("limit", "5"), ("limit", "3")], str)
    assert len(page["results"]) == 3 and page["next"] == f"{URL}?limit=3&offset=3"
