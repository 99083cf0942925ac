"""The TUI's view state and undo history, without Textual."""

from __future__ import annotations

import threading

import pytest

from readlist import actions
from readlist.errors import InputError
from readlist.importing import import_listings
from readlist.model import Paper
from readlist.session import Session
from readlist.store import Store
from tests.conftest import AS_OF, CLOCK, NOW


def _stars(reader: Store, ids: list[str]) -> list[bool]:
    reader.refresh()  # a second Store on the file: what is on disk, not our memory
    return [reader.get(i).starred for i in ids]


def test_undo_and_redo_walk_150_steps_back_and_forth_one_state_at_a_time(
    seeded: Store,
) -> None:
    session = Session(seeded, clock=CLOCK)
    ids = session.ids[:3]
    disk = Store(seeded.path)
    states = [_stars(disk, ids)]
    for n in range(150):
        pid = ids[(n * n + n // 7) % 3]  # an irregular order, so a wrong step shows
        session.apply(actions.set_starred(seeded, [pid], not seeded.get(pid).starred, now=NOW))
        states.append(_stars(disk, ids))
    assert len(session.history) == 150
    for n in range(150, 0, -1):
        applied = session.history.undo(seeded)
        assert applied is not None
        assert not applied.skipped
        assert _stars(disk, ids) == states[n - 1], f"after undoing step {n}"
    assert session.history.undo(seeded) is None
    for n in range(1, 151):
        assert session.history.redo(seeded) is not None
        assert _stars(disk, ids) == states[n], f"after redoing step {n}"
    assert session.history.redo(seeded) is None


def test_undo_keeps_what_another_process_wrote_since(seeded: Store) -> None:
    session = Session(seeded, clock=CLOCK)
    pid = session.ids[0]
    session.apply(actions.set_starred(seeded, [pid], True, now=NOW))
    with Store(seeded.path) as other:  # another process: a tag and a note
        actions.change_tags(other, [pid], ["later"])
        actions.set_note(other, [pid], "written elsewhere")
    applied = session.history.undo(seeded)
    assert applied is not None
    assert not applied.skipped
    with Store(seeded.path) as again:
        paper = again.get(pid)
        assert (paper.starred, paper.tags, paper.notes) == (False, ["later"], "written elsewhere")


def test_undo_skips_a_field_changed_elsewhere_and_says_so(seeded: Store) -> None:
    session = Session(seeded, clock=CLOCK)
    pid, other_pid = session.ids[:2]
    session.apply(actions.set_note(seeded, [pid, other_pid], "mine"))
    with Store(seeded.path) as other:
        actions.set_note(other, [pid], "theirs")
    applied = session.history.undo(seeded)
    assert applied is not None
    assert applied.skipped == [(pid, "notes")]
    assert "Not undone: changed elsewhere (1 field of 1 paper)" in applied.summary("Undid")
    with Store(seeded.path) as again:
        assert again.get(pid).notes == "theirs"
        assert again.get(other_pid).notes == ""
    session.history.redo(seeded)  # redo, too, leaves "theirs" alone
    with Store(seeded.path) as again:
        assert again.get(pid).notes == "theirs"
        assert again.get(other_pid).notes == "mine"


LISTING = (
    "A Brand New Paper About Testing Undo\n\nAbstract.\n\n"
    "Another Brand New Paper About Undo\n\nAbstract two.\n\n"
    "StreamDiffusionV2: A Streaming System for Dynamic and Interactive Video Generation\n\n"
    "x\n\nadobe Adobe\n·\nNov 10 99\n"
)


def test_import_is_undoable_and_redoable(seeded: Store) -> None:
    session = Session(seeded, clock=CLOCK)
    before = {p.id: p for p in seeded.papers()}
    outcome = import_listings(seeded, [("new.txt", LISTING)], AS_OF, now=NOW)
    session.history.record(outcome.change)
    assert len(seeded) == 256
    session.history.undo(seeded)
    with Store(seeded.path) as again:
        assert {p.id: p for p in again.papers()} == before
    session.history.redo(seeded)
    with Store(seeded.path) as again:
        assert len(again) == 256


def test_undoing_an_import_keeps_papers_edited_since(seeded: Store) -> None:
    session = Session(seeded, clock=CLOCK)
    outcome = import_listings(seeded, [("new.txt", LISTING)], AS_OF, now=NOW)
    session.history.record(outcome.change)
    new_ids = list(outcome.change.created)
    assert len(new_ids) == 2
    (merged,) = outcome.change.edits
    assert "upvotes" in outcome.change.edits[merged]  # the import raised them to 99
    with Store(seeded.path) as other:  # the CLI stars one new paper and notes the merged one
        actions.set_starred(other, [new_ids[0]], True, now=NOW)
        actions.set_note(other, [merged], "keep me")
    applied = session.history.undo(seeded)
    assert applied is not None
    assert applied.skipped == [(new_ids[0], "paper")]
    with Store(seeded.path) as again:
        assert new_ids[0] in again
        assert again.get(new_ids[0]).starred
        assert new_ids[1] not in again
        assert again.get(merged).notes == "keep me"
        assert again.get(merged).upvotes != 99  # what the import filled is reverted
        assert len(again) == 255


def test_view_filters_follow_changes(seeded: Store) -> None:
    session = Session(seeded, clock=CLOCK)
    first, second = session.ids[:2]
    session.set_view("unread")
    actions.set_read(seeded, [first], True, now=NOW)
    session.recompute_after([first])
    assert first not in session.ids
    assert session.ids[0] == second
    assert session.next_unread(None) == second
    session.set_view("read")
    assert session.ids == [first]


def test_selection_targets(seeded: Store) -> None:
    session = Session(seeded, clock=CLOCK)
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


def test_a_search_request_answers_for_the_library_as_it_was_when_asked(seeded: Store) -> None:
    """A worker runs a frozen request while the owner writes, reindexes and marks
    papers read: every answer is the one the library gave when it was asked."""
    session = Session(seeded, clock=CLOCK)
    query = "video is:unread"
    request = session.search_request(query)
    expected = request.run()
    assert expected == session.search(query)
    assert len(expected) > 3
    answers: list[list[str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            try:
                answers.append(request.run())
            except BaseException as exc:
                errors.append(exc)
                return

    worker = threading.Thread(target=search)
    worker.start()
    try:
        for n in range(60):
            papers = [Paper(id=f"n{n:03d}{k}", title=f"Video diffusion {n} {k}") for k in range(20)]
            seeded.put(papers)
            session.reindex([p.id for p in papers])
            if n < 3:  # the owner marks what the request found as read
                actions.set_read(seeded, expected[n : n + 1], True, now=NOW)
    finally:
        stop.set()
        worker.join()
    assert errors == []
    assert answers
    assert all(answer == expected for answer in answers)
    assert len(session.index) == 254 + 60 * 20
    now = session.search(query)  # asked now, the owner's answer has changed
    assert not set(expected[:3]) & set(now)
    assert {f"n000{k}" for k in range(20)} <= set(now)


def test_an_answer_counts_only_for_what_is_shown_when_it_was_asked(seeded: Store) -> None:
    """A worker's answer is dropped once anything shown changed (the query, the view,
    a paper leaving it): it answers a question nobody asks any more."""
    session = Session(seeded, clock=CLOCK)
    session.apply_query("video", abstracts=False)
    request = session.search_request("video")
    answer = request.run()
    session.apply_query("video diffusion", abstracts=False)  # typed on meanwhile
    shown = session.ids
    assert set(answer) != set(shown)
    assert not session.answer(request, answer)
    assert session.ids == shown
    request = session.search_request("video diffusion")
    session.set_view("unread")  # or switched the view
    assert not session.answer(request, request.run())
    request = session.search_request("video diffusion")
    found = request.run()
    assert session.answer(request, found)  # nothing changed: shown
    assert session.ids == found


def test_tag_names_with_control_characters_are_refused() -> None:
    assert actions.clean_tag(" machine learning ") == "machine-learning"
    for bad in ("a\x1b[2J", "x\x07", "c1\x9b"):
        with pytest.raises(InputError, match="invalid tag name"):
            actions.clean_tag(bad)


def test_search_never_shows_papers_an_undone_import_removed(seeded: Store) -> None:
    session = Session(seeded, clock=CLOCK)
    assert len(session.index) == 254
    outcome = import_listings(seeded, [("new.txt", LISTING)], AS_OF, now=NOW)
    session.history.record(outcome.change)
    session.reindex(outcome.change.ids)
    assert len(session.search("brand new paper undo")) == 2
    session.history.undo(seeded)
    session.reindex(outcome.change.ids)
    assert session.search("brand new paper undo") == []


def test_undo_restores_an_optional_field_the_action_cleared(seeded: Store) -> None:
    """Unstarring drops `starred_at` from the stored doc; undoing it must bring it back,
    and undoing the first star must drop it again (an absent field is a field too)."""
    session = Session(seeded, clock=CLOCK)
    pid = session.ids[0]
    session.apply(actions.set_starred(seeded, [pid], True, now=NOW))
    stamp = seeded.get(pid).starred_at
    assert stamp is not None
    session.apply(actions.set_starred(seeded, [pid], False, now=NOW))
    assert session.history.undo(seeded) is not None  # undo the unstar
    with Store(seeded.path) as disk:
        assert (disk.get(pid).starred, disk.get(pid).starred_at) == (True, stamp)
    assert session.history.undo(seeded) is not None  # undo the star
    with Store(seeded.path) as disk:
        assert (disk.get(pid).starred, disk.get(pid).starred_at) == (False, None)
        assert "starred_at" not in disk.get(pid).to_doc()


def test_new_view_and_next_unread_put_the_latest_import_first(store: Store) -> None:
    import datetime as dt

    from readlist.inputs import read_inputs
    from tests.conftest import SEEDS

    seeds = sorted(SEEDS.iterdir())
    day = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)
    import_listings(store, read_inputs([str(p) for p in seeds[:2]]), AS_OF, now=day)
    older = set(store.records())
    later = day + dt.timedelta(days=1)
    import_listings(store, read_inputs([str(seeds[4])]), AS_OF, now=later)
    new = set(store.records()) - older
    session = Session(store, clock=CLOCK)
    assert session.new_ids() == new
    session.set_view("new")
    assert set(session.ids) == new
    found = session.apply_query("the")  # a search in the new view stays in it
    assert found
    assert set(found) <= new
    assert set(session.search_request("the").run()) == set(found)
    assert set(session.search("the")) - new == set()
    session.apply_query("")
    session.set_view("all")
    assert set(session.apply_query("the")) - new  # elsewhere, older papers match too
    session.apply_query("")
    session.cycle_sort()  # by date: new and old papers interleave
    ids = session.ids
    top = ids[0]
    assert top not in new
    walked = []
    pid: str | None = top
    for _ in range(len(new) + 1):
        pid = session.next_unread(pid)
        assert pid is not None
        session.apply(actions.set_read(store, [pid], True, now=NOW))
        walked.append(pid)
    # Every new paper in the shown order, then the first old unread one after them.
    assert walked[:-1] == [i for i in ids if i in new]
    assert walked[-1] not in new
    k = ids.index(walked[-2]) + 1
    after_last_new = ids[k:] + ids[:k]  # wrapping around, as space does
    assert walked[-1] == next(i for i in after_last_new if i not in new)


def test_due_count_follows_changes(seeded: Store) -> None:
    import datetime as dt

    session = Session(seeded, clock=CLOCK)
    a, b = session.ids[:2]
    long_ago = (NOW - dt.timedelta(days=8)).isoformat()
    seeded.put([seeded.get(a).replace(starred=True, starred_at=long_ago)])
    session.forget_counts()
    assert session.counts()["due"] == 1
    session.apply(actions.set_read(seeded, [a], True, now=NOW))
    assert session.counts()["due"] == 0
    session.apply(actions.set_starred(seeded, [b], True, now=NOW))  # starred just now: not due
    assert session.counts()["due"] == 0


def test_undo_never_splits_a_state_from_its_timestamp(seeded: Store) -> None:
    """Star here; elsewhere unstar and star again (a new starred_at). Undoing our star
    must not leave starred=False with the other process's starred_at: both stay."""
    session = Session(seeded, clock=CLOCK)
    pid = session.ids[0]
    session.apply(actions.set_starred(seeded, [pid], True, now=NOW))
    with Store(seeded.path) as other:
        actions.set_starred(other, [pid], False, now=NOW)
        other.put([other.get(pid).replace(starred=True, starred_at="2099-01-01T00:00:00+00:00")])
    applied = session.history.undo(seeded)
    assert applied is not None
    assert {name for _, name in applied.skipped} == {"starred", "starred_at"}
    with Store(seeded.path) as disk:
        paper = disk.get(pid)
        assert (paper.starred, paper.starred_at) == (True, "2099-01-01T00:00:00+00:00")
