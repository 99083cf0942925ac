"""Text from the network is untrusted: no control characters, single spaces."""

from __future__ import annotations

import re

from readlist.text import strip_escapes

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII: `\d` takes any script's digits


def plain(text: str) -> str:
    """One line of text with terminal escapes and bidi controls made harmless."""
    return " ".join(_CONTROL.sub(" ", strip_escapes(text)).split())


def iso_day(text: str) -> str | None:
    """The YYYY-MM-DD a timestamp starts with, in ASCII digits; None for anything else
    (`²⁰²⁵-…` passes `str.isdigit` and would break every later `int()`)."""
    return text[:10] if _DAY.match(text) else None
