"""Papers added and read per week, and tag counts."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Sparkline, Static

from readlist.stats import Stats
from readlist.text import clean_display
from readlist.tui.screens.dialog import Dialog

BAR = 30


def weeks_table(stats: Stats) -> Table:
    weeks = stats.weeks()
    top = max([1] + [max(a, r) for _, a, r in weeks])
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("week")
    table.add_column("added", justify="right")
    table.add_column("")
    table.add_column("read", justify="right")
    table.add_column("")
    for week, added, read in weeks:
        table.add_row(
            week,
            str(added),
            Text("█" * round(BAR * added / top), style="blue"),
            str(read),
            Text("█" * round(BAR * read / top), style="green"),
        )
    return table


def tags_table(stats: Stats) -> Table | Text:
    if not stats.tags:
        return Text("No tags yet.", style="dim")
    top = max(stats.tags.values())
    table = Table(box=None, pad_edge=False, show_header=False)
    table.add_column()
    table.add_column(justify="right")
    table.add_column()
    for tag, count in stats.tags.most_common(15):
        table.add_row(
            Text("#" + clean_display(tag)),
            str(count),
            Text("█" * max(1, round(BAR * count / top)), style="cyan"),
        )
    return table


class StatsScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,q,S", "close", "Close", id="stats.close", tooltip="Back to the list"),
    ]

    def __init__(self, stats: Stats) -> None:
        super().__init__()
        self.stats = stats

    def compose(self) -> ComposeResult:
        s = self.stats
        series = s.series()
        with Vertical(classes="dialog wide tall"), VerticalScroll():
            yield Label(
                f"[b]{s.total}[/b] papers · [b]{s.unread}[/b] unread · "
                f"[b]{s.read}[/b] read · [b]{s.starred}[/b] starred"
            )
            for title, values, spark_id in (
                ("Added per week (last 12)", [a for _, a, _ in series], "added-spark"),
                ("Read per week (last 12)", [r for _, _, r in series], "read-spark"),
            ):
                yield Label(title, classes="heading")
                if any(values):
                    yield Sparkline(values, id=spark_id)
                else:
                    yield Label("nothing yet", classes="hint")
            yield Static(weeks_table(s))
            yield Label("Tags", classes="heading")
            yield Static(tags_table(s))

    def action_close(self) -> None:
        self.dismiss(None)
