"""The TUI's view state and undo history, without Textual."""

from __future__ import annotations

from readlist import actions
from readlist.importing import import_listings
from readlist.session import Change, Session
from readlist.store import Store
from tests.conftest import AS_OF


def test_history_undoes_150_steps_in_order(seeded: Store) -> None:
    session = Session(seeded)
    ids = session.ids[:3]
    for n in range(150):
        pid = ids[n % 3]
        paper = seeded.get(pid)
        session.apply("star", actions.set_starred(seeded, [pid], not paper.starred))
    assert len(session.history) == 150
    for _ in range(150):
        assert session.history.undo(seeded) is not None
    assert session.history.undo(seeded) is None
    with Store(seeded.path) as again:
        assert not any(again.get(i).starred for i in ids)
    for _ in range(150):
        session.history.redo(seeded)
    assert [seeded.get(i).starred for i in ids] == [False, False, False]  # 50 flips each


def test_import_is_undoable(seeded: Store) -> None:
    session = Session(seeded)
    listing = (
        "A Brand New Paper About Testing Undo\n\nAbstract.\n\n"
        "StreamDiffusionV2: A Streaming System for Dynamic and Interactive Video Generation\n\n"
        "x\n\nadobe Adobe\n·\nNov 10 99\n"
    )
    before = {p.id: p for p in seeded.papers()}
    outcome = import_listings(seeded, [("new.txt", listing)], AS_OF)
    session.history.record(Change("import", outcome.before, outcome.after, outcome.created))
    assert len(seeded) == 255
    session.history.undo(seeded)
    with Store(seeded.path) as again:
        assert len(again) == 254
        assert {p.id: p for p in again.papers()} == before
    session.history.redo(seeded)
    assert len(seeded) == 255


def test_view_filters_and_cheap_updates(seeded: Store) -> None:
    session = Session(seeded)
    first, second = session.ids[:2]
    session.set_view("unread")
    actions.set_read(seeded, [first], True)
    session.recompute_after([first])
    assert first not in session.ids
    assert session.ids[0] == second
    assert session.next_unread(None) == second
    session.set_view("read")
    assert session.ids == [first]


def test_selection_targets(seeded: Store) -> None:
    session = Session(seeded)
    a, b = session.ids[:2]
    assert session.targets(a) == [a]
    session.toggle_selected(b)
    assert session.targets(a) == [b]
    session.select_all_shown()
    assert len(session.selected) == 254
    session.select_all_shown()
    assert not session.selected


def test_stats_series_fills_quiet_weeks() -> None:
    from readlist.stats import compute

    records = [
        {
            "added": "2026-11-23T10:00:00+00:00",
            "read": True,
            "read_at": "2026-11-02T10:00:00+00:00",
        },
        {"added": "2026-10-30T10:00:00+00:00", "read": False},
    ]
    series = compute(records).series(5)
    assert [w for w, _, _ in series] == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert [(a, r) for _, a, r in series] == [(1, 0), (0, 1), (0, 0), (0, 0), (1, 0)]
