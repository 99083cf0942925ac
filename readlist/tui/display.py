"""Small things the TUI's screens share."""

from __future__ import annotations

from textual.app import App

from readlist.text import clean_display


def blink(app: App[object]) -> bool:
    """Whether text cursors blink (tests and snapshots switch it off)."""
    return bool(getattr(app, "blink", True))


def escape(text: str) -> str:
    """Make user text safe where Textual insists on markup (prefer Content or Text).

    Every "[" is escaped (Textual's own `escape` misses an unclosed "[/"), and a
    trailing backslash is dropped so it cannot escape the markup that follows.
    """
    return clean_display(text).replace("[", "\\[").rstrip("\\")
