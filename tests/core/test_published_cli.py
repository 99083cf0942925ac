"""`readlist published`: storing the venue beside the arXiv fields, undoably, checked at
the store's border; --dry-run, --json, --accept/--reject; the pre-submission audit
(--aux, --strict); bad input and offline are one line."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from readlist import changes
from readlist.cli import main
from readlist.config import load
from readlist.errors import InvalidPaper
from readlist.publishing import find_published
from readlist.resolving import Sources
from readlist.store import Store
from tests.conftest import NOW
from tests.core.published_world import world
from tests.core.scholarfake import (
    BOOK,
    CORR,
    DISPUTED,
    GRAPHCAST,
    LORA,
    REAL,
    WORLD,
    Scholars,
    dblp_server,
    populate,
    scholars,
)
from tests.core.test_bad_input import fingerprint

__all__ = ["dblp_server", "scholars", "world"]  # fixtures


@pytest.fixture
def lib(world: Path) -> Path:
    """The fixture world, nothing looked up yet."""
    return world


def run(capsys: pytest.CaptureFixture[str], lib: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(lib), "published", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def stored(lib: Path) -> dict[str, dict[str, object]]:
    with Store(lib) as store:
        return {pid: dict(doc) for pid, doc in store.records().items()}


def test_published_stores_venues_beside_the_arxiv_fields(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = stored(lib)
    code, out, err = run(capsys, lib)
    assert (code, err) == (0, "")
    assert f"found     {LORA.id}" in out
    assert "International Conference on Learning Representations (ICLR) 2022" in out
    assert out.rstrip().endswith("4 found, 2 unsure, 2 not found, 0 failed")
    after = stored(lib)
    for pid in REAL:
        assert after[pid].get("published_version")
        # Nothing else of the paper changed: arXiv fields, key, title.
        rest = {k: v for k, v in after[pid].items() if not k.startswith("published_")}
        assert rest == {k: v for k, v in before[pid].items() if not k.startswith("published_")}
    # Unsure matches show each side, numbered for --accept.
    assert "1) ICML 2023  [dblp]" in out
    assert "2) Neural Information Processing Systems (NeurIPS) 2023  [s2]" in out
    assert f"--accept {DISPUTED.id}:N" in out


def test_a_second_run_leaves_checked_papers_alone_unless_retry(
    lib: Path, capsys: pytest.CaptureFixture[str], scholars: Scholars
) -> None:
    assert run(capsys, lib)[0] == 0
    asked = len(scholars.dblp.queries)
    code, out, _ = run(capsys, lib)
    # Only the unsure ones are asked again; found, missing and failed are left alone.
    assert code == 0
    assert len(scholars.dblp.queries) - asked == 2
    assert "2 unsure" in out
    run(capsys, lib, "--retry")
    assert len(scholars.dblp.queries) - asked == 2 + 4


def test_dry_run_writes_nothing(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = fingerprint(lib.parent)
    code, out, _ = run(capsys, lib, "--dry-run")
    assert code == 0
    assert "4 found" in out
    assert fingerprint(lib.parent) == before


def test_json_lists_every_result(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, lib, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["counts"] == {"found": 4, "unsure": 2, "missing": 2, "failed": 0}
    by_id = {r["id"]: r for r in data["results"]}
    assert by_id[GRAPHCAST.id]["versions"][0]["doi"] == "10.1126/science.adi2336"


def test_lookup_is_undoable_and_redoable(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    store = Store(tmp_path / "lib.json")
    store.put(list(WORLD))
    before = {pid: dict(doc) for pid, doc in store.records().items()}
    with Sources(load(scholars.home / "config.toml").network) as sources:
        outcome = find_published(store, list(before), sources, now=NOW)
    after = {pid: dict(doc) for pid, doc in store.records().items()}
    assert after != before
    assert not changes.undo(store, outcome.change).skipped
    assert {pid: dict(doc) for pid, doc in store.records().items()} == before
    assert not changes.redo(store, outcome.change).skipped
    assert {pid: dict(doc) for pid, doc in store.records().items()} == after


def test_accept_applies_the_chosen_side_and_reject_clears(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, lib)
    code, out, err = run(capsys, lib, "--accept", f"{DISPUTED.id}:2", "--reject", BOOK.id)
    assert (code, err) == (0, "")
    after = stored(lib)
    version = after[DISPUTED.id]["published_version"]
    assert isinstance(version, dict)
    assert (version["venue"], version["accepted"]) == (
        "Neural Information Processing Systems",
        True,
    )
    assert after[BOOK.id].get("published_version") is None
    assert after[BOOK.id]["published_check"]["status"] == "rejected"  # type: ignore[index]
    # A rejected paper is not asked again unless --retry.
    code, out, _ = run(capsys, lib, "--dry-run", "--json")
    assert BOOK.id not in {r["id"] for r in json.loads(out)["results"]}


def test_the_store_refuses_a_malformed_version(tmp_path: Path) -> None:
    good = {
        "venue": "ICLR",
        "type": "inproceedings",
        "sources": ["dblp"],
        "year": 2022,
        "at": "2026-11-23T09:30:00+00:00",
    }
    bad = [
        {**good, "type": "book"},
        {**good, "year": 3022},
        {**good, "sources": []},
        {**good, "venue": "two\nlines"},
        {**good, "doi": "not a doi"},
        {**good, "surprise": 1},
    ]
    with Store(tmp_path / "lib.json") as store:
        store.put([LORA.replace(published_version=good)])
        for version in bad:
            with pytest.raises(InvalidPaper):
                store.put([LORA.replace(published_version=version)])
        assert store.get(LORA.id).published_version == good


def _aux(tmp_path: Path, *keys: str) -> Path:
    aux = tmp_path / "paper.aux"
    aux.write_text("\\relax\n" + "".join(f"\\citation{{{k}}}\n" for k in keys))
    return aux


def test_the_audit_counts_cited_preprints_and_strict_fails(
    lib: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    aux = _aux(tmp_path, LORA.bibkey or "", GRAPHCAST.bibkey or "", CORR.bibkey or "")
    before = fingerprint(lib.parent)
    code, out, err = run(capsys, lib, "--aux", str(aux), "--strict")
    assert code == 1
    assert out.splitlines()[0].startswith(
        "paper.aux: 3 preprints cited; 2 have published versions (0 applied, 2 not yet)"
    )
    assert "Semantic Scholar lists arXiv 2106.09685" in out
    assert "DOI 10.1126/science.adi2336" in out
    assert (
        err
        == "readlist: error: 2 cited preprints have a published version not applied (--strict)\n"
    )
    # The audit proposes; it applies nothing unasked.
    assert stored(lib)[LORA.id].get("published_version") is None
    assert fingerprint(lib.parent) != before  # the proposals are stored, to accept
    code, out, _ = run(capsys, lib, "--aux", str(aux), "--yes")
    assert code == 0
    assert "accepted 2" in out
    code, out, err = run(capsys, lib, "--aux", str(aux), "--strict")
    assert (code, err) == (0, "")
    assert "2 have published versions (2 applied, 0 not yet)" in out


def test_the_audit_asks_one_at_a_time(
    lib: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    aux = _aux(tmp_path, LORA.bibkey or "", GRAPHCAST.bibkey or "")
    monkeypatch.setattr("sys.stdin", io.StringIO("n\ny\n"))
    code, out, _ = run(capsys, lib, "--aux", str(aux), "--interactive")
    assert code == 0
    assert out.count("? [y/n/q]") == 2
    after = stored(lib)
    assert after[LORA.id].get("published_version") is None
    assert after[GRAPHCAST.id].get("published_version") is not None


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_is_one_line_and_writes_nothing(
    lib: Path, capsys: pytest.CaptureFixture[str], scholars: Scholars
) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}"
    scholars.configure(s2_api=dead + "/graph/v1", dblp_api=dead + "/search")
    before = fingerprint(lib.parent)
    code, out, err = run(capsys, lib)
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("readlist: error: cannot reach")
    assert "Traceback" not in out + err
    assert fingerprint(lib.parent) == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--strict"], "--strict, --yes and --interactive go with --aux"),
        (["--accept", "nosuchpaper"], "nosuchpaper"),
        (["--accept", f"{LORA.id}:x"], "not ID or ID:N"),
        (["--accept", LORA.id], "no published version to accept"),
        (["--accept", LORA.id, "--reject", LORA.id], "both --accept and --reject"),
        (["--aux", "missing.aux"], "missing.aux"),
        (["--aux", "x.aux", LORA.id], "give no IDs"),
    ],
    ids=[
        "strict-alone",
        "accept-unknown",
        "accept-bad-n",
        "accept-nothing",
        "both",
        "no-aux",
        "aux-ids",
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    lib: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    before = fingerprint(lib.parent)
    try:
        code = main(["--db", str(lib), "published", *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    _, err = capsys.readouterr()
    assert code != 0
    assert err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err
    assert fingerprint(lib.parent) == before


def test_the_audit_never_accepts_an_unsure_match(
    lib: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--yes takes every sure version and no unsure one; --interactive asks only about
    the sure ones, one at a time, by the key the document cites; each shows its
    evidence, and an unsure one shows both sides."""
    import io

    aux = _aux(tmp_path, *(p.bibkey or "" for p in (LORA, DISPUTED, BOOK, GRAPHCAST)))
    monkeypatch.setattr("sys.stdin", io.StringIO("y\nq\n"))
    code, out, _ = run(capsys, lib, "--aux", str(aux), "--interactive")
    assert code == 0
    assert out.count("? [y/n/q]") == 2  # q stopped before the second sure one
    assert f"cite {LORA.bibkey} ({LORA.id}) as International Conference" in out
    assert "Deep Learning" not in out.split("? [y/n/q]")[0].splitlines()[-1]
    assert "8 of 8 authors' surnames shared" in out  # the evidence: author overlap
    assert "unsure: ICML 2023; Neural Information Processing Systems (NeurIPS) 2023" in out
    assert out.startswith("paper.aux: 4 preprints cited; 2 have published versions")
    after = stored(lib)
    assert after[LORA.id].get("published_version") is not None
    assert after[GRAPHCAST.id].get("published_version") is None
    code, out, _ = run(capsys, lib, "--aux", str(aux), "--yes")
    assert code == 0
    assert out.rstrip().endswith(f"accepted 1: {GRAPHCAST.id}")
    after = stored(lib)
    assert after[GRAPHCAST.id].get("published_version") is not None
    for decoy in (DISPUTED, BOOK):  # unsure: shown, never applied
        assert after[decoy.id].get("published_version") is None
        assert after[decoy.id]["published_check"]["status"] == "unsure"  # type: ignore[index]
    code, _, err = run(capsys, lib, "--aux", str(aux), "--strict")
    assert (code, err) == (0, "")  # unsure matches are not versions found
