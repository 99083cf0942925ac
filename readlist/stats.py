"""Library statistics: totals, top tags, and papers added and read per ISO week."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from readlist.selection import Record, text_of, texts_of


def _label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_of(stamp: str) -> str | None:
    """ISO week label ('2025-W48') of an ISO date or datetime; None if it is not one."""
    try:
        return _label(dt.date.fromisoformat(stamp[:10]))
    except ValueError:
        return None


@dataclass
class Stats:
    total: int = 0
    unread: int = 0
    read: int = 0
    starred: int = 0
    tags: Counter[str] = field(default_factory=Counter)
    added_per_week: Counter[str] = field(default_factory=Counter)
    read_per_week: Counter[str] = field(default_factory=Counter)

    def weeks(self, last: int = 12) -> list[tuple[str, int, int]]:
        """The most recent weeks with any activity: (week, added, read)."""
        keys = sorted(set(self.added_per_week) | set(self.read_per_week))[-last:]
        return [(k, self.added_per_week[k], self.read_per_week[k]) for k in keys]

    def series(self, count: int = 12) -> list[tuple[str, int, int]]:
        """`count` consecutive weeks ending at the latest active one, quiet weeks as 0."""
        active = set(self.added_per_week) | set(self.read_per_week)
        if not active:
            return []
        year, week = (int(x) for x in max(active).split("-W"))
        end = dt.date.fromisocalendar(year, week, 1)
        labels = [_label(end - dt.timedelta(weeks=n)) for n in range(count)]
        return [(w, self.added_per_week[w], self.read_per_week[w]) for w in reversed(labels)]

    def to_json(self) -> dict[str, object]:
        return {
            "total": self.total,
            "unread": self.unread,
            "read": self.read,
            "starred": self.starred,
            "tags": dict(self.tags.most_common()),
            "weeks": [{"week": w, "added": a, "read": r} for w, a, r in self.weeks(last=10**6)],
        }


def compute(records: Iterable[Record]) -> Stats:
    """Statistics over stored records (see `Store.records`)."""
    stats = Stats()
    for record in records:
        stats.total += 1
        read = bool(record.get("read"))
        stats.read += read
        stats.starred += bool(record.get("starred"))
        stats.tags.update(texts_of(record, "tags"))
        if added := week_of(text_of(record, "added")):
            stats.added_per_week[added] += 1
        if read and (read_at := week_of(text_of(record, "read_at"))):
            stats.read_per_week[read_at] += 1
    stats.unread = stats.total - stats.read
    return stats
