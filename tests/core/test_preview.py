"""The import preview counts what an import would add, without touching the store."""

from __future__ import annotations

from readlist.importing import import_listings
from readlist.inputs import read_inputs
from readlist.listingtext import decode
from readlist.preview import PASTE, Preview, PreviewCounter
from readlist.store import Store
from tests.conftest import AS_OF, NOW, SEEDS

BIG = SEEDS / "002_3c55a4b56f8e4387.txt"  # 102 entries


def seed_text() -> str:
    return decode(BIG.read_bytes(), "seed")


def test_counts_agree_with_the_import_that_follows(store: Store) -> None:
    import_listings(store, read_inputs([str(SEEDS / "000_8f436e6abbfddf26.txt")]), AS_OF, now=NOW)
    text = seed_text()
    preview = PreviewCounter(store.records()).preview(text, NOW)
    assert preview.entries == 102
    before = len(store)
    outcome = import_listings(store, [("<paste>", text)], AS_OF, now=NOW)
    (report,) = outcome.reports
    assert preview.new == report.added == len(store) - before
    assert preview.known == report.merged + report.known
    assert preview.skipped == len(report.skipped)
    assert 0 < preview.new < 102


def test_the_summary_says_what_is_known_and_skipped() -> None:
    assert Preview(102, 98, 4).summary() == "102 entries, 98 new, 4 already in the library"
    assert Preview(1, 1, 0, 2).summary() == "1 entry, 1 new, 2 skipped"
    assert Preview(error="no papers").summary() == "Cannot import: no papers"


def test_text_that_is_not_a_listing_says_why() -> None:
    counter = PreviewCounter({})
    preview = counter.preview("Daily Papers\n\nA title alone", NOW)
    assert preview.entries == 0
    assert "no papers found" in preview.summary()
    assert counter.preview("\x00\x01 binary", NOW).error.endswith("not a text listing")
    assert counter.preview("   \n ", NOW) == Preview()


def test_bibtex_gets_the_counts_the_import_reports(store: Store) -> None:
    """A BibTeX paste runs the same dry import: a DOI finds the held paper."""
    held = "@article{lee2024,\n  title = {A Paper},\n  doi = {10.1000/x},\n}\n"
    import_listings(store, [("held.bib", held)], AS_OF, now=NOW)
    text = held.replace("A Paper", "A Paper, Retitled") + "@misc{new, title = {Another}}\n"
    preview = PreviewCounter(store.records()).preview(text, NOW)
    (report,) = import_listings(store, [(PASTE, text)], AS_OF, now=NOW).reports
    assert (preview.entries, preview.new, preview.known + preview.merged) == (2, 1, 1)
    assert (preview.new, preview.known, preview.merged) == (
        report.added,
        report.known,
        report.merged,
    )


def test_an_email_is_refused_as_the_import_refuses_it() -> None:
    preview = PreviewCounter({}).preview("Hi team,\n\nhave a look.\n\nBob\n", NOW)
    assert preview.entries == 0
    assert preview.summary().startswith("Cannot import: not a Daily Papers listing: <paste>")
