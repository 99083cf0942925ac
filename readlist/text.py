"""Plain-text renderings of papers and statistics for the terminal."""

from __future__ import annotations

import re
import textwrap
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readlist.model import Paper
    from readlist.stats import Stats

# C0 (but newline and tab), DEL and C1: what a terminal would act on instead of show.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])
_CONTROL_LINE = {**_CONTROL, 0x09: " ", 0x0A: " "}
# The same characters as one class: `clean` finds them (and drops them) in C, where a
# `translate` walks every character in Python's slow path (0.1 s for a 1.7 MB paste).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Whole terminal escape sequences, 7-bit (ESC ...) and 8-bit (C1) forms. Every
# repeat is possessive over a class the next part cannot match, so a hostile
# string costs linear time. A string sequence (OSC, DCS, SOS, PM, APC) without its
# terminator would swallow the rest of the line in a terminal: it is dropped up to
# the end of the line.
_ESCAPE = re.compile(
    "(?:\x1b\\[|\x9b)[\x20-\x3f]*+[\x40-\x7e]?"  # CSI: parameters, final byte
    "|(?:\x1b\\]|\x9d)[^\x07\x1b\x9c\n]*+(?:\x07|\x1b\\\\|\x9c)?"  # OSC ... BEL or ST
    "|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c\n]*+(?:\x1b\\\\|\x9c)?"  # DCS SOS PM APC
    "|\x1b[\x20-\x2f]*+[\x30-\x7e]?"  # any other ESC sequence, or a lone ESC
)


# What starts an escape sequence: ESC and the C1 introducers (one C-level search).
_INTRODUCER = re.compile("[\x1b\x90-\x9f]")


def strip_escapes(text: str) -> str:
    """`text` without terminal escape sequences: the whole sequence goes, not just
    its ESC (`ESC]0;title BEL` would otherwise leave `]0;title`)."""
    if "\x1b" not in text and (text.isascii() or not _INTRODUCER.search(text)):
        return text
    return _ESCAPE.sub("", text)


def clean(text: str) -> str:
    """`text` without escape sequences and control characters (newline and tab
    stay), so that a title is shown as text instead of acting on the terminal."""
    return _CONTROLS.sub("", strip_escapes(text))


def clean_line(text: str) -> str:
    """Like `clean`, for one-line output: newlines and tabs become spaces too, and
    undecodable bytes (surrogates from argv or file names) become U+FFFD.

    Printable text (no control, format or surrogate character, no space but " ")
    holds nothing this would change: one C-level test, the usual case on the hot path
    of `list` and `search`."""
    if text.isprintable():
        return text
    return strip_escapes(decodable(text)).translate(_CONTROL_LINE)


# orjson escapes C0 controls but writes DEL and C1 (U+0080-U+009F, e.g. CSI) as is;
# in UTF-8 those are 0x7F and 0xC2 0x80-0x9F, which occur only inside JSON strings.
_RAW_CONTROLS = re.compile(rb"\x7f|\xc2[\x80-\x9f]")


def escape_json_controls(raw: bytes) -> bytes:
    """orjson output with DEL and C1 controls escaped too, so a terminal shows them;
    a regex pass only over output that can hold one."""
    if b"\x7f" not in raw and b"\xc2" not in raw:
        return raw
    return _RAW_CONTROLS.sub(lambda m: b"\\u%04x" % ord(m[0].decode()), raw)


def paper_line(
    pid: str,
    read: object,
    starred: object,
    date: object,
    upvotes: object,
    title: str,
    tags: list[str],
    width: int | None = None,
) -> str:
    """One paper as `list` and `search` print it: id, unread dot, star, date, upvotes,
    title (cut to fit `width`), tags. The values are as `Paper.from_doc` reads them."""
    mark = " " if read else "•"
    star = "★" if starred else " "
    shown = ("  #" + " #".join(tags)) if tags else ""
    head = f"{pid}  {mark}{star} {date or '':10} {upvotes:>4}  "
    title = clean_line(title)
    if width is not None:
        room = max(10, width - len(head) - len(shown))
        if len(title) > room:
            title = title[: room - 1] + "…"
    return clean_line(head + title + shown)


def decodable(text: str) -> str:
    """`text` with lone surrogates (how Python keeps undecodable bytes) replaced."""
    if text.isascii():
        return text
    try:
        return text.encode("utf-8").decode("utf-8")
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")  # undecodable argv bytes
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")  # other lone surrogates
    return raw.decode("utf-8", "replace")


