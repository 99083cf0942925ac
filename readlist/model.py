"""Paper and its fields: pure data, no I/O.

A `Paper` converts to and from the plain dict stored on disk (`to_doc`/`from_doc`)
and to the public JSON shape printed by `--json` (`to_json`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

SCHEMA_VERSION = 1

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_NON_WORD = re.compile(r"[\W_]+")
# Latin letters with no decomposition, and so no accent to drop: searched as the
# letters a person types for them ("dang" finds Đặng, "lodz" Łódź, "orsted" Ørsted).
_LATIN = str.maketrans(
    {"Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o",
     "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "Th", "þ": "th",
     "ı": "i", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t", "Ŀ": "L", "ŀ": "l"}
)  # fmt: skip
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """NFKC, casefold, and fold curly quotes and dashes: the base of every comparison."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()


def unaccent(text: str) -> str:
    """Compatibility-decomposed (NFKD) without combining marks, for search: "Café" →
    "Cafe", "Ünïcödé" → "Unicode", "ﬁ" → "fi", "Đặng" → "Dang", "Łódź" → "Lodz". ASCII
    text is returned as it is.

    Not part of `fold`: a title's identity (and so its paper id) keeps its accents.
    """
    if text.isascii():
        return text
    text = text.translate(_LATIN)
    if unicodedata.is_normalized("NFKD", text) and unicodedata.is_normalized("NFC", text):
        # Nothing decomposes and no accent sits on a letter (Greek, dashes, CJK): the
        # quick checks cost a tenth of decomposing. A mark on a letter without a
        # precomposed form stays; search turns it into a word break on both sides.
        return text
    return _NON_ASCII.sub(_no_marks, unicodedata.normalize("NFKD", text))


def _no_marks(m: re.Match[str]) -> str:
    """A run of non-ASCII characters (short in real text) without its combining marks."""
    return "".join(c for c in m.group() if not unicodedata.combining(c))


def title_key(title: str) -> str:
    """The exact identity of a title: folded, with punctuation and whitespace ignored."""
    return _NON_WORD.sub("", fold(title))


def title_words(title: str) -> str:
    """Folded title with punctuation turned into single spaces, for fuzzy comparison."""
    return _NON_WORD.sub(" ", fold(title)).strip()


