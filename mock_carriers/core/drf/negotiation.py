"""Django REST Framework's content negotiation (`DefaultContentNegotiation`) and media types.

A view picks its renderer from the `Accept` header before it authenticates anyone: the most
specific media types the client lists are tried first, against each renderer in the view's order;
none matching is 406 "Could not satisfy the request Accept header.", and a `?format=` no renderer
has is a 404. No `Accept` header means `*/*`; an empty one matches nothing. Quality values are
not weighed (DRF does not weigh them either).
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_carriers.core.errors import HttpError, NotFound

NOT_ACCEPTABLE = "Could not satisfy the request Accept header."
FORMATS = {"application/json": "json"}  # a renderer's `format`, as `?format=` names it


@dataclass(frozen=True)
class MediaType:
    """DRF's `_MediaType`: `main/sub; key=value`, type and keys in lower case (`text` too: media
    types are case-insensitive, and a client's is echoed in Content-Type)."""

    main: str
    sub: str
    params: tuple[tuple[str, str], ...]
    text: str

    @classmethod
    def parse(cls, text: str) -> "MediaType":
        head, *rest = text.split(";")
        main, _, sub = head.strip().lower().partition("/")
        params = []
        for part in rest:
            key, equals, value = part.partition("=")
            if equals and key.strip():
                params.append((key.strip().lower(), value.strip().strip('"')))
        return cls(main, sub, tuple(params), f"{main}/{sub}" + text[len(head) :] if sub else text.strip())

    @property
    def precedence(self) -> int:
        if self.main == "*":
            return 0
        if self.sub == "*":
            return 1
        return 2 if all(key == "q" for key, _ in self.params) else 3

    def satisfies(self, other: "MediaType") -> bool:
        """Whether this (a renderer's or parser's type, without parameters) answers `other`."""
        for key, value in self.params:
            if key != "q" and dict(other.params).get(key) != value:
                return False
        if self.sub != "*" and other.sub != "*" and other.sub != self.sub:
            return False
        return self.main == "*" or other.main == "*" or other.main == self.main

    def param(self, key: str) -> str | None:
        return dict(self.params).get(key)


def select_renderer(renders: tuple[str, ...], accept: str | None, format_: str | None) -> tuple[str, MediaType]:
    """The renderer (one of `renders`) and the media type it answers in, as DRF accepts it: the
    client's own when it is at least as specific as the renderer's (`application/json; indent=4`),
    else the renderer's with the client's parameters (`*/*;q=0.8` -> `application/json;q=0.8`)."""
    if format_:
        renders = tuple(media for media in renders if FORMATS.get(media, media.partition("/")[2]) == format_)
        if not renders:
            raise NotFound()
    wanted = [MediaType.parse(token.strip()) for token in ("*/*" if accept is None else accept).split(",")[:100]]
    for precedence in (3, 2, 1, 0):
        group = [media for media in wanted if media.precedence == precedence]
        for render in renders:
            offered = MediaType.parse(render)
            for media in group:
                if offered.satisfies(media):
                    if offered.precedence > media.precedence:
                        return render, MediaType.parse(";".join([render] + [f"{k}={v}" for k, v in media.params]))
                    return render, media
    raise HttpError(406, "not_acceptable", NOT_ACCEPTABLE)


def json_indent(media: MediaType) -> int | None:
    """`indent=N` of an accepted JSON type, as DRF's JSONRenderer reads it (0 to 8; 0 is none)."""
    try:
        return max(min(int(media.param("indent") or ""), 8), 0) or None
    except ValueError:
        return None
