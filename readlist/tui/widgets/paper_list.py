"""The paper list: a Line API widget that renders only the rows on screen.

It holds ids and reads each visible row's fields from the store's records, so a
list of 100k papers costs no more to paint or move through than a list of 50. The
lookup is asked again for every row it paints, and an id it no longer knows (another
process removed the paper, and the list has not been told yet) is painted as gone.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Collection, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from readlist.model import known_date
from readlist.selection import Record, int_of, text_of, texts_of
from readlist.texmath import readable
from readlist.text import clean_display

DATE_WIDTH = 10
VOTES_WIDTH = 5
TAGS_WIDTH = 18


SELECTED = "▌"  # a glyph, not only a colour: selection shows without colours too
NOTED = "✎"
PDF_GLYPH = "▤"  # a PDF of the paper is on disk (p opens it at once)
PUBLISHED = "◆"  # a venue was found for the preprint (readlist published): before the title


class PaperList(ScrollView, can_focus=True, inherit_bindings=False):
    """Selection, unread, star and note markers, title, date, upvotes and tags, one
    paper per line. The title takes whatever width the other columns leave.

    It has no bindings of its own: the screen's bindings move the cursor, so that
    users can remap them all in one place.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--star",
        "paper-list--meta",
        "paper-list--tags",
        "paper-list--selected",
    }
    DEFAULT_CSS = """
    PaperList { background: $surface; overflow-x: hidden; }
    PaperList > .paper-list--cursor { background: $block-cursor-blurred-background; }
    PaperList:focus > .paper-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    PaperList > .paper-list--unread { text-style: bold; }
    PaperList > .paper-list--star { color: $warning; }
    PaperList > .paper-list--meta { color: $text-muted; }
    PaperList > .paper-list--tags { color: $accent; }
    PaperList > .paper-list--selected { background: $primary 30%; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved to another paper (or the list became empty)."""

        def __init__(self, paper_id: str | None) -> None:
            self.paper_id = paper_id
            super().__init__()

    def __init__(
        self,
        lookup: Callable[[str], Record | None],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._lookup = lookup
        self._ids: Sequence[str] = []
        self._selected: Collection[str] = ()
        self._last_id: str | None = None
        self.empty_text = ""  # shown when there are no rows: how to begin, say

    # Data ----------------------------------------------------------------------
    @property
    def ids(self) -> Sequence[str]:
        return self._ids

    @property
    def current(self) -> str | None:
        return self._ids[self.cursor] if 0 <= self.cursor < len(self._ids) else None

    def set_rows(
        self, ids: Sequence[str], selected: Collection[str] = (), keep: str | None = None
    ) -> None:
        """Show `ids` with the cursor on `keep`; if `keep` is not shown, on the paper
        nearest to it in the previous order (looking down, then up) that is shown."""
        old, old_index = self._ids, self.cursor
        self._ids = ids
        self._selected = selected
        size = Size(self.size.width, len(ids))
        if size != self.virtual_size:
            self.virtual_size = size
        index = 0
        if keep is not None:
            with contextlib.suppress(ValueError):
                old_index = old.index(keep) if old is not ids else old_index
            try:
                index = ids.index(keep)
            except ValueError:
                index = _nearest(old, old_index, ids)
        self.cursor = max(0, min(index, len(ids) - 1))
        self.refresh()

    def set_selected(self, selected: Collection[str]) -> None:
        self._selected = selected
        self.refresh()

    def move_to(self, paper_id: str) -> bool:
        try:
            self.cursor = self._ids.index(paper_id)
        except ValueError:
            return False
        return True

    # Cursor --------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._ids) - 1)) if self._ids else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old - self.scroll_offset.y)
        self.refresh_line(new - self.scroll_offset.y)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, immediate=True)
        current = self.current
        if current != self._last_id:
            self._last_id = current
            self.post_message(self.Highlighted(current))

    def refresh_line(self, y: int) -> None:
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    @property
    def page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    async def _on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self._ids):
            self.cursor = index
        self.focus()

    def _on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._ids))

    # Rendering -----------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        base = self.rich_style
        if not self._ids and self.empty_text:
            return self._empty_line(y, width, base)
        if not 0 <= index < len(self._ids):
            return Strip.blank(width, base)
        pid = self._ids[index]
        record = self._lookup(pid)
        if record is None:
            gone = base + self.get_component_rich_style("paper-list--meta")
            row = [Segment("     " + _fit("(removed elsewhere)", max(8, width - 5)), gone)]
        else:
            row = self._row(pid, record, width, base)
        if pid in self._selected:
            picked = self.get_component_rich_style("paper-list--selected")
            first = row[0]  # a space before the markers, or a removed paper's text
            row = [Segment(SELECTED + first.text[1:], first.style), *row[1:]]
            row = [Segment(t, (s or base) + picked) for t, s, _ in row]
        if index == self.cursor:
            cursor = self.get_component_rich_style("paper-list--cursor")
            row = [Segment(t, (s or base) + cursor) for t, s, _ in row]
        return Strip(row, width).crop_extend(0, width, base)

    def _row(self, pid: str, record: Record, width: int, base: Style) -> list[Segment]:
        meta = base + self.get_component_rich_style("paper-list--meta")
        title_style = base
        if not record.get("read"):
            title_style = base + self.get_component_rich_style("paper-list--unread")
        star = base + self.get_component_rich_style("paper-list--star")
        tags = clean_display(" ".join("#" + t for t in texts_of(record, "tags")))
        date = clean_display(known_date(text_of(record, "date"), record.get("bibfields")))
        date = date[:DATE_WIDTH]
        votes = int_of(record, "upvotes")
        fixed = 5 + (DATE_WIDTH + 1) + (VOTES_WIDTH + 1)
        room = max(8, width - fixed)  # title and tags share what the columns leave
        tags_width = min(cell_len(tags), TAGS_WIDTH, room // 3) if tags else 0
        title_width = room - (tags_width + 1 if tags_width else 0)
        segments = [
            Segment(" ", base),
            Segment("●" if not record.get("read") else " ", title_style),
            Segment("★" if record.get("starred") else " ", star),
            Segment(NOTED if text_of(record, "notes").strip() else " ", meta),
            Segment(PDF_GLYPH, meta) if _pdf_on_disk(record) else Segment(" ", base),
        ]
        if record.get("published_version"):
            segments.append(Segment(PUBLISHED + " ", meta))
            title_width = max(1, title_width - 2)
        segments += [
            Segment(_fit(clean_display(_title(record)), title_width), title_style),
        ]
        if tags_width:
            tag_style = base + self.get_component_rich_style("paper-list--tags")
            segments.append(Segment(" " + _fit(tags, tags_width), tag_style))
        segments += [
            Segment(" " + date.ljust(DATE_WIDTH), meta),
            Segment(" " + (f"▲{votes}" if votes else "").rjust(VOTES_WIDTH), meta),
        ]
        return segments

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        """The empty text, word-wrapped, a line below the top and two cells in."""
        lines = Text(self.empty_text).wrap(self.app.console, max(10, width - 4))
        if not 1 <= y <= len(lines):
            return Strip.blank(width, base)
        meta = base + self.get_component_rich_style("paper-list--meta")
        # No cell length given: the line is shorter than the width, and crop_extend pads
        # it only if it knows so (a stated width left the last frame's row showing).
        return Strip([Segment("  " + lines[y - 1].plain, meta)]).crop_extend(0, width, base)


def _pdf_on_disk(record: Record) -> bool:
    """Whether the paper's recorded PDF is still there (a stat, for shown rows only)."""
    path = text_of(record, "pdf")
    return bool(path) and os.path.isfile(path)


def _nearest(old: Sequence[str], index: int, ids: Sequence[str]) -> int:
    """The row in `ids` of the paper nearest `old[index]` that `ids` still shows:
    the first shown one below it in `old`, else the first above; else the top row."""
    if not ids or not old:
        return 0
    shown = set(ids)
    index = max(0, min(index, len(old) - 1))
    for i in itertools.chain(range(index, len(old)), range(index - 1, -1, -1)):
        if old[i] in shown:
            return ids.index(old[i])
    return 0


def _fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` cells, with an ellipsis when cut."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def _title(record: Record) -> str:
    """The title as read: a BibTeX import's inline math as text ($O(n^2)$ is O(n²))."""
    title = text_of(record, "title")
    return readable(title, texts_of(record, "title_protect")) if "$" in title else title
