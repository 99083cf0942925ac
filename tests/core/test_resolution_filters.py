"""`is:unsure` and `is:unresolved`: the papers resolving left to decide, and the papers
with no arXiv record yet, through every user of the grammar (search, export --query,
the TUI's session) and on stored data of the wrong shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.model import Paper
from readlist.query import STATES, QueryError, parse
from readlist.search import rank
from readlist.session import Session
from readlist.sources.matching import needs_record
from readlist.store import Store
from tests.conftest import CLOCK, NOW, write_unchecked

UNSURE = {
    "status": "unsure",
    "reason": "author count differs",
    "candidate": {"arxiv_id": "2511.07399", "title": "Stream"},
    "at": "2026-11-20T09:00:00+00:00",
}
MISSING = {"status": "missing", "reason": "not on arXiv", "at": "2026-11-20T09:00:00+00:00"}
PAPERS = [
    Paper("aaaa001", "Unsure Match", resolution=UNSURE),
    Paper("aaaa002", "Resolved Record", arxiv_id="2511.07399", arxiv_version=2),
    Paper("aaaa003", "Id Without Record", arxiv_id="2401.00001"),  # a .bib's eprint
    Paper("aaaa004", "Listing Only"),
    Paper("aaaa005", "Not On Arxiv", resolution=MISSING),
]


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "lib.json") as store:
        store.put(PAPERS)
        yield store


def kept(store: Store, text: str) -> list[str]:
    records = store.records()
    return sorted(parse(text).select(records, records, NOW))


def test_is_unsure(lib: Store) -> None:
    assert kept(lib, "is:unsure") == ["aaaa001"]
    assert kept(lib, "-is:unsure") == ["aaaa002", "aaaa003", "aaaa004", "aaaa005"]


def test_is_unresolved_is_resolvings_own_definition(lib: Store) -> None:
    assert kept(lib, "is:unresolved") == ["aaaa001", "aaaa003", "aaaa004", "aaaa005"]
    assert kept(lib, "is:unresolved") == sorted(p.id for p in PAPERS if needs_record(p))
    assert kept(lib, "-is:unresolved is:unread") == ["aaaa002"]


def test_a_unique_start_still_works_and_un_is_ambiguous() -> None:
    assert parse("is:uns").filters[0].value == "unsure"
    assert parse("is:unres").filters[0].value == "unresolved"
    assert parse("is:unrea").filters[0].value == "unread"
    with pytest.raises(
        QueryError, match=r"^is:un: ambiguous, could be is:unread, is:unsure or is:unresolved$"
    ):
        parse("is:un")
    assert {"unsure", "unresolved"} <= set(STATES)


def test_search_export_and_the_tui_session_use_them(
    lib: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rank(lib.records(), "is:unsure", now=NOW) == ["aaaa001"]
    assert rank(lib.records(), "match is:unresolved", now=NOW) == ["aaaa001"]
    session = Session(lib, CLOCK)
    assert session.apply_query("is:unsure") == ["aaaa001"]
    assert session.apply_query("is:unresolved record") == ["aaaa003"]
    assert main(["--db", str(lib.path), "search", "is:unsure", "--json"]) == 0
    assert '"id": "aaaa001"' in capsys.readouterr().out
    out = tmp_path / "unsure.bib"
    assert main(["--db", str(lib.path), "export", "--query", "is:unsure", "-o", str(out)]) == 0
    assert out.read_text().count("@misc{") == 1
    assert "Unsure Match" in out.read_text()


def test_stored_data_of_the_wrong_shape_is_neither(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    write_unchecked(
        path,
        {
            "bbbb001": {"title": "Odd", "resolution": "unsure"},
            "bbbb002": {"title": "Odder", "resolution": ["unsure"], "arxiv_id": 7},
            "bbbb003": {"title": "Version only", "arxiv_id": "2511.07399", "arxiv_version": 1},
        },
    )
    with Store(path) as store:
        assert kept(store, "is:unsure") == []
        assert kept(store, "is:unresolved") == ["bbbb001", "bbbb002"]
