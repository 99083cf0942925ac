"""CSL-JSON, read by its real consumer: pandoc --citeproc. Items are checked against
the shapes of the CSL 1.0.2 input schema (csl-data.json), written out here by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from readlist.cli import main
from readlist.store import Store
from tests.core.formats_fixture import PAPERS, TITLES, make_library
from tests.core.pandoc import VERBATIM_CSL, citeproc


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# csl-data.json (CSL 1.0.2), by hand: the item types, and every property by its type.
CSL_TYPES = words(
    "article article-journal article-magazine article-newspaper bill book broadcast chapter "
    "classic collection dataset document entry entry-dictionary entry-encyclopedia figure "
    "graphic hearing interview legal_case legislation manuscript map motion_picture "
    "musical_score pamphlet paper-conference patent performance periodical "
    "personal_communication post post-weblog regulation report review review-book software "
    "song speech standard thesis treaty webpage"
)
NAME_FIELDS = words(
    "author chair collection-editor compiler composer container-author contributor curator "
    "director editor editorial-director executive-producer interviewer illustrator organizer "
    "original-author performer producer recipient reviewed-author translator"
)
DATE_FIELDS = words("accessed available-date container event-date issued original-date submitted")
STRING_FIELDS = words(
    "type language journalAbbreviation shortTitle abstract annote archive archive_collection "
    "archive_location archive-place authority call-number citation-label collection-title "
    "container-title container-title-short dimensions division DOI event event-place genre "
    "ISAN ISBN ISCI ISMN ISRC ISSN ISWC jurisdiction keyword medium note original-publisher "
    "original-publisher-place original-title part-title PMCID PMID publisher publisher-place "
    "references reviewed-title scale section source status title title-short "
    "translated-title translated-title-short URL version year-suffix"
)
STRING_OR_NUMBER = words(
    "id chapter-number citation-number collection-number edition first-reference-note-number "
    "issue locator number number-of-pages number-of-volumes page page-first part printing "
    "supplement volume"
)
NAME_PARTS = words(
    "family given dropping-particle non-dropping-particle suffix comma-suffix static-ordering "
    "literal parse-names"
)


def check_csl(items: Any) -> None:
    """What csl-data.json requires of a file of items."""
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item, dict)
        assert isinstance(item.get("id"), str | int), item
        assert item.get("type") in CSL_TYPES, item
        for key, value in item.items():
            if key in STRING_FIELDS:
                assert isinstance(value, str), (key, value)
            elif key in STRING_OR_NUMBER:
                assert isinstance(value, str | int | float), (key, value)
            elif key in NAME_FIELDS:
                assert isinstance(value, list), (key, value)
                for name in value:
                    assert isinstance(name, dict), name
                    assert set(name) <= NAME_PARTS, name
                    assert all(isinstance(v, str) and v for v in name.values()), name
            elif key in DATE_FIELDS:
                assert set(value) <= {"date-parts", "season", "circa", "literal", "raw", "edtf"}
                parts = value.get("date-parts", [[0]])
                assert isinstance(parts, list), value
                assert 1 <= len(parts) <= 2, value
                assert all(isinstance(p, list) and 1 <= len(p) <= 3 for p in parts), value
                assert all(isinstance(n, int) for p in parts for n in p), value
            else:
                assert key == "custom", (key, value)
                assert isinstance(value, dict), value


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib.json")


def export(lib: Path, out: Path, *args: str) -> list[dict[str, Any]]:
    assert main(["--db", str(lib), "export", "--format", "csl-json", "-o", str(out), *args]) == 0
    items: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    return items


def keys_of(lib: Path) -> dict[str, str]:
    with Store(lib) as store:
        return {p.id: p.bibkey or "" for p in store.papers()}


def test_pandoc_citeproc_finds_every_key_and_prints_every_title(lib: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.json"
    items = export(lib, refs)
    keys = keys_of(lib)
    assert [i["id"] for i in items] == [keys[p.id] for p in PAPERS]
    out, warnings = citeproc(refs, list(keys.values()), VERBATIM_CSL)
    assert warnings == ""  # no "[WARNING] Citeproc: citation x not found", nothing else
    lines = out.splitlines()
    for paper in PAPERS:  # exactly as stored: Unicode, markup and TeX's specials literal
        assert any(line.startswith(TITLES[paper.id] + " | ") for line in lines), paper.title
    assert "Żółć, Łukasz; Brzęczyszczykiewicz, Grzegorz | 05/2023 | 10.1000/xyz(1)_a" in out
    assert "张伟; 李娜 | 2022" in out
    assert "Παπαδόπουλος, Γιώργος; Κωνσταντίνου, Ελένη | 2024" in out
    assert "| OpenAI Team | 2023" in out
    assert "| Tester, A\\B | 03/2024" in out
    # Chicago (pandoc's default) title-cases, so compare without case.
    chicago, warnings = citeproc(refs, list(keys.values()))
    assert warnings == ""
    assert all(paper.title.casefold() in chicago.casefold() for paper in PAPERS)


def test_items_have_the_shapes_the_schema_requires(lib: Path, tmp_path: Path) -> None:
    items = export(lib, tmp_path / "refs.json")
    check_csl(items)
    by_title = {i["title"]: i for i in items}
    preprint = by_title[TITLES["vi"]]
    assert preprint["type"] == "article"
    assert preprint["issued"] == {"date-parts": [[2025, 11, 7]]}  # arXiv's v1 date
    assert (preprint["number"], preprint["publisher"]) == ("arXiv:2511.07399", "arXiv")
    assert preprint["URL"] == "https://arxiv.org/abs/2511.07399"
    assert preprint["keyword"] == "to_read, c#"
    assert preprint["annote"].startswith("Đọc kỹ phần 3.\n\n# not a heading")
    article = by_title[TITLES["pl"]]
    assert article["type"] == "article-journal"
    assert article["container-title"] == "Przegląd *Elektrotechniczny*"
    assert (article["volume"], article["issue"], article["page"]) == ("12", "3", "1-10")
    assert article["issued"] == {"date-parts": [[2023, 5]]}
    assert article["DOI"] == "10.1000/xyz(1)_a"  # the .bib's `\_` undone
    greek = by_title[TITLES["el"]]
    assert greek["type"] == "paper-conference"
    assert greek["container-title"] == "Πρακτικά Συνεδρίου ΕΜΠ"
    assert len(greek["author"]) == 2  # "and others" has no CSL form
    thesis = by_title[TITLES["ja"]]
    assert (thesis["type"], thesis["publisher"], thesis["genre"]) == (
        "thesis",
        "東京大学",
        "PhD thesis",
    )
    assert thesis["author"] == [{"family": "张伟"}, {"family": "李娜"}]
    report = by_title[TITLES["co"]]
    assert (report["type"], report["publisher"], report["number"]) == ("report", "OpenAI", "TR-1")
    assert report["author"] == [{"literal": "OpenAI Team"}]
    book = by_title[TITLES["tx"]]
    assert book["type"] == "book"
    assert book["author"][1] == {
        "family": "Berg",
        "given": "Anna",
        "non-dropping-particle": "van der",
        "suffix": "Jr",
    }
    assert (book["publisher"], book["publisher-place"]) == ("Springer & Co", "Zürich")
    assert by_title[TITLES["ho"]]["author"] == [{"family": "Tester", "given": "A\\B"}]


def test_keys_are_the_bibtex_keys_stored_once(lib: Path, tmp_path: Path) -> None:
    items = export(lib, tmp_path / "refs.json")
    keys = keys_of(lib)  # assigned by the first export, and stored
    assert keys["tx"] == "existing2021key"  # a key once given is kept
    assert main(["--db", str(lib), "export", "-o", str(tmp_path / "refs.bib")]) == 0
    bib = (tmp_path / "refs.bib").read_text()
    assert all(f"{{{key}," in bib for key in keys.values())
    again = tmp_path / "again.json"
    assert export(lib, again) == items
    assert again.read_bytes() == (tmp_path / "refs.json").read_bytes()
    unicode = tmp_path / "unicode.json"
    export(lib, unicode, "--unicode")  # no LaTeX to leave out: the same file
    assert unicode.read_bytes() == again.read_bytes()


def test_a_document_citing_an_alias_finds_it(lib: Path, tmp_path: Path) -> None:
    with Store(lib) as store:
        store.put([store.get("pl").replace(bibkey="zolc2023", bibkey_aliases=["lodz"])])
    refs = tmp_path / "refs.json"
    items = export(lib, refs, "--keys", "lodz,zolc2023")
    assert [i["id"] for i in items] == ["lodz", "zolc2023"]
    out, warnings = citeproc(refs, ["lodz", "zolc2023"], VERBATIM_CSL)
    assert warnings == ""
    assert out.count(TITLES["pl"]) == 2


BIB = r"""@article{tex1,
  title = {The {\TeX}book of {BERT}: {\"U}ber {\L}{\'o}d{\'z}},
  author = {{OpenAI Team} and M{\"u}ller, J{\"o}rg and Nguy{\~{\^e}}n, V{\u{a}}n},
  journal = {J. {\"U}ber \& Co},
  doi = {10.1000/a\_b\%41},
  year = {2020},
  note = {50\% of {X}},
}
"""


def test_latex_from_a_bib_comes_out_as_plain_unicode(tmp_path: Path) -> None:
    lib, bib = tmp_path / "lib.json", tmp_path / "in.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert main(["--db", str(lib), "import", str(bib)]) == 0
    (item,) = export(lib, tmp_path / "refs.json")
    check_csl([item])
    assert item["title"] == "The TeXbook of BERT: Über Łódź"
    assert item["author"] == [
        {"literal": "OpenAI Team"},
        {"family": "Müller", "given": "Jörg"},
        {"family": "Nguyễn", "given": "Văn"},
    ]
    assert item["container-title"] == "J. Über & Co"
    assert item["DOI"] == "10.1000/a_b%41"
    assert item["annote"] == "50% of X"
    out, warnings = citeproc(tmp_path / "refs.json", ["tex1"], VERBATIM_CSL)
    assert warnings == ""
    assert "The TeXbook of BERT: Über Łódź | OpenAI Team; Müller, Jörg; Nguyễn, Văn" in out
