"""Every Latin letter compiles under pdflatex with T1: stacked accents from the
decomposition, T1's own letters, the closest ASCII for the rest; never raw UTF-8."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from anyascii import anyascii

from readlist.bibtex import Options, render
from readlist.bibtex_in import parse_bibtex
from readlist.cli import main
from readlist.model import Paper
from readlist.texencode import Encoder
from tests.core.bibcheck import assert_clean, compile_bib

BLOCKS = [(0xC0, 0xFF), (0x100, 0x17F), (0x180, 0x24F), (0x1E00, 0x1EFF)]
LETTERS = [
    chr(c) for a, b in BLOCKS for c in range(a, b + 1) if unicodedata.category(chr(c))[0] == "L"
]
# The accents T1 typesets (README, Export): grave acute circumflex tilde macron breve
# dot diaeresis ring double-acute caron, and below: dot comma cedilla ogonek macron.
T1_MARKS = {0x300, 0x301, 0x302, 0x303, 0x304, 0x306, 0x307, 0x308, 0x30A, 0x30B, 0x30C}
T1_MARKS |= {0x323, 0x326, 0x327, 0x328, 0x331}
# Letters without a decomposition that T1 has a glyph for.
T1_LETTERS = set("øØłŁđĐðÐßẞæÆœŒþÞŋŊĳĲıȷħĦƒ")
STYLES = [Options(style="bibtex"), Options(style="biblatex")]


def shown(ch: str, biblatex: bool) -> str:
    """What a letter is written as, read back: itself where T1 can show it; else the
    letter with the accents T1 has (ơ -> o, ẩ -> â), else anyascii's ASCII."""
    if biblatex and ch in "Ħħ":
        return ch.translate({ord("Ħ"): "H", ord("ħ"): "h"})
    if biblatex and ch == "ẞ":
        return "SS"
    if ch in T1_LETTERS or unicodedata.category(ch)[0] != "L":  # ŀ is l and a middle dot
        return ch
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if not marks:
        compat = unicodedata.normalize("NFKD", ch)
        if compat == ch:
            return _ascii(ch)
        clusters = re.findall("[^\u0300-\u036f][\u0300-\u036f]*", compat)
        return "".join(shown(unicodedata.normalize("NFC", c), biblatex) for c in clusters)
    if not (base.isascii() or base in T1_LETTERS or unicodedata.normalize("NFKD", base).isascii()):
        return _ascii(ch)
    base = base if base.isascii() or base in T1_LETTERS else unicodedata.normalize("NFKD", base)
    return unicodedata.normalize("NFC", base + "".join(m for m in marks if ord(m) in T1_MARKS))


def _ascii(ch: str) -> str:
    """anyascii's transliteration without what TeX would read as markup, or "?"."""
    return re.sub(r"[^A-Za-z0-9 '.,:;!?()/+*=-]", "", anyascii(ch)) or "?"


def test_every_latin_letter_is_ascii_latex() -> None:
    assert len(LETTERS) == 654
    for biber in (False, True):
        enc = Encoder(biber=biber)
        for ch in LETTERS:
            tex = enc.text(ch)
            assert tex.isascii(), (ch, tex)
            assert tex, ch
            # one BibTeX "special character" (or plain letters), so names split right
            assert not tex.startswith("\\"), (ch, tex)


