"""One schema at the border: what a backup, an import or a hand-edited library may hold.

Tampered backups are refused whole, with one line naming the paper and the field, and
the library is unchanged (by hash). A library that already holds a bad value (written
by hand, or by an older readlist) still opens, lists, checks and exports the rest; a
key that would close its BibTeX entry never reaches a .bib, which real pdflatex proves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from readlist.cli import main
from readlist.model import Paper
from readlist.schema import problem
from readlist.store import Store
from tests.conftest import SEEDS, write_unchecked
from tests.core.test_bad_input import fingerprint

SEED = SEEDS / "004_097c14f588d18b51.txt"
INJECTION = "x,\n title={\\input{/etc/passwd}}"
SECRET = Path("/etc/passwd").read_text().split(":")[0] + ":x:0:0"  # "root:x:0:0"

Tamper = Callable[[dict[str, dict[str, Any]]], None]


def _first(docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return next(iter(docs.values()))


def _set(field: str, value: Any) -> Tamper:
    def tamper(docs: dict[str, dict[str, Any]]) -> None:
        _first(docs)[field] = value

    return tamper


def _same_key(docs: dict[str, dict[str, Any]]) -> None:
    for doc in docs.values():
        doc["bibkey"] = "same2025"


def _keys_differing_in_case(docs: dict[str, dict[str, Any]]) -> None:
    a, b = list(docs.values())[:2]
    a["bibkey"], b["bibkey"] = "dup", "DUP"


def _bad_id(docs: dict[str, dict[str, Any]]) -> None:
    docs["../../etc/x"] = docs.pop(next(iter(docs)))


def _source(value: Any) -> Tamper:
    def tamper(docs: dict[str, dict[str, Any]]) -> None:
        _first(docs)["sources"] = [value]

    return tamper


# kind -> (tamper, what the one line says)
BACKUPS: dict[str, tuple[Tamper, str]] = {
    "key injects TeX": (_set("bibkey", INJECTION), "bibkey: not a valid BibTeX key"),
    "alias injects TeX": (_set("bibkey_aliases", [INJECTION]), "bibkey_aliases[0]: not a valid"),
    "key with a trailing newline": (_set("bibkey", "x2025\n"), "bibkey: not a valid BibTeX key"),
    "key with a brace": (_set("bibkey", "x}2025"), "bibkey: not a valid BibTeX key"),
    "integer key": (_set("bibkey", 2025), "bibkey: expected `str | null`, got `int`"),
    "authors an int": (_set("authors", 7), "authors: expected `array`, got `int`"),
    "an author an int": (_set("authors", ["A", 7]), "authors[1]: expected `str`, got `int`"),
    "empty author": (_set("authors", [""]), "authors[0]: expected `str` of length >= 1"),
    "garbage date": (_set("date", "garbage-xx"), "date: not a valid value"),
    "impossible date": (_set("date", "2025-99-99"), "date: not a real date"),
    "impossible published": (_set("published", "2025-02-30"), "published: not a real date"),
    "garbage added": (_set("added", "yesterday"), "added: not a date-time"),
    "garbage read_at": (_set("read_at", "soon"), "read_at: not a date-time"),
    "title brace span not in title": (
        _set("title_protect", ["Nonexistent"]),
        "title_protect: 'Nonexistent' is not part of the title",
    ),
    "title brace span unbalanced": (_set("title_protect", ["{"]), "title_protect"),
    "bibfield unbalanced": (_set("bibfields", {"note": "a}b"}), "bibfields: note: unbalanced"),
    "bibfield name with a space": (
        _set("bibfields", {"x y": "1"}),
        "bibfields: a key is not a valid BibTeX field name",
    ),
    "every paper with the same key": (_same_key, "is also the key of paper"),
    "keys differing only in case": (_keys_differing_in_case, "'DUP' is also the key of paper"),
    "a 5000-digit version": (_set("arxiv_version", "<5000 digits>"), "bad JSON"),
    "version zero": (_set("arxiv_version", 0), "arxiv_version: expected `int` >= 1"),
    "negative upvotes": (_set("upvotes", -3), "upvotes: expected `int` >= 0"),
    "upvotes a string": (_set("upvotes", "many"), "upvotes: expected `int`, got `str`"),
    "read a string": (_set("read", "yes"), "read: expected `bool`, got `str`"),
    "title empty": (_set("title", ""), "title: expected `str` of length >= 1"),
    "title with an escape": (_set("title", "T \x1b[2J"), "title: not a valid value"),
    "tag with a space": (_set("tags", ["a b"]), "tags[0]: not a valid tag ('a b')"),
    "link not http": (_set("links", ["javascript:alert(1)"]), "links[0]: not a valid http(s)"),
    "bad arXiv id": (_set("arxiv_id", "12345"), "arxiv_id: not a valid arXiv id"),
    "bad DOI": (_set("doi", "not a doi"), "doi: not a valid DOI"),
    "unknown field": (_set("evil", 1), "unknown field `evil`"),
    "resolution status unknown": (
        _set("resolution", {"status": "pwned"}),
        "resolution.status: invalid enum value 'pwned'",
    ),
    "source not an object": (_source(1), "sources[0]: expected `object`, got `int`"),
    "source date garbage": (
        _source({"file": "x", "imported": "2026-01-01T00:00:00", "listing_date": "no"}),
        "sources[0].listing_date: not a valid value",
    ),
    "paper id with slashes": (_bad_id, "not a paper id"),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of one seed listing and its backup."""
    root = tmp_path_factory.mktemp("borders")
    lib = root / "lib.json"
    assert main(["--db", str(lib), "import", str(SEED)]) == 0
    assert main(["--db", str(lib), "backup", str(root / "backup.json")]) == 0
    return root