# Markdown emphasis as abstracts carry it: **bold**, __bold__, *italic*, _italic_.
# A delimiter must touch its text on the inside and a non-word character (or the end)
# on the outside, so snake_case names, 2*3*4 and a lone "*" stay as they are. Spans
# are at most 400 characters, so a hostile line of openers costs linear time.
@cache
def _emphasis() -> re.Pattern[str]:
    """Compiled on first use: only the detail pane shows emphasis, every start imports this."""
    return re.compile(
        r"(?<![\w*])\*\*(?=[^\s*])(?P<b1>.{1,400}?)(?<=[^\s*])\*\*(?![\w*])"
        r"|(?<![\w_])__(?=[^\s_])(?P<b2>.{1,400}?)(?<=[^\s_])__(?![\w_])"
        r"|(?<![\w*])\*(?=[^\s*])(?P<i1>.{1,400}?)(?<=[^\s*])\*(?![\w*])"
        r"|(?<![\w_])_(?=[^\s_])(?P<i2>.{1,400}?)(?<=[^\s_])_(?![\w_])"
    )


def emphasis_spans(text: str, outer: str = "") -> list[tuple[str, str]]:
    """`text` as (piece, style) pairs: style "bold", "italic", "bold italic" or "".

    The pieces are plain text with the delimiters removed; a renderer styles them
    and never parses them, so user text cannot inject markup.
    """
    spans: list[tuple[str, str]] = []
    at = 0
    for m in _emphasis().finditer(text):
        if m.start() > at:
            spans.append((text[at : m.start()], outer))
        inner, style = (
            (m["b1"] or m["b2"], "bold") if m["b1"] or m["b2"] else (m["i1"] or m["i2"], "italic")
        )
        if style in outer.split():
            spans.append((inner, outer))
        else:
            spans += emphasis_spans(inner, f"{outer} {style}".strip())
        at = m.end()
    if at < len(text):
        spans.append((text[at:], outer))
    return spans


def strip_emphasis(text: str) -> str:
    """Markdown emphasis removed, for plain-text output: "**fast**" -> "fast"."""
    return "".join(piece for piece, _ in emphasis_spans(text))


def byline(paper: Paper) -> str:
    """Who wrote it, as far as the listing tells: names, organisation or a count."""
    if paper.authors:
        return ", ".join(paper.authors)
    parts = []
    if paper.organization:
        parts.append(paper.organization)
    if paper.authors_count:
        parts.append(f"{paper.authors_count} author{'s' * (paper.authors_count != 1)}")
    return " · ".join(parts)


def describe(paper: Paper, width: int = 78) -> str:
    state = ", ".join(
        s for s in ("read" if paper.read else "unread", "starred" if paper.starred else "") if s
    )
    lines = [paper.title, ""]
    fields = [
        ("id", paper.id),
        ("by", byline(paper)),
        ("date", paper.shown_date()),
        ("upvotes", str(paper.upvotes)),
        ("state", state),
        ("tags", " ".join("#" + t for t in paper.tags)),
        ("arXiv", paper.arxiv_id or ""),
        ("added", paper.added),
    ]
    lines += [f"{k + ':':9}{v}" for k, v in fields if v]
    lines += [f"{'link:':9}{link}" for link in paper.links]
    for src in paper.sources:
        lines.append(f"{'listing:':9}{src.file} ({src.listing_date or 'undated'})")
    if paper.abstract:
        lines += ["", textwrap.fill(strip_emphasis(paper.abstract), width)]
    if paper.notes:
        lines += ["", "Notes:", paper.notes]
    return clean("\n".join(lines))


def describe_stats(stats: Stats) -> str:
    lines = [
        f"papers:  {stats.total}",
        f"unread:  {stats.unread}",
        f"read:    {stats.read}",
        f"starred: {stats.starred}",
    ]
    if stats.tags:
        top = ", ".join(f"#{t} ({n})" for t, n in stats.tags.most_common(10))
        lines.append(f"tags:    {top}")
    weeks = stats.weeks()
    if weeks:
        lines += ["", "week        added   read"]
        lines += [f"{w}  {a:>7} {r:>6}" for w, a, r in weeks]
    return clean("\n".join(lines))


def clean_display(text: str) -> str:
    """Text without C0/C1 control characters (newline and tab stay), so a title can
    never move the cursor, retitle the window or set the clipboard when shown."""
    return clean(text)
