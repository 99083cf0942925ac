"""O, y and Y: open a paper's page, copy its citation key or its page's URL."""

from __future__ import annotations

import webbrowser
from typing import TYPE_CHECKING

from readlist.errors import ReadlistError
from readlist.text import clean_display

if TYPE_CHECKING:
    from readlist.tui.screens.main import MainScreen


def copy_key(screen: MainScreen, pid: str) -> None:
    """Copy the citation key, giving the paper one first if it has none.

    Assigning a key is a write on the UI thread's store, like every action; it is not
    an undo step, because a key once given never changes (exports rely on it).
    """
    paper = screen.store.get(pid)
    if not paper.bibkey:
        from readlist.exporting import ensure_keys  # bibtexparser: only when needed

        try:
            (paper,) = ensure_keys(screen.store, [paper])
        except ReadlistError as exc:
            screen.notify(clean_display(str(exc)), severity="error", markup=False)
            return
        screen.changed([pid])
    key = paper.bibkey or ""
    screen.app.copy_to_clipboard(key)
    screen.notify(f"Copied the key {clean_display(key)}", markup=False)


def copy_url(screen: MainScreen, pid: str) -> None:
    """Copy the paper's own page (never a code repository)."""
    url = screen.store.get(pid).page_url()
    if url is None:
        screen.notify("This paper has no page to copy.", severity="warning", markup=False)
        return
    screen.app.copy_to_clipboard(url)
    screen.notify(f"Copied {clean_display(url)}", markup=False)


def open_link(screen: MainScreen, pid: str) -> None:
    """The arXiv page, else the Hub's, else the project page: never code first."""
    urls = screen.store.get(pid).web_links()
    if not urls:
        screen.notify("This paper has no web link.", severity="warning")
        return
    webbrowser.open(urls[0])
    screen.notify(f"Opened {clean_display(urls[0])}", markup=False)
