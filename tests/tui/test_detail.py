"""The detail pane: authors, the arXiv record, links, emphasis; j/k when focused."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from readlist.config import Config
from readlist.model import Paper
from readlist.store import Store
from readlist.tui.widgets.detail import DetailPane, abstract_text
from tests.tui.conftest import SIZE, AppFactory

AUTHORS = [f"Author{n} Surname" for n in range(1, 9)]
ABSTRACT = (
    "We **propose** a *fast* method_name for 2*3*4 grids. [/] [bold]not markup[/bold] "
    "and __strong__ or _light_ words.\n\n" + "\n".join(f"Line {n}." for n in range(80))
)


def seeded(tmp_path: Path) -> Path:
    path = tmp_path / "one.json"
    paper = Paper(
        id="abc1234",
        title="A [/] Title with [bold]brackets[/bold]",
        abstract=ABSTRACT,
        authors=AUTHORS,
        arxiv_id="2510.12345",
        arxiv_version=2,
        primary_category="cs.CV",
        categories=["cs.CV", "cs.LG"],
        ai_keywords=["video diffusion", "streaming"],
        github="https://github.com/x/y",
        project_page="https://example.org/project",
        links=["https://github.com/x/y"],
        notes="My note.",
        added="2026-11-20T09:00:00+00:00",
    )
    with Store(path) as store:
        store.put([paper])
    return path


def pane_text(pane: DetailPane) -> str:
    console = Console(width=300, color_system=None)
    with console.capture() as captured:
        console.print(pane.query_one("#detail-body", Static).content)
    return captured.get()


async def test_everything_about_the_paper_is_shown(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(path=seeded(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(DetailPane)
        text = pane_text(pane)
        lines = text.splitlines()
        assert lines[0] == "A [/] Title with [bold]brackets[/bold]"
        assert (
            lines[1] == "Author1 Surname, Author2 Surname, Author3 Surname  +5 more — ⏎ shows all"
        )
        assert (
            "arXiv 2510.12345v2  ·  cs.CV (also cs.LG)  ·  keywords: video diffusion, streaming"
            in (lines)
        )
        links = [line for line in lines if line.startswith("https://")]
        assert links == [
            "https://arxiv.org/abs/2510.12345",
            "https://huggingface.co/papers/2510.12345",
            "https://example.org/project",
            "https://github.com/x/y",
        ]
        assert lines.index("My note.") < lines.index(next(x for x in lines if x.startswith("We")))
        assert "We propose a fast method_name for 2*3*4 grids. [/] [bold]not markup[/bold]" in text
        assert "and strong or light words." in text
        assert "**" not in text

        await pilot.press("enter")  # focus the pane: every author
        assert pane.has_focus
        assert ", ".join(AUTHORS) in pane_text(pane).splitlines()
        await pilot.press("escape")
        assert "+5 more" in pane_text(pane)


def test_emphasis_becomes_styles_not_markup() -> None:
    text = abstract_text("We **propose** a *fast* [/] way, not snake_case_names.")
    assert text.plain == "We propose a fast [/] way, not snake_case_names."
    styled = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert styled == {"propose": "bold", "fast": "italic"}
    assert isinstance(text, Text)


async def test_j_and_k_scroll_the_focused_pane_and_leave_the_list(
    make_app: AppFactory, library: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.screen.query_one(DetailPane)
        main = app.screen
        before = main.papers.current  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert pane.has_focus
        assert pane.max_scroll_y > 3
        await pilot.press("j", "j", "j")
        assert pane.scroll_y == 3
        await pilot.press("k")
        assert pane.scroll_y == 2
        assert main.papers.current == before  # type: ignore[attr-defined]
        await pilot.press("escape", "j")
        assert main.papers.current != before  # type: ignore[attr-defined]


async def test_the_more_authors_hint_names_the_remapped_key(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(Config(keymap={"readlist.detail": "l"}), path=seeded(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(DetailPane)
        assert "+5 more — l shows all" in pane_text(pane)
        await pilot.press("l")
        assert ", ".join(AUTHORS) in pane_text(pane)
