"""The paper list as the terminal shows it."""

from __future__ import annotations

from tests.tui.conftest import AppFactory


async def test_the_empty_list_text_fills_its_lines(make_app: AppFactory) -> None:
    """A search that finds nothing leaves no part of the last frame's rows showing: each
    line of the empty text is as wide as the list (it once claimed so without being,
    and the terminal kept '…esc clears a search.    1-26    ▲7')."""
    from readlist.tui.widgets.paper_list import PaperList

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"zzzzqqq", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        papers = app.screen.query_one(PaperList)
        assert not papers.ids
        width = papers.scrollable_content_region.width
        lines = [papers.render_line(y) for y in range(4)]
        assert "Nothing to show here" in lines[1].text
        for strip in lines:
            assert len(strip.text) == width, repr(strip.text)
