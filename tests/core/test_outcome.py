"""One Outcome for every change: what it tells a person, whatever made it."""

from __future__ import annotations

from readlist.changes import Change
from readlist.outcome import Outcome, Report, Resolution

DONE = Resolution("aaaaaaa", "T", "resolved", "2511.00001")
UNSURE = Resolution("bbbbbbb", "U", "unsure", "2511.00002")


def test_a_resolve_says_what_it_resolved() -> None:
    outcome = Outcome(Change("resolve"), results=[DONE, UNSURE], not_found=["2511.09999"])
    assert outcome.summary() == "1 resolved, 0 merged, 1 unsure, 1 not found, 0 failed"
    nothing = Outcome(Change("resolve"), interrupted=True)
    assert (
        nothing.summary() == "0 resolved, 0 merged, 0 unsure, 0 not found, 0 failed (interrupted)"
    )


def test_an_import_says_what_each_input_did() -> None:
    reports = [Report("a.txt", parsed=2, added=2), Report("b.txt", parsed=1, known=1)]
    outcome = Outcome(Change("import"), reports)
    assert outcome.summary() == "a.txt: 2 added\nb.txt: 1 already in the library"


def test_a_pull_says_both_and_keeps_its_parts_apart_for_older_callers() -> None:
    report = Report("hub:daily_papers", parsed=1, added=1)
    outcome = Outcome(Change("pull"), [report], results=[DONE])
    assert outcome.summary() == (
        "hub:daily_papers: 1 added; 1 resolved, 0 merged, 0 unsure, 0 not found, 0 failed"
    )
    assert outcome.report is report
    assert outcome.resolved.summary() == outcome.tally()
    assert outcome.resolved.change is outcome.change
    # Nothing resolved: the import's report alone.
    assert Outcome(Change("pull"), [report]).summary() == "hub:daily_papers: 1 added"