def test_stacked_accents_are_written_from_the_decomposition() -> None:
    bibtex, biblatex = Encoder(), Encoder(biber=True)
    assert bibtex.text("ễ") == r"{\~{\^{e}}}"
    assert bibtex.text("ặ") == r"{\d{\u{a}}}"
    assert bibtex.text("Nguyễn Văn") == r"Nguy{\~{\^{e}}}n V{\u{a}}n"
    assert bibtex.text("ọ é ü í") == r"{\d{o}} {\'e} {\"u} {\'{i}}"
    assert bibtex.text("Ș ø Ǿ ł") == r"{\textcommabelow{S}} {\o} {\'{\O}} {\l}"
    # T1 has no horn and no hook above: the letter keeps the accents it does have.
    assert bibtex.text("Trường ả ẩ") == r"Tru{\`o}ng a {\^a}"
    # biber decodes an accent on a lone letter to Unicode pdflatex cannot typeset
    # (ọ) and mangles nested ones; these shapes reach LaTeX as written.
    # The outermost \d is \a{^^$}, so that biber's labels do not read its letter (d);
    # under it, the T1 letter biber decodes (ă).
    assert biblatex.text("ễ ặ ọ") == r"{\~{\^{e\relax}}} {\a{^^$}{\u{a}}} {\a{^^$}{o\relax}}"
    # letters LaTeX has in Unicode stay as biber can read them
    assert biblatex.text("é ă Ș") == bibtex.text("é ă Ș")


def test_names_bibtex_would_misread_are_written_last_first() -> None:
    """BibTeX takes a word's case from the first letter after a special character's
    first command: the u of {\\d{\\u{A}}}ng. Such a name is written Last, First."""
    enc = Encoder()
    assert enc.name("Văn Ặng Nguyễn") == r"Nguy{\~{\^{e}}}n, V{\u{a}}n {\d{\u{A}}}ng"
    assert enc.name("Ǻse de la Ặng") == r"de la {\d{\u{A}}}ng, {\'{\r{A}}}se"
    # names BibTeX reads right are written as before
    assert enc.name("Ọanh Trường") == r"{\d{O}}anh Tru{\`o}ng"
    assert enc.name("Ann van der Berg") == "Ann van der Berg"
    assert enc.name("Ægir ßmith Østergård") == r"{\AE}gir {\ss}mith {\O}sterg{\r{a}}rd"
    # biber takes the initial of {\a{d}...} as "d": biblatex's extended name format
    # says it (see tests/core/test_bib_realdata.py); not with an "=" (\=), which it
    # would cut the name at
    biber = Encoder(biber=True)
    assert biber.name("Ọanh Trường") == r"family=Tru{\`o}ng, given={\a{^^$}{O\relax}}anh, given-i=O"
    # (there biber takes the initial from the LaTeX: \a{d}, not \a{^^$}, which gave "^^")
    assert biber.name("Ḹanh Trường") == r"Tru{\`o}ng, {\a{d}{\={L\relax}}}anh"


@pytest.mark.slow
def test_a_stacked_accent_in_a_name_biber_reads_as_written_compiles(tmp_path: Path) -> None:
    """Đặng, Ặnh Müller: names biber reads as written (not the extended format), so the
    outer \\d is \\a{d}; what is under it stays opaque to biber ({\\u{a}\\relax}), or
    biber writes \\a{d}ă and pdflatex stops on half a UTF-8 letter."""
    biber = Encoder(biber=True)
    assert biber.name("Minh Đặng") == r"Minh {\DJ}{\a{d}{\u{a}\relax}}ng"
    authors = ["Minh Đặng", "Ặnh Müller", "Bảo Ặu", "Văn Ặnh Nguyễn"]
    paper = Paper(id="a", title="T", authors=authors, date="2022", bibkey="k")
    bib = render([paper], Options(style="biblatex"))
    blg, pdf = compile_bib(bib, tmp_path, "biblatex", options="style=alphabetic")
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert not re.findall(r"^!.*", log, re.M), log[-3000:]
    assert pdf.exists()
    assert_clean(blg, "biblatex")


