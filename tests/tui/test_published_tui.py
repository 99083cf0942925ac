"""W: `readlist published` as a TUI job through the one JobRunner, against loopback
Semantic Scholar and DBLP; the list's venue glyph and the detail pane's venue line."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.widgets import Input

from readlist.config import Config, Network
from readlist.store import Store
from readlist.tui.screens.confirm import Confirm
from readlist.tui.widgets.detail import DetailPane
from readlist.tui.widgets.paper_list import PUBLISHED
from tests.core.scholarfake import DISPUTED, LORA, WORLD, Scholars, dblp_server, populate, scholars
from tests.tui.conftest import SIZE, AppFactory, on_disk
from tests.tui.test_detail import pane_text
from tests.tui.test_network import idle, main, messages, settle

__all__ = ["dblp_server", "scholars"]  # fixtures


def config(scholars: Scholars, server: HTTPServer) -> Config:
    net = Network(
        arxiv_api=server.url_for("/api/query"),
        hf_endpoint=server.url_for("/").rstrip("/"),
        arxiv_delay=0.0,
        timeout=2.0,
        s2_api=scholars.s2.api,
        dblp_api=scholars.dblp.api,
        s2_delay=0.0,
        dblp_delay=0.0,
        auto_resolve=False,
    )
    return Config(network=net)


def row_of(app: object, pid: str) -> str:
    papers = main(app).papers  # type: ignore[arg-type]
    return papers.render_line(papers.ids.index(pid)).text


async def test_w_finds_venues_shows_them_and_undo_takes_them_back(
    scholars: Scholars, make_app: AppFactory, tmp_path: Path
) -> None:
    populate(scholars.s2, scholars.dblp)
    path = tmp_path / "lib.json"
    with Store(path) as store:
        store.put(list(WORLD))
    app = make_app(config(scholars, scholars.s2.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        assert PUBLISHED not in row_of(app, LORA.id)
        await pilot.press("W")
        await settle(app, pilot, idle(app))
        assert messages(app)[-1] == "4 found, 2 unsure, 2 not found, 0 failed"
        with on_disk(path) as store:
            assert store.get(LORA.id).published_version is not None
        assert PUBLISHED in row_of(app, LORA.id)
        assert PUBLISHED not in row_of(app, DISPUTED.id)
        main(app).jump_to(LORA.id)
        await pilot.pause()
        text = pane_text(app.screen.query_one(DetailPane))
        assert (
            f"{PUBLISHED} published: International Conference on Learning Representations "
            "(ICLR) 2022" in text
        )
        main(app).jump_to(DISPUTED.id)
        await pilot.pause()
        text = pane_text(app.screen.query_one(DetailPane))
        assert "published version unsure: the sources disagree" in text
        await pilot.press("u")
        assert messages(app)[-1] == "Undid published."
        assert PUBLISHED not in row_of(app, LORA.id)
    with on_disk(path) as store:
        assert store.get(LORA.id).published_version is None


async def test_w_looks_up_only_the_selection(
    scholars: Scholars, make_app: AppFactory, tmp_path: Path
) -> None:
    populate(scholars.s2, scholars.dblp)
    path = tmp_path / "lib.json"
    with Store(path) as store:
        store.put(list(WORLD))
    app = make_app(config(scholars, scholars.s2.server), path=path)
    async with app.run_test(size=SIZE) as pilot:
        main(app).jump_to(LORA.id)
        await pilot.press("v", "W")
        await settle(app, pilot, idle(app))
        assert messages(app)[-1] == "1 found, 0 unsure, 0 not found, 0 failed"
    assert scholars.s2.asked == [["ARXIV:2106.09685"]]
    with on_disk(path) as store:
        assert store.get(DISPUTED.id).published_check is None


async def test_the_export_dialog_follows_export_versions(
    make_app: AppFactory, tmp_path: Path
) -> None:
    venue = {"venue": "ICLR", "type": "inproceedings", "sources": ["dblp"], "year": 2022}
    path = tmp_path / "lib.json"
    with Store(path) as store:
        store.put([LORA.replace(published_version=venue)])
    target = tmp_path / "out.bib"
    for policy, kind in (("published", "@inproceedings{"), ("preprint", "@misc{")):
        app = make_app(Config(export_versions=policy), path=path)  # type: ignore[arg-type]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("e")
            app.screen.query_one("#path", Input).value = str(target)
            await pilot.press("ctrl+s")
            if isinstance(app.screen, Confirm):
                await pilot.press("y")
            await app.workers.wait_for_complete()
            await pilot.pause()
        text = target.read_text()
        assert text.startswith(kind), text
        assert ("eprint" in text) == (policy == "preprint")
