"""One polite HTTP session for every source.

It names readlist in the User-Agent, retries timeouts, 429 and 5xx with exponential
backoff (honouring Retry-After), keeps a minimum gap between requests to a host (arXiv
asks for one request every three seconds), and sends one request at a time. Waits
are cancellable, so a TUI worker can stop between requests.

Nothing from outside is trusted. Each request (connect, headers and the whole body)
ends by its deadline, `timeout` seconds after it starts, and the session by its budget;
an answer longer than `max_bytes` (decompressed) is refused as it streams in; redirects
are followed only within the host asked; a Retry-After longer than MAX_RETRY_AFTER ends
the tries at once instead of stalling the command; and waits longer than ANNOUNCE_AFTER
are announced.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from readlist import __version__
from readlist.errors import ReadlistError
from readlist.sources.answers import Answer, Body, Undecodable, decoded, retry_after

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"readlist/{__version__} (terminal reading list; python-httpx)"
MAX_RETRY_AFTER = 60.0  # a server asking for a longer pause is given up on at once
ANNOUNCE_AFTER = 5.0  # longer waits are announced; arXiv's 3 s pacing is not
MAX_REDIRECTS = 5
DEFAULT_BACKOFF = 1.0  # seconds before the first retry; doubles each time
DEFAULT_BUDGET = 600.0  # seconds of network time per command
DEFAULT_MAX_BYTES = 32 * 1024 * 1024


class SourceError(ReadlistError):
    """A source answered, but not with something usable (bad XML, an API error)."""


class NetworkError(SourceError):
    """A source could not be reached, or kept failing after every retry."""


class Halt(NetworkError):
    """Retrying cannot help, so the whole command stops (keeping what it committed)."""


class Offline(Halt):
    """No connection at all."""


class OutOfTime(Halt):
    """The session's network budget ran out."""


class HttpStatusError(NetworkError):
    """A 4xx answer that is not worth retrying (a 404 for an unknown paper, say)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Cancelled(ReadlistError):
    """The caller asked to stop (Ctrl-C in the CLI, a cancel flag in the TUI)."""


@dataclass(frozen=True)
class _Call:
    """What a request sends besides its URL: the method, a body and extra headers."""

    method: str = "GET"
    content: bytes | None = None
    headers: Mapping[str, str] | None = None

    def get_headers(self) -> dict[str, str] | None:
        """The headers a redirect that turns into a GET keeps: not the body's type."""
        if not self.headers:
            return None
        return {k: v for k, v in self.headers.items() if k.lower() != "content-type"} or None


_GET = _Call()


