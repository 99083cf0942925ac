"""Which Daily Papers to pull: a day, an ISO week or a month, checked the same way by
the CLI (`pull --date/--week/--month`) and the TUI's pull dialog."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# ASCII digits only: `\d` and int() also take fullwidth and other scripts' digits.
_WEEK = re.compile(r"^[0-9]{4}-W[0-9]{2}$")
_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")


@dataclass(frozen=True)
class PullRequest:
    period: str  # date, week or month
    value: str


def parse_period(text: str) -> PullRequest | None:
    """A day (YYYY-MM-DD), a week (YYYY-Www) or a month (YYYY-MM); None if neither."""
    text = text.strip()
    if _WEEK.match(text):
        try:  # week 53 exists only in some years
            dt.date.fromisocalendar(int(text[:4]), int(text[6:]), 1)
        except ValueError:
            return None
        return PullRequest("week", text)
    if _MONTH.match(text):
        return PullRequest("month", text) if 1 <= int(text[5:]) <= 12 else None
    try:
        return PullRequest("date", dt.date.fromisoformat(text).isoformat())
    except ValueError:
        return None