@pytest.mark.parametrize("options", STYLES, ids=lambda o: o.style)
def test_letters_read_back_by_the_import(options: Options) -> None:
    """Export, then readlist's own BibTeX import: the same letter wherever T1 has it,
    else exactly the documented stand-in."""
    biblatex = options.style == "biblatex"
    papers = [
        Paper(id=str(i), title=f"T {ch}", authors=[f"X{ch}x Y{ch}y"], bibkey=f"k{i}")
        for i, ch in enumerate(LETTERS)
    ]
    back = {r.key: r.paper for r in parse_bibtex(render(papers, options)).records}
    lossy = []
    for i, ch in enumerate(LETTERS):
        want = shown(ch, biblatex)
        assert back[f"k{i}"].title == f"T {want}", ch
        assert back[f"k{i}"].authors == [f"X{want}x Y{want}y"], ch
        lossy += [ch] if want != ch else []
    # the letters T1 cannot show are the ones the README lists, and no more
    assert len(lossy) == (230 if biblatex else 227)
    assert {"ơ", "ư", "ả", "ẩ", "ȁ", "ǃ", "ĸ", "ſ"} <= set(lossy)


def _letters_bib() -> str:
    """Every letter in a given name's initial, a surname, a title and a note, a slice
    per entry; then Greek, Cyrillic and CJK names among ordinary ones."""
    entries = []
    for n, i in enumerate(range(0, len(LETTERS), 24)):
        chunk = LETTERS[i : i + 24]
        authors = " and ".join(f"Gu{ch}n, {ch}mile Jo" for ch in chunk)
        title = " ".join(chunk)
        entries.append(
            f"@article{{l{n},\n  author = {{{authors}}},\n  title = {{Letters {title}}},\n"
            f"  journal = {{J}},\n  year = {{2024}},\n  eprint = {{2401.{n:05d}}},\n"
            f"  archiveprefix = {{arXiv}},\n  note = {{N {''.join(chunk)}}}\n}}\n"
        )
    entries.append(
        "@article{vi,\n  author = {Nguyễn, Văn Ặng and Ọanh Trường and Ǻse Ǿrsted},\n"
        "  title = {Vietnamese}, journal = {J}, year = {2024}\n}\n"
        "@article{world,\n  author = {Παπαδόπουλος, Γιώργος and Гагарин, Юрий and 张伟"
        " and Doe, Jane},\n  title = {Names in other scripts}, journal = {J}, year = {2024}\n}\n"
    )
    return "\n".join(entries)


@pytest.mark.slow
@pytest.mark.parametrize("style", ["plain", "plainnat", "abbrvnat", "biblatex"])
def test_every_letter_compiles(
    style: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib, source, out = tmp_path / "lib.json", tmp_path / "in.bib", tmp_path / "out.bib"
    source.write_text(_letters_bib(), encoding="utf-8")
    assert main(["--db", str(lib), "import", str(source)]) == 0
    flavour = "biblatex" if style == "biblatex" else "bibtex"
    assert main(["--db", str(lib), "export", "--style", flavour, "-o", str(out)]) == 0
    bib = out.read_text(encoding="utf-8")
    assert bib.isascii()
    assert "Yuriy Gagarin" in bib
    assert "ZhangWei" in bib  # a CJK name has no spaces
    work = tmp_path / "tex"
    work.mkdir()
    blg, pdf = compile_bib(bib, work, style)
    log = (work / "doc.log").read_text(errors="replace")
    assert pdf.exists()
    assert not re.findall(r"^!.*", log, re.M), log[-3000:]
    assert "Unicode character" not in log
    assert_clean(blg, style)
    bbl = (work / "doc.bbl").read_text(encoding="utf-8")
    if style == "abbrvnat":  # abbreviated given names keep their accents
        assert r"V.~{\d{\u{A}}}. Nguy{\~{\^{e}}}n" in bbl
        assert r"{\d{O}}.~Tru{\`o}ng" in bbl
        assert r"{\'{\r{A}}}.~{\'{\O}}rsted" in bbl
    if style == "biblatex":
        assert r"family={Nguy{\~{\^{e\relax}}}n}" in bbl
        assert r"given={Văn\bibnamedelima {\a{^^$}{Ă}}ng}" in bbl
