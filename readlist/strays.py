"""What a .bib holds besides its entries: bytes that are not text, and junk between
entries. BibTeX skips text between entries as a comment, so a lost brace or half an
entry left there is dropped without a word; the import names each such line.

A file that is UTF-8 but for a few stray bytes is decoded as UTF-8 with each stray
byte as U+FFFD (`listingtext.decode`), not as cp1252 (which would garble every accented
letter in it). `unreadable` takes those out and says on which lines they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bibtexparser.model import Block, ImplicitComment

REPLACEMENT = "\ufffd"
# Between entries, these are a broken entry's remains, not a comment's words.
_JUNK = re.compile(r"[{}=\"\x00-\x08\x0b-\x1f\x7f]")
_SHOWN = 40


def unreadable(text: str) -> tuple[str, list[tuple[int, str]]]:
    """`text` without the bytes that were not UTF-8, and (line, why) for each line
    that had some."""
    if REPLACEMENT not in text:
        return text, []
    found = []
    for n, line in enumerate(text.split("\n"), start=1):
        if REPLACEMENT in line:
            count = line.count(REPLACEMENT)
            what = "a byte" if count == 1 else f"{count} bytes"
            found.append((n, f"{what} that {'is' if count == 1 else 'are'} not UTF-8, dropped"))
    return text.replace(REPLACEMENT, ""), found


def junk(blocks: Iterable[Block]) -> list[tuple[int, str]]:
    """(line, why) for each line between entries that looks like part of an entry."""
    found = []
    for block in blocks:
        if not isinstance(block, ImplicitComment):
            continue
        for n, line in enumerate(str(block.raw or "").split("\n")):
            text = line.strip()
            if text and not text.startswith("%") and _JUNK.search(text):
                shown = _JUNK.sub("?", text[:_SHOWN]) if _control(text) else text[:_SHOWN]
                more = "..." if len(text) > _SHOWN else ""
                line_no = (block.start_line or 0) + n + 1
                found.append((line_no, f"text outside any entry: '{shown}{more}'"))
    return found


def _control(text: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)
