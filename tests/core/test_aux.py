"""`export --aux` / `--keys` / `--strict`: exactly what a document cites."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from readlist.citations import AuxPart, parse_aux, read_aux
from readlist.cli import main
from readlist.store import Store
from tests.conftest import SEEDS, write_unchecked
from tests.core.bibcheck import assert_clean, parse

KEYS = ("alpha", "beta", "gamma", "delta")


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The seed library; its first four papers hold the keys in KEYS."""
    path = tmp_path / "lib.json"
    assert main(["--db", str(path), "import", str(SEEDS)]) == 0
    capsys.readouterr()
    with Store(path) as store:
        first = store.papers()[:4]
        store.put(p.replace(bibkey=k) for p, k in zip(first, KEYS, strict=True))
    return path


def keys_of(text: str) -> list[str]:
    return list(parse(text))


def test_bibtex_biblatex_and_old_biblatex_forms() -> None:
    text = (
        "\\relax\n\\citation{b,a}\n\\citation{ c , b}\n"
        "\\abx@aux@cite{0}{d}\n\\abx@aux@segm{0}{0}{d}\n\\abx@aux@cite{e}\n"
        "\\abx@aux@cite{1}{f{x}}\n\\@input{ch1.aux}\n\\bibdata{refs}\n\\citation{broken"
    )
    first, last = parse_aux(text)
    assert first == AuxPart(["b", "a", "c", "b", "d", "e"], "ch1.aux")
    assert last == AuxPart([], None, 2)  # `{f{x}}` holds a brace; `{broken` never closes


def test_nested_inputs_in_order_of_first_citation_and_cycles(tmp_path: Path) -> None:
    (tmp_path / "ch").mkdir()
    (tmp_path / "main.aux").write_text(
        "\\citation{a}\n\\@input{ch/one.aux}\n\\citation{z,a}\n\\@input{missing.aux}\n"
    )
    # LaTeX names nested files relative to where it ran: the main .aux's directory.
    (tmp_path / "ch" / "one.aux").write_text("\\citation{b}\\@input{main.aux}\\@input{ch/one.aux}")
    assert read_aux(tmp_path / "main.aux").keys == ["a", "b", "z"]


def test_real_latex_aux_with_include(lib: Path, tmp_path: Path) -> None:
    """pdflatex writes the .aux; the export of it is exactly what bibtex then wants."""
    if shutil.which("pdflatex") is None:
        pytest.fail("pdflatex missing: install texlive-latex-base")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\n\\cite{beta,alpha}\n"
        "\\include{chapter}\n\\nocite{gamma}\\cite{beta}\n"
        "\\bibliographystyle{plain}\\bibliography{refs}\n\\end{document}\n"
    )
    (tmp_path / "chapter.tex").write_text("In a chapter \\cite{delta}.\n")
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert "\\@input{chapter.aux}" in (tmp_path / "doc.aux").read_text()
    assert read_aux(tmp_path / "doc.aux").keys == ["beta", "alpha", "delta", "gamma"]
    refs = tmp_path / "refs.bib"
    assert (
        main(["--db", str(lib), "export", "--aux", str(tmp_path / "doc.aux"), "-o", str(refs)]) == 0
    )
    assert keys_of(refs.read_text()) == ["beta", "alpha", "delta", "gamma"]
    subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, timeout=120, check=False)
    log = (tmp_path / "doc.blg").read_text()
    assert "Warning" not in log
    assert "error" not in log.lower()
    assert (tmp_path / "doc.bbl").read_text().count("\\bibitem") == 4


