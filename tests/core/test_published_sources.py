"""Semantic Scholar and DBLP as version sources, against real loopback servers in each
API's documented JSON (tests/core/scholarfake.py), and the match rule over them: every
real published version is found, no wrong venue is applied, every decoy is unsure or
ignored."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest
from werkzeug import Response

from readlist.config import load
from readlist.model import Paper
from readlist.publishing import find_published
from readlist.resolving import Sources
from readlist.sources import s2
from readlist.sources.dblp import read_search
from readlist.sources.protocol import Refused, Version
from readlist.sources.venue_match import decide
from readlist.store import Store
from tests.conftest import NOW
from tests.core.scholarfake import (
    BOOK,
    CORR,
    DDPM,
    DECOYS,
    DISPUTED,
    GRAPHCAST,
    LORA,
    REAL,
    REVIEW,
    WORKSHOP,
    WORLD,
    Scholars,
    corr_info,
    dblp_info,
    dblp_server,
    populate,
    s2_paper,
    scholars,
)

__all__ = ["dblp_server", "scholars"]  # fixtures


def _sources(home: Path) -> Sources:
    return Sources(load(home / "config.toml").network)


def _library(tmp_path: Path, papers: tuple[Paper, ...] = WORLD) -> Store:
    store = Store(tmp_path / "lib.json")
    store.put(list(papers))
    return store


def _run(store: Store, home: Path, ids: list[str] | None = None) -> dict[str, str]:
    with _sources(home) as sources:
        outcome = find_published(store, ids or list(store.records()), sources, now=NOW)
    assert outcome.error is None
    return {r.paper_id: r.status for r in outcome.results}


def test_every_real_version_is_found_and_no_decoy_applied(
    scholars: Scholars, tmp_path: Path
) -> None:
    populate(scholars.s2, scholars.dblp)
    store = _library(tmp_path)
    statuses = _run(store, scholars.home)
    for pid, (venue, year, kind) in REAL.items():
        stored = store.get(pid).published_version
        assert statuses[pid] == "found", (pid, statuses[pid])
        assert stored is not None
        assert (stored["venue"], stored["year"], stored["type"]) == (venue, year, kind)
    for pid, status in DECOYS.items():
        assert statuses[pid] == status, (pid, statuses[pid])
        assert store.get(pid).published_version is None
    # The arXiv fields are untouched: the preprint stays citable under its key.
    for paper in WORLD:
        after = store.get(paper.id)
        assert (after.arxiv_id, after.bibkey, after.title) == (
            paper.arxiv_id,
            paper.bibkey,
            paper.title,
        )


def test_evidence_and_preferences_are_said(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    store = _library(tmp_path)
    _run(store, scholars.home)
    lora = store.get(LORA.id).published_version or {}
    assert lora["short"] == "ICLR"
    assert lora["dblp"] == "conf/iclr/HuSWALWWC22"
    assert sorted(lora["sources"]) == ["dblp", "s2"]
    graphcast = store.get(GRAPHCAST.id).published_version or {}
    assert (graphcast["doi"], graphcast["volume"], graphcast["pages"]) == (
        "10.1126/science.adi2336",
        "382",
        "1416\u20131421",
    )
    ddpm = store.get(DDPM.id).published_version or {}
    assert "main conference is preferred" in ddpm["reason"]
    disputed = store.get(DISPUTED.id).published_check or {}
    shown = {c["venue"] for c in disputed["candidates"]}
    assert shown == {"Neural Information Processing Systems", "ICML"}
    assert "disagree" in disputed["reason"]


def test_s2_is_asked_once_with_bare_ids_fields_and_key(
    scholars: Scholars, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("S2_API_KEY", "sekrit-123")
    populate(scholars.s2, scholars.dblp)
    store = _library(tmp_path, (LORA, DDPM))
    _run(store, scholars.home)
    assert scholars.s2.asked == [["ARXIV:2106.09685", "ARXIV:2006.11239"]]
    assert scholars.s2.bad_requests == []
    assert scholars.s2.keys == ["sekrit-123"]
    assert store.get(LORA.id).published_version is not None


def test_s2_batches_at_most_max_batch_ids(
    scholars: Scholars, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s2, "MAX_BATCH", 3)
    populate(scholars.s2, scholars.dblp)
    store = _library(tmp_path)
    _run(store, scholars.home)
    assert [len(ids) for ids in scholars.s2.asked] == [3, 3, 2]
    asked = [i for ids in scholars.s2.asked for i in ids]
    assert sorted(asked) == sorted(f"ARXIV:{p.arxiv_id}" for p in WORLD)


def test_a_429_is_retried_after_its_retry_after(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    scholars.s2.script.append(Response("slow down", status=429, headers={"Retry-After": "1"}))
    store = _library(tmp_path, (LORA,))
    assert _run(store, scholars.home) == {LORA.id: "found"}
    first, second = scholars.s2.times
    assert second - first >= 0.9


def test_a_500_fails_the_paper_and_applies_nothing(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    scholars.s2.script += [Response("boom", status=500) for _ in range(5)]
    store = _library(tmp_path, (LORA,))
    assert _run(store, scholars.home) == {LORA.id: "failed"}
    assert len(scholars.s2.asked) == 3  # the shared session's tries
    assert store.get(LORA.id).published_version is None
    assert (store.get(LORA.id).published_check or {})["status"] == "failed"


@pytest.mark.parametrize(
    "body",
    ["{not json", json.dumps({"data": []}), json.dumps([None, None, None])],
    ids=["not-json", "not-a-list", "wrong-length"],
)
def test_a_malformed_s2_answer_fails_cleanly(scholars: Scholars, tmp_path: Path, body: str) -> None:
    populate(scholars.s2, scholars.dblp)
    scholars.s2.script.append(Response(body, content_type="application/json"))
    store = _library(tmp_path, (LORA,))
    assert _run(store, scholars.home) == {LORA.id: "failed"}
    assert store.get(LORA.id).published_version is None


def test_one_bad_s2_record_refuses_only_that_paper(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    scholars.s2.papers["2006.11239"] = {**scholars.s2.papers["2006.11239"], "year": "soon"}
    store = _library(tmp_path, (LORA, DDPM))
    statuses = _run(store, scholars.home)
    assert statuses == {LORA.id: "found", DDPM.id: "failed"}
    assert "year" in (store.get(DDPM.id).published_check or {})["reason"]


def test_a_malformed_dblp_answer_fails_cleanly(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    scholars.dblp.script.append(Response("<html>", content_type="text/html"))
    store = _library(tmp_path, (LORA,))
    assert _run(store, scholars.home) == {LORA.id: "failed"}


def test_dblp_corr_entries_are_the_arxiv_copy_never_a_version() -> None:
    hits = [{"info": corr_info(CORR.title, CORR.authors, "2403.04444", 2024)}]
    answer = {"result": {"hits": {"@total": "1", "hit": hits}}}
    assert read_search(json.dumps(answer).encode()) == []
    # A CoRR venue under another key is still the arXiv copy.
    info = dblp_info(CORR.title, CORR.authors, "CoRR", 2024, "journals/x/abs-1")
    answer = {"result": {"hits": {"@total": "1", "hit": [{"info": info}]}}}
    assert read_search(json.dumps(answer).encode()) == []
    # So is a CoRR key under another venue's name.
    key = "journals/corr/abs-2403-04444"
    info = dblp_info(CORR.title, CORR.authors, "Computing Research Repository", 2024, key)
    info["type"] = "Journal Articles"
    answer = {"result": {"hits": {"@total": "1", "hit": [{"info": info}]}}}
    assert read_search(json.dumps(answer).encode()) == []


def test_dblp_asks_by_title_words_in_json(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    store = _library(tmp_path, (LORA,))
    _run(store, scholars.home)
    (query,) = scholars.dblp.queries
    assert query["format"] == "json"
    assert query["q"] == "LoRA Low Rank Adaptation of Large Language Models"


def test_deadline_of_the_shared_session_fails_a_slow_source(
    scholars: Scholars, tmp_path: Path
) -> None:
    populate(scholars.s2, scholars.dblp)
    scholars.configure(timeout=0.3)

    def slow(request: object) -> Response:
        time.sleep(1.0)
        empty = {"result": {"hits": {"@total": "0"}}}
        return Response(json.dumps(empty), content_type="application/json")

    scholars.dblp.server.clear()
    scholars.dblp.server.expect_request("/search/publ/api").respond_with_handler(slow)
    store = _library(tmp_path, (LORA,))
    started = time.monotonic()
    statuses = _run(store, scholars.home)
    assert statuses == {LORA.id: "failed"}
    assert time.monotonic() - started < 6
    reason = (store.get(LORA.id).published_check or {})["reason"]
    assert "DBLP" in reason
    assert "no complete answer within 0.3 s" in reason


def test_size_cap_of_the_shared_session_refuses_a_huge_answer(
    scholars: Scholars, tmp_path: Path
) -> None:
    populate(scholars.s2, scholars.dblp)
    scholars.configure(max_response_mb=1)
    record = json.dumps(scholars.s2.papers[LORA.arxiv_id or ""])
    huge = "[" + " " * (2 * 1024 * 1024) + record + "]"  # valid, only too long
    scholars.s2.script.append(Response(huge, content_type="application/json"))
    store = _library(tmp_path, (LORA,))
    assert _run(store, scholars.home) == {LORA.id: "failed"}
    reason = (store.get(LORA.id).published_check or {})["reason"]
    assert "Semantic Scholar" in reason
    assert "1 MB" in reason


# --- the match rule, case by case -------------------------------------------------


def _v(**kw: object) -> Version:
    base: dict[str, object] = {
        "source": "dblp",
        "venue": "ICLR",
        "short": "ICLR",
        "kind": "inproceedings",
        "year": 2022,
        "title": LORA.title,
        "authors": tuple(LORA.authors),
        "evidence": "DBLP conf/iclr/x",
    }
    return Version(**{**base, **kw})  # type: ignore[arg-type]


def test_a_title_alone_never_links_two_records() -> None:
    talk = _v(title="Deep Learning", authors=("Ruslan Salakhutdinov",), venue="KDD", year=2016)
    assert decide(BOOK, [("dblp", [talk])]).status == "missing"
    one_coauthor = _v(title="Deep Learning", authors=("Yoshua Bengio",), venue="KDD", year=2016)
    assert decide(BOOK, [("dblp", [one_coauthor])]).status == "unsure"


def test_a_version_dated_before_the_preprint_is_not_its_own() -> None:
    decision = decide(LORA, [("dblp", [_v(year=2020)])])
    assert decision.status == "missing"
    assert "before the preprint" in decision.reason


@pytest.mark.parametrize(
    "venue", ["arXiv.org", "CoRR", "bioRxiv", "SSRN", "Submitted to NeurIPS", "OpenReview.net"]
)
def test_preprint_servers_and_placeholders_are_no_venue(venue: str) -> None:
    decision = decide(LORA, [("s2", [_v(source="s2", venue=venue, short=None, by_id=True)])])
    assert decision.status == "missing"
    assert decision.version is None


def test_under_review_on_openreview_is_no_venue(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    store = _library(tmp_path, (REVIEW,))
    assert _run(store, scholars.home) == {REVIEW.id: "missing"}


def test_two_sources_that_disagree_are_unsure_and_both_shown() -> None:
    neurips = _v(source="s2", venue="Neural Information Processing Systems", short="NeurIPS")
    decision = decide(LORA, [("dblp", [_v()]), ("s2", [neurips])])
    assert decision.status == "unsure"
    assert decision.version is None
    assert [c["venue"] for c in decision.candidates] == [
        "ICLR",
        "Neural Information Processing Systems",
    ]


def test_one_venue_with_two_dois_is_unsure() -> None:
    a, b = _v(doi="10.1/a"), _v(doi="10.1/b", source="s2", evidence="S2")
    assert decide(LORA, [("dblp", [a]), ("s2", [b])]).status == "unsure"


def test_a_failed_source_applies_nothing() -> None:
    decision = decide(LORA, [("dblp", [_v()]), ("s2", Refused("2106.09685", "boom"))])
    assert decision.status == "failed"
    assert decision.version is None


def test_a_workshop_alone_is_applied_and_says_so(scholars: Scholars, tmp_path: Path) -> None:
    populate(scholars.s2, scholars.dblp)
    store = _library(tmp_path, (WORKSHOP,))
    assert _run(store, scholars.home) == {WORKSHOP.id: "found"}
    assert "workshop" in (store.get(WORKSHOP.id).published_version or {})["reason"]


def test_s2_record_without_the_same_arxiv_id_must_match_by_title() -> None:
    other = s2_paper("2106.09685", "Something Else", ["A B"], 2022, venue="ICML")
    other["externalIds"]["ArXiv"] = "2201.00001"
    record = s2.parse_paper("2106.09685", other)
    assert not isinstance(record, Refused)
    assert decide(LORA, [("s2", [record.version()])]).status == "missing"


def test_config_reads_the_services_and_the_key_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[network]\ns2_api = "http://127.0.0.1:9/s2"\ndblp_api = "ftp://dblp.example"\n'
        's2_delay = 0\ndblp_delay = -1\ns2_api_key = "in-config"\n'
    )
    config = load(path, env={"S2_API_KEY": "k-123"})
    net = config.network
    assert (net.s2_api, net.s2_delay, net.s2_api_key) == ("http://127.0.0.1:9/s2", 0, "k-123")
    assert (net.dblp_api, net.dblp_delay) == ("https://dblp.org/search/publ/api", 1.0)
    assert any("dblp_api must be an http(s) URL" in w for w in config.warnings)
    assert any("dblp_delay" in w for w in config.warnings)
    assert any("s2_api_key" in w for w in config.warnings)  # a secret: never from a file
    bad = load(path, env={"S2_API_KEY": "two\nlines"})
    assert bad.network.s2_api_key is None
    assert any("S2_API_KEY is not an API key" in w for w in bad.warnings)


def test_each_service_is_paced_one_request_at_a_time(
    scholars: Scholars, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dblp_delay`/`s2_delay` seconds between one service's requests, as for arXiv (a
    lower bound on the loopback server's own clock, so a busy machine cannot fail it)."""
    monkeypatch.setattr(s2, "MAX_BATCH", 3)
    populate(scholars.s2, scholars.dblp)
    scholars.configure(dblp_delay=0.3, s2_delay=0.3)
    store = _library(tmp_path)
    _run(store, scholars.home)
    for times in (scholars.dblp.times, scholars.s2.times):
        assert len(times) >= 3
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= 0.29, gaps