def _copy(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    for src in template.glob("lib.json*"):
        shutil.copy(src, folder / src.name)
    return folder / "lib.json"


@pytest.mark.parametrize("kind", list(BACKUPS))
def test_a_tampered_backup_is_refused_whole(
    kind: str, template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper, message = BACKUPS[kind]
    lib = _copy(template, tmp_path)
    data = json.loads((template / "backup.json").read_text())
    tamper(data["papers"])
    backup = tmp_path / "tampered.json"
    backup.write_text(json.dumps(data).replace('"<5000 digits>"', "9" * 5000))
    before = fingerprint(lib.parent)
    capsys.readouterr()
    code = main(["--db", str(lib), "import", str(backup)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1, err
    assert message in err
    assert "not restored: paper " in err or "not a usable readlist backup" in err
    assert "Traceback" not in err
    assert fingerprint(lib.parent) == before


def test_an_untampered_backup_restores(template: Path, tmp_path: Path) -> None:
    """The control: the same backup, untouched, restores into an empty library."""
    lib = tmp_path / "new.json"
    assert main(["--db", str(lib), "import", str(template / "backup.json")]) == 0
    with Store(lib) as store:
        assert len(store) == 64


def test_every_field_of_a_paper_is_in_the_schema() -> None:
    """A field added to Paper without a rule would be refused on every write."""
    paper = Paper(id="p", title="T").to_json()
    del paper["id"]
    assert problem(paper) is None


# --- a library that already holds bad values ----------------------------------------


def _poisoned(tmp_path: Path) -> Path:
    """Three papers as an older readlist (or a hand edit) might have left them."""
    lib = tmp_path / "lib.json"
    good = Paper(id="good001", title="A Good Paper", authors=["Ann Lee"], bibkey="lee2025good")
    keyed = Paper(id="evil001", title="Injected Key", bibkey=INJECTION)
    aliased = Paper(
        id="evil002", title="Injected Alias", bibkey="alias2025", bibkey_aliases=[INJECTION]
    )
    authors = Paper(id="evil003", title="Authors As A Number", bibkey="num2025")
    docs = {p.id: p.to_doc() for p in (good, keyed, aliased, authors)}
    docs["evil003"]["authors"] = 5
    write_unchecked(lib, docs)
    return lib


def test_check_lists_every_bad_paper_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _poisoned(tmp_path)
    capsys.readouterr()
    assert main(["--db", str(lib), "check"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["evil001", "evil002", "evil003"]
    assert "bibkey: not a valid BibTeX key" in lines[0]
    assert "authors: expected `array`, got `int`" in lines[2]
    assert err == "3 of 4 papers have invalid data\n"
    write_unchecked(lib, {})  # nothing new: still 3
    with Store(lib) as store:
        store.remove(["evil001", "evil002", "evil003"])
    assert main(["--db", str(lib), "check"]) == 0
    assert capsys.readouterr().err == "1 paper, all valid\n"


def test_list_shows_the_rest_and_names_the_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _poisoned(tmp_path)
    capsys.readouterr()
    assert main(["--db", str(lib), "list"]) == 0
    out, err = capsys.readouterr()
    assert "A Good Paper" in out
    assert "Injected" in out  # readable, only invalid: listing it is harmless
    assert "Authors As A Number" not in out
    assert err.count("\n") == 1
    assert "evil003" in err


# One field of the wrong type, in a library whose file is otherwise sound (a TinyDB
# write by hand passes every checksum): no command may crash on it.
WRONG_TYPES = {
    "tags": [2024],
    "authors": ["Ann Lee", 7],
    "date": 20250101,
    "added": 5,
    "notes": ["not", "text"],
    "abstract": {"a": 1},
    "links": [None],
}


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES.items(), ids=list(WRONG_TYPES))
def test_a_wrongly_typed_field_is_named_never_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: object
) -> None:
    lib = tmp_path / "lib.json"
    good = Paper(id="good001", title="A Good Paper on Video", authors=["Ann Lee"])
    bad = Paper(id="bad0001", title="A Bad Paper on Video", tags=["x"]).to_doc()
    bad[field] = value
    write_unchecked(lib, {good.id: good.to_doc(), "bad0001": bad})
    before = fingerprint(tmp_path)
    capsys.readouterr()
    for argv, code in (
        (["list"], 0),
        (["list", "--json"], 0),
        (["list", "--sort", "added"], 0),
        (["search", "video"], 0),
    ):
        assert main(["--db", str(lib), *argv]) == code, argv
        out, err = capsys.readouterr()
        assert "A Good Paper on Video" in out, argv
        assert "A Bad Paper" not in out, argv
        assert "bad0001" in err, argv
        assert "internal error" not in err, argv
    assert main(["--db", str(lib), "search", "author:lee"]) == 0
    assert "A Good Paper on Video" in capsys.readouterr().out
    for argv in (["show", "bad0001"], ["tag", "bad0001", "+y"], ["mark", "bad0001", "--star"]):
        assert main(["--db", str(lib), *argv]) == 1, argv
        out, err = capsys.readouterr()
        assert err.startswith(f"readlist: error: paper bad0001: {field}"), (argv, err)
        assert err.count("\n") == 1, err
    assert main(["--db", str(lib), "check"]) == 1
    assert capsys.readouterr().out.startswith(f"bad0001  {field}")
    assert fingerprint(tmp_path) == before


def test_check_names_every_bad_field_of_a_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib.json"
    bad = Paper(id="bad0001", title="Bad").to_doc() | {"date": "garbage", "tags": [2024]}
    write_unchecked(lib, {"bad0001": bad | {"upvotes": -3, "read": "yes"}})
    capsys.readouterr()
    assert main(["--db", str(lib), "check"]) == 1
    line = capsys.readouterr().out
    for field in ("date", "tags[0]", "upvotes", "read"):
        assert f"{field}:" in line, line


def _compile(tmp_path: Path, bib: Path, cite: str) -> str:
    doc = tmp_path / "paper.tex"
    doc.write_text(
        "\\documentclass{article}\\begin{document}" + cite + "\\bibliographystyle{plain}"
        f"\\bibliography{{{bib.stem}}}\\end{{document}}\n"
    )
    log = ""
    for cmd in (["pdflatex"], ["bibtex"], ["pdflatex"], ["pdflatex"]):
        arg = "paper" if cmd == ["bibtex"] else "paper.tex"
        run = subprocess.run(
            [
                *cmd,
                *(["-interaction=nonstopmode", "-no-shell-escape"] if arg != "paper" else []),
                arg,
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
        )
        log += run.stdout + run.stderr
    for name in ("paper.log", "paper.blg", "paper.bbl"):
        if (tmp_path / name).exists():
            log += (tmp_path / name).read_text(errors="replace")
    return log


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_an_injected_key_never_reaches_pdflatex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _poisoned(tmp_path)
    bib = tmp_path / "refs.bib"
    capsys.readouterr()
    assert main(["--db", str(lib), "export", "-o", str(bib)]) == 0
    err = capsys.readouterr().err
    assert "3 papers with invalid data not exported (evil001, evil002, evil003)" in err
    text = bib.read_text()
    assert "\\input" not in text
    assert "lee2025good" in text
    log = _compile(tmp_path, bib, "\\nocite{*}")
    assert "\\bibitem{lee2025good}" in (tmp_path / "paper.bbl").read_text()
    assert SECRET not in log
    # Citing the alias by name (export --keys) is no way around it either.
    assert main(["--db", str(lib), "export", "--keys", INJECTION, "-o", str(bib)]) == 1
    assert "\\input" not in bib.read_text()


def test_a_bad_key_is_refused_at_render_time_too() -> None:
    """Past the store, render still writes no key that could close its entry."""
    from readlist.exporting import entries_for

    paper = Paper(id="p", title="T", bibkey="ok2025", bibkey_aliases=[INJECTION])
    assert [p.bibkey for p in entries_for([paper], {"p": [INJECTION, "ok2025"]})] == ["ok2025"]


def test_an_import_leaves_out_a_bad_field_with_a_warning_and_keeps_the_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{lee2024,\n  title = {A Paper},\n  doi = {10.1/too-short},\n"
        "  author = {Lee, Ann},\n}\n"
    )
    lib = tmp_path / "lib.json"
    assert main(["--db", str(lib), "import", str(bib)]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out
    assert "warning: line 1: 'A Paper': doi left out: not a valid DOI ('10.1/too-short')" in out
    with Store(lib) as store:
        (paper,) = store.papers()
        assert (paper.title, paper.doi, paper.authors) == ("A Paper", None, ["Ann Lee"])
