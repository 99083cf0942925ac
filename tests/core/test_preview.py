"""The import preview counts what an import would add, without touching the store."""

from __future__ import annotations

from readlist.errors import InputError
from readlist.importing import import_listings
from readlist.inputs import check_format, read_inputs
from readlist.listing import decode
from readlist.preview import PASTE, Preview, PreviewCounter
from readlist.store import Store
from tests.conftest import AS_OF, NOW, SEEDS

BIG = SEEDS / "002_3c55a4b56f8e4387.txt"  # 102 entries


def seed_text() -> str:
    return decode(BIG.read_bytes(), "seed")


def test_counts_agree_with_the_import_that_follows(store: Store) -> None:
    import_listings(store, read_inputs([str(SEEDS / "000_8f436e6abbfddf26.txt")]), AS_OF, now=NOW)
    text = seed_text()
    preview = PreviewCounter(store.identities()).preview(text, AS_OF)
    assert preview.entries == 102
    before = len(store)
    outcome = import_listings(store, [("<paste>", text)], AS_OF, now=NOW)
    (report,) = outcome.reports
    assert preview.new == report.added == len(store) - before
    assert preview.known == report.merged + report.known
    assert preview.skipped == len(report.skipped)
    assert 0 < preview.new < 102


def test_an_empty_library_makes_every_distinct_entry_new() -> None:
    text = seed_text()
    body = text.split("\n\n", 6)[-1]  # after the five header lines and the date
    assert body.startswith("A Two-stage Reinforcement")
    twice = text + "\n\n" + body
    preview = PreviewCounter(()).preview(twice, AS_OF)
    assert preview.entries > 102
    assert (preview.new, preview.known) == (102, 0)
    assert preview.summary().startswith(f"{preview.entries} entries, 102 new")


def test_the_summary_says_what_is_known_and_skipped() -> None:
    assert Preview(102, 98, 4).summary() == "102 entries, 98 new, 4 already in the library"
    assert Preview(1, 1, 0, 2).summary() == "1 entry, 1 new, 2 skipped"
    assert Preview(error="no papers").summary() == "Cannot import: no papers"


def test_text_that_is_not_a_listing_says_why() -> None:
    counter = PreviewCounter(())
    preview = counter.preview("Daily Papers\n\nA title alone", AS_OF)
    assert (preview.entries, preview.skipped) == (0, 1)
    assert "no papers found" in preview.summary()
    assert counter.preview("\x00\x01 binary", AS_OF).error.endswith("not a text listing")
    assert counter.preview("   \n ", AS_OF) == Preview()


def test_bibtex_gets_the_answer_the_import_would_give() -> None:
    text = "@article{lee2024,\n  title = {A Paper},\n}\n"
    preview = PreviewCounter(()).preview(text, AS_OF)
    refusal = ""
    try:
        check_format(PASTE, text)
    except InputError as exc:  # BibTeX import not merged yet: the same refusal
        refusal = str(exc)
    assert preview.error == refusal
    assert preview.bibtex == (not refusal)


def test_an_email_is_refused_as_the_import_refuses_it() -> None:
    preview = PreviewCounter(()).preview("Hi team,\n\nhave a look.\n\nBob\n", AS_OF)
    assert preview.entries == 0
    assert preview.summary().startswith("Cannot import: not a Daily Papers listing: <paste>")
