"""Citation keys are one key to BibTeX whatever their case: `dup` and `DUP` never both exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readlist.bibtex_in import parse_bibtex
from readlist.citations import match_keys
from readlist.citekeys import fold
from readlist.cli import main
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.model import Paper
from readlist.resolving import merge_papers
from readlist.store import Store
from tests.conftest import AS_OF, NOW
from tests.core.bibcheck import assert_clean, compile_bib

TWO = (
    "@article{dup,\n  title = {First Paper},\n  author = {Lee, Ann},\n"
    "  journal = {J},\n  year = {2020}\n}\n\n"
    "@article{DUP,\n  title = {Second Paper},\n  author = {Kim, Bo},\n"
    "  journal = {J},\n  year = {2021}\n}\n"
)


def test_keys_differing_only_in_case_clash_on_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(TWO)
    db = str(tmp_path / "lib.json")
    assert main(["--db", db, "import", str(bib)]) == 0
    out = capsys.readouterr().out
    assert "refs.bib: 2 added, 1 warning\n" in out
    assert "  warning: line 8: key DUP is taken by another paper; stored as DUPa\n" in out
    out_bib = tmp_path / "out.bib"
    assert main(["--db", db, "export", "-o", str(out_bib)]) == 0
    with Store(Path(db)) as store:
        keys = sorted(p.bibkey or "" for p in store.papers())
    assert keys == ["DUPa", "dup"]
    work = tmp_path / "tex"
    work.mkdir()
    log, _ = compile_bib(out_bib.read_text(), work, "plain", cite=keys)
    assert "Case mismatch" not in log
    assert "Repeated entry" not in log
    assert_clean(log, "plain")
    assert (work / "doc.bbl").read_text().count("\\bibitem") == 2


def test_the_same_paper_under_another_case_is_not_an_alias(store: Store) -> None:
    """`DUP` for the paper already cited as `dup` is that key, not a second one."""
    same = "@misc{dup,\n  title = {One Paper}\n}\n@misc{DUP,\n  title = {One Paper}\n}\n"
    (report,) = import_texts(store, [("refs.bib", same)], AS_OF, now=NOW)
    (paper,) = store.papers()
    assert (paper.bibkey, paper.bibkey_aliases, report.warnings) == ("dup", [], [])


def test_assigned_keys_never_equal_a_taken_key_case_aside(store: Store, tmp_path: Path) -> None:
    held = Paper(
        id="p1",
        title="Attention Is All You Need",
        authors=["Ashish Vaswani"],
        date="2017-06-12",
        bibkey="Vaswani2017Attention",
    )
    alias = Paper(id="p2", title="Other", bibkey="other", bibkey_aliases=["VASWANI2017ATTENTIONA"])
    new = Paper(id="p3", title="Attention Again", authors=["A. Vaswani"], date="2017-01-01")
    store.put([held, alias, new])
    bib = export_papers(store, store.papers())
    assert store.get("p3").bibkey == "vaswani2017attentionb"
    taken = [k for p in store.papers() for k in [p.bibkey or "", *p.bibkey_aliases]]
    assert len({fold(k) for k in taken}) == len(taken) == 4
    keys = [p.bibkey or "" for p in store.papers()]
    log, _ = compile_bib(bib, tmp_path, "plain", cite=keys)
    assert "Case mismatch" not in log
    assert_clean(log, "plain")


def test_a_cited_key_finds_its_paper_whatever_its_case() -> None:
    records: dict[str, dict[str, Any]] = {
        "p1": {"bibkey": "dup"},
        "p2": {"bibkey": "x", "bibkey_aliases": ["Alias"]},
    }
    cited = match_keys(records, ["DUP", "dup", "alias", "none"], ["p1", "p2"])
    assert cited.ids == ["p1", "p2"]
    assert cited.keys == {"p1": ["DUP"], "p2": ["alias"]}  # as the document spells them
    assert cited.missing == ["none"]


def test_merging_two_copies_keeps_one_spelling_of_a_key() -> None:
    keep = Paper(id="a", title="T", bibkey="dup", bibkey_aliases=["Other"])
    other = Paper(id="b", title="T", bibkey="DUP", bibkey_aliases=["other", "third"])
    merged = merge_papers(keep, other)
    assert (merged.bibkey, merged.bibkey_aliases) == ("dup", ["Other", "third"])


def test_crossref_finds_its_parent_whatever_the_case() -> None:
    bib = (
        "@inproceedings{child,\n  title = {Child},\n  crossref = {icml2021}\n}\n"
        "@proceedings{ICML2021,\n  title = {Proceedings of ICML},\n  year = {2021}\n}\n"
    )
    (child,) = (r.paper for r in parse_bibtex(bib).records)
    assert child.bibfields["booktitle"] == "Proceedings of ICML"
    assert child.bibfields["year"] == "2021"


def test_an_entry_with_an_empty_key_is_nobody_s_crossref_parent() -> None:
    # No crossref is not `crossref = {}`: the entries around an empty key keep their
    # own fields, and an empty-key volume is still a paper.
    bib = (
        "@article{a,\n  title = {Alpha},\n  journal = {J},\n  year = {2020}\n}\n"
        "@inproceedings{,\n  title = {Empty},\n  booktitle = {Proc. of Things},\n"
        "  publisher = {P},\n  year = {2019}\n}\n"
        "@misc{b,\n  title = {Beta},\n  year = {2022}\n}\n"
    )
    papers = {r.paper.title: r.paper for r in parse_bibtex(bib).records}
    assert papers["Alpha"].bibfields == {"journal": "J", "year": "2020"}
    assert papers["Beta"].bibfields == {"year": "2022"}
    volume = "@proceedings{,\n  title = {A Volume},\n  year = {2019}\n}\n"
    got = [r.paper.title for r in parse_bibtex(volume + "@misc{c,\n  title = {C}\n}\n").records]
    assert got == ["A Volume", "C"]
