"""A format is one module plus one registry line: a throwaway format, registered here
with one entry, shows up in `export --help` and `--format`, in the config check, in
auto-export and in the TUI's export dialog; and the dialog writes the real formats."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, RadioButton, RadioSet

from readlist.autoexport import MARK
from readlist.cli import main
from readlist.config import load
from readlist.exporters import REGISTRY, Options
from readlist.model import Paper
from readlist.store import Store
from readlist.tui.screens.export_dialog import ExportDialog
from tests.tui.conftest import SIZE, AppFactory


class Titles:
    """The whole format: one title a line."""

    name = "titles"
    suffix = ".titles"
    description = "one title a line (a test's own format)"
    needs_keys = False
    latex = False

    def render(self, papers: Sequence[Paper], options: Options) -> str:
        return "".join(f"{p.title}\n" for p in papers)

    def stamp(self, text: str, mark: str) -> str:
        return f"# {mark}\n{text}"

    def stamped(self, data: bytes, mark: str) -> bool:
        return data.startswith(f"# {mark}\n".encode())


@pytest.fixture
def titles(monkeypatch: pytest.MonkeyPatch) -> Titles:
    fmt = Titles()
    monkeypatch.setitem(REGISTRY, fmt.name, fmt)  # the one registry line
    return fmt


def stored_titles(library: Path) -> list[str]:
    with Store(library) as store:
        return [p.title for p in store.papers()]


async def test_a_registered_format_is_offered_everywhere(
    titles: Titles,
    make_app: AppFactory,
    library: Path,
    tmp_path: Path,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = ["--db", str(library)]
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert f"titles: {titles.description}" in " ".join(capsys.readouterr().out.split())
    every = stored_titles(library)
    out = tmp_path / "list.txt"
    assert main([*db, "export", "--format", "titles", "-o", str(out)]) == 0
    assert out.read_text().splitlines() == every
    assert main([*db, "export", "-o", str(tmp_path / "by.titles")]) == 0  # its suffix
    assert (tmp_path / "by.titles").read_text() == out.read_text()

    isolated_home.mkdir(parents=True, exist_ok=True)
    config = isolated_home / "config.toml"
    auto = tmp_path / "auto.titles"
    config.write_text(f"[[export.auto]]\npath = '{auto}'\nformat = 'titles'\n")
    assert load(config).warnings == ()
    assert main([*db, "mark", _first_id(library), "--star"]) == 0  # any write command
    assert auto.read_text() == f"# {MARK}\n" + out.read_text()  # its own mark, its render

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        names = [b.name for b in dialog.query_one("#format", RadioSet).query(RadioButton)]
        assert names == list(REGISTRY)
        assert names[-1] == "titles"
        await pilot.click("#format-titles")
        assert dialog.query_one("#path", Input).value == str(tmp_path / "readlist.titles")
        assert dialog.query_one("#unicode", Checkbox).disabled  # not LaTeX
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert (tmp_path / "readlist.titles").read_text() == out.read_text()


def _first_id(library: Path) -> str:
    with Store(library) as store:
        return store.papers()[0].id


async def test_the_dialog_writes_csl_json_and_markdown(
    make_app: AppFactory, library: Path, tmp_path: Path
) -> None:
    every = stored_titles(library)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for name, suffix in (("csl-json", ".json"), ("markdown", ".md")):
            await pilot.press("e")
            dialog = app.screen
            assert isinstance(dialog, ExportDialog)
            box, unicode = dialog.query_one("#path", Input), dialog.query_one("#unicode", Checkbox)
            assert box.value.endswith(".bib")
            assert not unicode.disabled
            await pilot.click(f"#format-{name}")
            assert box.value == str(tmp_path / f"readlist{suffix}")
            assert unicode.disabled
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not isinstance(app.screen, ExportDialog)
    items = json.loads((tmp_path / "readlist.json").read_text(encoding="utf-8"))
    assert [i["title"] for i in items] == every
    with Store(library) as store:
        assert [i["id"] for i in items] == [p.bibkey for p in store.papers()]
    lines = (tmp_path / "readlist.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(every)
    assert all(line.startswith("- **") for line in lines)
