"""The main screen's keys: one table, read by the screen, the help screen, the command
palette and the README (tests/tui/test_readme.py), so none of them can drift. Every
binding has an id (users remap keys by it in config.toml's [keymap]) and a tooltip."""

from __future__ import annotations

from textual.binding import Binding, BindingType


def _b(
    key: str, action: str, description: str, bid: str, tooltip: str, show: bool = False
) -> Binding:
    return Binding(key, action, description, show=show, id=f"readlist.{bid}", tooltip=tooltip)


MAIN_KEYS: list[BindingType] = [
    _b("j,down", "cursor(1)", "Down", "down", "Next paper"),
    _b("k,up", "cursor(-1)", "Up", "up", "Previous paper"),
    _b("g,home", "cursor_to(0)", "Top", "top", "First paper"),
    _b("G,end", "cursor_to(-1)", "Bottom", "bottom", "Last paper"),
    _b("pagedown", "page(1)", "Page down", "page-down", "One screen down"),
    _b("pageup", "page(-1)", "Page up", "page-up", "One screen up"),
    _b("J", "scroll_detail(3)", "Abstract down", "detail-down", "Scroll the detail pane down"),
    _b("K", "scroll_detail(-3)", "Abstract up", "detail-up", "Scroll the detail pane up"),
    _b("enter", "focus_detail", "Detail", "detail", "Focus the detail pane (esc returns)"),
    _b("r", "toggle_read", "Read", "read", "Toggle read for the paper or selection", True),
    _b("s", "toggle_star", "Star", "star", "Toggle star for the paper or selection", True),
    _b("space", "triage", "Triage", "triage", "Mark read and jump to the next unread", True),
    _b("n", "note", "Note", "note", "Edit the note (ctrl+o there, or [tui] note: $EDITOR)", True),
    _b("t", "tags", "Tag", "tags", "Edit tags of the paper or selection", True),
    _b("E", "edit", "Edit", "edit", "Edit the paper's fields in $EDITOR (else a form)"),
    _b("d", "delete", "Delete", "delete", "Delete the paper or selection (asks; u undoes)"),
    _b("p", "pdf", "PDF", "pdf", "Open the paper's PDF (downloads it once)"),
    _b("slash", "search", "Search", "search", "Fuzzy search as you type", True),
    _b("1", "view('all')", "All", "view-all", "Show all papers"),
    _b("2", "view('unread')", "Unread", "view-unread", "Show unread papers"),
    _b("3", "view('starred')", "Starred", "view-starred", "Show starred papers"),
    _b("4", "view('read')", "Read", "view-read", "Show read papers"),
    _b("N", "view('new')", "New", "view-new", "Show the papers from the latest import"),
    _b("5", "saved_view", "Saved", "view-saved", "Next saved search ([searches] in config)"),
    _b("number_sign", "tag_filter", "Tag filter", "tag-filter", "Show one tag (empty clears)"),
    _b("o", "cycle_sort", "Sort", "sort", "Sort by added, date, upvotes, title"),
    _b("O", "open_link", "Open", "open", "Open the paper's page (arXiv, Hub, project)"),
    _b("y", "copy_key", "Copy key", "copy-key", "Copy the citation key (assigns one)"),
    _b("Y", "copy_url", "Copy URL", "copy-url", "Copy the paper's page URL"),
    _b("R", "resolve", "Resolve", "resolve", "Find arXiv records: selection or unresolved"),
    _b("P", "pull", "Pull", "pull", "Pull a day of Daily Papers from the Hub"),
    _b("W", "published", "Published", "published", "Find venues: selection or preprints"),
    _b("v", "select", "Select", "select", "Select the paper and move down (vim-like)"),
    _b("V", "select_all", "Select all", "select-all", "Select all shown (again: none)"),
    _b("e", "export", "Export", "export", "Export (BibTeX, biblatex, CSL-JSON, Markdown)", True),
    _b("i", "import", "Import", "import", "Import a listing (path or paste)", True),
    _b("u", "undo", "Undo", "undo", "Undo the last change"),
    _b("ctrl+r", "redo", "Redo", "redo", "Redo what was undone"),
    _b("S", "stats", "Stats", "stats", "Papers added and read per week, tags"),
    _b("question_mark", "help", "Help", "help", "All keys", True),
    _b("escape", "clear", "Clear", "clear", "Clear search, selection, or leave the detail pane"),
    _b("q", "quit", "Quit", "quit", "Quit readlist", True),
]


def clashes(keymap: dict[str, str], *scopes: list[BindingType]) -> list[str]:
    """Keys that `[keymap]` leaves on two bindings of one scope (the main screen and the
    app's own keys are one scope; each dialog is another), as one-line warnings: only
    one of the two would run."""
    out: list[str] = []
    for bindings in scopes:
        owner: dict[str, str] = {}
        for b in bindings:
            if not isinstance(b, Binding) or not b.id:
                continue
            keys = keymap.get(b.id, b.key)
            for key in (k.strip() for k in keys.split(",")):
                other = owner.setdefault(key, b.id)
                if other != b.id and (b.id in keymap or other in keymap):
                    out.append(f"config.toml: [keymap] leaves {key!r} on both {other} and {b.id}")
    return out
