"""Resolve, accept, reject, pull and add return the one `Change`, and undo and redo
work on it field by field, a merge's removed paper included."""

from __future__ import annotations

from pathlib import Path

from readlist import actions, changes, deleted
from readlist.changes import Change
from readlist.config import Network, load
from readlist.model import Paper
from readlist.paths import resolve as resolve_paths
from readlist.pulling import pull
from readlist.resolving import Sources, accept, reject, resolve
from readlist.store import Store
from tests.conftest import NOW
from tests.core.netfake import FakeApis, Rec, daily_item

STREAM = Rec("2511.07399", "StreamDiffusionV2: A Streaming System", ["Ann Lee", "Bo Wu"], version=2)
DAY = "2025-11-20"


def _net(home: Path) -> Network:
    return load(home / "config.toml").network


def _twins(store: Store) -> dict[str, dict[str, object]]:
    """Two library papers that are one arXiv paper; the docs as stored."""
    store.put(
        [
            Paper("eeeeeee", "StreamDiffusion V2 (typo)", arxiv_id=STREAM.arxiv_id, tags=["a"]),
            Paper("fffffff", "Other", arxiv_id=STREAM.arxiv_id, tags=["b"], notes="two", read=True),
        ]
    )
    return {pid: dict(doc) for pid, doc in store.records().items()}


def test_a_resolve_merge_undoes_and_redoes(apis: FakeApis, isolated_home: Path) -> None:
    apis.add(STREAM)
    store = Store(resolve_paths().library)
    before = _twins(store)
    with Sources(_net(isolated_home)) as sources:
        outcome = resolve(store, sorted(store.records()), sources, now=NOW)
    assert len(store) == 1
    change = outcome.change
    assert change.label == "resolve"
    assert list(change.removed) == ["fffffff"]
    assert change.removed["fffffff"] == before["fffffff"]
    merged = dict(store.records()["eeeeeee"])
    assert merged["tags"] == ["a", "b"]

    applied = changes.undo(store, change)
    assert not applied.skipped
    assert {pid: dict(doc) for pid, doc in store.records().items()} == before
    applied = changes.redo(store, change)
    assert not applied.skipped
    assert list(store.records()) == ["eeeeeee"]
    assert dict(store.records()["eeeeeee"]) == merged


def test_undoing_a_resolve_merge_puts_the_removed_paper_back_where_it_stood(
    apis: FakeApis, isolated_home: Path
) -> None:
    """As an undone delete does (readlist.places): a reader sees the library's order
    as it was, in this process and in a fresh one."""
    apis.add(STREAM)
    store = Store(resolve_paths().library)
    _twins(store)
    store.put([Paper("ggggggg", "Added after the twins")])
    before = list(store.records())
    with Sources(_net(isolated_home)) as sources:
        change = resolve(store, ["eeeeeee", "fffffff"], sources, now=NOW).change
    assert list(store.records()) == ["eeeeeee", "ggggggg"]
    changes.undo(store, change)
    assert list(store.records()) == before == ["eeeeeee", "fffffff", "ggggggg"]
    with Store(store.path, create=False) as fresh:
        assert list(fresh.records()) == before


def test_undo_leaves_a_merge_alone_when_the_removed_id_is_taken(
    apis: FakeApis, isolated_home: Path
) -> None:
    apis.add(STREAM)
    store = Store(resolve_paths().library)
    _twins(store)
    with Sources(_net(isolated_home)) as sources:
        change = resolve(store, sorted(store.records()), sources, now=NOW).change
    with Store(store.path) as other:  # another process reuses the id meanwhile
        other.put([Paper("fffffff", "Someone else's paper", notes="theirs")])
    merged = store.get("eeeeeee")
    applied = changes.undo(store, change)
    assert ("fffffff", "paper") in applied.skipped
    assert store.get("eeeeeee") == merged  # keeps what it took from the removed paper
    assert store.get("fffffff").notes == "theirs"


def test_redo_keeps_a_restored_paper_edited_since(apis: FakeApis, isolated_home: Path) -> None:
    apis.add(STREAM)
    store = Store(resolve_paths().library)
    _twins(store)
    with Sources(_net(isolated_home)) as sources:
        change = resolve(store, sorted(store.records()), sources, now=NOW).change
    changes.undo(store, change)
    actions.set_note(store, ["fffffff"], "written after the undo")
    applied = changes.redo(store, change)
    assert ("fffffff", "paper") in applied.skipped
    assert store.get("fffffff").notes == "written after the undo"


def test_accept_and_reject_undo_back_to_the_unsure_candidate(
    apis: FakeApis, isolated_home: Path
) -> None:
    apis.add(STREAM)
    store = Store(resolve_paths().library)
    unsure = {"status": "unsure", "reason": "r", "candidate": {"arxiv_id": STREAM.arxiv_id}}
    store.put([Paper("ddddddd", STREAM.title, resolution=unsure)])
    with Sources(_net(isolated_home)) as sources:
        change = accept(store, "ddddddd", sources, now=NOW).change
    assert change.label == "accept"
    assert store.get("ddddddd").arxiv_id == STREAM.arxiv_id
    assert store.get("ddddddd").resolution is None
    changes.undo(store, change)
    paper = store.get("ddddddd")
    assert (paper.arxiv_id, paper.authors, paper.resolution) == (None, [], unsure)
    changes.redo(store, change)
    assert store.get("ddddddd").authors == STREAM.authors

    change = reject(store, "ddddddd", now=NOW).change
    assert change.label == "reject"
    assert store.get("ddddddd").resolution["status"] == "missing"  # type: ignore[index]
    changes.undo(store, change)
    assert store.get("ddddddd").resolution is None


