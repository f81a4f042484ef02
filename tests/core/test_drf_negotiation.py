"""DRF's content negotiation: any Accept header gives a renderer or DRF's 406, never a crash, and
the answer's media type is one a client parses as what it asked for."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.drf.negotiation import MediaType, select_renderer
from mock_carriers.core.errors import HttpError, NotFound

JSON = ("application/json",)


@pytest.mark.parametrize(
    "accept, answered",
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/json", "application/json"),
        ("text/html, application/json", "application/json"),
        ("*/*;q=0.8", "application/json;q=0.8"),  # DRF carries the client's parameters onto the renderer's type
        ("application/json; indent=4", "application/json; indent=4"),
        ("Application/JSON", "application/json"),
    ],
)
def test_what_json_answers(accept, answered):
    render, media = select_renderer(JSON, accept, None)
    assert render == "application/json" and media.text == answered


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/*", "", "application", "json"])
def test_what_is_406(accept):
    with pytest.raises(HttpError) as raised:
        select_renderer(JSON, accept, None)
    assert raised.value.status == 406 and raised.value.message == "Could not satisfy the request Accept header."


def test_the_most_specific_types_are_tried_first_then_the_views_order():
    renders = ("image/png", "application/json")
    assert select_renderer(renders, "*/*", None)[0] == "image/png"
    assert select_renderer(renders, "*/*, application/json", None)[0] == "application/json"


def test_a_format_no_renderer_has_is_404():
    assert select_renderer(JSON, None, "json")[0] == "application/json"
    with pytest.raises(NotFound):
        select_renderer(JSON, None, "api")


@given(st.text(max_size=200))
def test_any_accept_header_is_answered_or_406(accept):
    try:
        render, media = select_renderer(JSON, accept, None)
    except HttpError as error:
        assert error.status == 406
        return
    assert render == "application/json" and MediaType.parse(media.text).main in ("application", "*")
