"""Deleting papers: one commit, undoable field by field, and never freeing a key a
document may cite (readlist.deleted); a deleted paper arriving again comes back new."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist import actions, changes, deleted
from readlist.errors import NotFoundError
from readlist.exporting import ensure_keys
from readlist.importing import import_listings, import_texts
from readlist.model import Paper
from readlist.session import History
from readlist.store import Store
from tests.conftest import AS_OF, NOW, write_unchecked

BIB = """\
@article{smith2020deep,
  title = {Deep Things},
  author = {Smith, John},
  year = {2020},
  journal = {Journal of Things},
}
@article{doe2021,
  title = {Other Stuff},
  author = {Doe, Jane},
  year = {2021},
  journal = {Journal of Stuff},
}
"""


def _ids(store: Store) -> dict[str, str]:
    """Title -> id."""
    return {doc["title"]: pid for pid, doc in store.records().items()}


def _docs(store: Store) -> dict[str, dict[str, object]]:
    return {pid: dict(doc) for pid, doc in store.records().items()}


@pytest.fixture
def lib(store: Store) -> Store:
    import_texts(store, [("refs.bib", BIB)], AS_OF, NOW)
    return store


def test_delete_is_one_undo_step_and_redo_deletes_again(lib: Store) -> None:
    before = _docs(lib)
    deep = _ids(lib)["Deep Things"]
    actions.set_starred(lib, [deep], True, now=NOW)
    starred = _docs(lib)
    history = History()
    change = actions.remove(lib, [deep, _ids(lib)["Other Stuff"]], now=NOW)
    history.record(change)
    assert len(lib) == 0
    assert Store(lib.path).records() == {}  # on disk, for another process too

    applied = history.undo(lib)
    assert applied is not None
    assert not applied.skipped
    assert _docs(lib) == starred  # the star it had when deleted comes back with it
    assert _docs(Store(lib.path)) == starred
    applied = history.redo(lib)
    assert applied is not None
    assert not applied.skipped
    assert len(lib) == 0
    assert before  # (two papers were there)


def test_a_paper_written_elsewhere_before_the_delete_comes_back_as_it_was(lib: Store) -> None:
    """The delete reads the paper under the lock: another process's star, made after
    this store last looked, is what undo puts back."""
    deep = _ids(lib)["Deep Things"]
    actions.set_starred(Store(lib.path), [deep], True, now=NOW)  # another process
    change = actions.remove(lib, [deep], now=NOW)
    changes.undo(lib, change)
    assert lib.get(deep).starred


def test_undo_leaves_a_paper_that_came_back_meanwhile(lib: Store) -> None:
    deep = _ids(lib)["Deep Things"]
    change = actions.remove(lib, [deep], now=NOW)
    import_texts(Store(lib.path), [("again.bib", BIB)], AS_OF, NOW)  # arrives again elsewhere
    lib.refresh()
    actions.set_read(lib, [deep], True, now=NOW)
    applied = changes.undo(lib, change)
    assert ("" + deep, "paper") in applied.skipped
    assert lib.get(deep).read  # the paper that came back is left as it is


def test_delete_refuses_an_unknown_id_and_deletes_nothing(lib: Store) -> None:
    before = _docs(lib)
    with pytest.raises(NotFoundError, match="no paper with id 0000000"):
        actions.remove(lib, [_ids(lib)["Deep Things"], "0000000"], now=NOW)
    assert _docs(Store(lib.path)) == before


def test_a_deleted_papers_keys_are_never_given_to_another_paper(lib: Store) -> None:
    """smith2020deep is cited somewhere: after the delete, a new paper whose key would
    be smith2020deep (same first author, year and first word) gets another."""
    deep = _ids(lib)["Deep Things"]
    actions.remove(lib, [deep], now=NOW)
    assert deleted.retired(lib) == {"smith2020deep": deep}
    twin = Paper("abcdef1", "Deep Things Again", authors=["John Smith"], date="2020-05-01")
    lib.put([twin])
    (keyed,) = ensure_keys(lib, [twin])
    assert keyed.bibkey == "smith2020deepa"
    # Nor through an import of another entry under that key (case aside).
    bib = "@misc{SMITH2020DEEP, title = {Unrelated Work}, year = {2022}}\n"
    reports = import_texts(lib, [("more.bib", bib)], AS_OF, NOW)
    assert "key SMITH2020DEEP is taken" in " ".join(reports[0].warnings)
    assert _ids(lib)["Unrelated Work"] != deep
    assert lib.get(_ids(lib)["Unrelated Work"]).bibkey == "SMITH2020DEEPb"  # a: the twin
    # (Nor by an edit: see test_edit_form.)


def test_the_same_paper_arriving_again_is_new_and_gets_its_keys_back(lib: Store) -> None:
    deep = _ids(lib)["Deep Things"]
    actions.set_starred(lib, [deep], True, now=NOW)
    actions.set_note(lib, [deep], "my thoughts")
    actions.remove(lib, [deep], now=NOW)
    listing = "Deep Things\n\nAn abstract about deep things.\n\n· 3 authors\n"
    outcome = import_listings(lib, [("day.txt", listing)], AS_OF, NOW, fmt="listing")
    assert outcome.created == [deep]  # new, under its old id ...
    paper = lib.get(deep)
    assert (paper.starred, paper.notes, paper.read) == (False, "", False)  # ... as new
    assert paper.bibkey == "smith2020deep"  # a document citing it finds it again
    # Undoing that import removes it again; the key stays retired.
    changes.undo(lib, outcome.change)
    assert deep not in lib
    assert "smith2020deep" in deleted.retired(lib)


def test_an_undone_import_does_not_free_a_key_given_since(store: Store) -> None:
    text = "Fresh Paper\n\nAbstract.\n"
    outcome = import_listings(store, [("day.txt", text)], AS_OF, NOW, fmt="listing")
    (pid,) = outcome.created
    (paper,) = ensure_keys(store, [store.get(pid)])  # exported, so maybe cited
    changes.undo(store, outcome.change)
    assert pid not in store
    assert deleted.retired(store) == {paper.bibkey: pid}
    assert deleted.trash(store) == {}  # an undone import is not in the trash


def test_restore_from_the_trash(lib: Store) -> None:
    deep = _ids(lib)["Deep Things"]
    actions.set_note(lib, [deep], "kept")
    before = _docs(lib)
    actions.remove(Store(lib.path), [deep], now=NOW)
    lib.refresh()
    assert list(deleted.trash(lib)) == [deep]
    change = actions.restore(lib, [deep])
    assert _docs(lib) == before
    assert deleted.trash(lib) == {}
    with pytest.raises(NotFoundError, match="it is in the library"):
        actions.restore(lib, [deep])
    changes.undo(lib, change)  # undoing a restore deletes it again
    assert deep not in lib


def test_a_paper_with_invalid_data_can_be_deleted(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    write_unchecked(path, {"bad0001": {"title": "Bad", "bibkey": "has space", "tags": "x"}})
    with Store(path) as store:
        change = actions.remove(store, ["bad0001"], now=NOW)
        assert len(store) == 0
        assert change.removed["bad0001"]["bibkey"] == "has space"
    assert len(Store(path)) == 0


def test_the_deleted_table_is_in_the_library_file_after_compaction(lib: Store) -> None:
    deep = _ids(lib)["Deep Things"]
    actions.remove(lib, [deep], now=NOW)
    lib.compact()
    assert b'"deleted":{' in lib.path.read_bytes()
    assert deleted.retired(Store(lib.path)) == {"smith2020deep": deep}


def test_the_report_after_delete_undo_and_the_paper_again_names_the_alias_plainly(
    lib: Store,
) -> None:
    """Deleted, undone, then imported again under another key: the paper is merged and
    the report says what a reader calls it ("key alias", not the stored field name)."""
    deep = _ids(lib)["Deep Things"]
    changes.undo(lib, actions.remove(lib, [deep], now=NOW))
    renamed = BIB.replace("smith2020deep", "smithDeep")
    (report,) = import_listings(lib, [("renamed.bib", renamed)], AS_OF, NOW).reports
    assert report.summary() == (
        "renamed.bib: 2 papers: 1 merged (filled in key alias), 1 already in the library, 1 warning"
    )
    assert report.warnings == ["line 1: key smithDeep kept as an alias of smith2020deep"]
    assert report.papers[0] == "merged  'Deep Things': filled in key alias"
    assert (lib.get(deep).bibkey, lib.get(deep).bibkey_aliases) == ("smith2020deep", ["smithDeep"])


def test_a_deleted_paper_arriving_again_says_its_keys_came_back(lib: Store) -> None:
    """Not undone: it comes back new, under the entry's key, with its old key as an
    alias; the report's line for it says why it has a key the entry did not bring."""
    deep = _ids(lib)["Deep Things"]
    actions.remove(lib, [deep], now=NOW)
    renamed = BIB.replace("smith2020deep", "smithDeep")
    (report,) = import_listings(lib, [("renamed.bib", renamed)], AS_OF, NOW).reports
    assert report.summary() == "renamed.bib: 2 papers: 1 added, 1 already in the library"
    assert (
        report.papers[0] == "added   'Deep Things': deleted before, its keys back (smith2020deep)"
    )
    assert (lib.get(deep).bibkey, lib.get(deep).bibkey_aliases) == ("smithDeep", ["smith2020deep"])


