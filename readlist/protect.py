"""The words of a title that BibTeX must keep as written.

A .bib protects capitals with braces (`High-{{Resolution Image Synthesis}}`, `{A} Study
of {Bayesian} Methods`); bibtex's `plain` lower-cases everything else. Import records
the braced parts as plain text (`Paper.title_protect`) and export braces them again.
Braces inside a word (`{Q}uoted`, `Mc{D}onald`, `{Deep L}earning`) protect only part of
it: such a span is the words with their braces where the .bib had them, and stands for
the words without them (`within`), so the title itself still reads as words.
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
# What a word span leaves off its ends: punctuation outside its braces ("({Q}uoted),").
_EDGE = "".join(c for c in string.punctuation if c not in "{}")


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
    groups = protected_groups(raw)
    for start, end in groups:
        if _glued(raw, start, end):
            span = _word_span(raw, start, end, groups, title, decode, tidy)
            if span is not None and span not in spans:
                spans.append(span)
            continue
        span = tidy(decode(raw[start + 1 : end - 1]))
        if span not in spans and not set(_candidates(title, span)) <= cores:
            spans.append(span)
    return spans


def within(span: str, title: str) -> bool:
    """Whether `title` holds `span`: as it is, or (a word span) without its braces."""
    return span in title or ("{" in span and _unbraced(span) in title)


def word_spans(title: str, spans: Iterable[str]) -> dict[str, str]:
    """The word spans of `title` ({Q}uoted), by the text they stand for (Quoted)."""
    return {_unbraced(s): s for s in spans if "{" in s and s not in title}


def _unbraced(span: str) -> str:
    return span.replace("{", "").replace("}", "")


def _glued(raw: str, start: int, end: int) -> bool:
    """A group that is part of a word: a letter, a digit, a command or another group
    right before or after it ({Q}uoted, Mc{D}onald)."""
    before, after = raw[start - 1 : start], raw[end : end + 1]
    return bool(before and (before.isalnum() or before in "{}")) or bool(
        after and (after.isalnum() or after in "\\{")
    )


def _word_span(
    raw: str,
    start: int,
    end: int,
    groups: list[tuple[int, int]],
    title: str,
    decode: Callable[[str], str],
    tidy: Callable[[str], str],
) -> str | None:
    """The words around a group glued into one, decoded, with each protected group's
    braces where they were ({Q}uoted); None when that is not whole words of `title`."""
    first, last = _word_edges(raw, start, end)
    pieces: list[str] = []
    at = first
    for g_start, g_end in groups:
        if g_start < first or g_end > last:
            continue
        inner = tidy(decode(raw[g_start + 1 : g_end - 1]))
        if "{" in inner or "}" in inner or not inner:
            return None
        cased = inner.lower() != inner.upper()  # {@}x: nothing to protect
        pieces += [tidy(decode(raw[at:g_start])), "{" + inner + "}" if cased else inner]
        at = g_end
    pieces.append(tidy(decode(raw[at:last])))
    if any("{" in p or "}" in p for p in pieces[::2]) or "{" in title or "}" in title:
        return None  # a brace that is text could not be told from one that protects
    span = "".join(pieces).strip(_EDGE)
    if "{" not in span:
        return None
    return span if next(_candidates(title, _unbraced(span)), None) else None


def _word_edges(raw: str, start: int, end: int) -> tuple[int, int]:
    """Where the word holding raw[start:end] begins and ends: white space at depth 0."""
    first = start
    depth = 0
    while first > 0:
        ch = raw[first - 1]
        depth += {"}": 1, "{": -1}.get(ch, 0)
        if ch.isspace() and depth == 0:
            break
        first -= 1
    last = end
    depth = 0
    while last < len(raw):
        ch = raw[last]
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch.isspace() and depth == 0:
            break
        last += 1
    return first, last


def regions(title: str, spans: Iterable[str]) -> list[tuple[int, int]]:
    """What export braces: each whole-word occurrence of a span and each word that
    `needs_braces`, leftmost (then longest) first and never overlapping, so a span
    holding such a word is braced once. `title` has single spaces."""
    found = set(_cores(title))
    for span in set(spans):
        text = span if span in title or "{" not in span else _unbraced(span)
        found.update(_candidates(title, " ".join(text.split())))
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