def test_export_aux_writes_cited_papers_in_citation_order(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aux = tmp_path / "paper.aux"
    aux.write_text("\\citation{gamma,alpha}\n\\abx@aux@cite{0}{gamma}\n\\abx@aux@cite{0}{beta}\n")
    out = tmp_path / "refs.bib"
    assert main(["--db", str(lib), "export", "--aux", str(aux), "-o", str(out)]) == 0
    assert capsys.readouterr().err == f"exported 3 entries to {out}\n"
    assert keys_of(out.read_text()) == ["gamma", "alpha", "beta"]


def test_unknown_keys_are_listed_and_exit_zero(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aux = tmp_path / "paper.aux"
    aux.write_text("\\citation{nope1,alpha}\\citation{nope2,nope\x1b[31m3}")
    assert main(["--db", str(lib), "export", "--aux", str(aux)]) == 0
    out, err = capsys.readouterr()
    assert keys_of(out) == ["alpha"]
    assert err.splitlines()[:2] == [  # a key BibTeX cannot use is never looked up
        "readlist: warning: 1 key in the .aux is not a valid BibTeX key, ignored: nope?[31m3",
        "readlist: 2 cited keys not in the library: nope1, nope2",
    ]
    assert "\x1b" not in err


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"bibkey": 42}, "1 cited key not in the library: ok"),
        ({"bibkey": ["a"]}, "1 cited key not in the library: ok"),
        ({"bibkey_aliases": 5}, "1 cited key not in the library: ok"),
        ({"bibkey_aliases": ["ok", 7]}, "not exported ({})"),  # the paper is cited
    ],
    ids=["key", "list", "aliases", "alias"],
)
def test_a_key_that_is_not_text_after_a_hand_edit_is_named_never_a_crash(
    lib: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fields: dict[str, object],
    said: str,
) -> None:
    with Store(lib) as store:
        fifth = store.papers()[4]
    write_unchecked(lib, {fifth.id: fifth.to_doc() | fields})
    aux = tmp_path / "paper.aux"
    aux.write_text("\\citation{beta,alpha,ok}")
    for how in (["--keys", "beta,alpha,ok"], ["--aux", str(aux)]):
        assert main(["--db", str(lib), "export", *how]) == 0, how
        out, err = capsys.readouterr()
        assert keys_of(out) == ["beta", "alpha"], how
        assert "internal error" not in err
        assert said.format(fifth.id) in err, err
    # the other papers get their keys (a key that is not text takes none) and export
    assert main(["--db", str(lib), "export", "-o", str(tmp_path / "all.bib")]) == 0
    assert f"not exported ({fifth.id})" in capsys.readouterr().err
    assert len(keys_of((tmp_path / "all.bib").read_text())) == 253
    bib = tmp_path / "in.bib"
    bib.write_text("@misc{alpha,\n  title = {Quite Another Paper},\n  year = {2020}\n}\n")
    assert main(["--db", str(lib), "import", str(bib)]) == 0
    assert "stored as alphaa" in capsys.readouterr().out


def test_strict_writes_nothing_and_exits_one(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("keep me\n")
    argv = ["--db", str(lib), "export", "--keys", "alpha,nope", "--strict", "-o", str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err == (
        "readlist: error: 1 cited key not in the library: nope (--strict: nothing exported)\n"
    )
    assert out.read_text() == "keep me\n"
    assert main(["--db", str(lib), "export", "--keys", "alpha,beta", "--strict"]) == 0
    assert keys_of(capsys.readouterr().out) == ["alpha", "beta"]


def test_keys_list_and_star_means_everything(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(lib), "export", "--keys", "delta, beta,delta"]) == 0
    assert keys_of(capsys.readouterr().out) == ["delta", "beta"]
    assert main(["--db", str(lib), "export", "--keys", "beta,*"]) == 0
    everything = keys_of(capsys.readouterr().out)
    assert len(everything) == 254
    assert everything[0] == "beta"  # cited first, then the rest of the library


def test_no_known_key_exports_nothing(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aux = tmp_path / "paper.aux"
    aux.write_text("\\citation{nope}")
    assert main(["--db", str(lib), "export", "--aux", str(aux)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "readlist: 1 cited key not in the library: nope",
        "readlist: error: no papers match; nothing exported",
    ]


def test_bad_arguments_are_one_line_errors(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(lib), "export", "--aux", str(tmp_path / "none.aux")]) == 1
    assert (
        capsys.readouterr().err == f"readlist: error: {tmp_path / 'none.aux'}: no such .aux file\n"
    )
    assert main(["--db", str(lib), "export", "--strict"]) == 2
    assert "--strict goes with --aux or --keys" in capsys.readouterr().err
    assert main(["--db", str(lib), "export", "--keys", " , "]) == 2
    assert "--keys needs at least one key" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(lib), "export", "--keys", "a", "--aux", "x.aux"])
    assert exit_.value.code == 2
    assert main(["--db", str(lib), "export", "--aux", str(tmp_path)]) == 1
    assert "not a regular file (a directory)" in capsys.readouterr().err


