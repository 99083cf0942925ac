"""A dialog answers once: two Enters in one burst (a paste ending in two newlines, a
slow link) import once and leave the main screen in place, never a blank, dead app."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.screen import ModalScreen
from textual.widgets import Input

import readlist.tui
from readlist.tui.screens.dialog import Dialog
from readlist.tui.screens.import_dialog import ImportDialog
from readlist.tui.screens.main import MainScreen
from tests.conftest import SEEDS
from tests.tui.conftest import SIZE, AppFactory, on_disk


async def test_two_enters_in_one_burst_import_once(make_app: AppFactory, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    seed = tmp_path / "seed-004.txt"
    seed.write_bytes((SEEDS / "004_097c14f588d18b51.txt").read_bytes())
    app = make_app(path=empty)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        box = dialog.query_one("#path", Input)
        box.value = str(seed)
        # Both Enters are queued before the first one is handled, as in a burst.
        box.post_message(Input.Submitted(box, box.value))
        box.post_message(Input.Submitted(box, box.value))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen_stack) == 2  # the default screen and the main screen
        imports = [n for n in app._notifications if n.title == "Import"]
        assert len(imports) == 1, [n.message for n in imports]
    with on_disk(empty) as store:
        assert len(store) == 64


def test_every_dialog_answers_once() -> None:
    """Every modal screen of the TUI is a Dialog, so a new one cannot bring it back."""
    for info in pkgutil.walk_packages(readlist.tui.__path__, "readlist.tui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ModalScreen) and cls.__module__ == module.__name__:
                assert issubclass(cls, Dialog), f"{cls.__qualname__} in {info.name}"
