"""O, y and Y: open a paper's page, copy its citation key or its page's URL."""

from __future__ import annotations

import webbrowser

from readlist.changes import Change
from readlist.errors import ReadlistError
from readlist.model import Paper
from readlist.text import clean_display
from readlist.tui.ports import Host, Outcome


def copy_key(host: Host, pid: str) -> None:
    """Copy the citation key, giving the paper one first if it has none.

    Assigning a key is a write on the UI thread's store, like every action; it is not
    an undo step, because a key once given never changes (exports rely on it).
    """
    store = host.session.store
    paper = _paper(host, pid)
    if paper is None:
        return
    if not paper.bibkey:
        from readlist.exporting import ensure_keys  # bibtexparser: only when needed

        before = paper
        try:
            (paper,) = ensure_keys(store, [paper])
        except ReadlistError as exc:
            host.say(clean_display(str(exc)), severity="error")
            return
        host.landed(Outcome(Change.between("key", [before], [paper]), record=False, counted=True))
    key = paper.bibkey or ""
    host.copy(key)
    host.say(f"Copied the key {clean_display(key)}")


def copy_url(host: Host, pid: str) -> None:
    """Copy the paper's own page (never a code repository)."""
    paper = _paper(host, pid)
    if paper is None:
        return
    url = paper.page_url()
    if url is None:
        host.say("This paper has no page to copy.", severity="warning")
        return
    host.copy(url)
    host.say(f"Copied {clean_display(url)}")


def open_link(host: Host, pid: str) -> None:
    """The arXiv page, else the Hub's, else the project page: never code first."""
    paper = _paper(host, pid)
    if paper is None:
        return
    urls = paper.web_links()
    if not urls:
        host.say("This paper has no web link.", severity="warning")
        return
    url = clean_display(urls[0])
    try:
        opened = webbrowser.open(urls[0])
    except (webbrowser.Error, OSError) as exc:  # a $BROWSER that cannot be started
        why = clean_display(str(exc))
        host.say(f"Could not open {url}: {why}; Y copies it.", severity="error")
        return
    if not opened:  # no browser here (over SSH, say): never claim it opened
        host.say(f"No web browser to open {url} (set $BROWSER); Y copies it.", severity="warning")
        return
    host.say(f"Opened {url}")


def _paper(host: Host, pid: str) -> Paper | None:
    """The paper, or None after a one-line notice (a library edited by hand)."""
    try:
        return host.session.store.get(pid)
    except ReadlistError as exc:
        host.say(clean_display(str(exc)), severity="error")
        return None