def test_output_never_replaces_the_library(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = lib.read_bytes()
    assert main(["--db", str(lib), "export", "--keys", "alpha", "-o", str(lib)]) == 1
    assert "that is a file of the library" in capsys.readouterr().err
    assert lib.read_bytes() == before


@pytest.fixture
def aliased(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A library of one paper imported twice (DBLP, then Zotero): key `dblp`, alias `zot`."""
    bib = tmp_path / "in.bib"
    bib.write_text(
        '@article{dblp,\n  author = {Robin Rombach and Bj{\\"o}rn Ommer},\n'
        "  title = {High-Resolution Image Synthesis with Latent Diffusion Models},\n"
        "  journal = {CoRR},\n  volume = {abs/2112.10752},\n  year = {2021}\n}\n"
        '@inproceedings{zot,\n  author = {Rombach, Robin and Ommer, Bj{\\"o}rn},\n'
        "  title = {High-Resolution Image Synthesis With Latent Diffusion Models},\n"
        "  booktitle = {CVPR},\n  year = {2022}\n}\n"
    )
    path = tmp_path / "lib.json"
    assert main(["--db", str(path), "import", str(bib)]) == 0
    capsys.readouterr()
    with Store(path) as store:
        (paper,) = store.papers()
        assert (paper.bibkey, paper.bibkey_aliases) == ("dblp", ["zot"])
    return path


def test_a_cited_alias_is_written_under_the_cited_key(
    aliased: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(aliased), "export", "--keys", "zot"]) == 0
    out, err = capsys.readouterr()
    assert keys_of(out) == ["zot"]
    assert parse(out)["zot"]["journal"] == "CoRR"  # the paper's own record
    assert err == "exported 1 entry to stdout\n"
    # Plain export: the paper once, under its stored key.
    assert main(["--db", str(aliased), "export"]) == 0
    assert keys_of(capsys.readouterr().out) == ["dblp"]


def test_aux_citing_key_and_alias_writes_both_and_bibtex_is_clean(
    aliased: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document citing the paper by both keys compiles: bibtex finds an entry for each."""
    doc = tmp_path / "doc"
    doc.mkdir()
    (doc / "doc.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\nSee \\cite{zot} and \\cite{dblp}.\n"
        "\\bibliographystyle{plain}\\bibliography{refs}\n\\end{document}\n"
    )

    def latex() -> None:
        subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "doc.tex"],
            cwd=doc,
            capture_output=True,
            timeout=120,
            check=False,
        )

    latex()
    refs = doc / "refs.bib"
    args = ["--db", str(aliased), "export", "--aux", str(doc / "doc.aux"), "-o", str(refs)]
    assert main(args) == 0
    assert capsys.readouterr().err == f"exported 2 entries to {refs}\n"
    assert keys_of(refs.read_text()) == ["zot", "dblp"]
    subprocess.run(["bibtex", "doc"], cwd=doc, capture_output=True, timeout=120, check=False)
    assert_clean((doc / "doc.blg").read_text(), "plain")
    latex()
    latex()
    log = (doc / "doc.log").read_text(errors="replace")
    assert "undefined" not in log, log
    assert (doc / "doc.bbl").read_text().count("\\bibitem") == 2
