"""Resolving: the match rules, and `readlist resolve` against fake APIs on loopback."""

from __future__ import annotations

import hashlib
import json
import socket
import sys
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.config import load
from readlist.model import Paper, Source
from readlist.paths import resolve as resolve_paths
from readlist.resolving import Outcome, Sources, resolve, targets
from readlist.sources.matching import decide
from readlist.sources.protocol import Candidate
from readlist.store import Store
from tests.conftest import NOW, write_unchecked
from tests.core.netfake import FakeApis, Rec, daily_item, write_config

DAY = "2025-11-20"


def _paper(pid: str, title: str, **kw: object) -> Paper:
    kw.setdefault("sources", [Source("listing.txt", DAY, "2025-11-21T10:00:00+00:00")])
    kw.setdefault("added", "2025-11-21T10:00:00+00:00")
    return Paper(id=pid, title=title, **kw)  # type: ignore[arg-type]


def _cand(arxiv_id: str, title: str, n: int = 3, published: str = "2025-11-10") -> Candidate:
    return Candidate(arxiv_id, title, tuple(f"A{i}" for i in range(n)), published, "hub")


LONG = "Scaling Streaming Video Diffusion Models for Real Time Generation"


def test_exact_title_matches() -> None:
    d = decide(_paper("p", LONG, date="2025-11-12"), [_cand("2511.1", LONG.upper() + "!")])
    assert (d.status, d.candidate and d.candidate.arxiv_id) == ("match", "2511.1")


def test_part_one_never_matches_part_two() -> None:
    d = decide(_paper("p", LONG + ": Part I"), [_cand("2511.2", LONG + ": Part II")])
    assert d.status == "unsure"


def test_same_title_more_than_a_year_off_is_unsure() -> None:
    paper = _paper("p", LONG, date="2025-11-12")
    d = decide(paper, [_cand("2201.3", LONG, published="2022-01-05")])
    assert d.status == "unsure"
    assert "2022-01-05" in d.reason


def test_fuzzy_title_with_other_author_count_is_unsure() -> None:
    paper = _paper("p", LONG, authors_count=6)
    fuzzy = LONG.replace("Models", "Model")
    assert decide(paper, [_cand("2511.4", fuzzy, n=6)]).status == "match"
    d = decide(paper, [_cand("2511.4", fuzzy, n=2)])
    assert d.status == "unsure"
    assert "6 authors" in d.reason
    # An exact title is not doubted for its author count.
    assert decide(paper, [_cand("2511.4", LONG, n=2)]).status == "match"


def test_two_candidates_with_the_same_title_are_unsure() -> None:
    d = decide(_paper("p", LONG), [_cand("2511.5", LONG), _cand("2511.6", LONG)])
    assert d.status == "unsure"
    assert "2511.5" in d.reason
    assert "2511.6" in d.reason


def test_unrelated_titles_are_not_candidates() -> None:
    assert decide(_paper("p", LONG), [_cand("2511.7", "Something Else Entirely")]).status == "none"


# --- end to end ----------------------------------------------------------------


def _library(home: Path) -> Store:
    return Store(resolve_paths().library)


