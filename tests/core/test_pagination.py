"""DRF LimitOffset pagination: any walk along `next` sees every object exactly once, and bad
parameters fall back to DRF's defaults instead of failing."""

from urllib.parse import parse_qsl, urlsplit

from hypothesis import given, strategies as st

from mock_carriers.core.pagination import LimitOffset

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


@given(st.one_of(st.text(max_size=30), st.just("0"), st.just("-5"), st.just("9" * 40)),
       st.one_of(st.text(max_size=30), st.just("-1"), st.just("1e3")))
def test_bad_parameters_fall_back_to_the_defaults(limit, offset):
    page = PAGES.page(list(range(50)), URL, [("limit", limit), ("offset", offset)], lambda i: i)
    def whole(text):
        return int(text.strip()) if text.strip().isascii() and text.strip().isdigit() else None
    expected_limit = whole(limit) or 20  # DRF: not a positive whole number -> the default; huge -> everything
    expected_offset = whole(offset) or 0
    assert page["results"] == list(range(50))[expected_offset:expected_offset + expected_limit]
