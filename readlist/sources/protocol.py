"""What a metadata source is, to the code that asks it: a `MetadataSource` offers
candidates for a library paper and fetches records by id.

Resolving asks every registered source (readlist.sources.registry) for candidates, in
order, until they settle the paper. A record says which source it came from, so the
matching rules never ask what class a record is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

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
