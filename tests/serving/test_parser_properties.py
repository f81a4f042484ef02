"""The server layer's parsers on any input: a request body's framing and chunked coding, and the
proxy's reading of CONNECT targets, absolute URLs and Proxy-Authorization. Each answers or refuses
in its own terms, never with another exception."""

from __future__ import annotations

import io
from email.message import Message

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from mock_carriers.serving.body import RequestBody
from mock_carriers.serving.framing import FramingError, body_framing
from mock_carriers.serving.proxy import Refused, absolute_target, connect_target, proxy_namespace

HOSTS = frozenset({"www.parcel2go.com", "api.bex.co.za"})
header_values = st.lists(st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=30), max_size=3)


def _headers(lengths: list[str], codings: list[str]) -> Message:
    message = Message()
    for value in lengths:
        message["Content-Length"] = value
    for value in codings:
        message["Transfer-Encoding"] = value
    return message


@given(header_values, header_values)
def test_framing_is_a_length_chunked_or_a_framing_error(lengths, codings):
    try:
        length, chunked = body_framing(_headers(lengths, codings))
    except FramingError:
        return
    assert (length is None or 0 <= length < 10**18) and not (chunked and length is not None)


def _chunked(pieces: list[bytes], extension: bytes = b"") -> bytes:
    return b"".join(b"%x%s\r\n%s\r\n" % (len(piece), extension, piece) for piece in pieces if piece) + b"0\r\n\r\n"


@given(
    st.lists(st.binary(min_size=1, max_size=50), max_size=8),
    st.sampled_from([b"", b";name=value"]),
    st.binary(max_size=20),
)
def test_a_chunked_body_reads_back_whole_and_leaves_the_next_request(pieces, extension, following):
    stream = io.BufferedReader(io.BytesIO(_chunked(pieces, extension) + following))
    body = RequestBody(stream, None, True, 10_000)
    assert body.read() == b"".join(pieces) and body.done
    assert stream.read() == following  # nothing of the next request was taken


@given(st.lists(st.binary(min_size=1, max_size=50), min_size=1, max_size=8))
def test_a_chunked_body_over_the_limit_is_a_413(pieces):
    total = sum(map(len, pieces))
    body = RequestBody(io.BufferedReader(io.BytesIO(_chunked(pieces))), None, True, total - 1)
    try:
        body.read()
    except RequestEntityTooLarge:
        return
    raise AssertionError("read past the limit")


@given(st.binary(max_size=200), st.integers(0, 300), st.booleans())
def test_any_bytes_are_a_body_or_a_400_or_413(raw, length, chunked):
    body = RequestBody(io.BufferedReader(io.BytesIO(raw)), None if chunked else length, chunked, 100)
    try:
        data = body.read()
    except (BadRequest, RequestEntityTooLarge):  # ClientDisconnected is a BadRequest
        return
    assert len(data) <= 100


@given(st.text(max_size=80))
def test_any_connect_target_is_a_carrier_host_or_refused(authority):
    try:
        assert connect_target(authority, HOSTS) in HOSTS
    except Refused as refused:
        assert refused.status in (400, 403) and len(refused.message) < 1000


@given(st.text(max_size=120), st.integers(1, 65535))
def test_any_absolute_target_is_a_carrier_the_mock_or_refused(target, port):
    try:
        assert absolute_target(target, HOSTS, port) in HOSTS | {None}
    except Refused as refused:
        assert refused.status in (400, 403)


@given(
    st.one_of(
        st.none(),
        st.text(max_size=100),
        st.builds(lambda user: "Basic " + __import__("base64").b64encode(user.encode()).decode(), st.text(max_size=40)),
    )
)
def test_any_proxy_authorization_is_a_namespace_none_or_refused(header):
    try:
        namespace = proxy_namespace(header)
    except Refused as refused:
        assert refused.status == 400
        return
    assert namespace is None or (0 < len(namespace) <= 64 and namespace not in (".", ".."))
