"""The dialogs of d and E fit 80x24: the question names the paper, the form shows
every field and its hint, an error stays on top."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from readlist.tui.screens.paper_form import PaperForm
from tests.tui.conftest import AppFactory

SMALL = (80, 24)


def test_delete_question_at_80x24(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), press=["d"], terminal_size=SMALL)


def test_delete_question_for_a_selection_at_80x24(snap_compare: Any, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), press=["v", "v", "d"], terminal_size=SMALL)


def test_edit_form_with_an_error_at_80x24(
    snap_compare: Any, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)

    async def bad_title(pilot: Pilot[Any]) -> None:
        await pilot.press("E")
        form = pilot.app.screen
        assert isinstance(form, PaperForm)
        form.field("title").value = ""
        form.field("authors").value = "Ann Lee; Bo Chen"
        form.field("date").value = "2025-11"
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=bad_title, terminal_size=SMALL)