def paper_id_for(key: str, length: int = 7) -> str:
    """A short id derived from the title key, so the same paper gets the same id anywhere."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class Source:
    """One listing a paper was seen in."""

    file: str
    listing_date: str | None
    imported: str

    def to_doc(self) -> dict[str, Any]:
        return {"file": self.file, "listing_date": self.listing_date, "imported": self.imported}


# Every field of a Paper says, where it is declared, how it is kept, so no field is
# added without deciding. Its `merge` rule is what dedup.merge does when an incoming
# record of the same paper meets the library's copy: KEEP the library's value (the
# user's state, the identity), FILL it from the incoming record while it is empty, or
# OWN: merge has a rule of its own for it (more upvotes, the union of links and tags).
# OPTIONAL fields are left out of the stored document while empty; every field added
# after the first schema is, since libraries written before it lack it. Each field has
# its type and range in schema.StoredPaper too (tests/core/test_field_rules.py).
KEEP: dict[str, object] = {"merge": "keep"}
FILL: dict[str, object] = {"merge": "fill"}
OWN: dict[str, object] = {"merge": "own"}
OPTIONAL: dict[str, object] = {"optional": True}
MERGE_RULES = ("keep", "fill", "own")


@dataclass(slots=True)
class Paper:
    """A paper in the library: metadata from listings plus the user's own state."""

    id: str = field(metadata=KEEP)
    title: str = field(metadata=KEEP)
    abstract: str = field(default="", metadata=FILL)
    authors: list[str] = field(default_factory=list, metadata=FILL)
    authors_count: int | None = field(default=None, metadata=FILL)
    organization: str | None = field(default=None, metadata=FILL)
    organization_slug: str | None = field(default=None, metadata=FILL)
    date: str | None = field(default=None, metadata=OWN)
    date_raw: str | None = field(default=None, metadata=OWN)
    upvotes: int = field(default=0, metadata=OWN)
    links: list[str] = field(default_factory=list, metadata=OWN)
    arxiv_id: str | None = field(default=None, metadata=FILL)
    read: bool = field(default=False, metadata=KEEP)
    read_at: str | None = field(default=None, metadata=KEEP)
    starred: bool = field(default=False, metadata=KEEP)
    notes: str = field(default="", metadata=FILL)
    tags: list[str] = field(default_factory=list, metadata=OWN)
    added: str = field(default="", metadata=KEEP)
    sources: list[Source] = field(default_factory=list, metadata=OWN)
    bibkey: str | None = field(default=None, metadata=KEEP)
    # The arXiv record (set by resolving; see readlist.sources).
    arxiv_version: int | None = field(default=None, metadata=FILL | OPTIONAL)
    primary_category: str | None = field(default=None, metadata=FILL | OPTIONAL)
    categories: list[str] = field(default_factory=list, metadata=FILL | OPTIONAL)
    doi: str | None = field(default=None, metadata=FILL | OPTIONAL)
    journal_ref: str | None = field(default=None, metadata=FILL | OPTIONAL)
    arxiv_comment: str | None = field(default=None, metadata=FILL | OPTIONAL)
    published: str | None = field(default=None, metadata=FILL | OPTIONAL)  # v1, YYYY-MM-DD
    updated: str | None = field(default=None, metadata=FILL | OPTIONAL)  # the latest version
    # Why resolving did not apply a record: {"status": "failed"|"missing"|"unsure", ...}.
    resolution: dict[str, Any] | None = field(default=None, metadata=KEEP | OPTIONAL)
    # From the Hub.
    ai_keywords: list[str] = field(default_factory=list, metadata=FILL | OPTIONAL)
    github: str | None = field(default=None, metadata=FILL | OPTIONAL)
    project_page: str | None = field(default=None, metadata=FILL | OPTIONAL)
    # From BibTeX: the entry type (None: a preprint, exported as @misc/@online) and the
    # fields readlist does not model (journal, booktitle, volume, pages, publisher, ...).
    entry_type: str | None = field(default=None, metadata=FILL | OPTIONAL)
    bibfields: dict[str, str] = field(default_factory=dict, metadata=OWN | OPTIONAL)
    # Parts of the title the .bib braced ({Bayesian}), braced again on export.
    title_protect: list[str] = field(default_factory=list, metadata=OWN | OPTIONAL)
    # When it was last starred (None: not starred, or starred before readlist kept this).
    starred_at: str | None = field(default=None, metadata=KEEP | OPTIONAL)
    # Other citation keys of this paper (a merged duplicate's key), so documents citing
    # them keep compiling; unique across the library together with every `bibkey`.
    bibkey_aliases: list[str] = field(default_factory=list, metadata=KEEP | OPTIONAL)
    # The listing printed `date` without a year: the year is the page's best guess, and
    # resolving replaces it with the arXiv record's (see listing.page_year).
    date_inferred: bool = field(default=False, metadata=OWN | OPTIONAL)
    # The paper's PDF on this machine: a download in the cache, or a file attached.
    pdf: str | None = field(default=None, metadata=KEEP | OPTIONAL)
    # Where the preprint was published (readlist published): a venue and where in it,
    # beside the arXiv fields, never over them, so the preprint stays citable. See
    # schema.StoredVersion for its shape and readlist.versions for reading it.
    published_version: dict[str, Any] | None = field(default=None, metadata=FILL | OPTIONAL)
    # Why no venue was applied: {"status": "found"|"unsure"|"missing"|"failed"|"rejected",
    # "reason", "candidates", "at"}, as `resolution` is for resolving.
    published_check: dict[str, Any] | None = field(default=None, metadata=KEEP | OPTIONAL)

    def to_doc(self) -> dict[str, Any]:
        """The stored form; `id` is the document key, so it is not repeated inside.

        Optional fields are left out while empty, so a listing-only library stays small.
        """
        doc = {f.name: getattr(self, f.name) for f in _STORED_FIELDS}
        doc["authors"] = list(self.authors)
        doc["links"] = list(self.links)
        doc["tags"] = list(self.tags)
        doc["sources"] = [s.to_doc() for s in self.sources]
        for name in _OPTIONAL_FIELDS:
            value = getattr(self, name)
            if value:
                doc[name] = _copy(value)
        return doc

    @classmethod
    def from_doc(cls, paper_id: str, doc: dict[str, Any]) -> Paper:
        """The paper a stored document describes; TypeError when a field that listing,
        searching, sorting, showing and tagging read as text (or a list of text) is
        not, so a library edited by hand is refused here, one paper at a time, not by
        whatever reads the field (the store then names it: schema.problem).
        schema.StoredPaper is the whole shape, checked at every border."""
        get = doc.get
        # Two joins: each raises TypeError on anything but text, in one C call each
        # (0.2 s at 100,000 papers, a loop over the fields costs twice that).
        "".join((doc["title"], get("abstract") or "", get("notes") or "", get("date") or ""))
        "".join([get("added") or "", *(get("authors") or ()), *(get("tags") or ())])
        "".join(get("links") or ())
        return cls(
            paper_id,
            doc["title"],
            get("abstract", ""),
            list(get("authors", ())),
            get("authors_count"),
            get("organization"),
            get("organization_slug"),
            get("date"),
            get("date_raw"),
            get("upvotes", 0),
            list(get("links", ())),
            get("arxiv_id"),
            get("read", False),
            get("read_at"),
            get("starred", False),
            get("notes", ""),
            list(get("tags", ())),
            get("added", ""),
            [Source(s["file"], s.get("listing_date"), s["imported"]) for s in get("sources", ())],
            get("bibkey"),
            **{name: _copy(doc[name]) for name in _OPTIONAL_FIELDS if name in doc},
        )

    def to_json(self) -> dict[str, Any]:
        """The public `--json` shape that scripts rely on: every field, always present."""
        out: dict[str, Any] = {"id": self.id}
        out.update(self.to_doc())
        for name in _OPTIONAL_FIELDS:
            out.setdefault(name, _copy(getattr(self, name)))
        return out

    def web_links(self) -> list[str]:
        """Where to read it, best first: the arXiv page, the Hub's page (from the arXiv id
        or a link), the project page, then other http(s) links, with code repositories
        last (they are not the paper)."""
        urls: list[str] = []
        if self.arxiv_id:
            urls.append(f"https://arxiv.org/abs/{self.arxiv_id}")
            urls.append(f"https://huggingface.co/papers/{self.arxiv_id}")
        web = [u for u in self.links if u.startswith(("http://", "https://"))]
        urls += [u for u in web if _HUB_PAPER.match(u)]
        if self.project_page:
            urls.append(self.project_page)
        urls += [u for u in web if not is_code_repo(u)]
        urls += [u for u in web if is_code_repo(u)]
        if self.github:
            urls.append(self.github)
        return list(dict.fromkeys(urls))

    def shown_date(self) -> str:
        """The date to show a reader, saying when its year is the listing's guess, and
        no more precise than it is known (an imported `year = 2020`: "2020")."""
        if self.date and self.date_inferred:
            return f"{self.date} (year inferred)"
        return known_date(self.date, self.bibfields) if self.date else self.date_raw or ""

    def page_url(self) -> str | None:
        """The paper's own page, for a citation's `url`: never a code repository."""
        return next((u for u in self.web_links() if not is_code_repo(u)), None)

    def replace(self, **changes: Any) -> Paper:
        return dataclasses.replace(self, **changes)


