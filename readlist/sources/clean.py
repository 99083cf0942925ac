"""Text from the network is untrusted: no control characters, single spaces."""

from __future__ import annotations

import re

from readlist.text import strip_escapes

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """One line of text with terminal escapes and bidi controls made harmless."""
    return " ".join(_CONTROL.sub(" ", strip_escapes(text)).split())
