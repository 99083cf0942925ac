"""The export render cache on disk: each paper's rendered entry, kept between
commands, so that an export renders only the papers that changed since the last one.

Derived data, never a source of truth. It lives in the directory `L-render` beside
the library `L`, as packs: immutable files, each holding the entries of one set of
format options (format, `--unicode`, `--versions`) rendered by one build of readlist
(`fingerprint`: its version, its renderers' code and their libraries' versions). An
entry is found by its digest (readlist.entrycache says what goes into it: the paper's
stored document, its id and the key it is written under), so an entry found is, by
construction, the one rendering that paper afresh would give.

A pack is written like every other file here (temp file, fsync, rename) and never
changed after; packs need no lock: any pack that verifies is right, whoever wrote it.
A pack is checked before use (its own first line and magic, the header's CRC-32, the
body's CRC-32, this build's fingerprint, the options): a missing, torn, corrupt,
foreign or older one is ignored (and removed by the next consolidation). Deleting
the directory loses nothing; the next export renders everything again.

Layout: the first line (`{"_readlist":...}`: export and backup refuse to overwrite
it, as any readlist file), the magic, the header's length and CRC-32, the header
(JSON), then the body: `count` digests of 16 bytes, `count` end offsets (int64), and
the entries' UTF-8 text, one after another.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import struct
import sys
import threading
import zlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from readlist.atomic import atomic_write
from readlist.framed import PREAMBLE, read_frame
from readlist.fspaths import Kind, classify
from readlist.libfiles import unsafe_reason

VERSION = 1
FIRST_LINE = b'{"_readlist":{"1":{"render":%d}}}\n' % VERSION
MAGIC = b"RLRENDER\n"
_PREAMBLE = PREAMBLE
DIGEST = 16
MAX_PACKS = 16  # packs of one options set before they are folded into one
SUFFIX = ".pack"
_TEMP = re.compile(r"\.[^/]+\.render-(\d+)-[0-9a-f]+\.tmp")  # atomic.temp_name's


class Unusable(Exception):
    """A pack that cannot be used (the reason is for tests and debugging only)."""


@cache
def fingerprint() -> str:
    """What the text of an entry depends on besides the paper and the options: this
    readlist's code (the modules that read a paper and render it) and the versions of
    the libraries it renders with. A pack of another build is never used."""
    h = hashlib.blake2b(digest_size=16)
    h.update(sys.version.encode())
    for dist in ("bibtexparser", "pylatexenc"):
        h.update(f"{dist}={_installed(dist)};".encode())
    root = Path(__file__).resolve().parent
    for folder in (root, root / "exporters"):
        for path in sorted(folder.glob("*.py")):
            with contextlib.suppress(OSError), open(path, "rb", buffering=0) as fh:
                h.update(path.name.encode() + b"\0" + fh.readall())  # unbuffered: one read
    return h.hexdigest()


def _installed(dist: str) -> str:
    """The names of `dist`'s *.dist-info folders beside its package (they carry its
    version): what importlib.metadata.version would read, without importing it (20 ms
    of every export's start)."""
    from importlib.util import find_spec

    spec = find_spec(dist)  # locates the package, never runs it
    if spec is None or spec.origin is None:
        return "?"
    site = Path(spec.origin).resolve().parent.parent
    return ",".join(sorted(p.name for p in site.glob(f"{dist}-*.dist-info"))) or "?"


def label(options: Sequence[Any]) -> str:
    """The options as a file name's first part: `bibtex.ascii.both`."""
    fmt, unicode, versions = options
    return f"{fmt}.{'utf8' if unicode else 'ascii'}.{versions}"


class Pack:
    """One pack, read in place: verified, but for its body's CRC-32 (`body_ok`), which
    a Shelf checks in a thread while the export goes on."""

    def __init__(self, path: Path, options: Sequence[Any]) -> None:
        self.path = path
        self._map, view, meta, base = read_frame(
            path, FIRST_LINE + MAGIC, "a render pack", Unusable, os.O_NOFOLLOW, whole=True
        )
        try:
            count, body_crc = meta["count"], meta["crc"]
            found = (meta["fingerprint"], meta["options"])
        except (KeyError, TypeError) as exc:
            raise Unusable(f"header is malformed: {exc}") from None
        if found != (fingerprint(), list(options)):
            raise Unusable("made by another build of readlist, or for other options")
        if type(count) is not int or count < 0 or type(body_crc) is not int:
            raise Unusable("header is malformed")
        body = view[base:]
        self._body, self._crc = body, body_crc
        self.count = count
        self._digests = bytes(body[: count * DIGEST])
        ends = body[count * DIGEST : count * (DIGEST + 8)]
        if len(ends) != count * 8:
            raise Unusable("body is torn or corrupt")
        self._ends = ends.cast("q")
        self._blob = body[count * (DIGEST + 8) :]
        if count and self._ends[-1] != len(self._blob):
            raise Unusable("entries do not add up")

    def body_ok(self) -> bool:
        """Whether the body is the one the header's CRC-32 says (180 MB: 50 ms, the GIL
        released)."""
        return zlib.crc32(self._body) == self._crc

    def digests(self) -> list[bytes]:
        d = self._digests
        return [d[i : i + DIGEST] for i in range(0, len(d), DIGEST)]


def _write_pack(
    path: Path, options: Sequence[Any], entries: Sequence[tuple[bytes, bytes | memoryview]]
) -> None:
    digests = b"".join(d for d, _ in entries)
    ends = []
    at = 0
    for _, text in entries:
        at += len(text)
        ends.append(at)
    ends_raw = struct.pack(f"<{len(ends)}q", *ends)
    crc = zlib.crc32(digests)
    crc = zlib.crc32(ends_raw, crc)
    for _, text in entries:
        crc = zlib.crc32(text, crc)
    header = orjson.dumps(
        {
            "version": VERSION,
            "fingerprint": fingerprint(),
            "options": list(options),
            "count": len(entries),
            "crc": crc,
        }
    )
    head = FIRST_LINE + MAGIC + _PREAMBLE.pack(len(header), zlib.crc32(header)) + header
    head += b"\0" * (-len(head) % 8)
    atomic_write(path, [head, digests, ends_raw, *(t for _, t in entries)], kind="render")


Item = bytes | memoryview | tuple[int, int]  # an entry's text, or where a pack has it


class Shelf:
    """The packs of one options set in a render directory: what is found in them, and
    what an export adds. Every failure to read or write is a cache miss, never an error.
    Packs are opened on first use; an entry kept there is its text and the separator
    that follows it, so that a run of entries in a pack is one piece of the export.

    The packs' bodies are checked in a thread from when they are opened: where entries
    are is known at once, and no text is read (`span`, `text`, `save`) before `verified`
    says every pack is whole; a pack that is not is dropped, and what was found must be
    looked up again."""

    def __init__(self, directory: Path, options: Sequence[Any]) -> None:
        self.directory = directory
        self.options = list(options)
        self.prefix = label(options) + "."
        self.unusable: list[Path] = []
        self._packs: list[Pack] | None = None
        self._found: dict[bytes, tuple[int, int]] | None = None
        self._checking: threading.Thread | None = None
        self._torn: list[Pack] = []
        self._checked = True  # no pack open yet

    def packs(self) -> list[Pack]:
        if self._packs is None:
            self._packs = []
            if safe_dir(self.directory):
                for path in self._paths():
                    if path in self.unusable:
                        continue
                    try:
                        self._packs.append(Pack(path, self.options))
                    except Unusable:
                        self.unusable.append(path)
            if self._packs:
                self._checked = False
                self._torn = []
                packs = list(self._packs)
                self._checking = threading.Thread(
                    target=lambda: self._torn.extend(p for p in packs if not p.body_ok()),
                    name="readlist-pack-check",
                    daemon=True,
                )
                self._checking.start()
        return self._packs

    def verified(self) -> bool:
        """Wait for the packs' check: True when every open pack is whole; else the torn
        ones are dropped (and removed by the next fold) and False: look up again."""
        if self._checking is not None:
            self._checking.join()
            self._checking = None
        if self._torn:
            self.unusable.extend(p.path for p in self._torn)
            self._torn = []
            self._packs = None
            self._found = None
            return False
        self._checked = True
        return True

    def _whole_packs(self) -> list[Pack]:
        """The packs, each checked whole (the torn ones dropped)."""
        while True:
            packs = self.packs()
            if self.verified():
                return packs

    def _whole(self) -> None:
        if not self._checked:
            raise RuntimeError("a pack's text read before Shelf.verified()")

    def _index(self) -> dict[bytes, tuple[int, int]]:
        if self._found is None:
            self._found = {}
            for n, pack in enumerate(self.packs()):
                self._found.update((d, (n, i)) for i, d in enumerate(pack.digests()))
        return self._found

    def _paths(self) -> list[Path]:
        try:
            names = os.listdir(self.directory)
        except OSError:
            return []
        return [
            self.directory / name
            for name in sorted(names)
            if name.startswith(self.prefix) and name.endswith(SUFFIX)
        ]

    def locate(self, digests: Sequence[bytes]) -> list[tuple[int, int] | None]:
        """Where each entry is: (pack, entry), or None. An export made as the last one
        was is one comparison, not a lookup per paper."""
        packs = self.packs()
        whole = b"".join(digests)
        for n, pack in enumerate(packs):
            if pack._digests == whole:
                return [(n, i) for i in range(len(digests))]
        found = self._index().get
        return [found(d) for d in digests]

    def span(self, n: int, i: int, j: int) -> memoryview:
        """Entries i to j-1 of pack n, one after another."""
        self._whole()
        pack = self.packs()[n]
        return pack._blob[pack._ends[i - 1] if i else 0 : pack._ends[j - 1]]

    def text(self, item: Item) -> bytes | memoryview:
        return self.span(item[0], item[1], item[1] + 1) if isinstance(item, tuple) else item

    def save(
        self, used: Sequence[tuple[bytes, Item]], fresh: Sequence[tuple[bytes, bytes]], keep: int
    ) -> None:
        """After an export that rendered `fresh` of its entries (`used`, in its order):
        keep them. A few go into a pack of their own; many, or one pack too many, fold
        everything into one pack of the export's entries and as many others as `keep`
        allows."""
        if not fresh:
            return
        with contextlib.suppress(OSError):
            if not make_dir(self.directory):
                return
            name = f"{self.prefix}{os.urandom(8).hex()}{SUFFIX}"
            packs = len(self._paths()) if self._packs is None else len(self._packs)
            if 0 < packs < MAX_PACKS - 1 and len(fresh) * 4 <= len(used):
                _write_pack(self.directory / name, self.options, fresh)
                return
            self._whole_packs()
            entries = {d: self.text(t) for d, t in used}
            rest = [(d, at) for d, at in self._index().items() if d not in entries]
            if len(entries) + len(rest) <= keep:
                entries.update((d, self.text(at)) for d, at in rest)
            _write_pack(self.directory / name, self.options, list(entries.items()))
            for old in [p.path for p in self.packs()] + self.unusable + self._dead_temps():
                with contextlib.suppress(OSError):
                    os.unlink(old)

    def _dead_temps(self) -> list[Path]:
        """Temp files of writers that died (killed between create and rename)."""
        out = []
        with contextlib.suppress(OSError):
            for name in os.listdir(self.directory):
                m = _TEMP.fullmatch(name)
                if m is None or int(m[1]) == os.getpid():
                    continue
                try:
                    os.kill(int(m[1]), 0)
                except ProcessLookupError:
                    out.append(self.directory / name)
                except OSError:
                    pass  # alive, another user's: not ours to judge
        return out


def safe_dir(directory: Path) -> bool:
    """A directory of ours that nobody else can write to (else its packs could say
    anything), not a link someone made."""
    try:
        st = os.lstat(directory)
    except OSError:
        return False
    return classify(st.st_mode) is Kind.DIRECTORY and unsafe_reason(st) is None


def make_dir(directory: Path) -> bool:
    with contextlib.suppress(FileExistsError):
        os.mkdir(directory, 0o700)
    return safe_dir(directory)


__all__ = [
    "FIRST_LINE",
    "Item",
    "Pack",
    "Shelf",
    "Unusable",
    "fingerprint",
    "label",
    "make_dir",
    "safe_dir",
]
