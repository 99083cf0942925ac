"""A user's keywords survive import and export as written, while tags show them."""

from __future__ import annotations

from pathlib import Path

from readlist import actions
from readlist.bibtex import Options
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.keywords import field_for
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import AS_OF, NOW

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bib"
ZOTERO = "Computer Science - Computation and Language,Computer Science - Machine Learning"


def _export(store: Store, paper: Paper, style: str = "bibtex") -> str:
    return export_papers(store, [store.get(paper.id)], Options(style=style))


def test_keywords_survive_import_and_export_unchanged(store: Store) -> None:
    files = [str(FIXTURES / n) for n in ("zotero_bbt.bib", "handwritten.bib")]
    import_texts(store, read_inputs(files), AS_OF, now=NOW)
    papers = {p.bibkey: p for p in store.papers()}
    attention, garcia = papers["vaswaniAttentionAllYou2017"], papers["garcia2021"]
    assert attention.tags == [
        "Computer-Science-Computation-and-Language",
        "Computer-Science-Machine-Learning",
    ]
    for style in ("bibtex", "biblatex"):
        assert f"  keywords = {{{ZOTERO}}},\n" in _export(store, attention, style)
        assert "  keywords = {signals; spectral analysis},\n" in _export(store, garcia, style)
    # Importing the export into another library keeps the field, and the tags.
    with Store(store.path.with_name("again.json")) as again:
        import_texts(again, [("out.bib", _export(store, attention))], AS_OF, now=NOW)
        (back,) = again.papers()
        assert back.tags == attention.tags
        assert f"  keywords = {{{ZOTERO}}},\n" in _export(again, back)


def test_a_tag_removed_or_added_in_readlist_shows_in_the_keywords(store: Store) -> None:
    import_texts(store, read_inputs([str(FIXTURES / "zotero_bbt.bib")]), AS_OF, now=NOW)
    (attention,) = [p for p in store.papers() if p.bibkey == "vaswaniAttentionAllYou2017"]
    actions.change_tags(
        store, [attention.id], add=["thesis"], remove=["computer-science-machine-learning"]
    )
    out = _export(store, attention)
    assert "  keywords = {Computer Science - Computation and Language,thesis},\n" in out
    actions.change_tags(
        store, [attention.id], remove=["thesis", "Computer-Science-Computation-and-Language"]
    )
    assert "keywords" not in _export(store, attention)


def test_keywords_no_tag_shows_are_kept() -> None:
    """`+1` or `-x` cannot be tags (`readlist tag` reads them as add and remove)."""
    assert field_for(["ml"], "ml; +1; -x") == "ml; +1; -x"
    assert field_for([], "ml; +1; -x") == "+1; -x"
    assert field_for(["ml", "new"], "ML ,-x") == "ML ,-x ,new"
    assert field_for(["a", "b"]) == "a, b"
