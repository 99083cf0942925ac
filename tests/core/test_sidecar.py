"""The sidecar index never changes what a command answers.

One library goes through everything that can happen to it: imports (a listing, BibTeX,
a backup), edits, a compaction, a sidecar torn or corrupted by a crash, a leftover temp
file, edits by another process that the sidecar has not seen, removals, and being a
library an older readlist wrote (no sidecar at all). After each, every read command runs
with the sidecar and without it (moved away: readers never write it), and the two
answers (exit status, stdout, stderr) must be the same bytes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from readlist import actions
from readlist.cli import main
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import NOW, SEEDS, write_unchecked

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bib"

READS: list[list[str]] = [
    ["list"],
    ["list", "--json"],
    ["list", "--starred"],
    ["list", "--tag", "t1", "--json"],
    ["list", "--unread", "--sort", "date"],
    ["list", "--read", "--sort", "upvotes", "--json"],
    ["list", "--sort", "title"],
    ["search", "diffusion"],
    ["search", "video", "generation", "--json"],
    ["search", '"video generation"'],
    ["search", '"language model"', "--json"],
    ["search", "model", "-video", "--limit", "7"],
    ["search", "agents", '-"reinforcement learning"'],
    ["search", "vidoe"],
    ["search", "tag:t1"],
    ["search", "is:starred", "--json"],
    ["search", "is:new"],
    ["search", "is:noted"],
    ["search", "is:unsure", "--json"],
    ["search", "is:unresolved"],
    ["search", "model", "-is:unresolved"],
    ["search", "learning", "year:2024..", "-is:read"],
    ["search", "cat:cs"],
    ["search", "author:smith"],
    ["search", "the"],
    ["search", "xq"],
    ["search", "café"],
    ["search", "zzzznothing"],
    ["search", "c++"],
    ["search", "c#", "--json"],
    ["search", "f#"],
    ["search", "kernels", "-c++"],
    ["search", '"c++17 templates"'],
    ["search", "c++17"],
    ["search", "cpp"],
    ["search", "year:soon"],
    ["stats"],
    ["stats", "--json"],
    ["check"],
    ["check", "--json"],
    ["restore"],
]
WIDE = [["list"], ["list", "--tag", "t1"], ["search", "diffusion"], ["search", "tag:t1"]]


def run(capsys: pytest.CaptureFixture[str], lib: Path, argv: list[str]) -> tuple[int, str, str]:
    code = main(["--db", str(lib), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def answers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lib: Path
) -> dict[str, tuple[int, str, str]]:
    ids = [p["id"] for p in json.loads(run(capsys, lib, ["list", "--json"])[1])]
    argvs = [*READS]
    for pid in ids[:3] + ids[-3:]:
        argvs += [["show", pid], ["show", pid[:5], "--json"], ["note", pid]]
    argvs += [["show", "zzzzzzz"], ["show", "ab"]]
    out = {" ".join(argv): run(capsys, lib, argv) for argv in argvs}
    with monkeypatch.context() as m:
        m.setattr("readlist.cli.papers.terminal_width", lambda: 64)  # a terminal
        out.update({"tty " + " ".join(argv): run(capsys, lib, argv) for argv in WIDE})
    return out


def index_of(lib: Path) -> Path:
    return lib.with_name(lib.name + "-index")


def used_index(lib: Path) -> bool:
    with Store(lib, indexed=True, create=False) as store:
        return store._storage.by_index


def same_with_and_without(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lib: Path
) -> None:
    index = index_of(lib)
    files = {p.name: p.read_bytes() for p in lib.parent.iterdir() if p.is_file()}
    indexed = answers(capsys, monkeypatch, lib)
    aside = lib.parent / "aside"
    if index.exists():
        index.rename(aside)
    plain = answers(capsys, monkeypatch, lib)
    if aside.exists():
        aside.rename(index)
    assert {p.name: p.read_bytes() for p in lib.parent.iterdir() if p.is_file()} == files
    assert indexed.keys() == plain.keys()
    for command, answer in indexed.items():
        assert answer == plain[command], command
    assert sum(code == 0 for code, _, _ in indexed.values()) > len(READS) // 2


def every_field() -> list[Paper]:
    """Papers with every field of the stored shape set, and with the optional ones left
    empty, accents and all: each `--json` key order `to_json` can produce."""
    full = Paper(
        id="f000001",
        title="Ünïcödé Streaming Diffusion for Video Generation with {BERT}",
        abstract="We present **StreamDiffusion**, a café-grade video generation model.\nFast.",
        authors=["Ana Müller", "Bo Smith"],
        authors_count=2,
        organization="Lab",
        organization_slug="lab",
        date="2024-05-01",
        date_raw="May 1, 2024",
        upvotes=12,
        links=["https://arxiv.org/abs/2405.00001", "https://github.com/x/y"],
        arxiv_id="2405.00001",
        read=True,
        read_at="2026-11-20T10:00:00+00:00",
        starred=True,
        notes="Read this.\n\tTabs and lines.",
        tags=["t1", "video"],
        added="2026-11-01T09:00:00+00:00",
        bibkey="muller2024stream",
        arxiv_version=2,
        primary_category="cs.CV",
        categories=["cs.CV", "cs.LG"],
        doi="10.1234/abc.5",
        journal_ref="Journal 1 (2024)",
        arxiv_comment="10 pages",
        published="2024-05-01",
        updated="2024-06-01",
        resolution={"status": "unsure", "reason": "close", "at": "2026-11-02T00:00:00+00:00"},
        ai_keywords=["video"],
        github="https://github.com/x/y",
        project_page="https://x.github.io",
        entry_type="article",
        bibfields={"journal": "Journal", "pages": "1--2"},
        title_protect=["BERT"],
        starred_at="2026-11-10T00:00:00+00:00",
        bibkey_aliases=["old2024key"],
        date_inferred=True,
    )
    sparse = Paper(
        id="f000002", title="Sparse agents learning", doi="10.5555/x", starred_at=None, tags=["t1"]
    )
    plain = Paper(id="f000003", title="Plain paper about language models", upvotes=3)
    return [full, sparse, plain]


# C++, C# and F#: words of their own to search (tests/core/test_search_symbols.py).
SYMBOLS = [
    Paper(id="sym0001", title="Tensor kernels in C++", abstract="C++17 templates; libc++."),
    Paper(id="sym0002", title="Kernels for C compilers", notes="a C# port", tags=["f#"]),
]


# Documents as a hand edit or an older readlist leaves them: not what Store.put writes.
ODD: dict[str, dict[str, Any]] = {
    "odd0001": {"title": "An old paper without most fields", "abstract": "diffusion of ideas"},
    "odd0002": {
        "title": "Keys in another order diffusion",
        "upvotes": 4,
        "abstract": "video generation",
        "read": False,
        "tags": ["t1"],
    },
    "odd0003": {"title": "Control \x7f and \x9b[31m in a title", "notes": "x\x9dy", "tags": []},
    "odd0004": {"title": "Tags as a string", "tags": "abc", "categories": []},
    "odd0005": {"title": "Sources that cannot be read", "sources": ["not a source"]},
    "odd0006": {"title": "Upvotes of the wrong type", "upvotes": "many", "date": 20240101},
}


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    return folder / "lib.json"


def test_the_sidecar_never_changes_what_a_command_answers(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Imports: a listing, BibTeX, a backup of another library.
    assert run(capsys, lib, ["import", str(SEEDS / "002_3c55a4b56f8e4387.txt")])[0] == 0
    for name in ("zotero_bbt.bib", "jabref.bib", "arxiv.bib"):
        assert run(capsys, lib, ["import", str(FIXTURES / name)])[0] == 0
    other = tmp_path / "other.json"
    with Store(other) as store:
        store.put([*every_field(), *SYMBOLS])
    assert run(capsys, other, ["backup", str(tmp_path / "backup.json")])[0] == 0
    assert run(capsys, lib, ["import", str(tmp_path / "backup.json")])[0] == 0
    write_unchecked(lib, ODD)  # TinyDB's own write: a compaction, which indexes
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)

    # A trash: the library holds a second table from here on, and still opens by its
    # index (the sidecar's `tables` section), after a compaction too.
    first = [p["id"] for p in json.loads(run(capsys, lib, ["list", "--json"])[1])]
    assert run(capsys, lib, ["rm", "--yes", first[40], first[41], "odd0003"])[0] == 0
    assert run(capsys, lib, ["restore", first[41]])[0] == 0
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)
    with Store(lib) as store:
        store.compact()
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)

    # Edits through the CLI: the journal holds what the sidecar does not.
    ids = [p["id"] for p in json.loads(run(capsys, lib, ["list", "--json"])[1])]
    assert run(capsys, lib, ["mark", ids[0], ids[5], "--star", "--read"])[0] == 0
    assert run(capsys, lib, ["rm", "--yes", ids[12]])[0] == 0
    assert run(capsys, lib, ["tag", ids[1], ids[2], "+t1", "-video"])[0] == 0
    assert run(capsys, lib, ["note", ids[3], "notes: diffusion of café, in C++"])[0] == 0
    assert run(capsys, lib, ["mark", "odd0002", "--star"])[0] == 0
    assert run(capsys, lib, ["import", str(SEEDS / "000_8f436e6abbfddf26.txt")])[0] == 0
    assert lib.with_name("lib.json-journal").stat().st_size > 10_000
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)

    # A compaction writes a new sidecar; the journal is empty again.
    with Store(lib) as store:
        store.compact()
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)

    # A crash mid-write of the sidecar: torn, corrupt, or a temp file left behind.
    index = index_of(lib)
    whole = index.read_bytes()
    index.write_bytes(whole[:100])  # the header torn: not used at all
    assert not used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)
    for broken in (whole[: len(whole) // 2], flipped(whole, len(whole) * 3 // 4)):
        index.write_bytes(broken)  # a section torn or corrupt: found by its CRC when read
        same_with_and_without(capsys, monkeypatch, lib)
    index.write_bytes(whole)
    leftover = lib.with_name(".lib.json.index-99999-0badf00d.tmp")
    leftover.write_bytes(whole[: len(whole) // 3])
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)

    # Another process edits: a journal tail this process has never seen.
    editor = (
        "import datetime as dt, sys\nfrom pathlib import Path\nfrom readlist import actions\n"
        "from readlist.model import Paper\nfrom readlist.store import Store\n"
        "now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)\n"
        "with Store(Path(sys.argv[1])) as s:\n"
        "    ids = list(s.records())\n"
        "    actions.set_starred(s, ids[10:14], True, now=now)\n"
        "    actions.change_tags(s, ids[20:22], add=['t1'])\n"
        "    s.put([Paper(id='new0001', title='Video diffusion from elsewhere', "
        "abstract='a diffusion video paper in F#', added='2026-11-24T00:00:00+00:00')])\n"
        "    actions.remove(s, ids[15:17], now=now)\n"
        "    actions.restore(s, [sys.argv[2]])\n"
    )
    subprocess.run([sys.executable, "-c", editor, str(lib), ids[12]], check=True)
    assert not leftover.exists()  # the writer swept it
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)

    # Removals, and a removed id coming back (it goes last, as in a dict).
    with Store(lib) as store:
        gone = [ids[7], ids[8], "odd0006", "f000003"]
        back = store.get(ids[8])
        store.remove(gone)
        store.put([back.replace(notes="back again")])
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)

    # A library an older readlist wrote: no sidecar. The first write indexes it again.
    index.unlink()
    assert not used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)
    assert run(capsys, lib, ["mark", ids[30], "--star"])[0] == 0
    assert used_index(lib)
    same_with_and_without(capsys, monkeypatch, lib)


def flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :]


def test_a_write_by_the_index_appends_the_same_journal_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """mark, tag and note opened by the index write exactly what a full load writes."""
    a = tmp_path / "a" / "lib.json"
    a.parent.mkdir()
    assert run(capsys, a, ["import", str(SEEDS / "004_097c14f588d18b51.txt")])[0] == 0
    with Store(a) as store:
        store.put(every_field())
        store.compact()
    b = tmp_path / "b" / "lib.json"
    shutil.copytree(a.parent, b.parent)
    ids = [p["id"] for p in json.loads(run(capsys, a, ["list", "--json"])[1])]
    assert used_index(a)
    assert run(capsys, a, ["mark", ids[2], "f000001", "--unread", "--star"])[0] == 0
    assert run(capsys, a, ["tag", ids[3], "+x", "-t1"])[0] == 0
    assert run(capsys, a, ["note", "f000002", "a note"])[0] == 0
    with Store(b) as store, store.transaction():  # a full load, as before the index
        actions.set_read(store, [ids[2], "f000001"], False, now=NOW)
        actions.set_starred(store, [ids[2], "f000001"], True, now=NOW)
    with Store(b) as store:
        actions.change_tags(store, [ids[3]], ["x"], ["t1"])
        actions.set_note(store, ["f000002"], "a note")
    journal = "lib.json-journal"
    assert (a.parent / journal).read_bytes() == (b.parent / journal).read_bytes()
    assert a.read_bytes() == b.read_bytes()
