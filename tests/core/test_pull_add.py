"""`readlist pull` and `readlist add` against fake Hub and arXiv APIs on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.paths import resolve as resolve_paths
from readlist.store import Store
from tests.core.netfake import FakeApis, Rec, daily_item

DAY = "2025-11-20"
RECS = [
    Rec(f"2511.{i:05d}", f"Daily paper number {i} about streaming", [f"Au{i}", "Bo"])
    for i in range(60)
]


def _store() -> Store:
    return Store(resolve_paths().library)


def _items(upvotes: int) -> list[dict[str, object]]:
    return [
        daily_item(
            r,
            DAY,
            upvotes=upvotes,
            githubRepo="https://github.com/acme/x",
            projectPage="https://acme.example/x",
            ai_keywords=["streaming", "video diffusion"],
        )
        for r in RECS
    ]


def test_pull_imports_every_page_then_fetches_records(
    apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    apis.add(*RECS)
    apis.daily[DAY] = _items(7)
    assert main(["pull", "--date", DAY]) == 0
    out = capsys.readouterr().out
    assert f"hub:daily_papers?date={DAY}: 60 added\n" in out
    assert out.strip().endswith("60 resolved, 0 merged, 0 unsure, 0 not found, 0 failed")
    assert [c["p"] for c in apis.requests("daily")] == ["0", "1"]
    assert len(apis.requests("arxiv")) == 1  # one batch of 60 ids
    store = _store()
    p = next(p for p in store.papers() if p.arxiv_id == "2511.00003")
    assert p.authors == ["Au3", "Bo"]
    assert p.ai_keywords == ["streaming", "video diffusion"]
    assert (p.upvotes, p.github, p.project_page) == (
        7,
        "https://github.com/acme/x",
        "https://acme.example/x",
    )
    assert p.arxiv_version == 1
    assert p.page_url() == "https://arxiv.org/abs/2511.00003"
    assert p.sources[0].listing_date == DAY


def test_pull_again_only_raises_upvotes(apis: FakeApis) -> None:
    apis.add(*RECS)
    apis.daily[DAY] = _items(7)
    assert main(["pull", "--date", DAY]) == 0
    store = _store()
    pid = next(p.id for p in store.papers() if p.arxiv_id == "2511.00001")
    assert main(["mark", "--star", pid]) == 0
    apis.daily[DAY] = _items(30)
    assert main(["pull", "--date", DAY]) == 0
    apis.daily[DAY] = _items(2)
    apis.log.clear()
    assert main(["pull", "--date", DAY]) == 0
    assert apis.requests("arxiv") == []  # already resolved: nothing to fetch
    store.refresh()
    assert len(store) == 60
    p = store.get(pid)
    assert p.upvotes == 30
    assert p.starred


def test_pull_defaults_to_the_latest_day_and_takes_week_and_month(apis: FakeApis) -> None:
    apis.add(*RECS[:2])
    apis.daily[DAY] = _items(1)[:2]
    apis.daily["2025-W47"] = _items(1)[:1]
    assert main(["pull"]) == 0
    assert "date" not in apis.requests("daily")[0]
    assert main(["pull", "--week", "2025-W47"]) == 0
    assert apis.requests("daily")[-1]["week"] == "2025-W47"
    assert main(["pull", "--month", "2025-11", "--json"]) == 0
    assert apis.requests("daily")[-1]["month"] == "2025-11"


def test_pull_rejects_a_bad_week(apis: FakeApis, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["pull", "--week", "2025-47"])
    assert caught.value.code == 2
    assert apis.log == []


def test_add_accepts_every_form(apis: FakeApis, capsys: pytest.CaptureFixture[str]) -> None:
    old = Rec("hep-th/9901001", "An Old Style Paper", ["Ed Witten"], published="1999-01-04")
    apis.add(*RECS[:4], old)
    refs = [
        "2511.00000",
        "arXiv:2511.00001v1",
        "https://arxiv.org/pdf/2511.00002v1.pdf",
        "https://huggingface.co/papers/2511.00003",
        "hep-th/9901001",
    ]
    assert main(["add", *refs]) == 0
    assert len(apis.requests("arxiv")) == 1
    store = _store()
    assert sorted(p.arxiv_id or "" for p in store.papers()) == [
        "2511.00000",
        "2511.00001",
        "2511.00002",
        "2511.00003",
        "hep-th/9901001",
    ]
    witten = next(p for p in store.papers() if p.arxiv_id == "hep-th/9901001")
    assert (witten.authors, witten.published, witten.title) == (
        ["Ed Witten"],
        "1999-01-04",
        "An Old Style Paper",
    )
    # Adding again changes nothing.
    assert main(["add", "2511.00000"]) == 0
    assert "already in the library" in capsys.readouterr().out
    assert len(_store()) == 5


def test_add_malformed_id_sends_nothing(apis: FakeApis, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "2511.00000", "2511.7"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["readlist: error: not an arXiv id or URL: '2511.7'"]
    assert apis.log == []
    assert not Path(resolve_paths().library).exists()


def test_add_unknown_id_is_reported(apis: FakeApis, capsys: pytest.CaptureFixture[str]) -> None:
    apis.add(RECS[0])
    assert main(["add", "2511.00000", "2511.99999", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["not_found"] == ["2511.99999"]
    assert [r["arxiv_id"] for r in data["results"]] == ["2511.00000"]


def test_add_of_a_paper_already_held_prints_only_that(
    apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held and resolved (here by a pull): the add finds nothing to do, and says only
    that; it used to add "resolved ... 1 resolved" because the paper's sources grew."""
    apis.add(RECS[0])
    apis.daily[DAY] = [daily_item(RECS[0], DAY)]
    assert main(["pull", "--date", DAY]) == 0
    capsys.readouterr()
    assert main(["add", RECS[0].arxiv_id]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"known '{RECS[0].title}': already in the library",
        "0 resolved, 0 merged, 0 unsure, 0 not found, 0 failed",
    ]
    assert main(["add", RECS[0].arxiv_id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["results"], data["counts"]) == ([], {})


def test_add_of_a_held_paper_without_its_record_resolves_it(
    apis: FakeApis, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listing = tmp_path / "day.txt"
    link = f"https://arxiv.org/abs/{RECS[1].arxiv_id}"
    listing.write_text(f"Daily Papers\n\n{RECS[1].title}\n\nAn abstract, at {link}.\n")
    assert main(["import", str(listing)]) == 0
    apis.add(RECS[1])
    capsys.readouterr()
    assert main(["add", RECS[1].arxiv_id]) == 0
    out = capsys.readouterr().out
    assert out.endswith("1 resolved, 0 merged, 0 unsure, 0 not found, 0 failed\n")
    assert _store().papers()[0].arxiv_version == 1


def test_add_counts_an_unknown_id_in_its_summary(
    apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    apis.add(RECS[0])
    assert main(["add", "2511.00000", "2511.99999"]) == 1
    out = capsys.readouterr().out
    assert "not found 2511.99999: arXiv has no such paper" in out
    assert out.endswith("1 resolved, 0 merged, 0 unsure, 1 not found, 0 failed\n")
    assert main(["add", "2511.99998", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["not_found"], data["counts"]) == (["2511.99998"], {"missing": 1})


def test_pull_reports_the_links_it_drops_as_unsafe(
    apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    recs = RECS[:2]
    apis.add(*recs)
    apis.daily[DAY] = [
        daily_item(recs[0], DAY, githubRepo="javascript:alert(1)"),
        daily_item(recs[1], DAY, projectPage="http://x.example/ \\input /etc/passwd"),
    ]
    assert main(["pull", "--date", DAY]) == 0
    out = capsys.readouterr().out
    assert f"hub:daily_papers?date={DAY}: 2 added" in out
    assert "2511.00000: dropped link 'javascript:alert(1)': not an http(s) link" in out
    assert "2511.00001: dropped link 'http://x.example/ \\input /etc/passwd'" in out
    assert all(p.github is None and p.project_page is None for p in _store().papers())
