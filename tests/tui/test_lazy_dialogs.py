"""The import dialog (and the import preview behind it) loads when it is
first opened, not at app start: a fresh process mounts the app, then opens it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, sys
from pathlib import Path
from readlist.store import Store
from readlist.tui.app import create_app
from tests.conftest import CLOCK

LAZY = ("readlist.tui.screens.import_dialog", "readlist.preview")

async def main():
    with Store(Path(sys.argv[1])) as store:
        app = create_app(store, blink=False, watch=None, clock=CLOCK)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            print("mounted", *[m for m in LAZY if m in sys.modules])
            await pilot.press("i")
            await pilot.pause()
            print("opened", type(app.screen).__name__, *[m for m in LAZY if m in sys.modules])

asyncio.run(main())
"""


def test_the_import_dialog_is_imported_when_first_opened(library: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(library)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert out[0] == "mounted"
    assert out[1].startswith("opened ImportDialog readlist.tui.screens.import_dialog")
