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
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """NFKC, casefold, and fold curly quotes and dashes: the base of every comparison."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()


def unaccent(text: str) -> str:
    """Compatibility-decomposed (NFKD) without combining marks, for search: "Café" →
    "Cafe", "Ünïcödé" → "Unicode", "ﬁ" → "fi". ASCII text is returned as it is.

    Not part of `fold`: a title's identity (and so its paper id) keeps its accents.
    """
    if text.isascii():
        return text
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


@dataclass(slots=True)
class Paper:
    """A paper in the library: metadata from listings plus the user's own state."""

    id: str
    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    authors_count: int | None = None
    organization: str | None = None
    organization_slug: str | None = None
    date: str | None = None
    date_raw: str | None = None
    upvotes: int = 0
    links: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    read: bool = False
    read_at: str | None = None
    starred: bool = False
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    added: str = ""
    sources: list[Source] = field(default_factory=list)
    bibkey: str | None = None
    # The arXiv record (set by resolving; see readlist.sources).
    arxiv_version: int | None = None
    primary_category: str | None = None
    categories: list[str] = field(default_factory=list)
    doi: str | None = None
    journal_ref: str | None = None
    arxiv_comment: str | None = None
    published: str | None = None  # v1, YYYY-MM-DD
    updated: str | None = None  # latest version, YYYY-MM-DD
    # Why resolving did not apply a record: {"status": "failed"|"missing"|"unsure", ...}.
    resolution: dict[str, Any] | None = None
    # From the Hub.
    ai_keywords: list[str] = field(default_factory=list)
    github: str | None = None
    project_page: str | None = None
    # From BibTeX: the entry type (None: a preprint, exported as @misc/@online) and the
    # fields readlist does not model (journal, booktitle, volume, pages, publisher, ...).
    entry_type: str | None = None
    bibfields: dict[str, str] = field(default_factory=dict)
    # Parts of the title the .bib braced ({Bayesian}), braced again on export.
    title_protect: list[str] = field(default_factory=list)
    # When it was last starred (None: not starred, or starred before readlist kept this).
    starred_at: str | None = None
    # Other citation keys of this paper (a merged duplicate's key), so documents citing
    # them keep compiling; unique across the library together with every `bibkey`.
    bibkey_aliases: list[str] = field(default_factory=list)
    # The listing printed `date` without a year: the year is the page's best guess, and
    # resolving replaces it with the arXiv record's (see listing.page_year).
    date_inferred: bool = False
    # The paper's PDF on this machine: a download in the cache, or a file attached.
    pdf: str | None = None

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
        get = doc.get
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
        """The date to show a reader, saying when its year is the listing's guess."""
        if self.date and self.date_inferred:
            return f"{self.date} (year inferred)"
        return self.date or self.date_raw or ""

    def page_url(self) -> str | None:
        """The paper's own page, for a citation's `url`: never a code repository."""
        return next((u for u in self.web_links() if not is_code_repo(u)), None)

    def replace(self, **changes: Any) -> Paper:
        return dataclasses.replace(self, **changes)


_OPTIONAL_FIELDS = (
    "arxiv_version",
    "primary_category",
    "categories",
    "doi",
    "journal_ref",
    "arxiv_comment",
    "published",
    "updated",
    "resolution",
    "ai_keywords",
    "github",
    "project_page",
    "entry_type",
    "bibfields",
    "starred_at",
    "title_protect",
    "bibkey_aliases",
    "date_inferred",
    "pdf",
)
_STORED_FIELDS = [
    f for f in dataclasses.fields(Paper) if f.name != "id" and f.name not in _OPTIONAL_FIELDS
]
_CODE_HOSTS = re.compile(
    r"^https?://(www\.)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|"
    r"huggingface\.co/(spaces|datasets)|sourceforge\.net)(/|$)",
    re.IGNORECASE,
)


_HUB_PAPER = re.compile(r"^https?://(www\.)?huggingface\.co/papers/", re.IGNORECASE)


def is_code_repo(url: str) -> bool:
    """A link to code or a demo rather than to the paper itself."""
    return bool(_CODE_HOSTS.match(url))


def _copy(value: Any) -> Any:
    """Stored lists and dicts are copied, so a Paper never shares them with the store."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value
