"""A raw TCP server on loopback, for the hostile answers pytest-httpserver cannot give:
bytes dribbled one at a time (slow-loris), in the status line, the headers or the body,
and answers that are not HTTP at all."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

Handler = Callable[[socket.socket, threading.Event], None]


class RawServer:
    """Runs `handler(conn, stop)` for every connection, each in its own thread."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self.handler: Handler = lambda conn, stop: None
        self.connections = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                read_request(conn)
                self.handler(conn, self._stop)
            except OSError:
                pass  # the client hung up: what a hostile server's victim does

    def close(self) -> None:
        self._stop.set()
        self._accepting.join(2)
        self._sock.close()
        for thread in self._threads:
            thread.join(2)


def read_request(conn: socket.socket) -> bytes:
    """The request's head (a GET has no body)."""
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def dribble(head: bytes, drip: bytes, every: float, count: int = 1_000_000) -> Handler:
    """Send `head` at once, then `drip` one byte at a time, `every` seconds, `count`
    bytes (for days, by default), then hang up."""

    def handler(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head)
        for i in range(count):
            if stop.wait(every):
                return
            conn.sendall(drip[i % len(drip) : i % len(drip) + 1])

    return handler


def send(data: bytes) -> Handler:
    """Send `data` and close."""

    def handler(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(data)

    return handler


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()
