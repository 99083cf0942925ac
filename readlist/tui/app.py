"""The Textual app: one screen, a store, a config. `create_app` is the only factory."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from readlist import paths
from readlist.clock import Clock
from readlist.config import Config
from readlist.errors import ReadlistError
from readlist.session import Session
from readlist.store import Store
from readlist.tui.autoexporter import AutoExporter
from readlist.tui.commands import ReadlistCommands
from readlist.tui.keys import clashes
from readlist.tui.ports import LibraryChanged, PapersChanged
from readlist.tui.runner import JobRunner
from readlist.tui.screens.help import dialog_owners
from readlist.tui.screens.main import MainScreen


class ReadlistApp(App[None]):
    """Shows one library. The store is passed in; the app never opens files itself.

    The app puts the parts together: the session over the store, the one job runner
    (the main screen composes it), the auto-exports; and it checks every second for
    what other processes changed. Which thread may touch what: readlist.session.
    """

    CSS_PATH = "app.tcss"
    TITLE = "readlist"
    COMMANDS = {ReadlistCommands}  # it lists Textual's commands too, after readlist's
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            id="readlist.palette",
            tooltip="All actions, and jump to a paper by title",
        ),
    ]

    def __init__(
        self,
        store: Store,
        config: Config | None = None,
        *,
        blink: bool = True,
        watch: float | None = 1.0,
        export_dir: Path | None = None,
        cache_dir: Path | None = None,
        clock: Clock,
    ) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.config = config or Config()
        self.blink = blink
        self.watch_interval = watch
        self.session = Session(store, clock)
        self.export_dir = export_dir or Path.cwd()
        self.cache_dir = cache_dir or paths.resolve(None).cache_dir
        self._refresh_error: str | None = None
        self.runner = JobRunner(store.path)
        self.auto_export = AutoExporter(
            self.runner, self.config.auto_exports, clock, self._auto_export_failed
        )

    def on_mount(self) -> None:
        for warning in self.config.warnings:
            self.notify(warning, severity="warning", timeout=10, markup=False)
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
            unknown = sorted(set(self.config.keymap) - known_binding_ids())
            scopes = [[*ReadlistApp.BINDINGS, *MainScreen.BINDINGS]]
            scopes += [list(bindings) for _, bindings in dialog_owners()]
            for clash in clashes(self.config.keymap, *scopes):
                self.notify(clash, severity="warning", timeout=10, markup=False)
            if unknown:
                self.notify(
                    f"config.toml: no such binding id: {', '.join(unknown)} (see ? for ids)",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
        self.push_screen(
            MainScreen(self.session, self.config, self.runner, self.export_dir, self.cache_dir)
        )
        self.call_after_refresh(self.auto_export.start)  # once the runner is mounted
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.check_for_changes)

    def on_papers_changed(self, message: PapersChanged) -> None:
        self.auto_export.soon()

    def _auto_export_failed(self, error: str) -> None:
        self.notify(error, title="Auto-export", severity="warning", markup=False)

    def on_unmount(self) -> None:
        self.auto_export.flush()

    def check_for_changes(self) -> None:
        """Show what other processes (a CLI import, say) changed, without a restart.

        The main screen is told even while a modal is on top of it, so the list
        behind the modal never shows ids the store no longer has.
        """
        try:
            changed = self.session.refresh()
        except ReadlistError as exc:
            # The store refused the library (deleted, corrupt, not ours): say so once,
            # keep the app and the user's screen, and keep checking.
            if str(exc) != self._refresh_error:
                self._refresh_error = str(exc)
                self.notify(str(exc), title="Library", severity="error", timeout=30, markup=False)
            return
        if self._refresh_error is not None:
            self._refresh_error = None
            self.notify("The library can be read again.", title="Library")
        if changed:
            for screen in self.screen_stack:
                if isinstance(screen, MainScreen):
                    screen.post_message(LibraryChanged())


def known_binding_ids() -> set[str]:
    """Every binding id a keymap may name: the app's, the main screen's and each dialog's."""
    lists: list[list[BindingType]] = [ReadlistApp.BINDINGS, MainScreen.BINDINGS]
    lists += [bindings for _, bindings in dialog_owners()]
    return {b.id for bindings in lists for b in bindings if isinstance(b, Binding) and b.id}


def create_app(
    store: Store,
    config: Config | None = None,
    *,
    blink: bool = True,
    watch: float | None = 1.0,
    export_dir: Path | None = None,
    cache_dir: Path | None = None,
    clock: Clock,
) -> ReadlistApp:
    """Build the app; used by the CLI and by the tests alike. `clock` is the app's one
    source of "now" (the CLI passes the system's; tests pass a fixed one)."""
    return ReadlistApp(
        store,
        config,
        blink=blink,
        watch=watch,
        export_dir=export_dir,
        cache_dir=cache_dir,
        clock=clock,
    )
