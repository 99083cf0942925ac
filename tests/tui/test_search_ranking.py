"""`/` ranks like `readlist search`: an exact title first, accents folded."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from readlist.model import Paper
from readlist.store import Store
from readlist.tui.app import ReadlistApp
from readlist.tui.screens.main import MainScreen
from tests.tui.conftest import SIZE, AppFactory

PAPERS = [
    Paper("d1", "Deep Learning for Video Understanding", upvotes=90, added="2026-01-01T00:00"),
    Paper("d2", "Learning Deep Representations of Graphs", upvotes=80, added="2026-01-02T00:00"),
    Paper("d3", "A Survey of Deep Learning Optimisers", upvotes=70, added="2026-01-03T00:00"),
    Paper("d4", "Deep Reinforcement Learning at Scale", upvotes=60, added="2026-01-04T00:00"),
    Paper("d5", "Learning Deep Features for Audio", upvotes=50, added="2026-01-05T00:00"),
    Paper("d6", "Deep Learning: A Practical Guide", upvotes=40, added="2026-01-06T00:00"),
    Paper("exact", "Deep Learning", upvotes=1, added="2026-01-07T00:00"),
    Paper("cafe", "Café Culture in Vienna", added="2026-01-08T00:00"),
    Paper("uni", "Ünïcödé Everywhere", added="2026-01-09T00:00"),
]


async def search(app: ReadlistApp, pilot: Pilot[None], text: str) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    box = screen.query_one("#search")
    if not box.has_focus:
        await pilot.press("slash")
    await pilot.press(*(["backspace"] * 40), *text)
    await pilot.pause(0.3)  # the full search runs once typing pauses
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_slash_puts_the_exact_title_first_and_folds_accents(
    make_app: AppFactory, tmp_path: Path
) -> None:
    path = tmp_path / "deep.json"
    with Store(path) as store:
        store.put(PAPERS)
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(app, pilot, "deep learning")
        assert screen.session.ids[0] == "exact"
        assert screen.current == "exact"
        assert len(screen.session.ids) == 7
        screen = await search(app, pilot, "cafe")
        assert screen.session.ids == ["cafe"]
        screen = await search(app, pilot, "unicode")
        assert screen.session.ids == ["uni"]
        assert screen.current == "uni"


async def test_slash_finds_c_plus_plus_and_c_sharp_not_every_c(
    make_app: AppFactory, tmp_path: Path
) -> None:
    path = tmp_path / "symbols.json"
    with Store(path) as store:
        store.put(
            [
                *PAPERS,
                Paper("cpp", "Tensor Kernels in C++", added="2026-01-10T00:00"),
                Paper("cs", "Porting Solvers to C#", added="2026-01-11T00:00"),
                Paper("c", "Scaling Laws for C Compilers", upvotes=99, added="2026-01-12T00:00"),
            ]
        )
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(app, pilot, "c++")
        assert screen.session.ids == ["cpp"]
        screen = await search(app, pilot, "c#")
        assert screen.session.ids == ["cs"]
        screen = await search(app, pilot, "kernels -c++")
        assert screen.session.ids == []
        screen = await search(app, pilot, "compilers -c#")
        assert screen.session.ids == ["c"]