def test_undoing_a_pull_removes_the_papers_it_brought(apis: FakeApis, isolated_home: Path) -> None:
    apis.add(STREAM)
    apis.daily[DAY] = [daily_item(STREAM, DAY)]
    store = Store(resolve_paths().library)
    store.put([Paper("kkkkkkk", "Kept")])
    with Sources(_net(isolated_home)) as sources:
        pulled = pull(store, sources, "date", DAY, now=NOW)
    assert pulled.change.label == "pull"
    (pid,) = pulled.change.created
    assert store.get(pid).arxiv_version == 2  # pulled, then resolved: one step
    assert not pulled.change.edits
    applied = changes.undo(store, pulled.change)
    assert not applied.skipped
    assert list(store.records()) == ["kkkkkkk"]
    changes.redo(store, pulled.change)
    assert store.get(pid).authors == STREAM.authors


def test_then_folds_steps_into_one() -> None:
    a = Change("x", {"p": {"read": (False, True)}}, {"n": {"title": "N", "read": False}})
    b = Change(
        "y",
        {"p": {"read": (True, False), "notes": ("", "hi")}, "n": {"read": (False, True)}},
        removed={"q": {"title": "Q"}},
    )
    folded = a.then(b)
    assert folded.label == "x"
    assert folded.edits == {"p": {"notes": ("", "hi")}}  # read went back: no edit
    assert folded.created == {"n": {"title": "N", "read": True}}
    assert folded.removed == {"q": {"title": "Q"}}
    gone = folded.then(Change("z", {"p": {"tags": ([], ["t"])}}, removed={"n": {}, "p": {}}))
    assert gone.created == {}  # created, then removed: never happened
    assert gone.removed == {"q": {"title": "Q"}, "p": {"notes": "", "tags": []}}
    assert gone.edits == {}
    assert set(gone.ids) == {"q", "p"}


def test_undoing_or_redoing_a_key_edit_keeps_the_key_it_takes_away_retired(
    tmp_path: Path,
) -> None:
    """E gives a paper a new key, an export writes it (a document may cite it now), u:
    the paper has its old key again, and the new one must not go to another paper, by
    an edit, an import or an export; redo likewise for the old key."""
    import dataclasses

    import pytest

    from readlist import editform
    from readlist.citekeys import Keys

    store = Store(tmp_path / "library.json")
    store.put(
        [
            Paper("aaaaaaa", "Deep Things", bibkey="smith2020deep"),
            Paper("bbbbbbb", "Other Things", bibkey="doe2021other"),
        ]
    )
    opened = editform.form_of(store.get("aaaaaaa"))
    change = editform.save(store, "aaaaaaa", opened, dataclasses.replace(opened, key="new2024"))
    assert store.get("aaaaaaa").bibkey == "new2024"
    changes.undo(store, change)
    assert store.get("aaaaaaa").bibkey == "smith2020deep"
    other = editform.form_of(store.get("bbbbbbb"))
    with pytest.raises(
        editform.EditError, match="key: New2024 is taken by paper aaaaaaa, which had it "
    ):
        editform.save(store, "bbbbbbb", other, dataclasses.replace(other, key="New2024"))
    warnings: list[str] = []
    keys = Keys(store.key_records(), deleted.retired(store))
    assert keys.claim("new2024", "ccccccc", "", warnings) == "new2024a"
    changes.redo(store, change)  # and back: the old key, which the edit kept an alias
    assert store.get("aaaaaaa").bibkey == "new2024"
    changes.undo(store, change)
    mine = editform.form_of(store.get("aaaaaaa"))  # the paper itself may take it again
    editform.save(store, "aaaaaaa", mine, dataclasses.replace(mine, key="new2024"))
    assert store.get("aaaaaaa").bibkey == "new2024"


def test_undoing_a_merge_leaves_the_keys_of_the_paper_it_puts_back_to_that_paper(
    apis: FakeApis, isolated_home: Path
) -> None:
    """The kept paper loses the removed one's key (an alias the merge gave it); that
    key is the returning paper's again, not retired to the kept one."""
    apis.add(STREAM)
    store = Store(resolve_paths().library)
    store.put(
        [
            Paper("eeeeeee", "StreamDiffusion V2 (typo)", arxiv_id=STREAM.arxiv_id),
            Paper("fffffff", "Other", arxiv_id=STREAM.arxiv_id, bibkey="lee2025other"),
        ]
    )
    with Sources(_net(isolated_home)) as sources:
        change = resolve(store, ["eeeeeee", "fffffff"], sources, now=NOW).change
    assert "lee2025other" in [store.get("eeeeeee").bibkey, *store.get("eeeeeee").bibkey_aliases]
    changes.undo(store, change)
    assert store.get("fffffff").bibkey == "lee2025other"
    assert "lee2025other" not in deleted.retired(store)