def test_a_deleted_papers_aliases_stay_retired_and_other_papers_aliases_stay(
    lib: Store,
) -> None:
    """Deleting never breaks an alias: the deleted paper's aliases are retired with its
    key (a document may cite any of them), and another paper's aliases are untouched."""
    ids = _ids(lib)
    deep, other = ids["Deep Things"], ids["Other Stuff"]
    again = BIB.replace("smith2020deep", "smithDeepOld").replace("doe2021", "doeOld")
    import_texts(lib, [("older.bib", again)], AS_OF, NOW)  # merged: the keys are aliases
    assert lib.get(deep).bibkey_aliases == ["smithDeepOld"]
    assert lib.get(other).bibkey_aliases == ["doeOld"]
    actions.remove(lib, [deep], now=NOW)
    assert deleted.retired(lib) == {"smith2020deep": deep, "smithdeepold": deep}
    assert lib.get(other).bibkey_aliases == ["doeOld"]
    bib = "@misc{smithDeepOld, title = {Unrelated Work}, year = {2022}}\n"
    (report,) = import_texts(lib, [("more.bib", bib)], AS_OF, NOW)
    assert lib.get(_ids(lib)["Unrelated Work"]).bibkey == "smithDeepOlda"
    assert "key smithDeepOld is taken" in " ".join(report.warnings)
