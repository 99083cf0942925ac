"""An undone delete, or a paper restored from the trash, goes back where it stood in
library order (readlist.places), and every reader sees the same order: this process,
another one, a full load and a load by the sidecar index, before and after compaction."""

from __future__ import annotations

import itertools
import random
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import actions, changes, deleted
from readlist.errors import LibraryError
from readlist.model import Paper
from readlist.places import place, reordered
from readlist.store import Store
from tests.conftest import NOW


def order(store: Store) -> list[str]:
    return list(store.records())


def readers(path: Path) -> list[list[str]]:
    """The order as a fresh process reads it: in full, and by the index (where there
    is one), through the records and through the view one-shot commands list."""
    with Store(path, create=False) as full, Store(path, create=False, indexed=True) as lazy:
        return [order(full), order(lazy), list(lazy.view().ids), list(full.view().ids)]


def library(path: Path, n: int, compact: bool = True) -> Store:
    store = Store(path)
    store.put(Paper(f"p{i:02d}", f"Paper {i}", added="2026-11-23T09:30:00+00:00") for i in range(n))
    if compact:
        store.compact()  # a snapshot with its sidecar: readers by the index read it
    return store


def deleted_after_its_anchor(store: Store) -> tuple[list[str], changes.Change]:
    """The third paper deleted, then the second, the one it stood after (its anchor):
    the order before both, and the first delete."""
    before = order(store)
    first = actions.remove(store, [before[2]], now=NOW)
    actions.remove(store, [before[1]], now=NOW)
    return before, first


@pytest.mark.parametrize("indexed", [False, True], ids=["in-full", "by-index"])
@pytest.mark.parametrize("picked", [[0], [3], [9], [2, 3], [0, 9], [1, 4, 5, 8]])
def test_undoing_a_delete_puts_the_papers_back_where_they_stood(
    tmp_path: Path, picked: list[int], indexed: bool
) -> None:
    path = tmp_path / "library.json"
    library(path, 10).close()
    with Store(path, indexed=indexed) as store:
        before = order(store)
        change = actions.remove(store, [before[i] for i in reversed(picked)], now=NOW)
        assert order(store) == [p for i, p in enumerate(before) if i not in picked]
        changes.undo(store, change)
        assert order(store) == before
        if indexed:  # put back in place, by the index still: no paper by paper reading
            assert store.view().base is not None
        assert all(seen == before for seen in readers(path))
        changes.redo(store, change)
        changes.undo(store, change)
        assert order(store) == before
    with Store(path) as store:
        store.compact()
    assert all(seen == before for seen in readers(path))