PAPER_FIELDS = {f.name: f for f in dataclasses.fields(Paper)}
_OPTIONAL_FIELDS = tuple(name for name, f in PAPER_FIELDS.items() if f.metadata.get("optional"))
_STORED_FIELDS = [
    f for f in dataclasses.fields(Paper) if f.name != "id" and f.name not in _OPTIONAL_FIELDS
]


@cache
def _code_hosts() -> re.Pattern[str]:
    """Compiled on first use: every command imports this module, few look at links."""
    return re.compile(
        r"^https?://(www\.)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|"
        r"huggingface\.co/(spaces|datasets)|sourceforge\.net)(/|$)",
        re.IGNORECASE,
    )


_HUB_PAPER = re.compile(r"^https?://(www\.)?huggingface\.co/papers/", re.IGNORECASE)


def is_code_repo(url: str) -> bool:
    """A link to code or a demo rather than to the paper itself."""
    return bool(_code_hosts().match(url))


def _copy(value: Any) -> Any:
    """Stored lists and dicts are copied, so a Paper never shares them with the store."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


_IMPORTED_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def known_date(date: str, bibfields: Any) -> str:
    """`date` (a sortable YYYY-MM-DD) cut to what its source said, when it is the one
    an import made from BibTeX's `year`/`month` or `date` (`bibtex_in._date` pads it with
    01s): "2020", "2020-03"; any other date (a listing's, arXiv's) as it is."""
    if not isinstance(bibfields, dict) or not date:
        return date
    when, year, month = bibfields.get("date"), bibfields.get("year"), bibfields.get("month")
    if isinstance(when, str) and (m := _IMPORTED_DATE.match(when)):
        parts = [g for g in m.groups() if g]
    elif isinstance(year, str) and year.isascii() and year.isdigit() and len(year) == 4:
        parts = [year]
        if isinstance(month, str) and month.isascii() and month.isdigit():
            parts.append(f"{int(month):02d}")
    else:
        return date
    padded = "-".join([*parts, *["01"] * (3 - len(parts))])
    return "-".join(parts) if padded == date else date
