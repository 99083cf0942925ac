"""E on a paper another process deletes while the form (or $EDITOR) is open: saving
says the paper was deleted and how to get it back, and writes nothing."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from readlist import actions, deleted
from readlist.tui.app import ReadlistApp
from readlist.tui.host import ScreenHost
from readlist.tui.screens.main import MainScreen
from readlist.tui.screens.paper_form import PaperForm
from tests.conftest import NOW
from tests.core.editorfake import FakeEditor, field
from tests.core.test_bad_input import fingerprint
from tests.tui.conftest import SIZE, AppFactory, on_disk


def current(app: ReadlistApp) -> str:
    screen = app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    assert screen.current is not None
    return screen.current


async def test_saving_the_form_of_a_paper_deleted_elsewhere_says_it_is_in_the_trash(
    make_app: AppFactory, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = current(app)
        with on_disk(library) as store:
            as_it_was = dict(store.records()[pid])
        await pilot.press("E")
        form = app.screen
        assert isinstance(form, PaperForm)
        with on_disk(library) as other:  # another process deletes it meanwhile
            actions.remove(other, [pid], now=NOW)
        before = fingerprint(library.parent)
        form.field("title").value = "Edited after it was deleted"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PaperForm)  # still open, with what was typed
        assert form.field("title").value == "Edited after it was deleted"
        assert form.error == (
            f"not saved: {pid} was deleted while you edited it; "
            f"readlist restore {pid} brings it back from the trash"
        )
        assert fingerprint(library.parent) == before  # nothing written
        with on_disk(library) as store:
            assert pid not in store
            assert deleted.trash(store)[pid]["paper"] == as_it_was  # the edit is not in it


async def test_e_in_the_editor_on_a_paper_deleted_elsewhere_says_so(
    make_app: AppFactory, library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with on_disk(library) as store:
        pid = next(iter(store.records()))
    folder = tmp_path / "editor"
    folder.mkdir()
    editor = FakeEditor(folder)
    for name, value in editor.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the edit is kept
    rm = [sys.executable, "-m", "readlist", "--db", str(library), "rm", "--yes", pid]
    editor.plan({"run": rm, **field("title", '"Mine"')})
    said: list[str] = []
    say = ScreenHost.say

    def recorded(host: ScreenHost, text: str, **how: Any) -> None:
        said.append(text)
        say(host, text, **how)

    monkeypatch.setattr(ScreenHost, "say", recorded)
    with on_disk(library) as store:
        as_it_was = dict(store.records()[pid])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert current(app) == pid
        await pilot.press("E")
        await pilot.pause()
        assert editor.seen()  # the editor ran, and deleted the paper meanwhile
        (message,) = said
        assert message.startswith(
            f"not saved: {pid} was deleted while you edited it; "
            f"readlist restore {pid} brings it back from the trash (your edit is kept in "
        )
        kept = Path(message.rsplit(" ", 1)[1].rstrip(")"))
        assert kept.parent == tmp_path
        assert 'title = "Mine"' in kept.read_text()
    with on_disk(library) as store:
        assert pid not in store
        assert deleted.trash(store)[pid]["paper"] == as_it_was  # the edit is not in it
