from __future__ import annotations

import pytest

from readlist.dedup import DedupIndex, merge, near_match
from readlist.importing import import_texts
from readlist.model import Paper, Source, title_key, title_words
from readlist.store import Store
from tests.conftest import AS_OF, NOW


def paper(pid: str, title: str, **kw: object) -> Paper:
    return Paper(id=pid, title=title, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "StreamBP: Memory-Efficient Exact Backpropagation",
            "streambp memory efficient exact backpropagation",
        ),
        ("Don't Think It Twice", "Don\u2019t  Think it Twice!"),
        ("Mixture-of-Experts at Scale", "Mixture\u2013of\u2013Experts  at   scale"),
        ("ＦＵＬＬＷＩＤＴＨ Title", "fullwidth title"),
        ("Straße der Modelle", "STRASSE der Modelle"),
    ],
)
def test_title_key_ignores_case_punctuation_and_width(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def test_exact_and_arxiv_matches() -> None:
    index = DedupIndex([("aaa", "Attention Is All You Need", "1706.03762")])
    assert index.find("ATTENTION is all you need.") == "aaa"
    assert index.find("A Totally Different Title", "1706.03762") == "aaa"
    assert index.find("A Totally Different Title", "1234.56789") is None


def test_fuzzy_match_merges_a_typo() -> None:
    index = DedupIndex([("aaa", "Rethinking the Shape Convention of an MLP for Vision", None)])
    assert index.find("Rethinking the Shape Convension of an MLP for Vision") == "aaa"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Scaling Laws for Neural Language Models, Part I",
            "Scaling Laws for Neural Language Models, Part II",
        ),
        (
            "StreamDiffusionV2: A Streaming System for Video",
            "StreamDiffusionV3: A Streaming System for Video",
        ),
        (
            "Llama 2: Open Foundation and Fine-Tuned Chat Models",
            "Llama 3: Open Foundation and Fine-Tuned Chat Models",
        ),
        ("Benchmarking Large Language Models v2", "Benchmarking Large Language Models v3"),
        ("Graph Networks at 10 Billion Scale", "Graph Networks at 100 Billion Scale"),
        ("Learning to See", "Learning to Sea"),
    ],
)
def test_fuzzy_never_merges_numbers_or_parts(a: str, b: str) -> None:
    assert not near_match(title_words(a), title_words(b))
    index = DedupIndex([("aaa", a, None)])
    assert index.find(b) is None


def test_merge_keeps_user_state_and_unions_everything() -> None:
    s1 = Source("one.txt", "2025-12-29", "2026-01-01T00:00:00+00:00")
    s2 = Source("two.txt", "2026-04-02", "2026-04-02T00:00:00+00:00")
    old = paper(
        "aaa",
        "T",
        abstract="",
        upvotes=3,
        links=["https://a"],
        read=True,
        read_at="2026-01-02T00:00:00+00:00",
        starred=True,
        notes="mine",
        tags=["x"],
        added="2026-01-01T00:00:00+00:00",
        sources=[s1],
        bibkey="t2025",
    )
    new = paper(
        "aaa",
        "t!",
        abstract="filled",
        authors_count=4,
        organization="Adobe",
        date="2025-11-10",
        upvotes=9,
        links=["https://b", "https://a"],
        tags=["X", "y"],  # "X" is the library's "x" (tags compare ignoring case)
        added="2026-04-02T00:00:00+00:00",
        sources=[s2],
        notes="theirs",
        bibkey="other2025",
    )
    merged = merge(old, new)
    assert (merged.read, merged.read_at, merged.starred) == (True, old.read_at, True)
    # Tags are a union (case aside: "X" is the library's "x"); the rest of the user's
    # state is the library's.
    assert (merged.notes, merged.tags, merged.added, merged.bibkey) == (
        "mine",
        ["x", "y"],
        old.added,
        "t2025",
    )
    assert merged.title == "T"
    assert merged.abstract == "filled"
    assert (merged.authors_count, merged.organization, merged.date) == (4, "Adobe", "2025-11-10")
    assert merged.upvotes == 9
    assert merged.links == ["https://a", "https://b"]
    assert merged.sources == [s1, s2]
    # Merging the same listing again changes nothing.
    assert merge(merged, new) == merged
    # Lower upvotes never win.
    assert merge(merged, new.replace(upvotes=1)).upvotes == 9


def _bib(key: str, title: str, extra: str) -> str:
    return f"@article{{{key},\n  title = {{{title}}},\n{extra}}}\n"


_SAME = "A Survey of Large Language Models for Code"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("  eprint = {2401.00001},\n  archivePrefix = {arXiv},\n", "  eprint = {2402.00002},\n"),
        ("  doi = {10.1000/aaa},\n", "  doi = {10.1000/bbb},\n"),
        (
            "  author = {Ada Lovelace and Alan Turing},\n  year = {2021},\n",
            "  author = {Grace Hopper and Edsger Dijkstra},\n  year = {2024},\n",
        ),
    ],
    ids=["arxiv", "doi", "authors"],
)
def test_same_title_other_evidence_keeps_apart(store: Store, first: str, second: str) -> None:
    text = _bib("one", _SAME, first) + _bib("two", _SAME.upper() + ".", second)
    (report,) = import_texts(store, [("a.bib", text)], AS_OF, now=NOW, fmt="bibtex")
    assert (report.added, report.merged, report.known) == (2, 0, 0)
    assert sorted(p.bibkey or "" for p in store.papers()) == ["one", "two"]
    # Imported again, each record finds its own paper.
    (again,) = import_texts(store, [("a.bib", text)], AS_OF, now=NOW, fmt="bibtex")
    assert (again.added, again.merged, again.known) == (0, 0, 2)
    assert len(store) == 2


@pytest.mark.parametrize(
    "second",
    [
        "  eprint = {2401.00001},\n  doi = {10.1000/aaa},\n",
        "  author = {A. Lovelace and Grace Hopper},\n  year = {2022},\n",
        "  doi = {10.48550/arXiv.2401.00001},\n",
        "",
    ],
    ids=["same-ids", "shared-author", "arxiv-doi", "no-evidence"],
)
def test_same_title_agreeing_evidence_still_merges(store: Store, second: str) -> None:
    first = (
        "  eprint = {2401.00001},\n  archivePrefix = {arXiv},\n  doi = {10.1000/aaa},\n"
        "  author = {Ada Lovelace and Alan Turing},\n  year = {2021},\n"
    )
    text = _bib("one", _SAME, first) + _bib("two", _SAME, second)
    (report,) = import_texts(store, [("a.bib", text)], AS_OF, now=NOW, fmt="bibtex")
    assert report.added == 1
    assert len(store) == 1