def test_another_process_sees_the_paper_back_in_its_place(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    library(path, 6).close()
    with Store(path, indexed=True) as mine, Store(path) as theirs:
        before = order(theirs)
        change = actions.remove(mine, [before[2]], now=NOW)
        theirs.refresh()
        assert before[2] not in order(theirs)
        changes.undo(mine, change)
        theirs.refresh()
        assert order(theirs) == before


def test_restore_from_the_trash_puts_papers_back_where_they_stood(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    with library(path, 8) as store:
        before = order(store)
        actions.remove(store, [before[5], before[4], before[1]], now=NOW)
        store.put([Paper("new", "Added since", added="2026-11-24T09:30:00+00:00")])
        actions.restore(store, [before[1], before[5], before[4]])
        assert order(store) == [*before, "new"]
    assert all(seen == [*before, "new"] for seen in readers(path))


def test_a_paper_whose_neighbour_is_gone_comes_back_after_the_one_before_that(
    tmp_path: Path,
) -> None:
    """Its anchor deleted since: the trash says where that one stood, and so on."""
    path = tmp_path / "library.json"
    with library(path, 5) as store:
        before, first = deleted_after_its_anchor(store)
        changes.undo(store, first)
        assert order(store) == [before[0], before[2], before[3], before[4]]
    assert all(seen == [before[0], before[2], before[3], before[4]] for seen in readers(path))


@pytest.mark.parametrize("at_once", [True, False], ids=["one-restore", "two-restores"])
def test_two_neighbours_deleted_one_after_the_other_come_back_in_order(
    tmp_path: Path, at_once: bool
) -> None:
    """`rm p01`, `rm p02` (both then stood right after p00), `restore p01 p02`: p02
    was put right after p00 and p01 then before it (p00 p02 p01)."""
    path = tmp_path / "library.json"
    with library(path, 4) as store:
        before = order(store)
        actions.remove(store, ["p01"], now=NOW)
        actions.remove(store, ["p02"], now=NOW)
        if at_once:
            actions.restore(store, ["p01", "p02"])
        else:
            actions.restore(store, ["p01"])
            actions.restore(store, ["p02"])
        assert order(store) == before
    assert all(seen == before for seen in readers(path))


def test_a_paper_whose_anchor_nobody_knows_comes_back_last(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    with library(path, 4) as store:
        before = order(store)
        first = actions.remove(store, [before[2]], now=NOW)
        store.remove([before[1]])  # gone without a trace (an undone import, say)
        changes.undo(store, first)
        assert order(store) == [before[0], before[3], before[2]]


@pytest.mark.parametrize("turns", list(itertools.permutations([1, 2, 3])))
def test_papers_deleted_together_and_restored_one_at_a_time_go_back_in_place(
    tmp_path: Path, turns: tuple[int, ...]
) -> None:
    """`readlist rm` of neighbours, then `readlist restore` of each in any order: each
    goes after the nearest paper before it that is back, never to the end."""
    path = tmp_path / "library.json"
    with library(path, 5) as store:
        before = order(store)
        actions.remove(store, [before[i] for i in (1, 2, 3)], now=NOW)
        store.put([Paper("new", "Added since", added="2026-11-24T09:30:00+00:00")])
    for i in turns:  # one command each
        with Store(path, indexed=True) as store:
            actions.restore(store, [before[i]])
    assert all(seen == [*before, "new"] for seen in readers(path))


def test_a_paper_deleted_after_its_neighbour_goes_back_in_place_either_way(
    tmp_path: Path,
) -> None:
    path = tmp_path / "library.json"
    with library(path, 5) as store:
        before, _ = deleted_after_its_anchor(store)
        actions.restore(store, [before[2]])
        actions.restore(store, [before[1]])
        assert order(store) == before


def test_a_journal_line_with_a_bad_place_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    with library(path, 3) as store:
        change = actions.remove(store, ["p01"], now=NOW)
        changes.undo(store, change)
    journal = path.with_name("library.json-journal")
    text = journal.read_bytes()
    assert b'"at":{"papers":{"p01":"p00"}}' in text
    lines = text.splitlines(keepends=True)
    body = lines[-1].split(b" ", 1)[1].rstrip(b"\n").replace(b'"p00"', b"7")
    lines[-1] = b"%08x " % zlib.crc32(body) + body + b"\n"
    journal.write_bytes(b"".join(lines))
    with pytest.raises(LibraryError, match=r"library\.json-journal.*places with bad ids"):
        Store(path, create=False)


ops = st.lists(
    st.one_of(
        st.tuples(st.just("delete"), st.lists(st.integers(0, 30), min_size=1, max_size=3)),
        st.tuples(st.just("undo"), st.just([])),
        st.tuples(st.just("restore"), st.lists(st.integers(0, 30), min_size=1, max_size=2)),
        st.tuples(st.just("add"), st.just([])),
        st.tuples(st.just("compact"), st.just([])),
        st.tuples(st.just("other"), st.lists(st.integers(0, 30), min_size=1, max_size=2)),
    ),
    max_size=10,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=ops, indexed=st.booleans(), compacted=st.booleans())
def test_every_reader_sees_one_order_through_deletes_undos_and_other_writers(
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[str, list[int]]],
    indexed: bool,
    compacted: bool,
) -> None:
    """The TUI's store reads by the index (LazyDocs); a one-shot command reads in full
    or by the index: whatever happened, each reads the papers in the same order, and
    an undone delete with nothing else in between gives the order back."""
    path = tmp_path_factory.mktemp("places") / "library.json"
    library(path, 8, compact=compacted).close()
    added = 0
    with Store(path, indexed=indexed) as store:
        # (the order before, the delete, nothing but deletes, undos and compactions since)
        history: list[tuple[list[str], changes.Change, bool]] = []
        for op, picks in steps:
            now = order(store)
            if op in ("add", "restore", "other"):
                history = [(was, change, False) for was, change, _ in history]
            if op == "delete" and now:
                ids = list(dict.fromkeys(now[i % len(now)] for i in picks))
                history.append((now, actions.remove(store, ids, now=NOW), True))
            elif op == "undo" and history:
                was, change, clean = history.pop()
                changes.undo(store, change)
                if clean:
                    assert order(store) == was
            elif op == "restore":
                trash = sorted(deleted.trash(store))
                if trash:
                    actions.restore(store, list({trash[i % len(trash)] for i in picks}))
            elif op == "add":
                added += 1
                store.put([Paper(f"n{added}", f"New {added}", added="2026-11-24T00:00:00+00:00")])
            elif op == "compact":
                store.compact()
            elif op == "other" and now:
                with Store(path, indexed=not indexed) as other:  # another process
                    ids = list(dict.fromkeys(now[i % len(now)] for i in picks))
                    changes.undo(other, actions.remove(other, ids, now=NOW))
                store.refresh()
            assert all(seen == order(store) for seen in readers(path)), (op, picks)


@given(
    n=st.integers(0, 12),
    moves=st.lists(st.tuples(st.integers(0, 14), st.one_of(st.none(), st.integers(0, 14)))),
)
def test_many_moves_at_once_are_the_moves_made_one_by_one(
    n: int, moves: list[tuple[int, int | None]]
) -> None:
    """A restore of many papers reorders the library in one pass (places.reordered);
    it must be exactly each move made in turn."""
    ids = [f"p{i}" for i in range(n)]
    made = {f"p{p}": None if a is None else f"p{a}" for p, a in moves}
    one_by_one = dict.fromkeys(ids)
    for pid, anchor in made.items():
        place(one_by_one, {pid: anchor})
    assert reordered(ids, made) == list(one_by_one)
    at_once = dict.fromkeys(ids)
    place(at_once, made)
    assert list(at_once) == list(one_by_one)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deletes=st.lists(st.lists(st.integers(0, 9), min_size=1, max_size=3), min_size=1, max_size=5),
    turns=st.randoms(use_true_random=False),
    together=st.integers(1, 3),
)
def test_papers_deleted_in_any_steps_and_restored_in_any_order_go_back_in_place(
    tmp_path_factory: pytest.TempPathFactory,
    deletes: list[list[int]],
    turns: random.Random,
    together: int,
) -> None:
    """Several `rm`s, then `restore` of everything in the trash in any order, a few
    at a time: the library is in its old order again, as every reader sees it."""
    path = tmp_path_factory.mktemp("restore") / "library.json"
    with library(path, 10) as store:
        before = order(store)
        for picks in deletes:
            now = order(store)
            if now:
                ids = list(dict.fromkeys(now[i % len(now)] for i in picks))
                actions.remove(store, ids, now=NOW)
        trash = sorted(deleted.trash(store))
        turns.shuffle(trash)
        while trash:
            actions.restore(store, trash[:together])
            trash = trash[together:]
        assert order(store) == before
    assert all(seen == before for seen in readers(path))


def test_a_delete_redone_after_a_restore_still_comes_back_in_place(tmp_path: Path) -> None:
    """Found by a hypothesis run: d on p00, p01, p02 one after the other, u, restore
    p00, ctrl+r, restore p01, then u of everything: p02 came back before p01 (it was
    deleted, the second time, right after p00, while p01 was gone)."""
    path = tmp_path / "library.json"
    with library(path, 5) as store:
        before = order(store)
        done = [actions.remove(store, [pid], now=NOW) for pid in before[:3]]
        changes.undo(store, done[-1])
        actions.restore(store, [before[0]])
        changes.redo(store, done[-1])
        actions.restore(store, [before[1]])
        for change in reversed(done):
            changes.undo(store, change)
        assert order(store) == before
    assert all(seen == before for seen in readers(path))
