"""A preprint's published version, as an exporter and a front end read it. Pure: no I/O.

`readlist published` stores the venue beside the arXiv fields
(`Paper.published_version`, shaped as `schema.StoredVersion`), never over them, so the
preprint stays citable. An export policy picks what a paper's entry says:

- `preprint`: today's entry (the stored entry type, @misc for a preprint);
- `published`: @inproceedings or @article with booktitle or journal, year, DOI,
  volume, number, pages and publisher from the venue, and no arXiv eprint fields;
- `both`: the venue's entry and the arXiv eprint fields too.

A paper without a venue is exported as it is under every policy. The key is never
derived from any of this: a venue found later leaves every key as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from readlist.arxiv_ids import parse_id
from readlist.exporters import POLICIES as POLICIES
from readlist.exporters import Policy as Policy
from readlist.model import Paper
from readlist.venues import not_a_venue

VENUE_FIELD = {"inproceedings": "booktitle", "article": "journal"}
# BibTeX's names of the fields a venue fills, in the order an entry lists them.
VENUE_FIELDS = ("booktitle", "journal", "year", "volume", "number", "pages", "publisher", "doi")


@dataclass(frozen=True)
class Published:
    """A stored published version, read."""

    entry_type: Literal["inproceedings", "article"]
    venue: str  # the full name where known, else the abbreviation
    short: str | None = None
    year: int | None = None
    doi: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None  # "47\u201360": an en dash, as kept BibTeX pages are
    publisher: str | None = None
    dblp: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def venue_field(self) -> str:
        """Where the venue's name goes: `booktitle` or `journal`."""
        return VENUE_FIELD[self.entry_type]

    def label(self) -> str:
        """A short label for a list or a detail pane: "ICLR 2022"."""
        name = self.short or self.venue
        return f"{name} {self.year}" if self.year else name

    def fields(self) -> dict[str, str]:
        """The entry's venue fields under BibTeX's names, as plain text (encode them as
        any other text; pages keep their en dash, which bibtex.py writes as `--`)."""
        values = {
            self.venue_field: self.venue,
            "year": str(self.year) if self.year else None,
            "volume": self.volume,
            "number": self.number,
            "pages": self.pages,
            "publisher": self.publisher,
            "doi": self.doi,
        }
        return {name: value for name in VENUE_FIELDS if (value := values.get(name))}


def published(paper: Paper) -> Published | None:
    """The paper's applied published version, or None (none, or not one readlist can
    read: the store checks it, a hand-edited library may not)."""
    return read(paper.published_version)


def read(doc: Mapping[str, Any] | None) -> Published | None:
    """A stored version (also an unsure candidate) as `Published`."""
    if not isinstance(doc, Mapping):
        return None
    kind, venue = doc.get("type"), doc.get("venue")
    if kind not in VENUE_FIELD or not isinstance(venue, str) or not venue:
        return None

    def text(name: str) -> str | None:
        value = doc.get(name)
        return value if isinstance(value, str) and value else None

    year = doc.get("year")
    sources = doc.get("sources")
    return Published(
        entry_type=kind,
        venue=venue,
        short=text("short"),
        year=year if type(year) is int else None,
        doi=text("doi"),
        volume=text("volume"),
        number=text("number"),
        pages=text("pages"),
        publisher=text("publisher"),
        dblp=text("dblp"),
        sources=tuple(s for s in sources if isinstance(s, str))
        if isinstance(sources, list)
        else (),
    )


def is_preprint(paper: Paper) -> bool:
    """A paper counts as a preprint when it has a valid arXiv id (resolved, or imported
    from BibTeX with an arXiv eprint), unless its imported entry already names a real
    venue (an @inproceedings with a booktitle, say)."""
    if not paper.arxiv_id or parse_id(paper.arxiv_id) is None:
        return False
    if paper.entry_type in VENUE_FIELD:
        named = paper.bibfields.get(VENUE_FIELD[paper.entry_type], "")
        return not named or not_a_venue(named) is not None
    return True


@dataclass(frozen=True)
class Rendering:
    """What an export policy makes of one paper: the entry type to write (None: the
    stored one, as today), the venue fields to write over the kept ones, and whether
    the arXiv eprint fields (eprint, archivePrefix, primaryClass) are written."""

    entry_type: str | None
    fields: dict[str, str]
    eprint: bool


def rendering(paper: Paper, policy: Policy) -> Rendering:
    """The paper's entry under `policy` (see the module's docstring)."""
    venue = published(paper) if policy != "preprint" else None
    if venue is None:
        return Rendering(None, {}, True)
    fields = venue.fields()
    if "doi" not in fields and paper.doi and not paper.doi.startswith("10.48550/"):
        fields["doi"] = paper.doi  # arXiv's DOI of the published version
    return Rendering(venue.entry_type, fields, policy == "both")
