"""One polite HTTP session for every source.

It names readlist in the User-Agent, retries timeouts, 429 and 5xx with exponential
backoff (honouring Retry-After), keeps a minimum gap between requests to a host (arXiv
asks for one request every three seconds), and sends one request at a time. Waits
are cancellable, so a TUI worker can stop between requests.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from readlist import __version__
from readlist.errors import ReadlistError

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"readlist/{__version__} (terminal reading list; python-httpx)"
MAX_RETRY_AFTER = 120.0
DEFAULT_BACKOFF = 1.0  # seconds before the first retry; doubles each time


class SourceError(ReadlistError):
    """A source answered, but not with something usable (bad XML, an API error)."""


class NetworkError(SourceError):
    """A source could not be reached, or kept failing after every retry."""


class Offline(NetworkError):
    """No connection at all: retrying cannot help, so the whole command stops."""


class HttpStatusError(NetworkError):
    """A 4xx answer that is not worth retrying (a 404 for an unknown paper, say)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Cancelled(ReadlistError):
    """The caller asked to stop (Ctrl-C in the CLI, a cancel flag in the TUI)."""


class Http:
    """A sequential, retrying, rate-limited GET client over httpx."""

    def __init__(
        self,
        timeout: float,
        *,
        tries: int = 3,
        backoff: float | None = None,
        cancel: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        self._httpx = httpx
        self._client = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            transport=transport,
        )
        self.tries = max(1, tries)
        self.backoff = DEFAULT_BACKOFF if backoff is None else backoff
        self.cancel = cancel or threading.Event()
        self.requests: Counter[str] = Counter()  # per host, every try counted
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

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """A 2xx response, or NetworkError after the last try (Offline at once).

        A host that failed every try once in this session fails at once afterwards,
        so a down server costs one round of retries per run, not one per paper.
        """
        host = _host(url)
        reason = "no answer"
        with self._lock:
            if host in self._gave_up:
                raise NetworkError(self._gave_up[host])
            for attempt in range(self.tries):
                self._wait(self._next.get(host, 0.0) - time.monotonic())
                self.requests[host] += 1
                try:
                    response = self._client.get(url, params=params)
                except self._httpx.TimeoutException:
                    reason = "timed out"
                    wait = self.backoff * 2**attempt
                except self._httpx.TransportError as exc:
                    raise Offline(f"cannot reach {host}: {_reason(exc)}") from None
                else:
                    status = response.status_code
                    if status < 400:
                        return response
                    if status != 429 and status < 500:
                        raise HttpStatusError(f"{host}: HTTP {status}", status)
                    reason = f"HTTP {status}"
                    wait = _retry_after(response) or self.backoff * 2**attempt
                finally:
                    self._next[host] = time.monotonic() + self._delays.get(host, 0.0)
                if attempt + 1 < self.tries:
                    self._wait(wait)
            self._gave_up[host] = f"cannot reach {host}: {reason} ({self.tries} tries)"
            raise NetworkError(self._gave_up[host])

    def _wait(self, seconds: float) -> None:
        if self.cancel.is_set():
            raise Cancelled("stopped")
        if seconds > 0 and self.cancel.wait(seconds):
            raise Cancelled("stopped")


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), capped."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # "²" is a digit to isdigit, not to float
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), MAX_RETRY_AFTER))
