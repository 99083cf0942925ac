"""What a metadata source is, to the code that asks it: a `MetadataSource` offers
candidates for a library paper and fetches records by id.

Resolving asks every registered source (readlist.sources.registry) for candidates, in
order, until they settle the paper. A record says which source it came from, so the
matching rules never ask what class a record is.

A source that also knows where preprints were published (Semantic Scholar, DBLP,
arXiv's own journal reference) is a `VersionSource` as well: it reports each paper's
published `Version`s, and readlist.publishing decides which, if any, to apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from readlist.model import Paper


class Record(Protocol):
    """What any source's record of a paper says: enough to match it to a library paper."""

    @property
    def source(self) -> str:
        """The name of the source it came from."""
        ...

    @property
    def arxiv_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def published(self) -> str | None: ...


@dataclass(frozen=True)
class Refused:
    """An entry for `arxiv_id` that readlist does not use, and why."""

    arxiv_id: str
    reason: str


@dataclass(frozen=True)
class Candidate:
    """An arXiv paper a library paper might be, with what we know to check it, and the
    record that offered it (so a match needs no second request for it)."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    published: str | None
    source: str  # the name of the source that offered it
    record: Record | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, record: Record) -> Candidate:
        return cls(
            record.arxiv_id, record.title, record.authors, record.published, record.source, record
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            "arxiv_id": self.arxiv_id,
            "title": self.title,
            "authors": list(self.authors),
            "published": self.published,
        }


class MetadataSource(Protocol):
    """A service that knows papers (arXiv, the Hub). It talks through the run's shared
    `Http` session, and never touches the library: callers apply what it returns."""

    @property
    def name(self) -> str:
        """Short and stable: what a `Candidate.source` and a `Record.source` say."""
        ...

    def candidates(self, paper: Paper) -> list[Candidate]:
        """Papers this source knows that `paper` might be (costs a request or two)."""
        ...

    def fetch(self, ids: Iterable[str]) -> Mapping[str, Record | Refused]:
        """Records by id: an unknown id is absent, an unusable record Refused with why."""
        ...


Kind = Literal["inproceedings", "article"]


@dataclass(frozen=True)
class Version:
    """A published version of a preprint as one source reports it: the venue, where in
    it, and what links the source's record to the preprint. Unchecked against the
    rules: readlist.sources.venue_match decides whether it is the paper's."""

    source: str  # the name of the source that reported it
    venue: str  # the venue's name as the source gives it (full when it has one)
    short: str | None = None  # an abbreviation: DBLP's venue, ICLR
    aliases: tuple[str, ...] = ()  # other names of the venue (Semantic Scholar's)
    kind: Kind | None = None
    year: int | None = None
    doi: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None  # "47\u201360": an en dash, as a .bib's pages import
    publisher: str | None = None
    dblp: str | None = None  # the DBLP key, conf/iclr/HuSWALWWC22
    title: str = ""  # the record's title and authors, to match the preprint by
    authors: tuple[str, ...] = ()
    by_id: bool = False  # the record carries the preprint's exact arXiv id
    evidence: str = ""  # what the source's record is, for a person: "DBLP conf/iclr/..."


Reported = tuple[str, Sequence[Version] | Refused]  # a paper id, and what a source says


@runtime_checkable
class VersionSource(Protocol):
    """A source that knows where preprints were published."""

    @property
    def name(self) -> str: ...

    def versions(self, papers: Sequence[Paper]) -> Iterator[Reported]:
        """For each paper, in order and exactly once: its id, and the versions the
        source reports (none: an empty list), or Refused when the source's answer for
        it was unusable. Only Halt and Cancelled end the iteration early, so a caller
        can zip the sources' answers paper by paper."""
        ...
