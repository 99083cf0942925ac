"""The status line's text, and what the list says when it has nothing to show."""

from __future__ import annotations

from textual.content import Content

from readlist.session import Session
from readlist.text import clean_display

EMPTY_LIBRARY = (
    "No papers yet. Press i to import a listing or paste one; "
    "P pulls today's Daily Papers. ? lists every key."
)
EMPTY_VIEW = "Nothing to show here. 1 shows all papers; esc clears a search."


def status_line(session: Session, note: str = "", width: int = 0) -> Content:
    """View, tag, sort, search and counts, with `due` only when some paper is due, then
    the note of the moment. When the line would not fit in `width` cells (0: unknown),
    the note goes on a line of its own, where it wraps, so it is read whole.

    Content, not markup: a tag or a query is the user's text, shown as typed.
    """
    s = session
    c = s.counts()
    parts: list[str | tuple[str, str]] = [(clean_display(s.view_name), "bold")]
    if s.tag:
        parts += [" · #", clean_display(s.tag)]
    parts.append(f" · sort: {s.sort}")
    counts = f"{c['shown']} shown / {c['total']} total · {c['unread']} unread · {c['starred']} ★"
    if c["due"]:
        counts += f" · {c['due']} due"
    if c["selected"]:
        counts += f" · {c['selected']} selected"
    error = clean_display(s.query_error) if s.query_error else ""
    inline = f" · {error}" if error else ""
    searched = f" · search: “{clean_display(s.query)}”" if s.query else ""
    if (
        width
        and error
        and Content.assemble(*parts, searched, inline, "   " + counts).cell_length > width
    ):
        inline = ""  # the error on a line of its own, where it wraps: read whole
    if s.query:
        query = clean_display(s.query)
        if width:  # the counts stay in sight: a long query is cut, not them
            used = Content.assemble(*parts, " · search: “”", inline, "   " + counts)
            room = width - used.cell_length
            if Content(query).cell_length > room:
                query = Content(query).truncate(max(room, 2), ellipsis=True).plain
        parts.append(f" · search: “{query}”")
    if inline:
        parts.append((inline, "bold"))
    line = Content.assemble(*parts, "   " + counts)
    if error and not inline:
        line = Content.assemble(line, "\n", (error, "bold"))
    if not note:
        return line
    if width and (
        (not inline and error) or line.cell_length + 3 + Content(note).cell_length > width
    ):
        return Content.assemble(line, "\n", note)
    return Content.assemble(line, f"   {note}")
