"""The import preview says what the import will do: it is a dry run of the import.

The preview used to approximate: it counted an entry that repeats another in the same
paste as nothing at all (neither new nor known), and a library paper the paste fills
in (more upvotes) as plain "already", so "12 new, 2 already" became "12 added, 4
already" on import.
"""

from __future__ import annotations

import datetime as dt

from readlist import deleted
from readlist.importing import import_listings
from readlist.listing import Entry, parse_listing
from readlist.listingtext import decode
from readlist.preview import PreviewCounter, snapshot
from readlist.store import Store
from tests.conftest import AS_OF, SEEDS

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
HEADER = "Daily Papers\n\nNov 20\n\n"


def entries(name: str) -> list[Entry]:
    return parse_listing(decode((SEEDS / name).read_bytes(), name), AS_OF).entries


def block(title: str, abstract: str, upvotes: int = 3) -> str:
    return f"{title}\n\n{abstract}\n\n  • 3 authors\n·\nNov 19 {upvotes}\n\n"


def realistic_paste() -> str:
    """A day's listing as pasted: papers already held (some with more upvotes since),
    new ones, a new one listed twice, a new one whose title reappears spelt another
    way, and a held paper listed under its revised title, found by its arXiv id."""
    held = entries("000_8f436e6abbfddf26.txt")
    new = entries("002_3c55a4b56f8e4387.txt")
    parts = [HEADER]
    parts += [block(e.title, e.abstract, e.upvotes) for e in held[:6]]  # unchanged
    parts += [block(e.title, e.abstract, e.upvotes + 50) for e in held[6:9]]  # more upvotes
    parts += [block(e.title, e.abstract) for e in new[:12]]  # new
    parts += [block(new[0].title, new[0].abstract)]  # listed twice in the same paste
    typo = new[1].title.replace("Optimizing", "Optimising")
    assert typo != new[1].title
    parts += [block(typo, new[1].abstract)]  # the same paper, a near-duplicate title
    parts += [
        block(
            "A Revised Title for the Same arXiv Paper",
            "Now with more results, see https://arxiv.org/abs/2401.01234v2 for details.",
        )
    ]
    return "".join(parts)


def library(store: Store) -> None:
    import_listings(
        store, [("000.txt", (SEEDS / "000_8f436e6abbfddf26.txt").read_text())], AS_OF, now=NOW
    )
    first = block(
        "The Original Title of an arXiv Paper",
        "Code and paper at https://arxiv.org/abs/2401.01234.",
    )
    import_listings(store, [("old.txt", HEADER + first)], AS_OF, now=NOW)


def test_the_preview_counts_are_the_import_counts(store: Store) -> None:
    library(store)
    text = realistic_paste()
    preview = PreviewCounter(snapshot(store.records())).preview(text, NOW)
    before = len(store)
    (report,) = import_listings(store, [("<paste>", text)], AS_OF, now=NOW).reports
    assert (preview.entries, preview.new, preview.merged, preview.known, preview.skipped) == (
        report.parsed,
        report.added,
        report.merged,
        report.known,
        len(report.skipped),
    )
    assert preview.new == len(store) - before == 12
    # Merged: 3 with more upvotes, the revised title (found by its arXiv id; a link to
    # add) and one held paper the paste gives an author count and date. Already: the
    # other 5 held, the repeat and the near-duplicate title (both found among the
    # paste's own new papers). The approximation said "24 entries, 12 new, 10 already".
    assert (preview.entries, preview.merged, preview.known) == (24, 5, 7)
    assert preview.summary() == (
        "24 entries, 12 new, 5 to merge into the library, 7 already in the library"
    )


def test_an_empty_library_counts_the_repeats_of_a_paste_as_the_import_does(
    tmp_path: object,
) -> None:
    text = (SEEDS / "002_3c55a4b56f8e4387.txt").read_text()
    body = text.split("\n\n", 6)[-1]  # after the five header lines and the date
    twice = text + "\n\n" + body
    preview = PreviewCounter({}).preview(twice, NOW)
    assert (preview.entries, preview.new, preview.known + preview.merged) == (204, 102, 102)
    with Store(tmp_path / "lib.json") as store:  # type: ignore[operator]
        (report,) = import_listings(store, [("<paste>", twice)], AS_OF, now=NOW).reports
    assert (report.parsed, report.added, report.known, report.merged) == (
        preview.entries,
        preview.new,
        preview.known,
        preview.merged,
    )


def test_previews_do_not_change_the_snapshot_they_count_against(store: Store) -> None:
    library(store)
    counter = PreviewCounter(snapshot(store.records()))
    text = realistic_paste()
    first = counter.preview(text, NOW)
    assert counter.preview(text, NOW) == first  # the new papers were not kept
    assert counter.preview(text + "\n", NOW) == first


TWO = """\
@article{smith2020deep,
  title = {Deep Things},
  author = {Smith, John},
  year = {2020},
}
@article{doe2021,
  title = {Other Stuff},
  author = {Doe, Jane},
  year = {2021},
}
"""


def test_the_preview_reads_the_deleted_papers_as_the_import_does(store: Store) -> None:
    """A deleted paper's key stays its own: a pasted entry of a held paper under that
    key is "already in the library" (the key is not kept), not "to merge" (as an
    alias); and the deleted paper itself, pasted again, comes back new with its key."""
    from readlist import actions
    from readlist.importing import import_texts

    import_texts(store, [("refs.bib", TWO)], AS_OF, NOW)
    deep = next(pid for pid, doc in store.records().items() if doc["title"] == "Deep Things")
    actions.remove(store, [deep], now=NOW)
    paste = (
        "@misc{x1, title = {Deep Things}, author = {Smith, John}, year = {2020}}\n"
        "@misc{smith2020deep, title = {Other Stuff}, author = {Doe, Jane}, year = {2021}}\n"
    )
    counter = PreviewCounter(snapshot(store.records()), deleted.records(store))
    preview = counter.preview(paste, NOW)
    (report,) = import_listings(store, [("<paste>", paste)], AS_OF, now=NOW).reports
    assert (report.added, report.merged, report.known) == (1, 0, 1)
    assert (preview.entries, preview.new, preview.merged, preview.known) == (2, 1, 0, 1)
    back = store.get(deep)
    assert (back.bibkey, back.bibkey_aliases) == ("x1", ["smith2020deep"])
