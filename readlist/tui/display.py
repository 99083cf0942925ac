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


TITLE_CELLS = 40  # a title in a dialog's heading or question: it fits one at 80x24


def shortened(text: str, width: int) -> str:
    """`text` cut at a word boundary to at most `width` characters, with an ellipsis."""
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return cut.rstrip(" ,;:-") + "…"