class _Retry(Exception):
    """One try failed in a way another try may fix; `wait` is what the server asked."""

    def __init__(self, reason: str, why: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.why = why
        self.wait = wait


class Http:
    """A sequential, retrying, rate-limited HTTP client over httpx (GET, and POST with a
    JSON body)."""

    def __init__(
        self,
        timeout: float,
        *,
        budget: float = DEFAULT_BUDGET,
        max_bytes: int = DEFAULT_MAX_BYTES,
        tries: int = 3,
        backoff: float | None = None,
        cancel: threading.Event | None = None,
        announce: Callable[[str], object] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        from readlist.sources.transport import Deadline, DeadlineTransport

        self._httpx = httpx
        self._deadline = Deadline()
        self._client = httpx.Client(
            timeout=timeout,
            # gzip only, decoded here in bounded steps (see `answers.decoded`)
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
            follow_redirects=False,  # followed here, within the host asked
            transport=transport or DeadlineTransport(self._deadline),
        )
        self.timeout = timeout
        self.budget = budget
        self.max_bytes = max_bytes
        self.tries = max(1, tries)
        self.backoff = DEFAULT_BACKOFF if backoff is None else backoff
        self.cancel = cancel or threading.Event()
        self.announce = announce
        self.requests: Counter[str] = Counter()  # per host, every try counted
        self._end = time.monotonic() + budget
        self._delays: dict[str, float] = {}
        self._next: dict[str, float] = {}
        self._gave_up: dict[str, str] = {}  # host -> the error after its last try
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_delay(self, url: str, seconds: float) -> None:
        """Keep at least `seconds` between the starts of two requests to url's host."""
        self._delays[_host(url)] = seconds

    def get(
        self, url: str, params: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> Answer:
        """A 2xx answer, or NetworkError after the last try (Halt at once).

        `name` (arXiv, the Hub) goes into messages beside the host. A host that failed
        every try once in this session fails at once afterwards, so a down server costs
        one round of retries per run, not one per paper.
        """
        return self._fetch(url, params, name, Body(self.max_bytes, self.timeout))

    def post(
        self,
        url: str,
        body: Any,
        params: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """POST `body` as JSON (Semantic Scholar's batch endpoint): every rule of `get`
        (one request at a time, pacing, retries with backoff and Retry-After, the
        deadline, the budget, the size cap, redirects only within the host). A 307 or
        308 sends the body again; another redirect becomes a GET, as browsers do."""
        content = json.dumps(body, ensure_ascii=True).encode("ascii")
        call = _Call("POST", content, {**(headers or {}), "Content-Type": "application/json"})
        return self._fetch(url, params, name, Body(self.max_bytes, self.timeout), call)

    def download(
        self,
        url: str,
        sink: BinaryIO,
        *,
        name: str | None = None,
        max_bytes: int,
        timeout: float,
        progress: Callable[[int, int], None] | None = None,
    ) -> Answer:
        """Stream a large body (a PDF) into the file `sink`, chunk by chunk: the same
        rules as `get` (pacing, retries, redirects within the host, the budget), with its
        own size cap and deadline. `progress(bytes, total)` as it arrives (total 0 when
        the server does not say). A retry empties `sink` and starts over."""
        body = Body(max_bytes, timeout, sink, progress)
        return self._fetch(url, None, name, body)

    def _fetch(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        name: str | None,
        body: Body,
        call: _Call | None = None,
    ) -> Answer:
        host = _host(url)
        who = name or host
        where = f"{name} at {host}" if name else host
        reason = "no answer"
        with self._lock:
            if host in self._gave_up:
                raise NetworkError(self._gave_up[host])
            for attempt in range(self.tries):
                self._wait(
                    self._next.get(host, 0.0) - time.monotonic(), f"pacing requests to {who}"
                )
                self.requests[host] += 1
                try:
                    return self._once(url, params, where, who, body, call or _GET)
                except _Retry as retry:
                    reason = retry.reason
                    if retry.wait is not None and retry.wait > MAX_RETRY_AFTER:
                        self._gave_up[host] = (
                            f"{where} asked to wait {_seconds(retry.wait)} before retrying "
                            f"({reason}): giving up (readlist waits {MAX_RETRY_AFTER:g} s at most)"
                        )
                        raise NetworkError(self._gave_up[host]) from None
                    wait = self.backoff * 2**attempt if retry.wait is None else retry.wait
                    why = retry.why
                finally:
                    self._next[host] = time.monotonic() + self._delays.get(host, 0.0)
                if attempt + 1 < self.tries:
                    self._wait(wait, why)
            self._gave_up[host] = f"cannot reach {where}: {reason} ({self.tries} tries)"
            raise NetworkError(self._gave_up[host])

    def _once(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        where: str,
        who: str,
        body: Body,
        call: _Call,
    ) -> Answer:
        """One try, redirects within the host included, all by one deadline."""
        httpx = self._httpx
        if time.monotonic() >= self._end:
            raise self._out_of_time()
        request = self._client.build_request(
            call.method, url, params=params, content=call.content, headers=call.headers
        )
        origin = request.url
        self._deadline.at = min(time.monotonic() + body.timeout, self._end)
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = self._client.send(request, stream=True)
                try:
                    status = response.status_code
                    if response.next_request is not None:  # a redirect
                        request = self._redirect(origin, response, where, call)
                        continue
                    if status < 400:
                        return Answer(str(response.url), status, self._body(response, where, body))
                    if status == 429:
                        wait = retry_after(response)
                        raise _Retry("HTTP 429", f"{who} asked us to slow down", wait)
                    if status >= 500:
                        wait = retry_after(response)
                        raise _Retry(f"HTTP {status}", f"{who} answered HTTP {status}", wait)
                    raise HttpStatusError(f"{where}: HTTP {status}", status)
                finally:
                    response.close()
            raise SourceError(f"{where}: more than {MAX_REDIRECTS} redirects, refused")
        except httpx.TimeoutException:
            if time.monotonic() >= self._end - 0.05:
                raise self._out_of_time() from None
            within = f"within {body.timeout:g} s"
            raise _Retry(f"no complete answer {within}", f"{who} did not answer {within}") from None
        except httpx.TransportError as exc:
            raise Offline(f"cannot reach {where}: {_reason(exc)}") from None
        finally:
            self._deadline.at = None

    def _redirect(
        self, origin: httpx.URL, response: httpx.Response, where: str, call: _Call
    ) -> httpx.Request:
        """The next request, if `response` redirects within origin's host (http to
        https allowed); anything else is refused, naming both hosts."""
        assert response.next_request is not None
        target = response.next_request.url
        same = target.host == origin.host and (
            (target.scheme, target.port) == (origin.scheme, origin.port)
            or (origin.scheme, target.scheme, target.port) == ("http", "https", None)
        )
        if not same:
            shown = f"{target.host}:{target.port}" if target.port else target.host or str(target)
            raise SourceError(f"{where} redirected to {shown[:80]}: refused (other host)")
        if call.method != "GET" and response.status_code in (307, 308):
            return self._client.build_request(
                call.method, target, content=call.content, headers=call.headers
            )
        return self._client.build_request("GET", target, headers=call.get_headers())

    def _body(self, response: httpx.Response, where: str, body: Body) -> bytes:
        """The decompressed body, refused as soon as it is longer than its cap, and read
        by the request's deadline (checked here too, for any transport)."""
        length = response.headers.get("Content-Length", "").strip()
        total = int(length[:19]) if length.isascii() and length.isdigit() else 0
        if total > body.max_bytes:
            raise SourceError(self._too_big(where, body))
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        body.start()
        size = 0
        try:
            for chunk in decoded(response.iter_raw(), encoding):
                size += len(chunk)
                if size > body.max_bytes:
                    raise SourceError(self._too_big(where, body))
                if self._deadline.at is not None and time.monotonic() > self._deadline.at:
                    raise self._httpx.ReadTimeout("deadline passed", request=response.request)
                body.take(chunk, size, total if not encoding else 0)
        except Undecodable as exc:
            raise SourceError(f"{where} sent an undecodable answer ({_reason(exc)})") from None
        return body.result()

    def _too_big(self, where: str, body: Body) -> str:
        limit = f"{body.max_bytes / 1024 / 1024:g} MB"
        setting = "max_response_mb" if body.sink is None else "max_pdf_mb"
        return f"{where} sent an answer larger than {limit}, refused ([network] {setting})"

    def _out_of_time(self, doing: str = "") -> OutOfTime:
        budget = f"the network budget of {self.budget:g} s ([network] budget)"
        if doing:
            return OutOfTime(f"stopped: {doing} would pass {budget}")
        return OutOfTime(f"stopped: {budget} ran out")

    def _wait(self, seconds: float, why: str) -> None:
        if self.cancel.is_set():
            raise Cancelled("stopped")
        if seconds <= 0:
            return
        if time.monotonic() + seconds > self._end:
            raise self._out_of_time(f"waiting {_seconds(seconds)} ({why})")
        if seconds > ANNOUNCE_AFTER and self.announce is not None:
            self.announce(f"waiting {_seconds(seconds)}: {why}")
        # Short sleeps, not `cancel.wait(seconds)`: a timed wait on a lock takes an
        # absolute deadline on the monotonic clock, which a faked clock (faketime, used
        # to check readlist a year ahead) can put out of reach; sleeps are relative.
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.cancel.is_set():
                raise Cancelled("stopped")
            time.sleep(min(left, CANCEL_POLL))
        if self.cancel.is_set():
            raise Cancelled("stopped")


CANCEL_POLL = 0.05  # seconds: how soon a wait notices the cancel flag


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def _seconds(seconds: float) -> str:
    return f"{seconds:.0f} s" if math.isfinite(seconds) else "forever"
