"""An import decides the same with the sidecar index as without it.

`readlist import` opens the library by its index: the duplicate check (title keys,
arXiv ids) and the key and DOI checks come from the sidecar's columns, with the
journal's changes on top, and a fuzzy candidate's title is read from its document.
The same library, copied without its sidecar (a full load), must make every decision
the same: the same report line by line, the same papers added and merged, the same
ids and keys, the same library afterwards. Also when the sidecar was written by an
older readlist that lacks the import's columns.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from readlist import derive, indexing
from readlist.cli import main
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import SEEDS
from tests.core.test_sidecar import every_field, used_index

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bib"


def run(capsys: pytest.CaptureFixture[str], lib: Path, argv: list[str]) -> tuple[int, str, str]:
    code = main(["--db", str(lib), *argv])
    out, err = capsys.readouterr()
    return code, out.replace(str(lib), "LIB"), err.replace(str(lib), "LIB")


def bib(key: str, title: str, **fields: str) -> str:
    body = "".join(f",\n  {name} = {{{value}}}" for name, value in fields.items())
    return f"@article{{{key},\n  title = {{{title}}}{body}\n}}\n"


def incoming(docs: dict[str, dict[str, Any]], gone_title: str) -> str:
    """BibTeX that meets the library every way an import can: the same title, a title
    a letter off (fuzzy), another title with a known arXiv id or DOI, keys another
    paper holds (as its key or an alias), a deleted paper arriving again, new papers."""
    papers = list(docs.items())
    first, second, third = papers[0][1], papers[1][1], papers[2][1]
    with_arxiv = next(d for _, d in reversed(papers) if d.get("arxiv_id"))
    fuzzy = second["title"][:-3] + second["title"][-2:]  # one letter fewer
    return "".join(
        [
            bib("muller2024stream", first["title"]),
            bib("fuzzykey", fuzzy, doi="10.9999/fuzzy"),
            bib(
                "arxivtwin",
                "A differently titled record of a known preprint",
                eprint=with_arxiv["arxiv_id"],
                archiveprefix="arXiv",
            ),
            bib("doitwin", "Another title entirely for a known DOI", doi="10.1234/abc.5"),
            bib("old2024key", "A brand new paper on sparse retrieval heads"),
            bib("held2026key", "A second brand new paper on video tokenizers"),
            bib("held2026key", "A third brand new paper, same key as the second"),
            bib("comeback", gone_title),
            bib("thirdkey", third["title"] + " (extended version)"),
        ]
    )


def library(capsys: pytest.CaptureFixture[str], lib: Path) -> str:
    """A library with papers of every field, BibTeX keys and aliases, then edits the
    sidecar has not seen (a changed paper, a new one with a key, a removed one with
    keys): what the import reads comes from the index and from the journal."""
    assert run(capsys, lib, ["import", str(SEEDS / "002_3c55a4b56f8e4387.txt")])[0] == 0
    assert run(capsys, lib, ["import", str(FIXTURES / "zotero_bbt.bib")])[0] == 0
    with Store(lib) as store:
        store.put(every_field())
        store.compact()  # the sidecar describes all of the above
    ids = [p["id"] for p in json.loads(run(capsys, lib, ["list", "--json"])[1])]
    assert run(capsys, lib, ["mark", ids[4], "--star"])[0] == 0
    with Store(lib) as store:
        store.put([Paper(id="j000001", title="Journal only paper", bibkey="held2026key")])
        gone = store.get(ids[6]).replace(bibkey="gonekey2025")
        store.put([gone])
    assert run(capsys, lib, ["rm", "--yes", gone.id])[0] == 0
    return gone.title


@pytest.mark.parametrize("older_index", [False, True], ids=["index", "older-index"])
def test_an_import_decides_the_same_with_and_without_the_sidecar(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    older_index: bool,
) -> None:
    a = tmp_path / "a" / "lib.json"
    a.parent.mkdir()
    with monkeypatch.context() as patch:
        if older_index:  # an index of a readlist before the import's columns
            old = tuple(c for c in indexing._COLUMNS if c not in ("arxiv", "keyed"))
            patch.setattr(indexing, "_COLUMNS", old)
        gone_title = library(capsys, a)
    assert used_index(a)
    b = tmp_path / "b" / "lib.json"
    shutil.copytree(a.parent, b.parent)
    b.with_name("lib.json-index").unlink()  # a full load: no sidecar at all
    assert not used_index(b)

    with Store(a) as store:
        docs = {pid: dict(doc) for pid, doc in store.records().items()}
    source = tmp_path / "incoming.bib"
    source.write_text(incoming(docs, gone_title), encoding="utf-8")
    listing = SEEDS / "000_8f436e6abbfddf26.txt"
    reports = []
    for lib in (a, b):
        for path in (source, listing, source):  # the second time, all are known
            reports.append(run(capsys, lib, ["import", "-v", str(path)]))
    half = len(reports) // 2
    assert reports[:half] == reports[half:]
    code, out, _ = reports[0]
    assert code == 0
    # The import met the library in each way it can (so the comparison means something):
    # by title, a title a letter off, an arXiv id, a DOI; keys held by a paper of the
    # sidecar, by its alias and by a paper only the journal holds.
    assert out.startswith("incoming.bib: 9 papers: 5 added, 4 merged")
    assert "merged  'A differently titled record of a known preprint'" in out
    assert "merged  'Another title entirely for a known DOI'" in out
    assert "filled in bibkey, doi, entry_type" in out  # the fuzzy one
    for taken in ("muller2024streama", "old2024keya", "held2026keya", "held2026keyb"):
        assert f"stored as {taken}" in out
    after = []
    for lib in (a, b):
        with Store(lib) as store:
            after.append({pid: dict(doc) for pid, doc in store.records().items()})
    assert after[0] == after[1]
    assert list(after[0]) == list(after[1])  # the same order too


def test_a_compaction_adds_the_import_columns_to_an_older_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index without the import's columns gets them at the next compaction, also
    for the papers whose other values it keeps: the values a full derivation gives."""
    lib = tmp_path / "lib.json"
    assert run(capsys, lib, ["import", str(SEEDS / "002_3c55a4b56f8e4387.txt")])[0] == 0
    with monkeypatch.context() as patch:
        old = tuple(c for c in indexing._COLUMNS if c not in ("arxiv", "keyed"))
        patch.setattr(indexing, "_COLUMNS", old)
        with Store(lib) as store:
            store.put(every_field())
            store.compact()
    with Store(lib, indexed=True) as store:
        view = store.view()
        assert view.base is not None
        assert not view.base.sidecar.has("keyed")
    with Store(lib) as store:
        store.put([store.get("f000002").replace(notes="changed: derived again")])
        store.compact()  # keeps every other paper's values from the older index
        docs = {pid: dict(doc) for pid, doc in store.records().items()}
    with Store(lib, indexed=True) as store:
        view = store.view()
        assert view.base is not None
        assert view.base.sidecar.has("keyed")
        assert view.column("arxiv") == [docs[pid].get("arxiv_id") for pid in view.ids]
        assert view.column("keyed") == [derive.keyed(docs[pid]) for pid in view.ids]
        assert derive.keyed(docs["f000001"]) == {
            "bibkey": "muller2024stream",
            "bibkey_aliases": ["old2024key"],
            "doi": "10.1234/abc.5",
        }
        assert view.column("arxiv")[view.ids.index("f000001")] == "2405.00001"  # kept
