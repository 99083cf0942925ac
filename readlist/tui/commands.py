"""Command palette: every action of the main screen, and "jump to paper" by title."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from readlist.query import QueryError
from readlist.text import clean_display
from readlist.tui.common import escape

if TYPE_CHECKING:
    from readlist.search import SearchIndex
    from readlist.tui.screens.main import MainScreen


class ReadlistCommands(Provider):
    """Actions come from the bindings, so the palette cannot drift from the keys."""

    def _main(self) -> MainScreen | None:
        from readlist.tui.screens.main import MainScreen

        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    def _actions(self) -> list[tuple[str, str, str]]:
        main = self._main()
        if main is None:
            return []
        out = []
        for binding in main.BINDINGS:
            assert not isinstance(binding, tuple)
            out.append((binding.description, binding.action, binding.tooltip))
        return out

    async def discover(self) -> Hits:
        main = self._main()
        if main is None:
            return
        for name, action, help_text in self._actions():
            yield DiscoveryHit(name, partial(main.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None:
            return
        matcher = self.matcher(query)
        for name, action, help_text in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(main.run_action, action), help=help_text
                )
        index: SearchIndex = main.session.index
        records = main.store.records()
        try:
            hits = index.search(query, limit=20, abstracts=False, records=records)
        except QueryError:
            return  # half-typed filters (`year:20`) find no papers here
        for rank, hit in enumerate(hits):
            if hit.tier != 0:
                break
            record = records.get(hit.id)
            if record is None:
                continue  # removed elsewhere since the index was built
            title = f"Jump to: {clean_display(record.get('title') or '')}"
            yield Hit(
                0.9 - rank * 0.01,
                Text(title),  # a Text is shown as is; a str would be parsed as markup
                partial(main.jump_to, hit.id),
                text=title,
                help=escape(f"{hit.id} · {record.get('date') or ''}"),
            )
