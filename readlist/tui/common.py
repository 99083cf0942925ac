"""Small things the TUI's screens share."""

from __future__ import annotations

from textual import markup
from textual.app import App

from readlist.text import clean_display


def blink(app: App[object]) -> bool:
    """Whether text cursors blink (tests and snapshots switch it off)."""
    return bool(getattr(app, "blink", True))


def escape(text: str) -> str:
    """Make user text safe inside Textual markup: no tags, no control characters."""
    return markup.escape(clean_display(text))
