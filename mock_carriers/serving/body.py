"""A request body as the app reads it: framed by Content-Length or chunked coding, cut off at the
server's limit with a 413, and ended with a 400 when the client stops sending, so a connection
can carry the next request only once this one's body is read to its end."""

from __future__ import annotations

import io

from werkzeug.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge

MAX_CHUNK_LINE = 1024  # a chunk-size line with extensions; longer is not HTTP
MAX_TRAILERS = 64


class RequestBody(io.RawIOBase):
    def __init__(self, rfile: io.BufferedIOBase, length: int | None, chunked: bool, max_bytes: int) -> None:
        self._rfile = rfile
        self._chunked = chunked
        self._left = 0 if chunked else (length or 0)  # bytes left in the body, or in the current chunk
        self._started_chunks = False
        self._done = not chunked and not length
        self._read = 0
        self._max = max_bytes

    @property
    def done(self) -> bool:
        """Read to its end: the connection's next bytes are the next request."""
        return self._done

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._done:
            return 0
        if self._chunked and self._left == 0:
            self._next_chunk()
            if self._done:
                return 0
        view = memoryview(buffer)[: min(len(buffer), self._left)]
        try:
            got = self._rfile.readinto(view)
        except OSError:  # a timeout or a reset while the body was on its way
            raise ClientDisconnected("the request body did not arrive in time") from None
        if not got:
            raise ClientDisconnected("the request body ended before its announced length")
        self._left -= got
        self._read += got
        if self._read > self._max:
            raise RequestEntityTooLarge(f"the request body is over {self._max} bytes")
        if not self._chunked and self._left == 0:
            self._done = True
        elif self._chunked and self._left == 0 and self._read >= self._max:
            self._next_chunk()  # at the limit: only the last chunk may follow (a reader stops here)
        return got

    def _next_chunk(self) -> None:
        if self._started_chunks and self._line() != b"":  # the CRLF that ends the chunk before
            raise BadRequest("invalid chunked encoding: a chunk is longer than its size")
        self._started_chunks = True
        size_text = self._line().split(b";", 1)[0].strip()
        if not size_text or len(size_text) > 16 or size_text.strip(b"0123456789abcdefABCDEF"):
            raise BadRequest("invalid chunked encoding: a chunk size is not hexadecimal")
        self._left = int(size_text, 16)
        if self._left == 0:
            for _ in range(MAX_TRAILERS):
                if self._line() == b"":
                    self._done = True
                    return
            raise BadRequest("invalid chunked encoding: too many trailer lines")
        if self._read + self._left > self._max:
            raise RequestEntityTooLarge(f"the request body is over {self._max} bytes")

    def _line(self) -> bytes:
        try:
            line = self._rfile.readline(MAX_CHUNK_LINE + 1)
        except OSError:
            raise ClientDisconnected("the request body did not arrive in time") from None
        if not line:
            raise ClientDisconnected("the request body ended before its last chunk")
        if len(line) > MAX_CHUNK_LINE or not line.endswith(b"\n"):
            raise BadRequest("invalid chunked encoding: a chunk line is too long")
        return line.rstrip(b"\r\n")

    def drain(self, limit: int) -> bool:
        """Read and discard what the app left unread, up to `limit` bytes; answers whether the body
        is now read to its end (else the connection must close after the answer)."""
        try:
            while not self._done and limit > 0:
                chunk = self.read(min(limit, 65536))
                if not chunk:
                    break
                limit -= len(chunk)
        except (BadRequest, RequestEntityTooLarge):
            return False
        return self._done
