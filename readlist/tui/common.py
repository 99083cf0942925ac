"""Small things the TUI's screens share."""

from __future__ import annotations

from textual.app import App


def blink(app: App[object]) -> bool:
    """Whether text cursors blink (tests and snapshots switch it off)."""
    return bool(getattr(app, "blink", True))


def escape(text: str) -> str:
    """Make text safe inside Textual markup."""
    return text.replace("[", "\\[")
