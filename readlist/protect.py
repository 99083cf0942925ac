"""The words of a title that BibTeX must keep as written.

A .bib protects capitals with braces (`High-{{Resolution Image Synthesis}}`, `{A} Study
of {Bayesian} Methods`); bibtex's `plain` lower-cases everything else. Import records
the braced parts as plain text (`Paper.title_protect`) and export braces them again.
Pure string work: no LaTeX decoding (the caller passes its decoder), no store.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator

# What makes a brace group an argument rather than protection: a control word or
# symbol (\emph{x}, \"{o}, \c{c}) or math's ^ and _ just before it.
_TAKES_ARG = re.compile(r"(\\[A-Za-z@]+\s*|\\[^A-Za-z@\s]|[\^_])$")
_WORD = re.compile(r"\w")
# Words export braces anyway: BERT, GPT-4, DeepMind (see `needs_braces`).
_CAPITAL_INSIDE = re.compile(r"\w[A-Z]|[A-Z]{2}|\d[A-Z]|[A-Z]\d")


def protected_groups(raw: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level `{...}` in a raw title that protects its case.

    Not a command's argument, and not what BibTeX calls a special character: a group
    whose text starts with a backslash ({\\"U}ber, {\\TeX}), whose letters it changes
    case. Escaped braces (\\{) are text, as for the LaTeX decoder.
    """
    groups: list[tuple[int, int]] = []
    depth, start, argument, next_argument = 0, 0, False, False
    for i, ch in enumerate(raw):
        if ch not in "{}" or _escaped(raw, i):
            continue
        if ch == "{":
            if depth == 0:
                start = i
                argument = next_argument or bool(_TAKES_ARG.search(raw[:i]))
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                inner = raw[start + 1 : i]
                if not argument and inner.strip() and not inner.startswith("\\"):
                    groups.append((start, i + 1))
                # \frac{a}{b}: a group right after an argument is the next argument.
                next_argument = argument and raw[i + 1 : i + 2] == "{"
    return groups


def _escaped(raw: str, i: int) -> bool:
    """True when an odd run of backslashes precedes position i (\\\\{ opens a group)."""
    n = 0
    while i - n > 0 and raw[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def needs_braces(core: str) -> bool:
    """A word (punctuation stripped) whose inner capitals export always braces."""
    return bool(_CAPITAL_INSIDE.search(core))


def spans_of(
    raw: str, title: str, decode: Callable[[str], str], tidy: Callable[[str], str]
) -> list[str]:
    """The protected parts of a raw title as plain text (`tidy` cleans each as the
    title was cleaned). Only parts that are whole words of the decoded `title` count,
    and not words export braces anyway, so re-importing an export adds nothing."""
    spans: list[str] = []
    cores = set(_cores(title))
    for start, end in protected_groups(raw):
        span = tidy(decode(raw[start + 1 : end - 1]))
        if span not in spans and not set(_candidates(title, span)) <= cores:
            spans.append(span)
    return spans


def regions(title: str, spans: Iterable[str]) -> list[tuple[int, int]]:
    """What export braces: each whole-word occurrence of a span and each word that
    `needs_braces`, leftmost (then longest) first and never overlapping, so a span
    holding such a word is braced once. `title` has single spaces."""
    found = set(_cores(title))
    for span in set(spans):
        found.update(_candidates(title, " ".join(span.split())))
    out: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda r: (r[0], -r[1])):
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def _cores(title: str) -> Iterator[tuple[int, int]]:
    """Each space-separated word, punctuation stripped, that `needs_braces`."""
    at = 0
    for word in title.split(" "):
        core = word.strip(string.punctuation)
        if core and needs_braces(core):
            start = at + word.index(core)
            yield start, start + len(core)
        at += len(word) + 1


def _candidates(title: str, span: str) -> Iterator[tuple[int, int]]:
    """Every whole-word occurrence; a span without a cased letter ({@}, {2023}) has
    nothing to protect."""
    if span.lower() == span.upper():
        return
    at = title.find(span)
    while at >= 0:
        end = at + len(span)
        left = at == 0 or not (_word(title[at - 1]) and _word(title[at]))
        right = end == len(title) or not (_word(title[end]) and _word(title[end - 1]))
        if left and right:
            yield at, end
        at = title.find(span, at + 1)


def _word(ch: str) -> bool:
    return bool(_WORD.match(ch))
