"""Time is an input: every "now" and "today" in readlist comes from one `Clock`.

Only the composition roots make a clock from the system (the CLI's `run` and the TUI
launcher, through `Clock.from_env`); every other function that asks what time it is
takes one. A test fixes time with `Clock.fixed(...)`, so it gives the same answer on
any date. `READLIST_NOW` (an ISO 8601 date or date-time) pins the clock of a whole
process: reproducible runs, and subprocess tests that must not depend on the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from readlist.errors import InputError

ENV = "READLIST_NOW"


def _system_now() -> dt.datetime:
    return dt.datetime.now().astimezone()


@dataclass(frozen=True)
class Clock:
    """Where "now" comes from: the system's clock, or a fixed or scripted one."""

    source: Callable[[], dt.datetime] = _system_now

    @classmethod
    def fixed(cls, when: dt.datetime | dt.date) -> Clock:
        """A clock that always says `when` (a date means its local midnight)."""
        at = _aware(when)
        return cls(lambda: at)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Clock:
        """The system clock, or the fixed time `READLIST_NOW` names."""
        value = environ.get(ENV, "").strip()
        if not value:
            return cls()
        try:
            when: dt.datetime | dt.date = (
                dt.datetime.fromisoformat(value)
                if len(value) > 10
                else dt.date.fromisoformat(value)
            )
        except ValueError:
            raise InputError(f"{ENV}={value!r}: expected an ISO date or date-time") from None
        return cls.fixed(when)

    def now(self) -> dt.datetime:
        """The current time, always with a time zone."""
        return _aware(self.source())

    def today(self) -> dt.date:
        return self.now().date()

    def stamp(self) -> str:
        """Now, as stored on papers (`added`, `read_at`, ...): ISO 8601 to the second."""
        return iso(self.now())

    def seconds_until(self, when: dt.datetime) -> float:
        """Seconds from now until `when` (negative once it has passed)."""
        return (_aware(when) - self.now()).total_seconds()


def _aware(when: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day)
    return when if when.tzinfo is not None else when.astimezone()


def iso(now: dt.datetime) -> str:
    """How a moment is stored on a paper (`added`, `read_at`, a resolution's `at`)."""
    return now.isoformat(timespec="seconds")
