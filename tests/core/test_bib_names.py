"""biblatex's field and type names become BibTeX's on a BibTeX export, and back."""

from __future__ import annotations

from pathlib import Path

from readlist.bibtex import Options, render
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import AS_OF, NOW
from tests.core.bibcheck import parse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bib"


def _entries(store: Store, style: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Exported entries by key: (entry type, fields as a reader sees them)."""
    text = export_papers(store, store.papers(), Options(style=style))
    types = dict(
        (line[1:].split("{", 1)[1].rstrip(","), line[1:].split("{", 1)[0])
        for line in text.splitlines()
        if line.startswith("@")
    )
    return {key: (types[key], fields) for key, fields in parse(text).items()}


def test_biblatex_names_are_bibtex_names_in_the_library_and_a_bibtex_export(
    store: Store,
) -> None:
    import_texts(store, read_inputs([str(FIXTURES / "jabref_biblatex.bib")]), AS_OF, now=NOW)
    papers = {p.bibkey: p for p in store.papers()}
    assert papers["Hochreiter1997"].bibfields["journal"] == "Neural Computation"
    assert "journaltitle" not in papers["Hochreiter1997"].bibfields
    assert papers["Ioffe2015"].notes == "Read for the reading group."  # annotation
    assert papers["Anil2023"].arxiv_id == "2305.10403"  # eprinttype = {arxiv}
    assert papers["Anil2023"].primary_category == "cs.CL"  # eprintclass
    out = _entries(store, "bibtex")
    kind, article = out["Hochreiter1997"]
    assert (kind, article["journal"], article["year"], article["month"]) == (
        "article",
        "Neural Computation",
        "1997",
        "nov",
    )
    assert "journaltitle" not in article
    kind, thesis = out["Sutskever2013"]
    assert (kind, thesis["school"], thesis["address"], thesis["year"]) == (
        "phdthesis",
        "University of Toronto",
        "Toronto, ON, Canada",
        "2013",
    )
    assert "type" not in thesis  # @phdthesis says it
    assert out["Graves2008"][0] == "phdthesis"
    assert out["Graves2008"][1]["school"] == "Technische Universität München"
    kind, report = out["Anil2023"]
    assert (kind, report["institution"], report["archivePrefix"], report["primaryClass"]) == (
        "techreport",
        "Google",
        "arXiv",
        "cs.CL",
    )
    assert "type" not in report
    assert out["Alammar2018"][0] == "misc"
    assert out["Ioffe2015"][1]["address"] == "Lille, France"
    assert out["Ioffe2015"][1]["annote"] == "Read for the reading group."


def test_bibtex_names_are_biblatex_names_in_a_biblatex_export(store: Store) -> None:
    import_texts(store, read_inputs([str(FIXTURES / n) for n in ("jabref.bib",)]), AS_OF, now=NOW)
    store.put(
        [
            Paper(
                id="t1",
                title="A Thesis",
                authors=["Ann Lee"],
                entry_type="mastersthesis",
                bibfields={"school": "MIT", "year": "2020", "month": "6", "annote": "x"},
                bibkey="lee2020",
            ),
            Paper(
                id="t2",
                title="A Report",
                authors=["Bo Kim"],
                entry_type="techreport",
                bibfields={"institution": "Lab", "type": "resreport", "year": "in press"},
                bibkey="kim",
            ),
        ]
    )
    out = _entries(store, "biblatex")
    kind, book = out["Goodfellow2016"]
    assert (kind, book["location"], book["date"]) == ("book", "Cambridge, MA", "2016")
    assert not {"address", "year"} & set(book)
    assert out["Jumper2021"][1]["journaltitle"] == "Nature"
    assert "journal" not in out["Jumper2021"][1]
    assert out["He2016"][1]["date"] == "2016-06"
    kind, thesis = out["lee2020"]
    assert (kind, thesis["type"], thesis["institution"], thesis["date"]) == (
        "thesis",
        "mathesis",
        "MIT",
        "2020-06",
    )
    assert not {"school", "year", "month"} & set(thesis)
    kind, report = out["kim"]
    assert (kind, report["type"], report["year"]) == ("report", "resreport", "in press")
    # A BibTeX style prints `type` as it is: biblatex's key becomes words there.
    bibtex = render([store.get("t2")])
    assert bibtex.startswith("@techreport{kim,")
    assert "type = {Research report}" in bibtex
