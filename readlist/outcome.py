"""What a change to the library did: the one shape that import, pull, add, resolve,
accept and reject return, so a caller (the CLI, a TUI job) handles them alike.

An `Outcome` holds the one `Change` (for undo, and for what to redraw), a `Report` per
input that was read, a `Resolution` per paper the network decided about, and why the
run stopped early.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from readlist.changes import Change
from readlist.model import Paper

STATUSES = ("resolved", "merged", "unsure", "missing", "failed")
# What `readlist published` found for a preprint: a venue, an unsure one, none, or the
# sources failed; "missing" reads "not found", as for resolving.
VERSION_STATUSES = ("found", "unsure", "missing", "failed")


@dataclass
class Report:
    """What one input did to the library: every parsed paper was added, merged (it
    filled something in) or already known; `skipped` are pieces that are not papers."""

    name: str
    parsed: int = 0
    added: int = 0
    merged: int = 0
    known: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    filled: dict[str, int] = field(default_factory=dict)  # field -> papers it filled
    papers: list[str] = field(default_factory=list)  # one line per paper, for --verbose

    def summary(self) -> str:
        """One line: `x.txt: 254 already in the library`, or what changed and why not."""
        parts = []
        if self.added:
            parts.append(f"{self.added} added")
        if self.merged:
            filled = ", ".join(
                f"{name} ×{n}" if n > 1 else name for name, n in sorted(self.filled.items())
            )
            parts.append(f"{self.merged} merged (filled in {filled})")
        if self.known:
            parts.append(f"{self.known} already in the library")
        if self.skipped:
            whys: dict[str, int] = {}
            for item in self.skipped:
                whys[_why(item)] = whys.get(_why(item), 0) + 1
            why = "; ".join(f"{w} ×{n}" if n > 1 else w for w, n in whys.items())
            parts.append(f"{len(self.skipped)} skipped ({why})")
        if self.warnings:  # unsafe links dropped, BibTeX keys changed: listed below it
            n = len(self.warnings)
            parts.append(f"{n} warning{'s' * (n != 1)}")
        kinds = sum(1 for n in (self.added, self.merged, self.known) if n)
        head = f"{self.parsed} papers: " if kinds > 1 else ""
        return f"{self.name}: {head}{', '.join(parts)}"

    def details(self) -> list[str]:
        """Each paper and skipped piece on its own line (`import --verbose`)."""
        return self.papers + [f"skipped {item}" for item in self.skipped]


def _why(skipped: str) -> str:
    """The reason part of a listing's skip note (`'Title': title without an abstract`)."""
    if skipped.startswith("metadata "):
        return "metadata without a paper"
    return skipped.rpartition("': ")[2]


@dataclass
class Resolution:
    """What resolving did (or would do) to one paper."""

    paper_id: str
    title: str
    status: str  # one of STATUSES
    arxiv_id: str | None = None
    reason: str = ""
    candidate: dict[str, Any] | None = None
    # `readlist published`: the venue found (one) or each side of an unsure match.
    versions: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.paper_id,
            "title": self.title,
            "status": self.status,
            "arxiv_id": self.arxiv_id,
            "reason": self.reason or None,
            "candidate": self.candidate,
        }


@dataclass
class Outcome:
    """What one change did. `after`: the papers an import wrote (new and merged, as
    written); `not_found`: arXiv ids asked for (`add`) that arXiv does not have (no
    paper, so no Resolution, but counted with the papers arXiv has no record of);
    `refused`: ids whose record is not usable, and why."""

    change: Change
    reports: list[Report] = field(default_factory=list)
    results: list[Resolution] = field(default_factory=list)
    after: list[Paper] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    interrupted: bool = False
    error: str | None = None
    statuses: tuple[str, ...] = STATUSES  # what `tally` counts, in its order

    @property
    def created(self) -> list[str]:
        """Ids of the papers the change added."""
        return list(self.change.created)

    @property
    def report(self) -> Report:
        """The report of the one input that pull and add read."""
        return self.reports[0]

    @property
    def resolved(self) -> Outcome:
        """This outcome without its import reports: what resolving did. (For callers
        from before the one Outcome, which kept a pull's two parts apart.)"""
        return dataclasses.replace(self, reports=[])

    def counts(self) -> Counter[str]:
        counts = Counter(r.status for r in self.results)
        if self.not_found:
            counts["missing"] += len(self.not_found)
        return counts

    def tally(self) -> str:
        """What resolving did, in one line: how many papers of each status."""
        c = self.counts()
        text = ", ".join(f"{c[s]} {s}" for s in self.statuses).replace("missing", "not found")
        return text + (" (interrupted)" if self.interrupted else "")

    def summary(self) -> str:
        """For a person: each input's report line, then (when it resolved anything, or
        read no input) what resolving did."""
        parts = ["\n".join(r.summary() for r in self.reports)] if self.reports else []
        if self.results or not self.reports:
            parts.append(self.tally())
        return "; ".join(parts)
