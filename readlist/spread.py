"""Rendering many entries on every core: a first export after an upgrade (the render
cache is of the older build) renders the whole library, 100,000 papers in 25-40 s on
one core.

Only a process with one thread spreads (a command that exits; never the TUI, whose
other threads could hold a lock that the forked copy would wait on forever). The work
is split into a slice per core; each forked process renders its slice into an
anonymous in-memory file (memfd) and exits at once, and this process renders the
first slice meanwhile. A slice whose process fails for any reason is rendered here,
so the result is always what rendering the whole list here gives. Linux only (fork,
memfd); elsewhere, and for short lists, it renders here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
MIN_EACH = 2000  # items per process below which forking costs more than it saves
_LENGTH = struct.Struct("<Q")


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def alone() -> bool:
    """Whether this process runs one thread: else a lock another thread holds at the
    fork would stay held in the copy for ever."""
    return threading.active_count() == 1


def spread(
    render: Callable[[Sequence[T]], list[str]], items: Sequence[T], *, workers: int | None = None
) -> list[str]:
    """`render(items)`, the slices after the first rendered by forked processes."""
    n = min(workers or cores(), len(items) // MIN_EACH)
    if n < 2 or sys.platform != "linux" or not hasattr(os, "memfd_create"):
        return render(items)
    if not alone():
        return render(items)
    size = -(-len(items) // n)
    slices = [items[i : i + size] for i in range(0, len(items), size)]
    children: list[_Child | None] = []
    try:
        for part in slices[1:]:
            children.append(_Child.start(render, part))
        out = render(slices[0])
        for part, child in zip(slices[1:], children, strict=True):
            got = None if child is None else child.collect(len(part))
            out += render(part) if got is None else got
        return out
    finally:
        for child in children:
            if child is not None:
                child.end()


class _Child:
    """A forked process rendering a slice into a memfd."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd
        self.waited = False

    @classmethod
    def start(cls, render: Callable[[Sequence[T]], list[str]], part: Sequence[T]) -> _Child | None:
        """None where no process starts (the caller renders the slice)."""
        try:
            fd = os.memfd_create("readlist-render", os.MFD_CLOEXEC)
        except OSError:
            return None
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            os.close(fd)
            return None
        if pid == 0:  # the child: render, write, and leave without running any cleanup
            code = 1
            try:
                with os.fdopen(fd, "wb", closefd=False) as fh:
                    for text in render(part):
                        data = text.encode("utf-8")
                        fh.write(_LENGTH.pack(len(data)))
                        fh.write(data)
                code = 0
            finally:
                os._exit(code)
        return cls(pid, fd)

    def collect(self, count: int) -> list[str] | None:
        """The child's `count` entries once it exited well, else None."""
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return None
        self.waited = True
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        data = b""
        with contextlib.suppress(OSError):
            data = os.pread(self.fd, os.fstat(self.fd).st_size, 0)
        out: list[str] = []
        at = 0
        while at + _LENGTH.size <= len(data):
            (length,) = _LENGTH.unpack_from(data, at)
            at += _LENGTH.size
            out.append(data[at : at + length].decode("utf-8"))
            at += length
        return out if len(out) == count and at == len(data) else None

    def end(self) -> None:
        """Close the memfd; a child not waited for (an exception here) is ended."""
        with contextlib.suppress(OSError):
            os.close(self.fd)
        if not self.waited:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(self.pid, 0)


__all__ = ["MIN_EACH", "alone", "cores", "spread"]
