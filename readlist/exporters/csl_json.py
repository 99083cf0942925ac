"""CSL-JSON (CSL 1.0.2 input data): what pandoc `--citeproc`, Quarto and Typst read.

An item's `id` is the paper's citation key, the same one a BibTeX export writes.
Text is plain Unicode, as stored (see `plain.py`). The library keeps BibTeX's entry
types and field names (see `biblatex.py`); they map to CSL's here. A preprint is
CSL's `article` with the arXiv id as its `number`, as Zotero writes one.

A preprint with a published version follows the export's `versions` policy (see
`readlist.versions`): `published` makes it a `paper-conference` or `article-journal` with
the venue as its `container-title` and the venue's DOI, volume, issue, page and
publisher, and no arXiv link; `both` keeps the arXiv copy too, as CSL names a copy held
elsewhere: `archive` "arXiv", `archive_location` the arXiv id, and its `URL`;
`preprint` writes the preprint as it always did.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from readlist.exporters.plain import identifier, unbraced, without_initials
from readlist.texmath import readable

if TYPE_CHECKING:
    from readlist.exporters import Options
    from readlist.model import Paper
    from readlist.versions import Policy

# BibTeX's entry type (biblatex's where BibTeX has none) -> CSL's; None is a preprint.
_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "book": "book",
    "mvbook": "book",
    "proceedings": "book",
    "manual": "book",
    "collection": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "bookinbook": "chapter",
    "booklet": "pamphlet",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "software": "software",
    "dataset": "dataset",
    "patent": "patent",
    "periodical": "periodical",
    "standard": "standard",
}
# Fields copied as they are (as plain text), by BibTeX's name -> CSL's.
_FIELDS = {
    "volume": "volume",
    "edition": "edition",
    "series": "collection-title",
    "address": "publisher-place",
    "isbn": "ISBN",
    "issn": "ISSN",
    "language": "language",
    "chapter": "chapter-number",
}
# The imported entry's venue fields, which a published version's replace.
_VENUE_KEPT = frozenset(
    {
        *("booktitle", "journal", "journaltitle", "howpublished", "eventtitle"),
        *("volume", "number", "issue", "pages", "publisher", "year", "month", "date", "doi"),
    }
)
_THESIS_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# Patterns compiled on first use (re caches them): listing the formats imports this.
_DATE = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"
_AND = r"(?i)\s+and\s+"
STAMP_KEY = "written-by"


class CslJson:
    name = "csl-json"
    suffix = ".json"
    description = "CSL-JSON for pandoc, Quarto and Typst (UTF-8)"
    needs_keys = True
    latex = False

    def render(self, papers: Sequence[Paper], options: Options) -> str:
        return _dump([item(p, options.versions) for p in papers])

    def stamp(self, text: str, mark: str) -> str:
        """JSON has no comments: each item says so in CSL's `custom`, which every
        processor ignores."""
        import json

        items = json.loads(text)
        for entry in items:
            entry["custom"] = {STAMP_KEY: mark}
        return _dump(items)

    def stamped(self, data: bytes, mark: str) -> bool:
        import json

        try:
            items = json.loads(data)
        except ValueError:  # not JSON, or not UTF-8
            return False
        return isinstance(items, list) and all(
            isinstance(i, dict)
            and isinstance(i.get("custom"), dict)
            and i["custom"].get(STAMP_KEY) == mark
            for i in items
        )


def _dump(items: list[dict[str, Any]]) -> str:
    import json  # loaded when a CSL-JSON export runs, not by every listing of the formats

    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def item(paper: Paper, versions: Policy = "both") -> dict[str, Any]:
    """One paper as a CSL item, citing the version `versions` picks. It must already
    have a key, which the policy never changes."""
    from readlist.biblatex import TYPE_WORDS, bibtex_names
    from readlist.keywords import field_for
    from readlist.links import url_of
    from readlist.versions import rendering

    assert paper.bibkey, "call ensure_keys first"
    shown = rendering(paper, versions)
    kind, kept = bibtex_names(shown.entry_type or paper.entry_type, paper.bibfields)
    if shown.entry_type:  # the venue's fields, not the imported entry's
        kept = {k: v for k, v in kept.items() if k not in _VENUE_KEPT}
        kept.update({k: v for k, v in shown.fields.items() if k != "doi"})
    csl_type = "article" if kind is None else _TYPES.get(kind, "document")
    title = readable(paper.title, paper.title_protect)  # $O(n^2)$ is O(n²)
    out: dict[str, Any] = {"id": paper.bibkey, "type": csl_type, "title": title}
    authors = names(paper.authors)
    if authors:
        out["author"] = authors
    elif paper.organization or kept.get("organization"):
        out["author"] = [{"literal": paper.organization or kept["organization"]}]
    if kept.get("editor"):
        out["editor"] = names(re.split(_AND, kept["editor"]))
    issued = _issued(paper, kept)
    if issued is not None:
        out["issued"] = issued
    container = kept.get("journal") or kept.get("booktitle")
    if container:
        out["container-title"] = container
    for name, csl in _FIELDS.items():
        if kept.get(name):
            out[csl] = kept[name]
    if kept.get("pages"):
        out["page"] = kept["pages"].replace("\u2013", "-")
    if kept.get("number"):
        out["issue" if csl_type == "article-journal" else "number"] = kept["number"]
    publisher = kept.get("publisher") or kept.get("school") or kept.get("institution")
    if publisher:
        out["publisher"] = publisher
    kind_word = kept.get("type", "")
    genre = TYPE_WORDS.get(kind_word.strip().lower(), kind_word) or _THESIS_GENRE.get(kind or "")
    if genre:
        out["genre"] = genre
    if paper.arxiv_id and kind is None:  # a preprint, as Zotero writes one (APA cites it so)
        out["number"] = f"arXiv:{paper.arxiv_id}"
        out.setdefault("publisher", "arXiv")
        out.setdefault("genre", "Preprint")
    doi = shown.fields.get("doi") if shown.entry_type else paper.doi
    if doi:
        out["DOI"] = identifier(doi)
    if shown.entry_type and shown.eprint and paper.arxiv_id:  # `both`: the arXiv copy too
        out["archive"] = "arXiv"
        out["archive_location"] = f"arXiv:{paper.arxiv_id}"
    url = url_of(paper)
    if url and (shown.eprint or "arxiv.org/" not in url):
        out["URL"] = url
    note = (None if shown.entry_type else paper.journal_ref) or kept.get("note")
    if note:
        out["note"] = note
    if paper.abstract.strip():
        out["abstract"] = paper.abstract.strip()
    keywords = field_for(paper.tags, kept.get("keywords", ""))
    if keywords:
        out["keyword"] = keywords
    if paper.notes.strip():
        out["annote"] = paper.notes.strip()
    return out


def names(stored: Sequence[str]) -> list[dict[str, str]]:
    """Stored names ("First von Last", "von Last, Jr, First", "{Corporate}") as CSL
    names, split as BibTeX splits them. BibTeX's "and others" has no CSL form: left out."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    out: list[dict[str, str]] = []
    for name in stored:
        name = name.strip()
        if not name or name.lower() == "others":
            continue
        corporate = unbraced(name)
        if corporate is not None:
            out.append({"literal": corporate})
            continue
        parts = parse_single_name_into_parts(without_initials(name), strict=False)
        person = {
            "family": _words(parts.last),
            "given": _words(parts.first),
            "non-dropping-particle": _words(parts.von),
            "suffix": _words(parts.jr),
        }
        person = {k: v for k, v in person.items() if v}
        out.append(person if "family" in person else {"literal": name})
    return out


def _words(tokens: list[str]) -> str:
    """A name part; a braced token ({Van Gogh}, one word to BibTeX) loses its braces."""
    return " ".join(unbraced(t) or t for t in tokens)


def _issued(paper: Paper, kept: dict[str, str]) -> dict[str, Any] | None:
    """As the BibTeX export dates it: the imported `date` or `year`/`month`, else the
    arXiv v1 date, else the listing's year and month."""
    m = re.fullmatch(_DATE, kept.get("date", "")[:10])
    year, month = kept.get("year", ""), kept.get("month", "")
    if m:
        parts = [int(g) for g in m.groups() if g]
    elif year:
        if not (year.isascii() and year.isdigit()):
            return {"literal": year}
        parts = [int(year)]
        if month.isascii() and month.isdigit() and 1 <= int(month) <= 12:
            parts.append(int(month))
    elif paper.published:
        parts = [int(x) for x in paper.published.split("-")]
    elif paper.date:
        parts = [int(x) for x in paper.date.split("-")[:2]]
    else:
        return None
    return {"date-parts": [parts]}


EXPORTERS = (CslJson(),)
