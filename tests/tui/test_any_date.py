"""The same library, the same clock, two wall-clock dates a year apart: the same answers.

time-machine moves the wall clock (time.time, datetime.now) but not the monotonic clock
that asyncio runs on, so the app runs as usual while the system believes it is another
day. Anything that read the wall clock instead of the injected clock would differ.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import time_machine

from readlist.session import Session
from readlist.store import Store
from tests.conftest import CLOCK, NOW
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.test_snapshots import prepare

# The fixtures' own time, and a year later: by the wall clock, the papers prepare()
# starred would be due on the second date only.
WALL_DATES = (NOW, NOW + dt.timedelta(days=365))


async def _screen(make_app: AppFactory) -> str:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return app.export_screenshot()


async def test_the_main_view_is_the_same_a_year_apart(make_app: AppFactory, library: Path) -> None:
    prepare(library)
    screens = []
    for wall in WALL_DATES:
        with time_machine.travel(wall, tick=True):
            assert dt.date.today() == wall.date()  # the wall clock did move
            screens.append(await _screen(make_app))
    assert screens[0] == screens[1]
    assert "due" not in screens[0]  # at the app's own time, nothing is due yet


def test_the_due_count_is_the_same_a_year_apart(library: Path) -> None:
    prepare(library)
    counts = []
    for wall in WALL_DATES:
        with time_machine.travel(wall, tick=True), Store(library) as store:
            counts.append(Session(store, CLOCK).counts()["due"])
    assert counts == [0, 0]
    with Store(library) as store:  # and the clock the session is given does count
        later = type(CLOCK).fixed(NOW + dt.timedelta(days=8))
        assert Session(store, later).counts()["due"] == 2
