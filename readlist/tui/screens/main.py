"""The main view: paper list, detail pane, status line, footer; and the triage keys."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import ClassVar, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from readlist import actions
from readlist.config import Config
from readlist.errors import InvalidPaper
from readlist.listing import is_listing_paste
from readlist.session import VIEWS, Session
from readlist.stats import compute
from readlist.store import Store
from readlist.tui import opening
from readlist.tui.display import blink
from readlist.tui.edits import Edits
from readlist.tui.finder import SEARCH_PAUSE, Finder
from readlist.tui.keys import MAIN_KEYS
from readlist.tui.network_jobs import NetworkJobs
from readlist.tui.owning import Owning
from readlist.tui.ports import LibraryChanged, Outcome, PapersChanged, Severity
from readlist.tui.runner import JobRunner
from readlist.tui.screens.help import HelpScreen, help_rows
from readlist.tui.screens.stats_screen import StatsScreen
from readlist.tui.screens.tags import TagEditor
from readlist.tui.transfers import Transfers
from readlist.tui.widgets.detail import DetailPane
from readlist.tui.widgets.paper_list import PaperList
from readlist.tui.widgets.search_box import SearchBox
from readlist.tui.widgets.status import EMPTY_LIBRARY, EMPTY_VIEW, status_line

__all__ = ["SEARCH_PAUSE", "MainScreen"]

T = TypeVar("T")
# Quiet this long after a change (or the index landing) before Session.warm runs: a
# key typed sooner pays for it itself, as before, and never waits behind it.
WARM_AFTER = 0.3


class MainScreen(Screen[None]):
    """Triage: every key here is a binding with an id, so users can remap it.

    The screen shows papers and maps keys to actions; small controllers it composes do
    the rest (edits, search, file and network jobs), each given the screen as a narrow
    port (`ports.Host`), and every background job runs through the one `JobRunner`.
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
        self._note = ""  # the status line's note of the moment
        self._status_lines = 1
        self._quitting = False  # q was typed: the keys behind it in a burst go nowhere
        self._warming: Timer | None = None  # warm_soon's
        self.edits = Edits(self, note_in_editor=config.note_in_editor)
        self.finder = Finder(self, runner)
        self.net = NetworkJobs(self, runner, config.network, session.clock)
        self.transfers = Transfers(
            self,
            runner,
            limit=config.max_input_bytes,
            export_dir=export_dir,
            versions=config.export_versions,
            imported=self.net.auto_resolve,
        )
        self.owning = Owning(
            self,
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
        self.show_rows(keep=first)
        self.papers.focus()
        # The index is built once the first frame is out (the second refresh: one
        # after mounting lays out, the next paints), so "/" answers at once and the
        # build never holds the GIL while the first frame is written (bench/tui.py).
        self.call_after_refresh(self.call_after_refresh, self.finder.freshen)

    # The port the controllers get (ports.Host) ----------------------------------------
    def landed(self, outcome: Outcome) -> None:
        """Everything after a change reached the library, whoever made it (an edit, an
        undo, an import, a resolve...): the session records it for undo, counts it,
        catches up with what a job wrote through its own store and reindexes what it
        touched; the list shows the first paper it added (or keeps its place), and the
        auto-exports follow."""
        session = self.session
        session.land(outcome.change, record=outcome.record, counted=outcome.counted)
        self.finder.freshen()
        self.show_rows(session.first_shown(outcome.change.created))
        self.warm_soon()
        if outcome.change:
            self.post_message(PapersChanged())  # it bubbles to the app: auto-exports

    def warm_soon(self) -> None:
        if self._warming is not None:
            self._warming.stop()
        self._warming = self.set_timer(WARM_AFTER, self.session.warm)

    def show_rows(self, keep: str | None = None) -> None:
        self.papers.empty_text = EMPTY_LIBRARY if not len(self.store) else EMPTY_VIEW
        self.papers.set_rows(self.session.ids, self.session.selected, keep or self.current)
        self.show_detail()
        self.update_status()

    def update_status(self, note: str = "") -> None:
        self._note = note  # until the next repaint; a running job's note stays meanwhile
        self._paint_status()

    def _paint_status(self) -> None:
        status = self.query_one("#status", Static)
        text = status_line(self.session, self._note or self.runner.note, status.content_size.width)
        lines = 1 + str(text).count("\n")  # a long note on its own line(s): a new height
        status.update(text, layout=lines != self._status_lines or lines > 1)
        self._status_lines = lines

    def say(self, text: str, *, title: str = "", severity: Severity = "information") -> None:
        self.notify(text, title=title, severity=severity, markup=False)

    def ask(self, dialog: Screen[T], answered: Callable[[T | None], None]) -> None:
        self.app.push_screen(dialog, answered)

    def copy(self, text: str) -> None:
        self.app.copy_to_clipboard(text)

    def suspended(self) -> AbstractContextManager[None]:
        """Headless (tests) there is no terminal to hand over."""
        return nullcontext() if self.app.is_headless else _suspend(self)

    # Helpers -------------------------------------------------------------------
    @property
    def papers(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def current(self) -> str | None:
        return self.papers.current

    def show_detail(self) -> None:
        """Show the current paper (at once: waiting for the list's message costs a frame)."""
        pid = self.current
        pane = self.query_one(DetailPane)
        try:
            pane.show(self.store.get(pid) if pid and pid in self.store else None)
        except InvalidPaper as exc:  # a library edited by hand: say so, never crash
            pane.show_invalid(exc)

    def on_job_runner_note_changed(self, message: JobRunner.NoteChanged) -> None:
        self._paint_status()  # a note said since (a job's report) stays

    def on_library_changed(self, message: LibraryChanged) -> None:
        """Another process changed the library; the session has caught up already."""
        self.show_rows()
        self.finder.freshen()  # a new index, off the UI thread, before "/" needs it

    def on_screen_resume(self) -> None:
        self.show_rows()  # back from a modal: show whatever changed meanwhile

    def on_paper_list_highlighted(self, message: PaperList.Highlighted) -> None:
        self.show_detail()

    def on_resize(self) -> None:
        self.query_one("#body").set_class(self.size.width < 140, "narrow")
        self.call_after_refresh(self._paint_status)  # a note may fit on the line now, or not

    def jump_to(self, paper_id: str) -> None:
        """Show a paper from anywhere: leave search and view filters if they hide it."""
        if paper_id not in self.session.ids:
            self.query_one("#search", Input).value = ""
            self.session.view, self.session.tag, self.session.query = "all", None, ""
            self.session.recompute()
            self.show_rows()
        self.papers.move_to(paper_id)
        self.papers.focus()

    # Moving --------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        self.papers.cursor += step
        self.show_detail()

    def action_cursor_to(self, index: int) -> None:
        self.papers.cursor = index if index >= 0 else len(self.session.ids) - 1
        self.show_detail()

    def action_page(self, direction: int) -> None:
        self.papers.cursor += direction * self.papers.page
        self.show_detail()

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
            self.update_status("all read")

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
            self.show_rows()

    def action_saved_view(self) -> None:
        if self.session.next_saved(self.searches) is None:
            self.say("No saved searches: add them under [searches] in config.toml.")
        self.show_rows()

    def action_tag_filter(self) -> None:
        def chosen(tags: list[str] | None) -> None:
            if tags is not None:
                self.session.set_tag(tags[0] if tags else None)
                self.show_rows()

        current = [self.session.tag] if self.session.tag else []
        tags = self.session.tags()
        dialog = TagEditor(
            "Show only tag (empty: all)", current, tags, replace=True, placeholder="one tag"
        )
        self.ask(dialog, chosen)

    def action_cycle_sort(self) -> None:
        self.session.cycle_sort()
        self.show_rows()

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
        self.finder.typed(event.value, keep=self.current)

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
            self.show_rows()
            self.set_focus(self.papers)  # at once: keys behind esc are the list's
        elif self.session.selected:
            self.session.selected.clear()
            self.show_rows()

    # Selection (the bulk pick) -------------------------------------------------
    def action_select(self) -> None:
        pid = self.current
        if pid is not None:
            self.session.toggle_selected(pid)
            self.papers.set_selected(self.session.selected)
            self.papers.cursor += 1
            self.update_status()

    def action_select_all(self) -> None:
        self.session.select_all_shown()
        self.papers.set_selected(self.session.selected)
        self.update_status()

    # Other screens, files and the network --------------------------------------
    def action_open_link(self) -> None:
        if (pid := self.current) is not None and pid in self.store:
            opening.open_link(self, pid)

    def action_copy_key(self) -> None:
        if (pid := self.current) is not None and pid in self.store:
            opening.copy_key(self, pid)

    def action_copy_url(self) -> None:
        if (pid := self.current) is not None and pid in self.store:
            opening.copy_url(self, pid)

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


@contextmanager
def _suspend(screen: MainScreen) -> Iterator[None]:
    # App.suspend resumes only when its block ends without an exception: an editor
    # that cannot start (none set, say) left the shell on screen and the app stuck.
    failed: BaseException | None = None
    with screen.app.suspend():
        try:
            yield
        except BaseException as exc:
            failed = exc
    screen.refresh(layout=True)
    if failed is not None:
        raise failed
