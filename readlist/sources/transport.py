"""An httpx transport whose every socket operation ends by one deadline.

httpx's timeouts are per operation: a server that sends one byte a second, in its
headers or its body, never trips a read timeout and can hold a request for hours. This
transport runs httpcore's connection pool over a network backend that shrinks each
connect, TLS handshake, read and write to what is left until `Deadline.at`, so the
whole request (connect, headers and body) ends by then. httpcore's pluggable network
backend is public API; httpx's own transport does not expose it.

Proxies from the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) are honoured
as httpx honours them; an http(s) proxy is reached through the same backend.
"""

from __future__ import annotations

import ssl
import time
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx


class Deadline:
    """The monotonic time the request in flight must be done by; None between requests."""

    def __init__(self) -> None:
        self.at: float | None = None

    def clamp(self, timeout: float | None, expired: type[Exception]) -> float | None:
        """`timeout`, shortened to what is left; `expired` is raised when nothing is."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise expired("the request's deadline passed")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_unix_socket(path, timeout, socket_options)
        return _Stream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


_CORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
)


def _httpx_error(exc: Exception, request: httpx.Request) -> Exception:
    """httpcore's exception as the httpx one of the same name (httpx's own mapping), so
    callers catch httpx's classes only; anything else is passed through."""
    for cls in type(exc).__mro__:
        mapped = getattr(httpx, cls.__name__, None)
        if isinstance(mapped, type) and issubclass(mapped, httpx.TransportError):
            return mapped(str(exc) or cls.__name__, request=request)
    return exc


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes], request: httpx.Request) -> None:
        self._stream = stream
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except _CORE_ERRORS as exc:
            raise _httpx_error(exc, self._request) from None

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class DeadlineTransport(httpx.BaseTransport):
    """httpx's default transport, with every request bounded by `deadline`."""

    def __init__(self, deadline: Deadline) -> None:
        self._backend = _Backend(deadline)
        self._ssl = httpx.create_ssl_context()
        self._proxies = urllib.request.getproxies()
        self._pools: dict[str, httpcore.ConnectionPool] = {}

    def _pool(self, url: httpx.URL) -> httpcore.ConnectionPool:
        proxy = self._proxies.get(url.scheme) or self._proxies.get("all") or ""
        if proxy and urllib.request.proxy_bypass(url.host):
            proxy = ""
        if proxy not in self._pools:
            self._pools[proxy] = self._new_pool(proxy)
        return self._pools[proxy]

    def _new_pool(self, proxy: str) -> httpcore.ConnectionPool:
        if not proxy:
            return httpcore.ConnectionPool(ssl_context=self._ssl, network_backend=self._backend)
        url = httpx.URL(proxy if "://" in proxy else f"http://{proxy}")
        if url.scheme not in ("http", "https"):
            raise httpx.ProxyError(f"unsupported proxy {url.scheme}://{url.host} (http or https)")
        auth = (url.username, url.password) if url.username else None
        return httpcore.HTTPProxy(
            proxy_url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=b"/"
            ),
            proxy_auth=auth,
            ssl_context=self._ssl,
            network_backend=self._backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = self._pool(request.url).handle_request(core)
        except _CORE_ERRORS as exc:
            raise _httpx_error(exc, request) from None
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream, request),
            extensions=response.extensions,
        )

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
