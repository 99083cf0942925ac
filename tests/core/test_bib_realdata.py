"""Real-data .bib findings (braced names, sorting hints, initials, math, stray
accents); each fails without its fix. Fixtures are in tests/fixtures/review/."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from readlist.bibtex import Options
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.latex import decoder as latex_decoder
from readlist.store import Store
from tests.conftest import AS_OF, NOW
from tests.core.bibcheck import assert_clean, compile_bib
from tests.core.pandoc import VERBATIM_CSL, citeproc
from tests.core.review_bibs import bib_of, load, titled


def test_an_accent_with_nothing_after_it_is_dropped_and_the_entry_imports(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """pylatexenc gives an accent at a field's end no argument; the decoder read it
    anyway ('NoneType' object has no attribute 'argnlist') and the entry was lost."""
    with caplog.at_level(logging.DEBUG):
        report = load(store, "dangling_accent.bib")
    assert report == ["dangling_accent.bib: 1 added"]
    assert "argnlist" not in caplog.text
    (paper,) = store.papers()
    assert paper.title == "A Title That Ends With a Tilde"
    assert paper.authors == ["Thị Nguyễn", "Łukasz Kaiser"]
    assert paper.bibfields["journal"] == "Tạp chí"
    assert paper.abstract == "The last word is"


def test_sorting_hints_are_left_out_of_the_text_and_the_import_says_so(
    store: Store, tmp_path: Path
) -> None:
    report = load(store, "sorting_hints.bib")
    assert report == [
        "sorting_hints.bib: 3 added, 1 warning",
        r"sorting hints (\SortNoop, \noopsort, \sortfirst) left out of the text of"
        " hinted, preamble",
    ]
    papers = titled(store)
    assert sorted(papers) == ["No Hints Here", "Second Volume of Results", "Łódź and the Vistula"]
    hinted = papers["Łódź and the Vistula"]
    assert hinted.authors == ["Małgorzata Kowalska", "Văn Nguyễn"]
    assert hinted.title_protect == ["Vistula"]
    assert hinted.bibfields["journal"] == "Przegląd Statystyczny"
    assert papers["Second Volume of Results"].authors == ["Thị Hồng Trần"]
    for style in ("plain", "biblatex"):
        bib = bib_of(store, style)
        assert "sort" not in bib.lower()
        assert "noop" not in bib.lower()
        work = tmp_path / style
        work.mkdir()
        log, _ = compile_bib(bib, work, style)
        assert_clean(log, style)


MATH_TITLES = {
    "bigo": "An O(n²) Algorithm for α-GAN Training",
    "logn": "Sorting in O(n log n) with xᵢ₊₁² Keys",
    "dollars": "Costs Rose From $5 to $10",
}


@pytest.mark.parametrize("style", ["plain", "biblatex"])
def test_title_math_is_text_in_csl_json_and_stays_math_in_bibtex(
    style: str, store: Store, tmp_path: Path
) -> None:
    load(store, "math_titles.bib")
    csl = json.loads(export_papers(store, store.papers(), Options(format="csl-json")))
    assert {item["id"]: item["title"] for item in csl} == MATH_TITLES
    out, warnings = citeproc_json(csl, tmp_path)
    assert warnings == ""
    for title in MATH_TITLES.values():
        assert title in out
    bib = bib_of(store, style)
    assert r"title = {An {$O(n^2)$} Algorithm for {$\alpha$}-{GAN} Training}" in bib
    assert r"{$O(n \log n)$} with {$x_{i+1}^{2}$} Keys" in bib
    assert r"Costs Rose From \$5 to \$10" in bib
    log, _ = compile_bib(bib, tmp_path, style)
    assert_clean(log, style)


def citeproc_json(items: list[dict[str, object]], tmp_path: Path) -> tuple[str, str]:
    refs = tmp_path / "refs.json"
    refs.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return citeproc(refs, [str(i["id"]) for i in items], VERBATIM_CSL)


# Each author's family name and the initials biblatex's giveninits prints for the
# given name, as the .bbl writes them (biber's Unicode; T1 has every letter).
INITIALS = {
    "Khai": "N.T.M.",
    "Trần": "T.M.",
    "Ễn Trần": "Ê.",
    "Nguyễn": "V.Ă.",
    "Dupont": "É.",
    "Kowalski": "Ł.",
    "Popescu": "Ș.",
    "Châu": "N.B.",
    "Serre": "J.-P.",
    "Ặu": "J.-É.",
}


@pytest.mark.parametrize("option", ["giveninits=true", "firstinits=true"])
def test_given_initials_are_the_names_letters_and_compile_clean(
    option: str, store: Store, tmp_path: Path
) -> None:
    """biber took an initial from LaTeX it could not decode: Nguyễn was "N. \\." (its
    "~{" split the word), Ặng was "d." (from \\a{d}); such names are written in
    biblatex's extended name format with their initials (given-i) spelled out."""
    load(store, "initials.bib")
    (paper,) = store.papers()
    assert paper.authors[:3] == ["Nguyễn Thị Minh Khai", "Thị Mỹ Trần", "Ễn Trần"]
    bib = export_papers(store, store.papers(), Options(style="biblatex"))
    assert bib.isascii()
    log, pdf = compile_bib(bib, tmp_path, "biblatex", options=option)
    # biblatex's own word on the old name, not about the data.
    log = log.replace("Package biblatex Warning: 'firstinits' option is deprecated.", "")
    assert_clean(log, "biblatex")
    assert pdf.exists()
    assert bbl_initials((tmp_path / "doc.bbl").read_text(encoding="utf-8")) == INITIALS
    with Store(tmp_path / "again.json") as again:  # the extended names read back
        import_texts(again, [("refs.bib", bib)], AS_OF, now=NOW)
        (back,) = again.papers()
    assert back.authors == [a.replace("Bảo", "Bao") for a in paper.authors]  # T1 has no ả


