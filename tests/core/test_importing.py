from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist.errors import InputError
from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.store import Store
from tests.conftest import AS_OF, NOW, SEEDS


def test_seeds_make_254_papers(store: Store) -> None:
    reports = import_texts(store, read_inputs([str(SEEDS)]), AS_OF, now=NOW)
    assert [r.parsed for r in reports] == [45, 39, 102, 44, 64]
    assert sum(r.parsed for r in reports) == 294
    assert sum(r.added for r in reports) == 254
    assert len(store) == 254
    for r in reports:
        assert r.parsed == r.added + r.merged + r.known
        assert r.skipped == []


def test_every_listing_is_recorded(seeded: Store) -> None:
    sources = sum(len(p.sources) for p in seeded.papers())
    files = {s.file for p in seeded.papers() for s in p.sources}
    assert len(files) == 5
    # 294 entries, minus the duplicates inside one listing.
    assert 254 < sources <= 294
    assert all(p.added and p.sources for p in seeded.papers())


def test_reimport_changes_nothing(seeded: Store, tmp_path: Path) -> None:
    before = [p.to_json() for p in seeded.papers()]
    reports = import_texts(seeded, read_inputs([str(SEEDS)]), AS_OF, now=NOW)
    assert sum(r.added + r.merged for r in reports) == 0
    assert sum(r.known for r in reports) == 294
    assert reports[0].summary() == "000_8f436e6abbfddf26.txt: 45 already in the library"
    assert [p.to_json() for p in seeded.papers()] == before
    with Store(seeded.path) as again:
        assert [p.to_json() for p in again.papers()] == before


def test_merge_from_another_listing_keeps_user_state(store: Store) -> None:
    first = "Shared Paper Title For Testing\n\nAbstract.\n\n  • 3 authors\n·\nOct 2, 2020 1\n"
    second = (
        "SHARED paper title, for testing!\n\nAbstract.\n\nadobe Adobe\n·\nOct 2, 2020 5\n\n"
        "Other\n\nx\n"
    )
    import_texts(store, [("a.txt", first)], AS_OF, now=NOW)
    (p,) = store.papers()
    store.put([p.replace(starred=True, notes="keep", tags=["t"], read=True)])
    (report,) = import_texts(store, [("b.txt", second)], AS_OF, now=NOW)
    assert (report.added, report.merged) == (1, 1)
    assert report.summary() == (
        "b.txt: 2 papers: 1 added, 1 merged (filled in organization, organization_slug, upvotes)"
    )
    assert "merged  'SHARED paper title, for testing!': filled in organization, " in "\n".join(
        report.details()
    )
    merged = store.get(p.id)
    assert (merged.starred, merged.notes, merged.tags, merged.read) == (True, "keep", ["t"], True)
    assert merged.upvotes == 5
    assert merged.organization == "Adobe"
    assert merged.authors_count == 3
    assert [s.file for s in merged.sources] == ["a.txt", "b.txt"]
    assert merged.title == "Shared Paper Title For Testing"


def test_ids_are_short_stable_and_unique(seeded: Store, tmp_path: Path) -> None:
    ids = [p.id for p in seeded.papers()]
    assert len(set(ids)) == 254
    assert all(len(i) == 7 for i in ids)
    with Store(tmp_path / "other.json") as other:
        import_texts(other, read_inputs([str(SEEDS)]), AS_OF, now=NOW)
        assert {p.id for p in other.papers()} == set(ids)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\x00\x01\x02\x03binary\x00" * 100, "binary"),
    ],
)
def test_bad_files_raise_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_inputs([str(bad)])
    assert "\n" not in str(info.value)


def test_missing_file_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_inputs([str(tmp_path / "nope.txt")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \*\.txt"):
        read_inputs([str(tmp_path / "empty")])


def test_wrongly_encoded_file_is_decoded(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(
        "Daily Papers\n\nCaf\u00e9 na\u00efve models\n\nR\u00e9sum\u00e9 of results.\n".encode(
            "cp1252"
        )
    )
    import_texts(store, read_inputs([str(path)]), AS_OF, now=NOW)
    (p,) = store.papers()
    assert p.title == "Caf\u00e9 na\u00efve models"


def test_header_without_papers_is_an_error(store: Store) -> None:
    with pytest.raises(InputError, match="no papers found"):
        import_texts(store, [("x.txt", "new\n\nDaily Papers\n\nSubscribe\n")], AS_OF, now=NOW)
    assert len(store) == 0


def test_stdin_input() -> None:
    ((name, text),) = read_inputs(["-"], b"T\n\nA\n")
    assert name == "<stdin>"
    assert text == "T\n\nA\n"


def test_library_file_is_json_with_schema(seeded: Store) -> None:
    seeded.compact()
    data = json.loads(seeded.path.read_text())
    assert data["_readlist"]["1"]["schema"] == 1
    assert len(data["papers"]) == 254


def test_report_says_why_a_piece_was_skipped(store: Store) -> None:
    text = "Kept Paper\n\nAn abstract.\n\n  • 3 authors\n·\nOct 2, 2020 1\n\nDangling title\n"
    (report,) = import_texts(store, [("c.txt", text)], AS_OF, now=NOW)
    assert report.summary() == "c.txt: 1 added, 1 skipped (title without an abstract)"
    assert report.details() == [
        "added   'Kept Paper'",
        "skipped 'Dangling title': title without an abstract",
    ]


def test_one_import_stamps_every_new_paper_alike(store: Store) -> None:
    import_texts(store, read_inputs([str(SEEDS)]), AS_OF, now=NOW)
    assert len({p.added for p in store.papers()}) == 1


def test_a_printed_date_replacing_a_guessed_one_is_reported_as_the_date(store: Store) -> None:
    """Seed 001 prints "Jul 4, 2025" for papers seed 000 dated "Jul 4" (year inferred):
    the merge keeps the printed date, and the report says "date", not its parts."""
    reports = import_texts(store, read_inputs([str(SEEDS)]), AS_OF, NOW)
    assert "4 merged (filled in date ×4)" in reports[1].summary()
    merged = [p for p in store.papers() if p.date_raw and p.date_raw.startswith("Jul 4, 2025")]
    assert merged
    assert all(not p.date_inferred for p in merged)