def _digest(home: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(home.glob("library.json*")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


STREAM = Rec(
    "2511.07399",
    "StreamDiffusionV2: A Streaming System for Dynamic and Interactive Video Generation",
    ["Tianrui Feng", "Zhi Li", "Shuo Yang", "Haocheng Xi", "Muyang Li", "Jürgen Müller"],
    published="2025-11-10",
    version=2,
    categories=["cs.CV", "cs.AI"],
    doi="10.1000/stream",
)
ARXIV_ONLY = Rec(
    "2510.01234", "A Paper Only arXiv Knows About in Its Title Search", ["Ann Lee", "Bo Wu"]
)


@pytest.fixture
def lib(apis: FakeApis, isolated_home: Path) -> Store:
    apis.add(STREAM)
    apis.add(ARXIV_ONLY, hub=False)
    apis.daily[DAY] = [daily_item(STREAM, DAY)]
    store = _library(isolated_home)
    store.put(
        [
            _paper(
                "aaaaaaa",
                STREAM.title,
                authors_count=6,
                date="2025-11-12",
                read=True,
                starred=True,
                notes="my notes",
                tags=["video"],
                bibkey="mykey2025",
                links=["https://github.com/x/streamdiffusionv2"],
            ),
            _paper("bbbbbbb", ARXIV_ONLY.title, sources=[]),
            _paper("ccccccc", "Nobody Has Heard Of This Paper At All", sources=[]),
        ]
    )
    return store


def test_resolve_applies_records_and_keeps_user_state(
    lib: Store, apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resolve"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("resolved  aaaaaaa  2511.07399  StreamDiffusionV2")
    assert out[1].startswith("resolved  bbbbbbb  2510.01234")
    assert out[2].startswith("not found ccccccc  Nobody Has Heard")
    assert out[-1] == "2 resolved, 0 merged, 0 unsure, 1 not found, 0 failed"
    lib.refresh()
    p = lib.get("aaaaaaa")
    assert p.authors == STREAM.authors
    assert (p.arxiv_id, p.arxiv_version, p.published) == ("2511.07399", 2, "2025-11-10")
    assert (p.primary_category, p.categories, p.doi) == (
        "cs.CV",
        ["cs.CV", "cs.AI"],
        "10.1000/stream",
    )
    assert p.links[-1] == "https://arxiv.org/abs/2511.07399"
    assert p.page_url() == "https://arxiv.org/abs/2511.07399"
    assert (p.read, p.starred, p.notes, p.tags, p.bibkey) == (
        True,
        True,
        "my notes",
        ["video"],
        "mykey2025",
    )
    assert p.added == "2025-11-21T10:00:00+00:00"
    assert lib.get("ccccccc").resolution == {
        "status": "missing",
        "reason": "not found on the Hub or arXiv",
        "at": lib.get("ccccccc").resolution["at"],  # type: ignore[index]
    }
    # Requests: the listing's day, Hub searches for the two it lacked, one arXiv title
    # search each for those, and one batched record request.
    arxiv = apis.requests("arxiv")
    assert [c.get("id_list") for c in arxiv if "id_list" in c] == ["2511.07399"]
    assert len([c for c in arxiv if "search_query" in c]) == 2
    assert len(apis.requests("daily")) == 1


def test_not_found_is_skipped_until_retry(lib: Store, apis: FakeApis) -> None:
    assert main(["resolve"]) == 0
    lib.refresh()
    assert targets(lib) == []
    assert targets(lib, retry=True) == ["ccccccc"]
    apis.log.clear()
    assert main(["resolve"]) == 0
    assert apis.log == []
    assert main(["resolve", "--retry"]) == 0
    assert apis.requests("search")


def test_dry_run_writes_nothing(
    lib: Store, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(isolated_home)
    assert main(["resolve", "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True
    assert [r["status"] for r in data["results"]] == ["resolved", "resolved", "missing"]
    assert data["results"][0]["arxiv_id"] == "2511.07399"
    assert _digest(isolated_home) == before


def test_offline_is_one_line_and_changes_nothing(
    lib: Store, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = f"http://127.0.0.1:{port}"
    write_config(isolated_home, lib_server := _Dead(dead))  # type: ignore[arg-type]
    assert lib_server
    before = _digest(isolated_home)
    assert main(["resolve"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"readlist: error: cannot reach the Hub at 127.0.0.1:{port}: [Errno 111] Connection refused"
    ]
    assert _digest(isolated_home) == before


class _Dead:
    def __init__(self, base: str) -> None:
        self.base = base

    def url_for(self, path: str) -> str:
        return self.base + path


def test_failures_are_recorded_and_retried(
    lib: Store, apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    apis.server.clear()
    apis.server.expect_request("/api/query").respond_with_data("busy", status=503)
    apis.server.expect_request("/api/daily_papers").respond_with_data("[]")
    apis.server.expect_request("/api/papers/search").respond_with_data("[]")
    assert main(["resolve", "aaaaaaa", "bbbbbbb"]) == 0
    out = capsys.readouterr().out
    assert "failed    bbbbbbb" in out
    assert "HTTP 503 (3 tries)" in out
    lib.refresh()
    assert lib.get("bbbbbbb").resolution["status"] == "failed"  # type: ignore[index]
    assert lib.get("bbbbbbb").arxiv_id is None
    assert targets(lib) == ["ccccccc"]
    assert set(targets(lib, retry=True)) == {"aaaaaaa", "bbbbbbb", "ccccccc"}


def test_unsure_is_stored_then_accepted_or_rejected(
    apis: FakeApis, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = Rec("2101.00001", STREAM.title, ["X"], published="2021-01-02")
    apis.add(older)
    store = _library(isolated_home)
    store.put([_paper("ddddddd", STREAM.title, date="2025-11-12", sources=[])])
    assert main(["resolve"]) == 0
    assert "unsure    ddddddd" in capsys.readouterr().out
    store.refresh()
    p = store.get("ddddddd")
    assert p.arxiv_id is None
    assert p.resolution["candidate"]["arxiv_id"] == "2101.00001"  # type: ignore[index]
    assert main(["resolve", "ddddddd", "--accept"]) == 0
    store.refresh()
    assert store.get("ddddddd").arxiv_id == "2101.00001"
    apis.add(STREAM)
    assert main(["resolve", "ddddddd", "--accept", "arXiv:2511.07399"]) == 0
    store.refresh()
    assert store.get("ddddddd").arxiv_id == "2511.07399"
    assert main(["resolve", "ddddddd", "--reject"]) == 0
    store.refresh()
    assert store.get("ddddddd").resolution["status"] == "missing"  # type: ignore[index]


def test_accept_rejects_a_malformed_id_before_any_request(
    lib: Store, apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resolve", "ccccccc", "--accept", "2511.7"]) == 1
    assert "not an arXiv id" in capsys.readouterr().err
    assert apis.log == []


def test_two_papers_with_one_arxiv_id_merge_losslessly(apis: FakeApis, isolated_home: Path) -> None:
    apis.add(STREAM)
    store = _library(isolated_home)
    store.put(
        [
            _paper(
                "eeeeeee",
                "StreamDiffusion V2 (listing typo)",
                arxiv_id="2511.07399",
                tags=["a"],
                notes="one",
            ),
            _paper(
                "fffffff",
                "Other title",
                arxiv_id="2511.07399",
                tags=["b"],
                starred=True,
                notes="two",
                bibkey="k1",
            ),
        ]
    )
    assert main(["resolve"]) == 0
    store.refresh()
    assert len(store) == 1
    (kept,) = store.papers()
    assert kept.tags == ["a", "b"]
    assert kept.starred
    assert kept.notes == "one\n\ntwo"
    assert kept.bibkey == "k1"
    assert kept.arxiv_version == 2


def test_interrupt_keeps_whole_batches(apis: FakeApis, isolated_home: Path) -> None:
    recs = [Rec(f"2511.{i:05d}", f"Paper number {i}", ["A"]) for i in range(150)]
    apis.add(*recs)
    store = _library(isolated_home)
    store.put([_paper(f"p{i:06d}", r.title, arxiv_id=r.arxiv_id) for i, r in enumerate(recs)])

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    net = load(isolated_home / "config.toml").network
    with Sources(net) as sources:
        outcome = resolve(store, sorted(store.records()), sources, progress=stop, now=NOW)
    assert outcome.interrupted
    assert len(outcome.results) == 100
    fresh = _library(isolated_home)
    assert sum(1 for p in fresh.papers() if p.arxiv_version) == 100
    assert len(targets(fresh)) == 50


def test_import_resolve_resolves_the_new_papers(
    apis: FakeApis, isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apis.add(STREAM)
    listing = tmp_path / "l.txt"
    listing.write_text(
        f"Daily Papers\n\n{STREAM.title}\n\nWe present a streaming system.\n\n"
        "• 6 authors\n·\nNov 12, 2025 40\n"
    )
    assert main(["import", str(listing), "--resolve"]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out
    assert "resolved" in out
    (paper,) = _library(isolated_home).papers()
    assert paper.arxiv_id == "2511.07399"
    assert paper.authors == STREAM.authors


def test_candidate_index_finds_exact_twins_and_near_matches() -> None:
    from readlist.sources.matching import CandidateIndex

    index = CandidateIndex(
        [_cand("2511.1", LONG), _cand("2511.2", LONG.lower()), _cand("2511.3", "Other Paper")]
    )
    assert [c.arxiv_id for c in index.lookup(LONG + ".")] == ["2511.1", "2511.2"]
    assert [c.arxiv_id for c in index.lookup(LONG.replace("Models", "Model"))] == ["2511.1"]
    assert index.lookup(LONG + ": Part II") == []
    assert index.lookup("Unrelated") == []


def test_bad_stored_id_fails_alone(apis: FakeApis, isolated_home: Path) -> None:
    apis.add(STREAM)
    good = _paper("ggggggg", STREAM.title, arxiv_id="2511.07399", sources=[])
    bad = _paper("hhhhhhh", "Bad id from a .bib file", arxiv_id="12345", sources=[])
    # Stored by an older readlist: today's store refuses such an id.
    write_unchecked(resolve_paths().library, {p.id: p.to_doc() for p in (good, bad)})
    store = _library(isolated_home)
    assert main(["resolve"]) == 0
    store.refresh()
    assert store.get("ggggggg").arxiv_version == 2
    assert store.get("hhhhhhh").resolution["status"] == "failed"  # type: ignore[index]
    assert [c["id_list"] for c in apis.requests("arxiv")] == ["2511.07399"]


def test_hostile_text_is_harmless_in_output(
    apis: FakeApis, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = _paper("iiiiiii", "Evil \x1b]52;c;aGk=\x07 title \x1b[2J here", sources=[])
    write_unchecked(resolve_paths().library, {evil.id: evil.to_doc()})
    assert main(["resolve"]) == 0
    out = capsys.readouterr().out
    assert "not found iiiiiii  Evil" in out
    assert "\x1b" not in out
    assert "\x07" not in out


def test_progress_bar_only_on_a_terminal(
    apis: FakeApis, lib: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resolve", "--dry-run"]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["resolve", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert "resolving [" in captured.err
    assert "3/3" in captured.err
    assert "resolving [" not in captured.out


def test_ctrl_c_in_a_real_process_keeps_finished_batches(
    apis: FakeApis, isolated_home: Path
) -> None:
    """SIGINT while the second batch is in flight: exit 130, no traceback, batch 1 kept."""
    import signal
    import subprocess
    import threading
    import time

    from werkzeug import Request, Response

    from tests.core.netfake import feed

    recs = [Rec(f"2511.{i:05d}", f"Paper number {i}", ["A"]) for i in range(150)]
    apis.add(*recs)
    store = _library(isolated_home)
    store.put([_paper(f"p{i:06d}", r.title, arxiv_id=r.arxiv_id) for i, r in enumerate(recs)])
    second = threading.Event()
    release = threading.Event()

    def handler(request: Request) -> Response:
        ids = request.args["id_list"].split(",")
        if ids[0] != recs[0].arxiv_id:
            second.set()
            release.wait(10)
        return Response(feed([apis.arxiv[i] for i in ids]), content_type="application/atom+xml")

    apis.server.clear()
    apis.server.expect_request("/api/query").respond_with_handler(handler)
    proc = subprocess.Popen(
        [sys.executable, "-m", "readlist", "resolve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert second.wait(20)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        release.set()
        proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert out.strip().splitlines()[-1].endswith("(interrupted)")
    fresh = _library(isolated_home)
    assert sum(1 for p in fresh.papers() if p.arxiv_version) == 100


def test_a_worker_thread_can_cancel_between_requests(apis: FakeApis, isolated_home: Path) -> None:
    """The TUI's shape: resolve in a thread, progress callbacks, a cancel flag."""
    import threading

    recs = [Rec(f"2511.{i:05d}", f"Paper number {i}", ["A"]) for i in range(250)]
    apis.add(*recs)
    store = _library(isolated_home)
    store.put([_paper(f"p{i:06d}", r.title, arxiv_id=r.arxiv_id) for i, r in enumerate(recs)])
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        cancel.set()  # the user pressed Escape after the first batch

    net = load(isolated_home / "config.toml").network
    result: list[Outcome] = []
    with Sources(net, cancel=cancel) as sources:
        worker = threading.Thread(
            target=lambda: result.append(
                resolve(store, targets(store), sources, progress=progress, now=NOW)
            )
        )
        worker.start()
        worker.join(20)
    assert seen == [(100, 250)]
    assert result[0].interrupted
    assert len(apis.requests("arxiv")) == 1
    assert len(targets(_library(isolated_home))) == 150


def test_a_down_server_costs_one_round_of_retries_per_run(
    lib: Store, apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    apis.server.clear()
    apis.server.expect_request("/api/papers/search").respond_with_data("down", status=503)
    assert main(["resolve", "bbbbbbb", "ccccccc"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in out[:2]] == [["failed", "bbbbbbb"], ["failed", "ccccccc"]]
    assert all("HTTP 503 (3 tries)" in line for line in out[:2])
    assert len(apis.server.log) == 3


def test_merging_two_cited_papers_keeps_both_keys_citable() -> None:
    """Two library copies of one paper, each with a key: the kept copy's key stays its
    key, the other's becomes an alias, so documents citing either still compile."""
    from readlist.resolving import merge_papers

    keep = _paper("aaaaaaa", "One", bibkey="k1", bibkey_aliases=["k0"])
    other = _paper("bbbbbbb", "One", bibkey="k2", bibkey_aliases=["k3"])
    merged = merge_papers(keep, other)
    assert (merged.bibkey, merged.bibkey_aliases) == ("k1", ["k0", "k2", "k3"])
    assert merge_papers(_paper("c", "One"), other).bibkey_aliases == ["k3"]
