"""`/` by the sidecar's index: each keystroke shows the whole answer, abstracts
included, at once (no job, no second repaint); a quoted phrase still goes to the job.
Punctuation typed as in the title (gpt-4o, vision-language, llama.cpp) finds it first,
in the TUI as `readlist search` does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from readlist.importing import import_listings
from readlist.store import Store
from readlist.tui.app import create_app
from readlist.tui.finder import Found, SearchJob
from readlist.tui.host import WARM_AFTER
from tests.conftest import AS_OF, CLOCK, NOW
from tests.tui.test_jobs import until
from tests.tui.test_keys import main

LISTING = (
    "Daily Papers\n\n"
    "llama.cpp on a phone: kernels for GPT-4o-class models\n\n"
    "We port a runtime and study zygomorphic quokkas.\n\n"
    "Vision-Language Agents at work\n\n"
    "Nothing about quokkas.\n"
)
PUNCTUATED = ("gpt-4o", "GPT-4O", "llama.cpp", "vision-language", '"gpt-4o"')


@pytest.fixture
def indexed(library: Path) -> Path:
    with Store(library) as store:
        import_listings(store, [("late.txt", LISTING)], AS_OF, now=NOW)
        store.compact()  # writes the sidecar, with its abstract postings
    return library


def titled(path: Path, start: str) -> str:
    with Store(path) as store:
        return next(p for p, r in store.records().items() if r["title"].startswith(start))


async def test_a_keystroke_shows_abstract_matches_at_once(
    indexed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    real = SearchJob.run

    def recorded(job: SearchJob, *args: Any) -> Found:
        asked.append(job.request.query.text)
        return real(job, *args)

    monkeypatch.setattr(SearchJob, "run", recorded)
    quokkas = titled(indexed, "llama.cpp")
    app = create_app(Store(indexed, indexed=True), blink=False, watch=None, clock=CLOCK)
    async with app.run_test(size=(120, 36)) as pilot:
        session = main(app).session
        await until(pilot, lambda: not session.live_index.stale)
        assert session.index.abstracts_indexed
        await pilot.press("slash", *"zygomorph")
        # The paper is found by its abstract alone, and no job was asked for it.
        assert session.ids == [quokkas]
        assert session.ids == session.search("zygomorph")
        assert session.search("zygomorph", abstracts=False) == []
        await pilot.press("backspace", "backspace", "space", *"quo")
        assert session.ids == session.search("zygomor quo") == [quokkas]
        await pilot.pause(0.3)
        assert asked == []
        # A phrase: the postings only narrow it down, the job confirms it.
        main(app).query_one("#search", Input).value = '"zygomorphic quokkas"'
        await until(pilot, lambda: asked == ["zygomorphic quokkas"])
        await until(pilot, lambda: session.ids == [quokkas])
    app.store.close()


async def test_punctuation_finds_the_title_that_has_it(indexed: Path) -> None:
    want = {
        "gpt-4o": titled(indexed, "llama.cpp"),
        "llama.cpp": titled(indexed, "llama.cpp"),
        "vision-language": titled(indexed, "Vision-Language Agents"),
    }
    app = create_app(Store(indexed, indexed=True), blink=False, watch=None, clock=CLOCK)
    async with app.run_test(size=(120, 36)) as pilot:
        session = main(app).session
        await until(pilot, lambda: not session.live_index.stale)
        box = main(app).query_one("#search", Input)
        await pilot.press("slash")
        shown = {}
        for query in PUNCTUATED:
            box.value = query
            await pilot.pause(0.3)
            shown[query] = list(session.ids)
    app.store.close()
    for query in PUNCTUATED:
        first = want[query.strip('"').lower()]
        assert shown[query][0] == first, query
        cli = subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(indexed), "search", "--", query],
            capture_output=True,
            text=True,
            check=True,
        )
        assert cli.stdout.split()[0] == first, query
        assert [line.split()[0] for line in cli.stdout.splitlines()] == shown[query], query


async def test_a_change_readies_the_next_search_while_idle(indexed: Path) -> None:
    """After a write the light records and the index's row mask are made again; the
    first keystroke used to pay for that (20 ms at 100k, bench/tui.py), and the first
    write for loading the writers' lock (40 ms). Both are done while idle now."""
    app = create_app(Store(indexed, indexed=True), blink=False, watch=None, clock=CLOCK)
    async with app.run_test(size=(120, 36)) as pilot:
        session = main(app).session
        await until(pilot, lambda: not session.live_index.stale)
        await pilot.pause(WARM_AFTER + 0.2)
        assert app.store._storage._lock is not None  # made once the index landed
        await pilot.press("s")
        await pilot.pause(WARM_AFTER + 0.2)
        ready = session.live_index._kept  # made after the star, once no key came
        assert ready is not None
        assert ready[1] is app.store.light()
        await pilot.press("slash", "a")
        assert session.live_index._kept is ready  # the keystroke made none
    app.store.close()
