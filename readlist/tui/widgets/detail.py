"""The detail pane: everything about the highlighted paper, scrollable."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from readlist.exporters.plain import shown_name
from readlist.model import Paper
from readlist.texmath import readable
from readlist.text import byline, clean_display, emphasis_spans
from readlist.tui.widgets.paper_list import PUBLISHED
from readlist.versions import published

AUTHORS_SHOWN = 3  # names shown before "+N more" while the list has the focus


def _text(text: str, style: str | Style = "") -> Text:
    """User text as a Text: never parsed as markup, control characters removed."""
    return Text(clean_display(text), style=style)


def authors_line(paper: Paper, everyone: bool, more_hint: str = "") -> Text:
    """The first few authors and how many more, or all of them."""
    names = [shown_name(n) for n in paper.authors]  # {von Neumann}: no braces
    if not names:
        return _text(byline(paper))
    if everyone or len(names) <= AUTHORS_SHOWN + 1:
        return _text(", ".join(names))
    line = _text(", ".join(names[:AUTHORS_SHOWN]))
    line.append(f"  +{len(names) - AUTHORS_SHOWN} more", style="bold")
    if more_hint:
        line.append(f" — {more_hint}", style="dim")
    return line


def record_line(paper: Paper) -> Text:
    """The arXiv id and version, the categories and the Hub's keywords."""
    parts: list[Text] = []
    if paper.arxiv_id:
        version = f"v{paper.arxiv_version}" if paper.arxiv_version else ""
        parts.append(_text(f"arXiv {paper.arxiv_id}{version}"))
    if paper.primary_category:
        others = [c for c in paper.categories if c != paper.primary_category]
        also = f" (also {', '.join(others)})" if others else ""
        parts.append(_text(paper.primary_category + also))
    if paper.ai_keywords:
        parts.append(_text("keywords: " + ", ".join(paper.ai_keywords)))
    return Text("  ·  ", style="dim").join(parts)


def venue_line(paper: Paper) -> Text | None:
    """Where the preprint was published (readlist published), or why that is unsure."""
    venue = published(paper)
    if venue is not None:
        name = venue.venue + (f" ({venue.short})" if venue.short else "")
        line = f"{PUBLISHED} published: {name}" + (f" {venue.year}" if venue.year else "")
        if venue.doi:
            line += f"  ·  doi {venue.doi}"
        return _text(line, style="bold green")
    check = paper.published_check or {}
    if check.get("status") == "unsure":
        return _text(f"published version unsure: {check.get('reason', '')}", style="yellow")
    return None


def abstract_text(abstract: str) -> Text:
    """The abstract with its Markdown emphasis shown as bold and italic."""
    out = Text()
    for piece, style in emphasis_spans(clean_display(abstract)):
        out.append(piece, style=style)
    return out


def describe(paper: Paper, everyone: bool = False, more_hint: str = "") -> RenderableType:
    """Rich renderable of a paper: title, authors, facts, the arXiv record, tags, links,
    notes, then the abstract.

    Notes come before the abstract: when triaging, your own words matter most.
    """
    facts = _text(
        "  ·  ".join(
            p
            for p in (
                paper.shown_date(),
                f"▲ {paper.upvotes}" if paper.upvotes else "",
                "read" if paper.read else "unread",
                "★ starred" if paper.starred else "",
                paper.id,
            )
            if p
        ),
        style="dim",
    )
    title = readable(paper.title, paper.title_protect)  # $O(n^2)$ is O(n²)
    blocks: list[RenderableType] = [_text(title, style="bold")]
    blocks.append(authors_line(paper, everyone, more_hint))
    blocks.append(facts)
    record = record_line(paper)
    if record:
        blocks.append(record)
    if (venue := venue_line(paper)) is not None:
        blocks.append(venue)
    if paper.tags:
        blocks.append(_text(" ".join("#" + t for t in paper.tags), style="bold cyan"))
    web = paper.web_links()
    for link in web + [u for u in paper.links if u not in web]:
        # A Style object, not a style string: a link is data, never parsed as style.
        shown = clean_display(link)
        blocks.append(Text(shown, style=Style(underline=True, link=shown)))
    if paper.notes:
        blocks += [Text(""), Text("Notes", style="bold"), _text(paper.notes, style="italic")]
    blocks.append(Text(""))
    blocks.append(abstract_text(paper.abstract) if paper.abstract else Text("(no abstract)"))
    return Group(*blocks)


class DetailPane(VerticalScroll, can_focus=True):
    """Scrolls with J/K from the list, or with j/k and the arrows once focused (enter).

    Focused, it shows every author; from the list, the first few.
    """

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="detail.down", tooltip="Scroll down"),
        Binding("k", "scroll_up", "Up", show=False, id="detail.up", tooltip="Scroll up"),
    ]

    _paper: Paper | None = None
    _everyone = False
    _hint_retries = 0
    _hint = ""

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    @property
    def paper(self) -> Paper | None:
        """The paper on show."""
        return self._paper

    def show(self, paper: Paper | None) -> None:
        """Show a paper; the same (unchanged) paper again costs nothing."""
        if paper is not None and paper is self._paper:
            return
        self._paper = paper
        self._paint()
        self.scroll_home(animate=False)

    def show_invalid(self, problem: Exception) -> None:
        """A paper whose stored data is invalid: what is wrong, as plain text."""
        self._paper = None
        text = (
            f"This paper's stored data is invalid: {problem}\n\nreadlist check lists such papers."
        )
        self.query_one("#detail-body", Static).update(Text(clean_display(text), style="dim"))

    def _paint(self) -> None:
        paper = self._paper
        body = self.query_one("#detail-body", Static)
        if paper is None:
            body.update(Text("No paper here.", style="dim"))
            return
        hint = "" if self._everyone else self._more_hint()
        body.update(describe(paper, self._everyone, hint))

    def _more_hint(self) -> str:
        """How to see every author: the key that focuses this pane, as mapped (the
        keymap is applied before the screen starts, so the answer is kept)."""
        if self._hint:
            return self._hint
        for key, active in self.screen.active_bindings.items():
            if active.binding.id == "readlist.detail":
                shown = self.app.get_key_display(replace(active.binding, key=key))
                self._hint = f"{shown} shows all"
                return self._hint
        if self._hint_retries < 5:
            # While the screen starts, another widget (or none) has the focus and the
            # key may be shadowed: ask again once it has settled.
            self._hint_retries += 1
            self.call_after_refresh(self._paint)
            return ""
        return "focus this pane to see all"

    def on_focus(self, event: events.Focus) -> None:
        self._everyone = True
        self._paint()

    def on_blur(self, event: events.Blur) -> None:
        self._everyone = False
        self._paint()
