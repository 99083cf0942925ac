"""A paste into the import dialog parses as the same bytes read from a file do, with
LF, CRLF, CR or CR CR line ends (CR CR: a CRLF text pasted through tmux)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from readlist.importing import import_listings
from readlist.inputs import read_inputs
from readlist.store import Store
from readlist.tui.screens.main import MainScreen
from tests.conftest import AS_OF, NOW, SEEDS
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.test_import_dialog import paste, preview_text

ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r", "crcr": "\r\r"}
CASES = [
    ("000_8f436e6abbfddf26.txt", end)
    for end in ENDS  # metadata paragraphs
] + [("004_097c14f588d18b51.txt", end) for end in ("cr", "crcr")]  # titles and abstracts


def from_file(seed: Path, end: str, tmp_path: Path) -> tuple[int, list[str]]:
    """What `readlist import` makes of these bytes: entries parsed, titles added."""
    file = tmp_path / f"file-{end}.txt"
    file.write_bytes(seed.read_bytes().replace(b"\n", ENDS[end].encode()))
    with Store(tmp_path / f"file-{end}.json") as store:
        (report,) = import_listings(store, read_inputs([str(file)]), AS_OF, now=NOW).reports
        return report.parsed, sorted(p.title for p in store.papers())


@pytest.mark.parametrize(("name", "end"), CASES, ids=[f"{n[:3]}-{e}" for n, e in CASES])
async def test_a_paste_parses_as_the_file_does(
    name: str, end: str, make_app: AppFactory, tmp_path: Path
) -> None:
    seed = SEEDS / name
    parsed, titles = from_file(seed, end, tmp_path)
    assert parsed == len(titles) > 40
    assert (parsed, titles) == from_file(seed, "lf", tmp_path)
    library = tmp_path / "pasted.json"
    app = make_app(path=library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await paste(pilot, seed.read_text().replace("\n", ENDS[end]))
        assert "\r" not in app.screen.query_one(TextArea).text
        assert await preview_text(pilot) == f"{parsed} entries, {parsed} new"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    with Store(library) as store:
        assert sorted(p.title for p in store.papers()) == titles
