"""The seam for metadata sources: resolving asks every registered source, in order,
until they settle a paper, and a record says which source it came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from readlist.config import Network, load
from readlist.model import Paper
from readlist.resolving import Sources, resolve
from readlist.sources.arxiv import ArxivRecord
from readlist.sources.http import Http
from readlist.sources.hub import HubPaper
from readlist.sources.protocol import Candidate, MetadataSource, Record, Refused
from readlist.sources.registry import REGISTRY
from readlist.store import Store
from tests.conftest import NOW
from tests.core.netfake import FakeApis, Rec

TITLE = "A Paper Only One Shelf Knows By This Title"


@dataclass(frozen=True)
class ShelfRecord:
    source: ClassVar[str] = "shelf"
    arxiv_id: str
    title: str
    authors: tuple[str, ...] = ()
    published: str | None = None


class Shelf:
    """A metadata source of the test's own: titles it knows, no network."""

    name = ShelfRecord.source

    def __init__(self, known: dict[str, str]) -> None:
        self.known = known
        self.asked: list[str] = []

    def candidates(self, paper: Paper) -> list[Candidate]:
        self.asked.append(paper.title)
        aid = self.known.get(paper.title)
        return [Candidate.of(ShelfRecord(aid, paper.title))] if aid else []

    def fetch(self, ids: Iterable[str]) -> dict[str, Record | Refused]:
        return {i: ShelfRecord(i, t) for t, i in self.known.items() if i in set(ids)}


def _run(home: Path, first: bool, shelf: Shelf, *papers: Paper) -> Store:
    store = Store(home / "library.json", create=True)
    store.put(papers)
    net = load(home / "config.toml").network

    def make(http: Http, net: Network) -> MetadataSource:
        return shelf

    registry = (make, *REGISTRY) if first else (*REGISTRY, make)
    with Sources(net, registry=registry) as sources:
        outcome = resolve(store, [p.id for p in papers], sources, now=NOW)
    assert not outcome.error
    return store


def test_a_registered_source_is_asked_first_and_settles_the_paper(
    apis: FakeApis, isolated_home: Path
) -> None:
    apis.add(Rec("2511.00042", "What arXiv Calls It", ["A"]), hub=False)
    shelf = Shelf({TITLE: "2511.00042"})
    store = _run(isolated_home, True, shelf, Paper(id="aaaaaaa", title=TITLE))
    assert shelf.asked == [TITLE]
    paper = store.get("aaaaaaa")
    assert (paper.arxiv_id, paper.arxiv_version, paper.authors) == ("2511.00042", 1, ["A"])
    # Settled by the shelf: no search anywhere, one fetch of the record from arXiv.
    assert apis.requests("search") == []
    assert [sorted(r) for r in apis.requests("arxiv")] == [["id_list", "max_results", "start"]]


def test_sources_are_asked_in_the_registry_order_until_one_settles(
    apis: FakeApis, isolated_home: Path
) -> None:
    apis.add(Rec("2511.00001", "Known To The Hub Search", ["A"]))
    shelf = Shelf({})
    known = Paper(id="aaaaaaa", title="Known To The Hub Search")
    nowhere = Paper(id="bbbbbbb", title="Known To Nobody Anywhere")
    store = _run(isolated_home, False, shelf, known, nowhere)
    assert store.get("aaaaaaa").arxiv_id == "2511.00001"
    assert shelf.asked == [nowhere.title]  # the last source, asked only when the rest fail


def test_a_record_names_its_source() -> None:
    arxiv = ArxivRecord("2511.00001", 1, "T", ("A",))
    hub = HubPaper("2511.00002", "T")
    shelf = ShelfRecord("2511.00003", "T")
    assert [Candidate.of(r).source for r in (arxiv, hub, shelf)] == ["arxiv", "hub", "shelf"]
    assert Candidate.of(shelf).record is shelf


def test_the_hub_fetches_its_records_by_id(apis: FakeApis, isolated_home: Path) -> None:
    apis.add(Rec("2511.00001", "On The Hub", ["A"]))
    with Sources(load(isolated_home / "config.toml").network) as sources:
        got = sources.named("hub").fetch(["2511.00001", "2511.00002", "2511.00001"])
    assert list(got) == ["2511.00001"]
    paper = got["2511.00001"]
    assert isinstance(paper, HubPaper)
    assert (paper.title, paper.source) == ("On The Hub", "hub")
    assert len(apis.requests("paper")) == 2  # one per id, asked once each
