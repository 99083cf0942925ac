"""Command palette: readlist's actions with their keys, "jump to paper" by title, and
then Textual's generic commands (theme, screenshot, ...).

The app lists only this provider, so one provider decides the order: the palette
shows several providers' hits in whatever order they arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from readlist.query import QueryError
from readlist.text import clean_display
from readlist.tui.display import escape
from readlist.tui.screens.help import help_rows

if TYPE_CHECKING:
    from readlist.search import SearchIndex
    from readlist.tui.screens.main import MainScreen

# Search scores: readlist's actions, then papers, then Textual's generic commands.
ACTION_SCORE = (0.5, 0.5)  # base, weight of the fuzzy match
JUMP_SCORE = 0.45
GENERIC_WEIGHT = 0.25


@dataclass(frozen=True)
class Command:
    name: str
    keys: str
    help: str
    run: Callable[[], object]

    def display(self, name: Content | None = None) -> Content:
        """The name (highlighted when searched), then the keys that run it now."""
        shown = name if name is not None else Content(self.name)
        if not self.keys:
            return shown
        return shown + Content.styled(f"  {self.keys}", "dim")


class ReadlistCommands(Provider):
    """Actions come from the bindings, so the palette cannot drift from the keys."""

    def _main(self) -> MainScreen | None:
        from readlist.tui.screens.main import MainScreen

        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    def _actions(self) -> list[Command]:
        main = self._main()
        if main is None:
            return []
        keys = {row.binding_id: row.keys for row in help_rows(main)}
        out = []
        for binding in main.BINDINGS:
            assert not isinstance(binding, tuple)
            out.append(
                Command(
                    binding.description,
                    clean_display(keys.get(binding.id or "", "")),
                    escape(binding.tooltip),
                    partial(main.run_action, binding.action),
                )
            )
        return out

    def _generic(self, taken: set[str]) -> list[Command]:
        """Textual's own commands, except those readlist already has (Quit)."""
        return [
            Command(name, "", escape(help_text), callback)
            for name, help_text, callback, *_ in self.app.get_system_commands(self.screen)
            if name not in taken
        ]

    async def discover(self) -> Hits:
        actions = self._actions()
        for command in actions + self._generic({a.name for a in actions}):
            yield DiscoveryHit(command.display(), command.run, text=command.name, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        actions = self._actions()
        base, weight = ACTION_SCORE
        for command in actions:
            score = matcher.match(command.name)
            if score > 0:
                shown = command.display(matcher.highlight(command.name))
                yield Hit(base + weight * score, shown, command.run, command.name, command.help)
        main = self._main()
        if main is not None:
            for hit in self._jumps(main, query):
                yield hit
        for command in self._generic({a.name for a in actions}):
            score = matcher.match(command.name)
            if score > 0:
                shown = command.display(matcher.highlight(command.name))
                yield Hit(GENERIC_WEIGHT * score, shown, command.run, command.name, command.help)

    def _jumps(self, main: MainScreen, query: str) -> list[Hit]:
        index: SearchIndex = main.session.index
        records = main.store.light()  # what filters read
        try:
            found = index.search(
                query, limit=20, abstracts=False, records=records, now=main.session.clock.now()
            )
        except QueryError:
            return []  # half-typed filters (`year:20`) find no papers here
        hits = []
        for rank, hit in enumerate(found):
            if hit.tier != 0:
                break
            record = records.get(hit.id)
            if record is None:
                continue  # removed elsewhere since the index was built
            title = f"Jump to: {clean_display(record.get('title') or '')}"
            hits.append(
                Hit(
                    JUMP_SCORE - rank * 0.01,
                    Text(title),  # a Text is shown as is; a str would be parsed as markup
                    partial(main.jump_to, hit.id),
                    text=title,
                    help=escape(f"{hit.id} · {record.get('date') or ''}"),
                )
            )
        return hits
