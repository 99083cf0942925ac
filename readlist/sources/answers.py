"""What an answer brings back, bounded: its bytes (in memory or in a sink, under a size
cap and a deadline, `Body`), decompressed in steps no larger than the cap allows
(`decoded`), and the pause it asks for (`retry_after`). `readlist.sources.http` sends
the requests; this is what it reads."""

from __future__ import annotations

import email.utils
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Answer:
    """A 2xx answer, its body read whole (and decompressed) within the limits."""

    url: str
    status: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class Body:
    """Where an answer's bytes go and what bounds them: memory (an API answer, `get`) or
    a sink (a PDF, `download`), a size cap and a deadline for the whole request."""

    def __init__(
        self,
        max_bytes: int,
        timeout: float,
        sink: BinaryIO | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.sink = sink
        self.progress = progress
        self._chunks: list[bytes] = []

    def start(self) -> None:
        """A try starts over: what an earlier try delivered is dropped."""
        self._chunks = []
        if self.sink is not None:
            self.sink.seek(0)
            self.sink.truncate()

    def take(self, chunk: bytes, size: int, total: int) -> None:
        if self.sink is None:
            self._chunks.append(chunk)
        else:
            self.sink.write(chunk)
        if self.progress is not None:
            self.progress(size, total)

    def result(self) -> bytes:
        return b"".join(self._chunks)


class Undecodable(Exception):
    """The body is not in the encoding it claims, or in one readlist did not ask for."""


def decoded(raw: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """The body decompressed at most 64 KB at a time, so a gzip bomb (1,000:1) costs
    no more memory than the cap. httpx's own decoding inflates each 64 KB read whole."""
    if encoding in ("", "identity"):
        yield from raw
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise Undecodable(f"Content-Encoding {encoding[:40]!r} was not asked for")
    inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)  # a gzip or zlib header
    try:
        for data in raw:
            while data and not inflate.eof:
                yield inflate.decompress(data, 1 << 16)
                data = inflate.unconsumed_tail
        yield inflate.flush()
    except zlib.error as exc:
        raise Undecodable(str(exc)) from None


def retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date measured against the answer's
    own Date header (so no wall clock is needed); None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value)  # inf for absurdly many digits
    try:
        when = email.utils.parsedate_to_datetime(value)
        now = email.utils.parsedate_to_datetime(response.headers.get("Date", ""))
        return max(0.0, (when - now).total_seconds())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
