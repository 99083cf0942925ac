"""The detail pane: everything about the highlighted paper, scrollable."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from readlist.model import Paper
from readlist.text import byline, clean_display


def describe(paper: Paper) -> RenderableType:
    """Rich renderable of a paper: title, facts, tags, links, notes, then the abstract.

    Notes come before the abstract: when triaging, your own words matter most.
    """
    head = Text(clean_display(paper.title), style="bold")
    facts = Text(style="dim")
    parts = [
        byline(paper),
        paper.date or paper.date_raw or "",
        f"▲ {paper.upvotes}" if paper.upvotes else "",
        "read" if paper.read else "unread",
        "★ starred" if paper.starred else "",
        paper.id,
    ]
    facts.append(clean_display("  ·  ".join(p for p in parts if p)))
    blocks: list[RenderableType] = [head, facts]
    if paper.tags:
        tags = clean_display(" ".join("#" + t for t in paper.tags))
        blocks.append(Text(tags, style="bold cyan"))
    for link in paper.links:
        # A Style object, not a style string: a link is data, never parsed as style.
        shown = clean_display(link)
        blocks.append(Text(shown, style=Style(underline=True, link=shown)))
    if paper.notes:
        notes = clean_display(paper.notes)
        blocks += [Text(""), Text("Notes", style="bold"), Text(notes, style="italic")]
    blocks.append(Text(""))
    blocks.append(Text(clean_display(paper.abstract) or "(no abstract)"))
    return Group(*blocks)


class DetailPane(VerticalScroll, can_focus=True):
    """Scrolls with J/K from the list, or with the keys once focused (enter)."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-body")

    _paper: Paper | None = None

    @property
    def paper(self) -> Paper | None:
        """The paper on show."""
        return self._paper

    def show(self, paper: Paper | None) -> None:
        """Show a paper; the same (unchanged) paper again costs nothing."""
        if paper is not None and paper is self._paper:
            return
        self._paper = paper
        body = self.query_one("#detail-body", Static)
        body.update(describe(paper) if paper else Text("No paper here.", style="dim"))
        self.scroll_home(animate=False)
