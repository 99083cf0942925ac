"""What a LaTeX document cites: keys from its .aux files, matched to stored keys.

BibTeX reads `\\citation{a,b}`; biblatex writes `\\abx@aux@cite{<refsection>}{key}`
(older versions: `\\abx@aux@cite{key}`); `\\include` adds `\\@input{chapter.aux}`.
`*` (from `\\nocite{*}`) stands for every paper.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readlist.citekeys import fold
from readlist.errors import InputError
from readlist.inputs import read_file

ALL = "*"
MAX_AUX_BYTES = 64 * 1024 * 1024  # far beyond any real document's .aux
_MACRO = re.compile(r"\\(citation|abx@aux@cite|@input)\{")


def shown(text: str) -> str:
    """A key as it may be printed: control characters (terminal escapes) become '?'."""
    return "".join(c if c.isprintable() else "?" for c in text)


def _group(text: str, start: int) -> tuple[str, int] | None:
    """The balanced `{...}` group opening at `start`: its content and the index after it."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
    return None


def parse_aux(text: str) -> list[tuple[str, str]]:
    """One .aux text as ("cite", key) and ("input", file name) items, in order."""
    items: list[tuple[str, str]] = []
    pos = 0
    while (m := _MACRO.search(text, pos)) is not None:
        first = _group(text, m.end() - 1)
        if first is None:
            pos = m.end()
            continue
        arg, pos = first
        name = m.group(1)
        if name == "citation":
            items += [("cite", k.strip()) for k in arg.split(",")]
        elif name == "@input":
            items.append(("input", arg.strip()))
        else:
            second = _group(text, pos)  # the 2-argument form: {refsection}{key}
            if second is not None:
                arg, pos = second
            items.append(("cite", arg.strip()))
    return [(kind, value) for kind, value in items if value]


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def read_aux(path: Path, output: Path | None = None) -> list[str]:
    """Cited keys of `path` and the .aux files it inputs, in order of first citation.

    Nested files are found relative to the main .aux's directory, where LaTeX ran;
    a file input twice (a cycle) is read once. An `output` that is one of the files
    read (by path or hard link) is refused: the export would overwrite its own input.
    """
    root = path.parent
    seen: set[Path] = set()
    keys: dict[str, None] = {}
    out = Path(os.path.realpath(output)) if output is not None else None

    def visit(file: Path, top: bool) -> None:
        real = file.resolve()
        if real in seen:
            return
        seen.add(real)
        # The import reader: a FIFO or device is refused before it could block.
        try:
            data = read_file(file, MAX_AUX_BYTES, "not reading it as an .aux file")
        except InputError as exc:
            if str(exc).endswith(": no such file"):
                if not top:  # LaTeX writes chapter .aux files only once compiled
                    return
                raise InputError(f"{shown(str(file))}: no such .aux file") from None
            raise InputError(shown(str(exc))) from None
        if out is not None and _same(out, real):
            raise InputError(
                f"{shown(str(output))}: that is the .aux file {shown(str(file))} the export "
                "reads; not overwriting it"
            )
        for kind, value in parse_aux(data.decode("utf-8", errors="replace")):
            if kind == "cite":
                keys.setdefault(value)
            else:
                visit(root / value, False)

    visit(path, True)
    return list(keys)


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
        names = ", ".join(shown(k) for k in self.missing)
        return f"{n} cited key{'s' * (n != 1)} not in the library: {names}"


def match_keys(
    records: Mapping[str, Mapping[str, Any]], keys: Sequence[str], library_order: Iterable[str]
) -> Cited:
    """Papers whose stored `bibkey` or one of its aliases is cited, with the keys each
    is cited by; `*` adds every other paper after them. Keys match whatever their case,
    as BibTeX matches them; a key cited in two spellings counts once, as first cited."""
    by_key = {fold(r["bibkey"]): pid for pid, r in records.items() if r.get("bibkey")}
    for holder, r in records.items():
        for alias in r.get("bibkey_aliases", ()):
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
