"""What a LaTeX document cites: keys from its .aux files, matched to stored keys.

BibTeX reads `\\citation{a,b}`; biblatex writes `\\abx@aux@cite{<refsection>}{key}`
(older versions: `\\abx@aux@cite{key}`); `\\include` adds `\\@input{chapter.aux}`.
`*` (from `\\nocite{*}`) stands for every paper.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from readlist.citekeys import fold, stored_keys, valid_key
from readlist.errors import InputError
from readlist.fspaths import Kind, PathError, kind_of, read_regular, refusal

ALL = "*"
# A 1,000-page book's .aux files are a few MB together: this leaves room to spare.
MAX_AUX_BYTES = 16 * 1024 * 1024  # all .aux files read for one export, together
MAX_AUX_DEPTH = 16  # `\include` makes 2 levels; hand-made chains stop here
MAX_AUX_INPUTS = 1000  # distinct `\@input` names one document may give
MAX_CITED_KEYS = 100_000  # distinct keys, valid or not: far more than any bibliography
_NAMES = ("\\citation{", "\\@input{", "\\abx@aux@cite{")
# An argument ends on its line at the first `}` (as BibTeX reads it). A brace or a
# backslash inside makes it malformed: no valid key or .aux name holds one. So no
# command holds another, and the text can be cut into chunks at any backslash.
_ARG = r"([^{}\\\n]*+)\}"


@cache
def _cmd() -> re.Pattern[str]:
    """Compiled on first use: only `--aux` reads a .aux file."""
    return re.compile(rf"\\(citation|@input|abx@aux@cite)\{{{_ARG}(?:(\{{){_ARG}|(?!\{{))")


_CHUNK = 1 << 20
_SHOWN = 60  # characters of a key or file name a message shows


def shown(text: str) -> str:
    """A key as it may be printed: control characters (terminal escapes) become '?'."""
    return "".join(c if c.isprintable() else "?" for c in text)


def brief(text: str, limit: int = _SHOWN) -> str:
    """`shown`, and cut to `limit` characters: a hostile key may be megabytes long."""
    return shown(text[:limit]) + ("…" if len(text) > limit else "")


def _where(path: Path | str) -> str:
    """A file name for a message: its end, where its name is, if it is very long."""
    text = str(path)
    return ("…" if len(text) > 200 else "") + shown(text[-200:])


@dataclass(frozen=True)
class AuxPart:
    """A run of an .aux text: the keys it cites, then the file it inputs (if any),
    and how many of its commands were malformed (an argument not closed on its line)."""

    keys: list[str]
    then: str | None = None
    malformed: int = 0


def _clean(keys: list[str]) -> list[str]:
    return [k for k in map(str.strip, keys) if k]


def parse_aux(text: str) -> Iterator[AuxPart]:
    """One .aux text as parts, in order, a chunk (about a MB) at a time so a reader
    can stop early. Linear in the text: each chunk is scanned by one regex (no
    backtracking), and a command repeated within a chunk is handled once."""
    pos = 0
    while pos < len(text):
        end = text.find("\\", pos + _CHUNK)
        end = len(text) if end < 0 else end
        found = _cmd().findall(text, pos, end)
        heads = sum(text.count(name, pos, end) for name in _NAMES)
        keys: list[str] = []
        for name, first, brace, second in dict.fromkeys(found):
            if name == "citation":
                keys += first.split(",")
            elif name == "@input":
                yield AuxPart(_clean(keys), first.strip())
                keys = []
            else:  # biblatex: {refsection}{key}, or the older {key}
                keys.append(second if brace else first)
        yield AuxPart(_clean(keys), None, heads - len(found))
        pos = end


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _listed(items: Sequence[str], most: int = 20) -> str:
    """Keys for a message: each cut short, at most `most` of them."""
    names = ", ".join(brief(k) for k in items[:most])
    return names + (f", … and {len(items) - most} more" if len(items) > most else "")


@dataclass(frozen=True)
class AuxCitations:
    """What an .aux and its inputs cite: valid keys in order of first citation, the
    keys BibTeX cannot use (never used, only reported), and malformed commands."""

    keys: list[str]
    invalid: list[str] = field(default_factory=list)
    malformed: int = 0

    def warnings(self) -> list[str]:
        out = []
        if n := len(self.invalid):
            out.append(
                f"{n} key{'s' * (n != 1)} in the .aux {'are' if n != 1 else 'is'} not "
                f"{'a ' * (n == 1)}valid BibTeX key{'s' * (n != 1)}, ignored: "
                + _listed(self.invalid)
            )
        if n := self.malformed:
            out.append(
                f"{n} \\citation, \\abx@aux@cite or \\@input command{'s' * (n != 1)} "
                f"in the .aux not closed on {'their' if n != 1 else 'its'} line, ignored"
            )
        return out


def read_aux(path: Path, output: Path | None = None, limit: int = MAX_AUX_BYTES) -> AuxCitations:
    """Cited keys of `path` and the .aux files it inputs, in order of first citation.

    Nested files are found relative to the main .aux's directory, where LaTeX ran;
    each file is read once (so cycles end), at most MAX_AUX_DEPTH deep and
    MAX_AUX_INPUTS names, and all of them together hold at most `limit` bytes.
    An `output` that is one of the files read (by path or hard link) is refused:
    the export would overwrite its own input.
    """
    root = path.parent
    seen: set[str] = set()
    tried: set[str] = set()
    keys: dict[str, None] = {}
    invalid: dict[str, None] = {}
    malformed = 0
    budget = limit
    out = Path(os.path.realpath(output)) if output is not None else None
    too_big = (
        f"over the {limit / (1 << 20):g} MB limit for a document's .aux files "
        "(all its \\@input files together)"
    )

    def load(file: Path, top: bool) -> Iterator[AuxPart]:
        nonlocal budget
        name = _where(file)
        try:
            kind = kind_of(file)
        except PathError as exc:
            raise InputError(f"{name}: {exc.reason}") from None
        if kind is Kind.MISSING:
            if not top:  # LaTeX writes chapter .aux files only once compiled
                return iter(())
            raise InputError(f"{name}: no such .aux file")
        if kind is not Kind.FILE:
            raise InputError(f"{name}: {refusal(kind, 'not reading it as an .aux file')}")
        real = os.path.realpath(file)
        if real in seen:
            return iter(())
        seen.add(real)
        if out is not None and _same(out, Path(real)):
            raise InputError(
                f"{_where(str(output))}: that is the .aux file {name} the export "
                "reads; not overwriting it"
            )
        try:
            data = read_regular(file, budget, "not reading it as an .aux file", too_big)
        except FileNotFoundError:  # removed since it was looked at
            return iter(())
        except PathError as exc:
            raise InputError(f"{name}: {exc.reason}") from None
        budget -= len(data)
        return parse_aux(data.decode("utf-8", errors="replace"))

    def cited(part: AuxPart) -> None:
        for key in part.keys:
            if key in keys or key in invalid:
                continue
            (keys if key == ALL or valid_key(key) else invalid)[key] = None
        if len(keys) + len(invalid) > MAX_CITED_KEYS:
            raise InputError(
                f"{_where(path)}: more than {MAX_CITED_KEYS} distinct cited keys; "
                "not an .aux LaTeX wrote"
            )

    stack = [load(path, True)]
    while stack:
        part = next(stack[-1], None)
        if part is None:
            stack.pop()
            continue
        cited(part)
        malformed += part.malformed
        name = part.then
        if name is None or name in tried:
            continue
        tried.add(name)
        if len(tried) > MAX_AUX_INPUTS:
            raise InputError(
                f"{_where(path)}: more than {MAX_AUX_INPUTS} \\@input files; "
                "not an .aux LaTeX wrote"
            )
        if len(stack) >= MAX_AUX_DEPTH:
            raise InputError(
                f"{_where(path)}: \\@input{{{brief(name)}}} is nested more "
                f"than {MAX_AUX_DEPTH} files deep; not an .aux LaTeX wrote"
            )
        stack.append(load(root / name, False))
    return AuxCitations(list(keys), list(invalid), malformed)


def parse_keys(text: str) -> list[str]:
    """`--keys a,b,c`: keys in order, blanks and repeats dropped."""
    return list(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))


@dataclass(frozen=True)
class Cited:
    """The papers a key list names, in citation order, and the keys no paper holds."""

    ids: list[str]
    missing: list[str]
    keys: dict[str, list[str]] = field(default_factory=dict)  # id -> keys cited, in order

    def missing_message(self) -> str:
        n = len(self.missing)
        return f"{n} cited key{'s' * (n != 1)} not in the library: {_listed(self.missing)}"


def match_keys(
    records: Mapping[str, Mapping[str, Any]], keys: Sequence[str], library_order: Iterable[str]
) -> Cited:
    """Papers whose stored `bibkey` or one of its aliases is cited, with the keys each
    is cited by; `*` adds every other paper after them. Keys match whatever their case,
    as BibTeX matches them; a key cited in two spellings counts once, as first cited."""
    by_key: dict[str, str] = {}
    for holder, r in records.items():  # the keys first, then the aliases
        if (own := r.get("bibkey")) and isinstance(own, str):
            by_key[fold(own)] = holder
    for holder, r in records.items():
        for alias in stored_keys(r):
            by_key.setdefault(fold(alias), holder)
    ids: dict[str, list[str]] = {}
    missing: list[str] = []
    seen: set[str] = set()
    for key in keys:
        if key == ALL or fold(key) in seen:
            continue
        seen.add(fold(key))
        pid = by_key.get(fold(key))
        if pid is None:
            missing.append(key)
        else:
            ids.setdefault(pid, []).append(key)
    cited = dict(ids)
    if ALL in keys:
        ids.update({pid: [] for pid in library_order if pid not in ids})
    return Cited(list(ids), missing, cited)
