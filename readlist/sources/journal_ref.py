"""arXiv's own journal reference, which resolving already stored on the paper: where
its authors say it was published ("ICLR 2022", "Nature 620, 47-60 (2023)"). A third
source of published versions that needs no request.

The reference is free text, so it is read modestly: a leading "Accepted at" or
"Published as a conference paper at" goes, the year is the last year in it, the venue
the text before the first comma or parenthesis (a trailing number there is a volume),
an abbreviation in parentheses an alias, and a page range its pages. "Submitted to…"
stays as it is, for the match rule to refuse. The paper's DOI (arXiv's, of the
published version) comes with it, unless it is the preprint's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from readlist.model import Paper
from readlist.sources import checks
from readlist.sources.clean import plain
from readlist.sources.protocol import Candidate, Kind, Record, Refused, Reported, Version
from readlist.venues import best_short, kind_of_name

if TYPE_CHECKING:
    from readlist.config import Network
    from readlist.sources.http import Http

_LEAD = re.compile(
    r"^(?:(?:accepted|published|presented|appears|appeared|to appear)\b.{0,40}?"
    r"\b(?:at|in|to|by|for)\b|in\b)\s*(?:the\s+)?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_PAGES = re.compile(r"(?<![0-9.])([0-9]{1,6})\s*[-\u2013\u2014]{1,2}\s*([0-9]{1,6})(?![0-9])")
_VOLUME = re.compile(r"(?:\bvol(?:ume)?\.?\s*)?\b([0-9]{1,5})\s*$", re.IGNORECASE)
_PARENS = re.compile(r"\(([^()]*)\)")
_CUT = re.compile(r"[,(;]")
ARXIV_DOI = "10.48550/"


def read_reference(text: str) -> Version | None:
    """A journal reference as a Version of source "journal_ref" (title, authors and
    DOI are the paper's, added by the caller)."""
    text = plain(text)
    if not text:
        return None
    body = _LEAD.sub("", text, count=1) or text
    years = [int(y) for y in _YEAR.findall(body)]
    pages = _PAGES.search(body)
    head = _CUT.split(body, maxsplit=1)[0].strip()
    head = _YEAR.sub(" ", head).strip(" .:-")
    volume = None
    if (m := _VOLUME.search(head)) and m.start() > 0:
        volume, head = m[1], head[: m.start()].strip(" .:,-")
    venue = head or body
    aliases = tuple(
        a for inner in _PARENS.findall(body) if (a := _YEAR.sub(" ", inner).strip(" .,"))
    )
    kind: Kind | None = None
    guess = kind_of_name(venue)
    if guess is not None:
        kind = "inproceedings" if guess == "inproceedings" else "article"
    elif volume and pages:
        kind = "article"
    try:
        return Version(
            source="journal_ref",
            venue=checks.capped(venue, "venue", checks.MAX_VENUE),
            short=best_short([venue, *aliases]),
            aliases=aliases,
            kind=kind,
            year=years[-1] if years else None,
            volume=checks.field(volume, "volume") if volume else None,
            pages=checks.field(f"{pages[1]}-{pages[2]}", "pages") if pages else None,
            by_id=True,
            evidence=f"arXiv's journal reference {text[:80]!r}",
        )
    except checks.Invalid:
        return None


class JournalRef:
    """arXiv's journal reference and DOI, as stored on each paper: no network."""

    name = "journal_ref"

    @classmethod
    def from_config(cls, http: Http, net: Network) -> JournalRef:
        return cls()

    def candidates(self, paper: Paper) -> list[Candidate]:
        return []

    def fetch(self, ids: Iterable[str]) -> dict[str, Record | Refused]:
        return {}

    def versions(self, papers: Sequence[Paper]) -> Iterator[Reported]:
        for paper in papers:
            found = read_reference(paper.journal_ref) if paper.journal_ref else None
            if found is None:
                yield paper.id, []
                continue
            doi = paper.doi if paper.doi and not paper.doi.startswith(ARXIV_DOI) else None
            yield (
                paper.id,
                [replace(found, doi=doi, title=paper.title, authors=tuple(paper.authors))],
            )
