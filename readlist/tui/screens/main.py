"""The main view: paper list, detail pane, status line, footer; and the triage keys."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from readlist import actions
from readlist.config import Config
from readlist.listing import is_listing_paste
from readlist.session import VIEWS, Session
from readlist.stats import compute
from readlist.store import Store
from readlist.tui import opening
from readlist.tui.display import blink
from readlist.tui.edits import Edits
from readlist.tui.finder import SEARCH_PAUSE
from readlist.tui.host import ScreenHost
from readlist.tui.keys import MAIN_KEYS
from readlist.tui.network_jobs import NetworkJobs
from readlist.tui.owning import Owning
from readlist.tui.ports import LibraryChanged
from readlist.tui.runner import JobRunner
from readlist.tui.screens.help import HelpScreen, help_rows
from readlist.tui.screens.stats_screen import StatsScreen
from readlist.tui.screens.tags import TagEditor
from readlist.tui.transfers import Transfers
from readlist.tui.widgets.detail import DetailPane
from readlist.tui.widgets.paper_list import PaperList
from readlist.tui.widgets.search_box import SearchBox

__all__ = ["SEARCH_PAUSE", "MainScreen"]


class MainScreen(Screen[None]):
    """Triage: every key here is a binding with an id, so users can remap it.

    The screen composes the widgets and maps keys to actions; small controllers it
    composes do the rest (edits, search, file and network jobs), each given its
    `ScreenHost` (the narrow port `ports.Host`: where a change lands and the view is
    repainted), and every background job runs through the one `JobRunner`.
    """

    BINDINGS: ClassVar[list[BindingType]] = MAIN_KEYS

    def __init__(
        self,
        session: Session,
        config: Config,
        runner: JobRunner,
        export_dir: Path,
        cache_dir: Path,
    ) -> None:
        super().__init__()
        self.session = session
        self.store: Store = session.store
        self.runner = runner
        self.keymap = config.keymap
        self.searches = config.searches
        self._quitting = False  # q was typed: the keys behind it in a burst go nowhere
        # What the controllers are given: where a change lands, and the repaint after it.
        self.host = host = ScreenHost(self, session, runner)
        self.edits = Edits(host, note_in_editor=config.note_in_editor)
        self.net = NetworkJobs(host, runner, config.network, session.clock)
        self.transfers = Transfers(
            host,
            runner,
            limit=config.max_input_bytes,
            export_dir=export_dir,
            versions=config.export_versions,
            imported=self.net.auto_resolve,
        )
        self.owning = Owning(
            host,
            self.edits,
            runner,
            net=config.network,
            clock=session.clock,
            cache_dir=cache_dir,
            env=os.environ,
        )

    def compose(self) -> ComposeResult:
        yield SearchBox("papers", placeholder="search titles, tags, notes, abstracts…", id="search")
        with Horizontal(id="body"):
            yield PaperList(lambda pid: self.store.records().get(pid), id="papers")
            yield DetailPane(id="detail")
        yield self.runner.bar
        yield Static(id="status")
        yield Footer(compact=True, show_command_palette=False)
        yield self.runner

    def on_mount(self) -> None:
        self.query_one("#search", Input).cursor_blink = blink(self.app)
        first = self.session.next_unread(None)
        self.host.show_rows(keep=first)
        self.papers.focus()
        # The index is built once the first frame is out (the second refresh: one
        # after mounting lays out, the next paints), so "/" answers at once and the
        # build never holds the GIL while the first frame is written (bench/tui.py).
        self.call_after_refresh(self.call_after_refresh, self.host.finder.freshen)

    # Helpers -------------------------------------------------------------------
    @property
    def papers(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def current(self) -> str | None:
        return self.papers.current

    def on_job_runner_note_changed(self, message: JobRunner.NoteChanged) -> None:
        self.host.paint_status()  # a note said since (a job's report) stays

    def on_library_changed(self, message: LibraryChanged) -> None:
        """Another process changed the library; the session has caught up already."""
        self.host.show_rows()
        self.host.finder.freshen()  # a new index, off the UI thread, before "/" needs it

    def on_screen_resume(self) -> None:
        self.host.show_rows()  # back from a modal: show whatever changed meanwhile

    def on_paper_list_highlighted(self, message: PaperList.Highlighted) -> None:
        self.host.show_detail()

    def on_resize(self) -> None:
        self.query_one("#body").set_class(self.size.width < 140, "narrow")
        self.call_after_refresh(self.host.paint_status)  # a note may fit on the line now, or not

    def jump_to(self, paper_id: str) -> None:
        """Show a paper from anywhere: leave search and view filters if they hide it."""
        if paper_id not in self.session.ids:
            self.query_one("#search", Input).value = ""
            self.session.view, self.session.tag, self.session.query = "all", None, ""
            self.session.recompute()
            self.host.show_rows()
        self.papers.move_to(paper_id)
        self.papers.focus()

    # Moving --------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        self.papers.cursor += step
        self.host.show_detail()

    def action_cursor_to(self, index: int) -> None:
        self.papers.cursor = index if index >= 0 else len(self.session.ids) - 1
        self.host.show_detail()

    def action_page(self, direction: int) -> None:
        self.papers.cursor += direction * self.papers.page
        self.host.show_detail()

    def action_scroll_detail(self, lines: int) -> None:
        self.query_one(DetailPane).scroll_relative(y=lines, animate=False)

    def action_focus_detail(self) -> None:
        self.query_one(DetailPane).focus()

    # Changing papers -----------------------------------------------------------
    def _targets(self) -> list[str]:
        return [i for i in self.session.targets(self.current) if i in self.store]

    def action_toggle_read(self) -> None:
        if ids := self._targets():
            self.edits.toggle("read", ids)

    def action_toggle_star(self) -> None:
        if ids := self._targets():
            self.edits.toggle("starred", ids)

    def action_triage(self) -> None:
        pid = self.current
        if pid is None or pid not in self.store:
            return
        following = self.session.next_unread(pid)  # before pid leaves an unread view
        if following == pid:
            following = None  # it was the last unread paper
        now = self.session.clock.now()
        if not self.edits.apply(lambda: actions.set_read(self.store, [pid], True, now=now)):
            return
        if following is not None:
            self.papers.move_to(following)
        else:
            self.host.update_status("all read")

    def action_note(self) -> None:
        if self.current is not None:
            self.edits.note(self.current)

    def action_tags(self) -> None:
        if ids := self._targets():
            self.edits.tags(ids)

    def action_delete(self) -> None:
        if ids := self._targets():
            self.owning.delete(ids)

    def action_edit(self) -> None:
        if (pid := self.current) is not None and pid in self.store:
            self.owning.edit(pid)

    def action_pdf(self) -> None:
        if (pid := self.current) is not None and pid in self.store:
            self.owning.pdf(pid)

    def action_undo(self) -> None:
        self.edits.undo()

    def action_redo(self) -> None:
        self.edits.undo(redo=True)

    # Views and search ----------------------------------------------------------
    def action_view(self, view: str) -> None:
        if view in VIEWS:
            self.session.set_view(view)
            self.host.show_rows()

    def action_saved_view(self) -> None:
        if self.session.next_saved(self.searches) is None:
            self.host.say("No saved searches: add them under [searches] in config.toml.")
        self.host.show_rows()

    def action_tag_filter(self) -> None:
        def chosen(tags: list[str] | None) -> None:
            if tags is not None:
                self.session.set_tag(tags[0] if tags else None)
                self.host.show_rows()

        current = [self.session.tag] if self.session.tag else []
        tags = self.session.tags()
        dialog = TagEditor(
            "Show only tag (empty: all)", current, tags, replace=True, placeholder="one tag"
        )
        self.host.ask(dialog, chosen)

    def action_cycle_sort(self) -> None:
        self.session.cycle_sort()
        self.host.show_rows()

    def action_search(self) -> None:
        box = self.query_one(SearchBox)
        box.add_class("visible")
        # At once, not after a refresh (`focus()`): keys typed in the same burst as "/"
        # (over SSH, a paste) are already waiting, and they belong to the box.
        self.set_focus(box)
        box.open()

    def on_paste(self, event: events.Paste) -> None:
        """A listing pasted onto the list opens the import dialog with it; so does one
        that reached the list before `i`'s dialog was open (both in one write)."""
        if is_listing_paste(event.text):
            event.stop()
            self.transfers.import_(event.text)

    def on_key(self, event: events.Key) -> None:
        """Keys typed in one burst around "/" (over SSH, say) go where the keys before
        them put the focus, whatever the timing. They all pass here before the App
        would run the "/" binding, so "/" opens the box here, in order, and the keys
        behind it are the box's (`SearchBox` hands back those behind its enter)."""
        if self._quitting:  # a dialog mounting while the app exits would raise
            event.stop()
            event.prevent_default()
            return
        box = self.query_one(SearchBox)
        if self.focused is box:  # not `has_focus`: that waits for the Focus event
            if box.take(event):
                event.stop()
                event.prevent_default()
            return
        active = self.active_bindings.get(event.key)
        if active is not None and active.binding.action == "search":
            event.stop()
            event.prevent_default()
            self.action_search()
        elif active is not None and active.binding.action == "quit":
            self._quitting = True  # here, in order: the keys behind it pass here first

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.host.finder.typed(event.value, keep=self.current)

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.set_focus(self.papers)  # SearchBox did already; enter from elsewhere too

    def action_clear(self) -> None:
        box = self.query_one("#search", Input)
        if self.net.cancel():
            return
        if self.focused is self.query_one(DetailPane):
            self.papers.focus()
        elif self.session.query or box.has_focus:
            box.value = ""
            box.remove_class("visible")
            self.session.apply_query("")
            self.host.show_rows()
            self.set_focus(self.papers)  # at once: keys behind esc are the list's
        elif self.session.selected:
            self.session.selected.clear()
            self.host.show_rows()

    # Selection (the bulk pick) -------------------------------------------------
    def action_select(self) -> None:
        pid = self.current
        if pid is not None:
            self.session.toggle_selected(pid)
            self.papers.set_selected(self.session.selected)
            self.papers.cursor += 1
            self.host.update_status()

    def action_select_all(self) -> None:
        self.session.select_all_shown()
        self.papers.set_selected(self.session.selected)
        self.host.update_status()

    # Other screens, files and the network --------------------------------------
    def action_open_link(self) -> None:
        if (pid := self.current) is not None and pid in self.store:
            opening.open_link(self.host, pid)

    def action_copy_key(self) -> None:
        if (pid := self.current) is not None and pid in self.store:
            opening.copy_key(self.host, pid)

    def action_copy_url(self) -> None:
        if (pid := self.current) is not None and pid in self.store:
            opening.copy_url(self.host, pid)

    def action_resolve(self) -> None:
        self.net.resolve([i for i in self.session.selected if i in self.store], self.current)

    def action_published(self) -> None:
        self.net.published([i for i in self.session.selected if i in self.store])

    def action_pull(self) -> None:
        self.net.pull()

    def action_import(self) -> None:
        self.transfers.import_()

    def action_export(self) -> None:
        self.transfers.export()

    def action_stats(self) -> None:
        self.app.push_screen(StatsScreen(compute(self.store.light().values())))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(help_rows(self), self.keymap))

    def action_quit(self) -> None:
        self._quitting = True  # keys behind q in the same burst open nothing
        self.app.exit()
