"""Titles and names a .bib writes in TeX's way read as text in the list and the
detail pane: inline math ($O(n^2)$ is O(n²)), braced corporate names."""

from __future__ import annotations

from pathlib import Path

from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.store import Store
from readlist.tui.widgets.detail import DetailPane
from readlist.tui.widgets.paper_list import PaperList
from tests.conftest import AS_OF, NOW
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.test_detail import pane_text

REVIEW = Path(__file__).resolve().parent.parent / "fixtures" / "review"


def _library(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "bib.json"
    with Store(path) as store:
        import_texts(store, read_inputs([str(REVIEW / name)]), AS_OF, now=NOW)
    return path


async def test_title_math_reads_as_text_in_the_list_and_the_detail(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(path=_library(tmp_path, "math_titles.bib"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        papers = app.screen.query_one(PaperList)
        rows = [papers.render_line(y).text for y in range(len(papers.ids))]
        shown = "\n".join(rows)
        assert "An O(n²) Algorithm for α-GAN Training" in shown
        assert "Sorting in O(n log n) with xᵢ₊₁² Keys" in shown
        assert "Costs Rose From $5 to $10" in shown
        assert "\\" not in shown
        row = next(i for i, r in enumerate(rows) if "α-GAN" in r)
        papers.focus()
        for _ in range(row):
            await pilot.press("j")
        await pilot.pause()
        lines = pane_text(app.screen.query_one(DetailPane)).splitlines()
        assert lines[0] == "An O(n²) Algorithm for α-GAN Training"


async def test_braced_names_show_without_their_braces(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(path=_library(tmp_path, "braced_names.bib"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        papers = app.screen.query_one(PaperList)
        rows = [papers.render_line(y).text for y in range(len(papers.ids))]
        shown: list[str] = []
        for row in range(len(rows)):
            papers.focus()
            await pilot.press("g" if row == 0 else "j")
            await pilot.pause()
            shown.append(pane_text(app.screen.query_one(DetailPane)).splitlines()[1])
        assert sorted(shown) == [
            "Barnes and Noble, The LLaMA Team, Zofia Wiśniewska",
            "John von Neumann, Văn Thành Nguyễn",
        ]
