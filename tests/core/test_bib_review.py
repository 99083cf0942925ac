"""BibTeX import/export findings of a hostile review; each has a fixture in
tests/fixtures/review/ and fails without its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.bibtex import Options
from readlist.cli import main
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.store import Store
from tests.conftest import AS_OF, NOW
from tests.core.bibcheck import assert_clean, compile_bib
from tests.core.review_bibs import REVIEW, load, titled


def test_a_key_given_twice_parses_both_entries_fully(store: Store) -> None:
    report = load(store, "duplicate_keys.bib")
    papers = titled(store)
    assert sorted(papers) == ["The First Paper", "The Second Paper"]
    second = papers["The Second Paper"]
    assert second.authors == ["John Smith", "Eva Müller"]
    assert second.doi == "10.1000/second"
    assert second.bibfields["booktitle"] == "Advances in Neural Information Processing Systems"
    assert second.title_protect == ["Second"]
    assert report[0].startswith("duplicate_keys.bib: 2 added")


def test_a_crossref_volume_is_not_a_paper_and_gives_its_title(store: Store) -> None:
    report = load(store, "crossref_parent.bib")
    assert report == ["crossref_parent.bib: 1 added"]
    (paper,) = store.papers()
    assert paper.title == "Attention Is All You Need"
    assert paper.bibfields["booktitle"] == "Advances in Neural Information Processing Systems 30"
    assert paper.bibfields["publisher"] == "Curran Associates"


def test_an_arxiv_id_in_a_note_journal_or_eprint_is_the_arxiv_id(store: Store) -> None:
    load(store, "arxiv_hidden.bib")
    ids = {p.title: (p.arxiv_id, p.arxiv_version, p.journal_ref, p.notes) for p in store.papers()}
    assert ids == {
        "Only a Note Says arXiv": ("2401.01234", None, None, ""),
        "Scholar Puts It in the Journal": ("2401.01235", None, None, ""),
        "The Eprint Field": ("2401.01236", None, None, ""),
        "A Note With Its Category": ("2401.01237", 2, None, ""),
    }


@pytest.mark.parametrize("style", ["plainnat", "biblatex"])
def test_tex_escapes_in_a_url_or_doi_are_taken_off(style: str, tmp_path: Path) -> None:
    options = Options(style="biblatex" if style == "biblatex" else "bibtex")
    with Store(tmp_path / "one.json") as one:
        load(one, "url_escapes.bib")
        (paper,) = one.papers()
        assert paper.doi == "10.1002/(SICI)1097-4571_x#1"
        assert paper.links == ["https://example.org/a_b/100%25?q=1&r=2#sec_1"]
        first = export_papers(one, one.papers(), options)
    assert "url = {https://example.org/a_b/100%25?q=1&r=2#sec_1}" in first
    assert "doi = {10.1002/(SICI)1097-4571_x#1}" in first
    with Store(tmp_path / "two.json") as two:
        import_texts(two, [("refs.bib", first)], AS_OF, now=NOW)
        assert export_papers(two, two.papers(), options) == first
    log, _ = compile_bib(first, tmp_path, style)
    assert_clean(log, style)


def test_vntex_horned_letters_decode(store: Store) -> None:
    load(store, "vietnamese_horns.bib")
    (paper,) = store.papers()
    assert paper.title == "Trương hợp nghiên cứu"
    assert paper.authors == ["Vữ Trương", "Phợ Ưng"]
    assert paper.bibfields["journal"] == "Tạp chí Tin học"


STRAY_REPORT = [
    "stray_bytes.bib: 2 added, 2 skipped"
    " (line 7: text outside any entry: 'stray bytes and a lost brace }';"
    " line 8: text outside any entry: 'pages = {1--2},'), 2 warnings",
    "line 7: 2 bytes that are not UTF-8, dropped",
    "line 11: a byte that is not UTF-8, dropped",
]


def test_stray_bytes_and_junk_are_named_by_line_and_the_rest_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """UTF-8 with a few stray bytes stays UTF-8 (not cp1252: Café, not CafÃ©)."""
    db = str(tmp_path / "lib.json")
    assert main(["--db", db, "import", str(REVIEW / "stray_bytes.bib")]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert out.splitlines()[:3] == [STRAY_REPORT[0], *("  warning: " + w for w in STRAY_REPORT[1:])]
    with Store(Path(db)) as store:
        papers = titled(store)
    assert sorted(papers) == ["Café und Straße", "Second Entry, Bytes in It Here"]
    assert papers["Café und Straße"].authors == ["Jörg Müller"]
