"""Dialogs for the network keys: decide an unsure match, choose what to pull."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from readlist.model import Paper
from readlist.periods import PullRequest, parse_period
from readlist.text import byline, clean_display
from readlist.tui.display import blink
from readlist.tui.screens.dialog import Dialog


def _record(heading: str, title: str, by: str, date: str) -> Static:
    """One side of the comparison: user text, shown as text (never as markup)."""
    text = Content.assemble(
        (heading, "bold"),
        "\n",
        clean_display(title),
        "\n",
        ("by ", "dim"),
        clean_display(by) or "?",
        "\n",
        ("date ", "dim"),
        date or "?",
    )
    return Static(text, classes="record")


class UnsureDialog(Dialog[str | None]):
    """Shows the paper beside its candidate; returns "accept", "reject", None (later)
    or "later-all" (later, and for the rest of the unsure matches of this run too)."""

    DEFAULT_CSS = """
    UnsureDialog .record { margin-top: 1; }
    UnsureDialog .row { margin-top: 1; }
    """

    BINDINGS = [
        Binding("a", "answer('accept')", "Accept", id="unsure.accept", tooltip="Apply the match"),
        Binding(
            "x", "answer('reject')", "Reject", id="unsure.reject", tooltip="Not on arXiv: skip it"
        ),
        Binding("escape", "answer(None)", "Later", id="unsure.later", tooltip="Decide later"),
        Binding(
            "L",
            "answer('later-all')",
            "All later",
            id="unsure.later-all",
            tooltip="Decide this and the rest later (R asks again)",
        ),
    ]

    def __init__(self, paper: Paper, candidate: dict[str, Any], reason: str, place: str) -> None:
        super().__init__()
        self.paper = paper
        self.candidate = candidate
        self.reason = reason
        self.place = place

    def compose(self) -> ComposeResult:
        paper, cand = self.paper, self.candidate
        authors = cand.get("authors") or []
        cand_by = ", ".join(str(a) for a in authors) if isinstance(authors, list) else ""
        with Vertical(classes="dialog wide", id="unsure"):
            yield Label(Content(f"Is this the paper? {self.place}"), classes="heading")
            with VerticalScroll(id="unsure-body", can_focus=False):
                yield _record("In the library", paper.title, byline(paper), paper.date or "")
                yield _record(
                    f"arXiv {clean_display(str(cand.get('arxiv_id') or '?'))}",
                    str(cand.get("title") or ""),
                    cand_by,
                    str(cand.get("published") or ""),
                )
            why = Content(f"Why unsure: {clean_display(self.reason)}")
            yield Static(why, id="unsure-why", classes="hint")
            with Horizontal(classes="row"):
                yield Button("Accept (a)", id="accept", variant="primary", compact=True)
                yield Button("Reject (x)", id="reject", compact=True)
                yield Button("Later (esc)", id="later", compact=True)
                yield Button("All later (L)", id="later-all", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id if event.button.id != "later" else None)

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)


class PullDialog(Dialog[PullRequest | None]):
    """Asks which day (or week, or month) of Daily Papers to pull; today by default."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pull.cancel", tooltip="Close without pulling"),
    ]

    def __init__(self, today: dt.date) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Pull Daily Papers from the Hub for")
            yield Input(self.today.isoformat(), id="pull-when", select_on_focus=False)
            yield Label(
                "YYYY-MM-DD, YYYY-Www or YYYY-MM · enter pulls · esc cancels", classes="hint"
            )

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = blink(self.app)
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        request = parse_period(event.value)
        if request is None:
            self.notify(
                f"Not a day, week or month: {clean_display(event.value)!r}",
                severity="error",
                markup=False,
            )
            return
        self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)
