"""A two-letter initial, `{\\relax Ch}ristopher` (BibTeX's idiom for "Ch."), survives
import and export: stored as `{Ch}ristopher`, shown as Christopher, exported so that
bibtex's abbreviating styles and biblatex's giveninits print "Ch.", not "C."."""

from __future__ import annotations

import json
import re
from pathlib import Path

from readlist.bibtex import Options, render
from readlist.exporters.plain import shown_name
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.model import Paper
from readlist.query import parse
from readlist.store import Store
from tests.conftest import AS_OF, NOW
from tests.core.bibcheck import assert_clean, compile_bib

BIB = r"""@article{manning,
  title = {Two-Letter Initials},
  author = {{\relax Ch}ristopher D. Manning and Nguy{\~{\^{e}}}n, {\relax Th}{\'e}o
            and {\L}ukasz Kaiser and Przemys{\l}aw D{\k{e}}biak and Smith, Jr., {\relax Ch}arles},
  journal = {J},
  year = 2020
}
"""
STORED = [
    "{Ch}ristopher D. Manning",
    "{Th}éo Nguyễn",
    "Łukasz Kaiser",
    "Przemysław Dębiak",
    "Smith, Jr., {Ch}arles",
]


def _imported(store: Store, bib: str = BIB) -> list[str]:
    import_texts(store, [("refs.bib", bib)], AS_OF, now=NOW)
    (paper,) = store.papers()
    return paper.authors


def test_the_idiom_is_stored_braced_and_shown_and_found_without_braces(store: Store) -> None:
    assert _imported(store) == STORED
    assert [shown_name(a) for a in STORED[:2]] == ["Christopher D. Manning", "Théo Nguyễn"]
    records = store.records()
    assert parse("author:christopher").select(records, records, now=NOW) != []
    csl = json.loads(export_papers(store, store.papers(), Options(format="csl-json")))
    assert csl[0]["author"][0] == {"family": "Manning", "given": "Christopher D."}
    assert csl[0]["author"][4] == {"family": "Smith", "given": "Charles", "suffix": "Jr."}
    md = export_papers(store, store.papers(), Options(format="markdown"))
    assert "Christopher D. Manning, Théo Nguyễn" in md
    one = store.papers()[0].replace(authors=STORED[4:])
    assert "Charles Smith, Jr." in export_papers(store, [one], Options(format="markdown"))


def test_bibtex_abbreviates_a_two_letter_initial_as_written(store: Store, tmp_path: Path) -> None:
    _imported(store)
    bib = export_papers(store, store.papers(), Options())
    assert r"author = {{\relax Ch}ristopher D. Manning and {\relax Th}{\'e}o Nguy" in bib
    log, _ = compile_bib(bib, tmp_path, "abbrv")
    assert_clean(log, "abbrv")
    bbl = " ".join((tmp_path / "doc.bbl").read_text().split())
    assert r"{\relax Ch}.~D. Manning, {\relax Th}.~Nguy{\~{\^{e}}}n, {\L}.~Kaiser," in bbl
    assert r"{\relax Ch}.~Smith, Jr." in bbl
    with Store(tmp_path / "again.json") as again:
        assert _imported(again, bib) == STORED


def test_biblatex_abbreviates_a_two_letter_initial_as_written(store: Store, tmp_path: Path) -> None:
    _imported(store)
    bib = export_papers(store, store.papers(), Options(style="biblatex"))
    assert "family=Manning, given=Christopher D., given-i={Ch}D" in bib
    log, _ = compile_bib(bib, tmp_path, "biblatex", options="giveninits=true")
    assert_clean(log, "biblatex")
    bbl = (tmp_path / "doc.bbl").read_text()
    given = dict(re.findall(r"family=\{(.*?)\},.*?giveni=\{(.*?)\}[},]", bbl, re.S))
    assert given["Manning"] == r"Ch\bibinitperiod\bibinitdelim D\bibinitperiod"
    assert given[r"Nguy{\~{\^{e\relax}}}n"] == r"Th\bibinitperiod"
    assert given["Kaiser"] == r"Ł\bibinitperiod"
    assert given["Smith"] == r"Ch\bibinitperiod"
    with Store(tmp_path / "again.json") as again:
        assert _imported(again, bib) == STORED


def test_an_initial_beside_a_braced_family_name() -> None:
    paper = Paper(id="", title="x", authors=["{Ch}ristopher {von Neumann}"], bibkey="k")
    assert r"author = {{\relax Ch}ristopher {von Neumann}}" in render([paper])
    biblatex = render([paper], Options(format="biblatex"))
    assert "author = {Christopher {von Neumann}}" in biblatex