def bbl_initials(bbl: str) -> dict[str, str]:
    """family (with the given name when two share one) -> its given name's initials."""
    out: dict[str, str] = {}
    for block in re.findall(
        r"family=\{(.*?)\},.*?given=\{(.*?)\},\s*giveni=\{(.*?)\}\}", bbl, re.S
    ):
        family, given, initials = block
        family = latex_decoder().latex_to_text(family)
        given = latex_decoder().latex_to_text(given.replace("\\bibnamedelima", " "))
        initials = re.sub(r"\\bibinit(period|delim|hyphendelim) ?", _init, initials)
        key = (
            f"{given} {family}" if family in out or (family == "Trần" and "Ễ" in given) else family
        )
        out[key] = initials
    return out


def _init(m: re.Match[str]) -> str:
    return {"period": ".", "delim": "", "hyphendelim": ".-"}[m.group(1)]


@pytest.mark.parametrize("style", ["plain", "biblatex"])
def test_a_braced_name_is_one_name_kept_braced_and_shown_without_braces(
    style: str, store: Store, tmp_path: Path
) -> None:
    """`and` inside braces does not split; {von Neumann} is one family name (not von
    + Neumann), written back braced so bibtex and biber read it the same."""
    load(store, "braced_names.bib")
    papers = titled(store)
    assert papers["Corporate Authors"].authors == [
        "{Barnes and Noble}",
        "{The LLaMA Team}",
        "Zofia Wiśniewska",
    ]
    assert papers["Grouped Family Names"].authors == ["John {von Neumann}", "Văn Thành Nguyễn"]
    bib = bib_of(store, style)
    assert "{Barnes and Noble} and {The LLaMA Team} and" in bib
    assert "John {von Neumann} and" in bib
    log, _ = compile_bib(bib, tmp_path, style)
    assert_clean(log, style)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    if style == "biblatex":
        assert "family={{von Neumann}}" in bbl
        assert "family={{Barnes and Noble}}" in bbl
    else:
        assert "John {von Neumann}" in bbl
    csl = json.loads(export_papers(store, store.papers(), Options(format="csl-json")))
    names = [n for item in csl for n in item["author"]]
    assert {"literal": "Barnes and Noble"} in names
    assert {"family": "von Neumann", "given": "John"} in names
    md = export_papers(store, store.papers(), Options(format="markdown"))
    assert "John von Neumann and Văn Thành Nguyễn" in md
    assert "Barnes and Noble, The LLaMA Team and Zofia Wiśniewska" in md


ALPHA_LABELS = {
    "alpha": [
        "BTW20",
        "Doe20",
        "KN22",
        "KTT{\\etalchar{+}}20",
        "vN21",
        "{\\.Z}{\\'o}{\\l}18",
        "{\\.Z}{\\'o}{\\l}21",
        "{\\d{\\u{A}}}N19",
    ],
    "biblatex": ["BTW20", "Doe20", "Kha+20", "KN22", "vN21", "Żół18", "Żół21", "ĂN19"],
}


def alpha_labels(style: str, store: Store, tmp_path: Path) -> list[str]:
    for name in ("braced_names.bib", "initials.bib", "math_titles.bib", "alpha_names.bib"):
        load(store, name)
    bib = export_papers(store, store.papers(), Options(style=style.replace("alpha", "bibtex")))
    log, _ = compile_bib(bib, tmp_path, style, options="style=alphabetic,giveninits=true")
    assert_clean(log, style)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    pattern = r"\\bibitem\[(.*?)\]" if style == "alpha" else r"labelalpha\}\{(.*?)\}"
    return sorted(re.findall(pattern, bbl))


@pytest.mark.parametrize("style", ["alpha", "biblatex"])
def test_alpha_labels_compile_clean_for_von_braced_and_accented_names(
    style: str, store: Store, tmp_path: Path
) -> None:
    """bibtex's alpha.bst and biblatex's style=alphabetic build labels from the names:
    a von part, a braced name, accents (Żółkiewski, Ặu) and extended names all label,
    with 0 warnings."""
    assert alpha_labels(style, store, tmp_path) == sorted(ALPHA_LABELS[style])


def test_biblatex_labels_a_family_name_that_starts_with_a_stacked_accent_by_its_letter(
    store: Store, tmp_path: Path
) -> None:
    """Ặu was labelled by the d of {\\a{d}{\\a{u}{A\\relax}}}u: biber keeps every letter
    left once it takes out macros and symbols. Written {\\a{^^$}{\\u{A}}}u, it is Ă."""
    labels = alpha_labels("biblatex", store, tmp_path)
    assert "ĂN19" in labels
    assert "dN19" not in labels
