"""A .bib's `keywords` field and readlist's tags, each kept as its owner wrote it.

Tags are single words, so Zotero's keyword "Computer Science - Machine Learning" is
shown as the tag `Computer-Science-Machine-Learning`. The field is the user's, though:
it is kept as imported (in `bibfields`) and written back unchanged while it shows the
paper's tags; a keyword whose tag was removed is dropped, and a tag added is appended.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SPLIT = re.compile(r"[,;]")
_SEPARATOR = re.compile(r"\s*[,;]\s*")
_GAP = re.compile(r"\s*-\s*|\s+")  # "Computer Science - Machine Learning"


def tag_of(keyword: str) -> str | None:
    """The tag that shows a keyword, or None where none can (empty, or led by + or -,
    which `readlist tag` reads as add and remove)."""
    tag = _GAP.sub("-", keyword.strip())
    return tag if tag and not tag.startswith(("+", "-")) else None


def tags_of(field: str) -> list[str]:
    """The tags of a comma- or semicolon-separated `keywords` field, each once (any case)."""
    tags: list[str] = []
    seen: set[str] = set()
    for keyword in _SPLIT.split(field):
        tag = tag_of(keyword)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def field_for(tags: Sequence[str], imported: str = "") -> str:
    """The `keywords` field that shows `tags`: the imported field as it is while it shows
    them all, else its keywords whose tags remain (and those no tag shows), then the
    tags it lacks, joined as the imported field joined its keywords."""
    if not imported:
        return ", ".join(tags)
    have = {t.casefold() for t in tags}
    words = [(k.strip(), tag_of(k)) for k in _SPLIT.split(imported) if k.strip()]
    kept = [k for k, tag in words if tag is None or tag.casefold() in have]
    shown = {tag.casefold() for _, tag in words if tag}
    added = [t for t in tags if t.casefold() not in shown]
    if len(kept) == len(words) and not added:
        return imported
    separator = _SEPARATOR.search(imported)
    return (separator.group() if separator else ", ").join(kept + added)
