"""Choosing a format: `export --format` (and its old name `--style`), `-o`'s suffix,
`[[export.auto]] format`, and auto-export's own mark in each format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.config import load
from readlist.exporters import REGISTRY
from readlist.store import Store
from tests.core.formats_fixture import PAPERS, TITLES, make_library
from tests.core.pandoc import VERBATIM_CSL, citeproc, pandoc


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib.json")


def run(lib: Path, *args: str) -> int:
    return main(["--db", str(lib), *args])


def test_help_lists_every_format_of_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for exporter in REGISTRY.values():
        assert f"{exporter.name}: {exporter.description}" in text
    assert "(.json csl-json, .md markdown), else bibtex" in text


def written_as(text: str) -> str:
    """Which format a file is in."""
    if text.startswith("- **"):
        return "markdown"
    if text.startswith("["):
        assert isinstance(json.loads(text), list)
        return "csl-json"
    if "@online{" in text:
        return "biblatex"
    assert "@misc{" in text
    return "bibtex"


@pytest.mark.parametrize(
    ("args", "name", "expected"),
    [
        (["-o", "refs.json"], "refs.json", "csl-json"),
        (["-o", "notes.MD"], "notes.MD", "markdown"),
        (["-o", "refs.bib"], "refs.bib", "bibtex"),  # bibtex's and biblatex's: the default
        (["-o", "refs.txt"], "refs.txt", "bibtex"),
        (["--format", "markdown", "-o", "refs.json"], "refs.json", "markdown"),  # as told
        (["--style", "csl-json", "-o", "refs.bib"], "refs.bib", "csl-json"),
        (["--format", "biblatex", "-o", "refs.md"], "refs.md", "biblatex"),
    ],
)
def test_the_suffix_picks_a_format_only_when_no_other_has_it(
    lib: Path, tmp_path: Path, args: list[str], name: str, expected: str
) -> None:
    args = [str(tmp_path / a) if a == name else a for a in args]
    assert run(lib, "export", *args) == 0
    assert written_as((tmp_path / name).read_text(encoding="utf-8")) == expected


def test_style_is_the_old_name_of_format(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {}
    for args in (["--format", "biblatex"], ["--style", "biblatex"], ["--style", "bibtex"], []):
        assert run(lib, "export", *args) == 0
        outputs[" ".join(args)] = capsys.readouterr().out
    assert outputs["--format biblatex"] == outputs["--style biblatex"]
    assert outputs["--style bibtex"] == outputs[""] != outputs["--style biblatex"]
    assert run(lib, "export", "--style", "biblatex", "--format", "biblatex") == 0
    capsys.readouterr()
    assert run(lib, "export", "--style", "biblatex", "--format", "csl-json") == 2
    err = capsys.readouterr().err
    assert "--style is the old name of --format" in err
    assert err.count("\n") == 1


def test_config_reads_format_and_style_checked_against_the_registry(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    entries = {
        "new": "format = 'csl-json'",
        "old": "style = 'biblatex'",
        "both": "format = 'markdown'\nstyle = 'markdown'",
        "neither": "",
        "clash": "format = 'markdown'\nstyle = 'bibtex'",
        "unknown": "format = 'ris'",
        "not text": "format = 1",
    }
    config.write_text(
        "".join(f"[[export.auto]]\npath = '{n}.out'\n{v}\n" for n, v in entries.items())
    )
    loaded = load(config, env={})
    assert [(e.path.name, e.format) for e in loaded.auto_exports] == [
        ("new.out", "csl-json"),
        ("old.out", "biblatex"),
        ("both.out", "markdown"),
        ("neither.out", "bibtex"),
    ]
    assert loaded.auto_exports[1].style == "biblatex"  # the old name still reads
    names = "bibtex, biblatex, csl-json or markdown"
    assert [w.split(": ", 1)[1] for w in loaded.warnings] == [
        "[[export.auto]] #5 has both format and style (its old name), ignored",
        f"[[export.auto]] #6 format must be {names}, ignored",
        f"[[export.auto]] #7 format must be {names}, ignored",
    ]


def configure(home: Path, *exports: tuple[Path, str]) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        "".join(f"[[export.auto]]\npath = '{p}'\nformat = '{f}'\n" for p, f in exports)
    )


def test_auto_export_keeps_csl_json_and_markdown_in_step(
    lib: Path, tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs, notes = tmp_path / "refs.json", tmp_path / "reading.md"
    configure(isolated_home, (refs, "csl-json"), (notes, "markdown"))
    assert run(lib, "tag", "pl", "+thesis") == 0
    assert capsys.readouterr().err.splitlines()[-2:] == [
        f"readlist: auto-export: wrote {len(PAPERS)} entries to {refs}",
        f"readlist: auto-export: wrote {len(PAPERS)} entries to {notes}",
    ]
    with Store(lib) as store:
        keys = [p.bibkey or "" for p in store.papers()]
    out, warnings = citeproc(refs, keys, VERBATIM_CSL)  # the mark is invisible to pandoc
    assert warnings == ""
    assert all(TITLES[p.id] in out for p in PAPERS)
    html, _ = pandoc("-f", "commonmark", "-t", "html", str(notes))
    assert html.startswith("<ul>")
    assert html.count("<li>") == len(PAPERS)
    # Its own files are replaced on the next change; a hand-kept one never is.
    assert run(lib, "tag", "pl", "+read-soon") == 0
    assert "#read-soon" in notes.read_text(encoding="utf-8")
    assert any(i.get("keyword") == "thesis, read-soon" for i in json.loads(refs.read_text()))
    capsys.readouterr()
    for path, mine in ((refs, '[{"id": "mine", "type": "book"}]\n'), (notes, "- my list\n")):
        path.write_text(mine)
        assert run(lib, "tag", "pl", "-thesis") == 0
        assert "not written by readlist auto-export" in capsys.readouterr().err
        assert path.read_text() == mine


def test_a_markdown_auto_export_assigns_no_keys(
    lib: Path, tmp_path: Path, isolated_home: Path
) -> None:
    configure(isolated_home, (tmp_path / "reading.md", "markdown"))
    assert run(lib, "tag", "pl", "+thesis") == 0
    assert (tmp_path / "reading.md").exists()
    with Store(lib) as store:
        assert [p.bibkey for p in store.papers()] == [p.bibkey for p in PAPERS]
