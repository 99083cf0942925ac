"""Papers -> BibTeX that compiles: escaped values, protected capitals. Pure: no store.

Entries are built as bibtexparser 2 model objects and written by its writer. This
module only decides *what* each value is: TeX-escaped text, capitals protected with
braces, months as macros, keys stable once given.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    AddEnclosingMiddleware,
    MonthAbbreviationMiddleware,
    MonthIntMiddleware,
)
from bibtexparser.model import Block, Entry, Field
from bibtexparser.writer import BibtexFormat

from readlist.biblatex import biblatex_names, bibtex_names, type_words
from readlist.citekeys import STOPWORDS
from readlist.exporters import Options as Options  # the options of every format
from readlist.keywords import field_for
from readlist.links import url_of as url_of  # once defined here
from readlist.model import Paper
from readlist.texencode import Encoder
from readlist.versions import Policy, rendering

STYLES = ("bibtex", "biblatex")  # the two formats this renders (see exporters/bibtex_format.py)
_NOT_VERBATIM = re.compile(r"[\\{}\s\x00-\x1f\x7f-\U0010ffff]")
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

# Fields written as they are (no TeX escaping): biblatex and url.sty treat them verbatim.
VERBATIM = frozenset(["url", "doi", "eprint", "biburl"])


def _names(text: str) -> list[str]:
    return text.split()


# Fields only the model writes; imported copies of them are never written again.
_OWNED = frozenset(
    _names("title author abstract keywords annote url doi year month date file crossref")
)
_ARXIV_OWNED = frozenset(["eprint", "archiveprefix", "primaryclass", "note"])
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_\-]*$")
_CORPORATE = re.compile(r"^\{[^{}]+\}$")
_GROUP = re.compile(r"(?<![^\s,])\{[^{}]+\}(?![^\s,])")  # a whole word, braced
_GROUP_SPLIT = re.compile(r"((?<![^\s,])\{[^{}]+\}(?![^\s,]))")
_ORDER = _names(
    "title author key sortkey organization editor booktitle journal journaltitle series volume "
    "number pages edition publisher institution school address location howpublished year "
    "month date doi eprint archiveprefix eprinttype primaryclass eprintclass url note abstract "
    "keywords annote annotation"
)
# An imported entry's venue fields, left out when a published version supplies its own.
_VENUE_KEPT = frozenset(
    _names(
        "booktitle journal journaltitle howpublished volume number issue pages publisher "
        "year month date eventtitle"
    )
)
_CASED = {"archiveprefix": "archivePrefix", "primaryclass": "primaryClass"}
_BIBTEX_TYPES = frozenset(
    _names(
        "article book booklet conference inbook incollection inproceedings manual "
        "mastersthesis misc phdthesis proceedings techreport unpublished"
    )
)
_BIBLATEX_TYPES = _BIBTEX_TYPES | frozenset(
    _names(
        "mvbook bookinbook suppbook collection mvcollection suppcollection online patent "
        "periodical mvproceedings reference report thesis dataset software electronic www "
        "standard suppperiodical"
    )
)


def entry(paper: Paper, enc: Encoder, style: str = "bibtex", versions: Policy = "both") -> Entry:
    """One paper as a bibtexparser Entry. The paper must already have a key, which a
    published version never changes; `versions` says which version it cites."""
    assert paper.bibkey, "call ensure_keys first"
    biblatex = style == "biblatex"
    shown = rendering(paper, versions)
    # Built under BibTeX's names (as the library keeps them), then named as the style does.
    kind, kept = bibtex_names(shown.entry_type or paper.entry_type, paper.bibfields)
    if shown.entry_type:  # the venue's fields, not the imported entry's
        kept = {k: v for k, v in kept.items() if k not in _VENUE_KEPT}
    if not biblatex:
        kept = type_words(kept)
    values: dict[str, str | int] = {"title": enc.title(paper.title, paper.title_protect)}
    if paper.authors:
        values["author"] = " and ".join(_person(enc, a) for a in paper.authors)
    if paper.organization and not paper.authors:
        values["organization"] = enc.text(paper.organization)
    values.update(_dates(paper, kept, enc, biblatex))
    if "year" in shown.fields:
        for name in ("year", "month", "date"):
            values.pop(name, None)
    if paper.doi:
        values["doi"] = _verbatim(paper.doi)
    if paper.arxiv_id and shown.eprint:
        values["eprint"] = paper.arxiv_id
        values["archiveprefix"] = "arXiv"
        if paper.primary_category:
            values["primaryclass"] = paper.primary_category
        if paper.journal_ref and not shown.entry_type:
            values["note"] = enc.text(paper.journal_ref)
    if shown.entry_type:
        values.update(_venue(shown.fields, enc, biblatex))
        if "doi" not in shown.fields:
            values.pop("doi", None)  # arXiv's DOI names the preprint, not the venue
    url = url_of(paper)
    if url and (shown.eprint or "arxiv.org/" not in url):
        values["url"] = url
    if paper.abstract:
        values["abstract"] = enc.text(paper.abstract)
    keywords = field_for(paper.tags, kept.get("keywords", ""))
    if keywords:
        values["keywords"] = enc.text(keywords)
    if paper.notes.strip():
        values["annote"] = enc.text(re.sub(r"\n\s*\n", "\n", paper.notes.strip()))
    skip = _OWNED | (_ARXIV_OWNED if paper.arxiv_id else frozenset())
    for name, value in kept.items():
        if name in skip or name in values or not _FIELD_NAME.match(name):
            continue
        if name in VERBATIM:
            values[name] = _verbatim(value)
        elif name == "pages":
            values[name] = "--".join(enc.text(part) for part in value.split("\u2013"))
        else:
            values[name] = enc.text(value)
    if not paper.authors and "key" not in values:
        values["key"] = enc.text(key_label(paper))
    if biblatex:
        kind, values = biblatex_names(kind, values)
    rank = {name: i for i, name in enumerate(_ORDER)}
    ordered = sorted(values, key=lambda n: rank.get(n, len(rank)))
    fields = [Field(_CASED.get(n, n), _not_bare(values[n])) for n in ordered]
    return Entry(_entry_type(kind, biblatex), paper.bibkey, fields)


def _venue(fields: Mapping[str, str], enc: Encoder, biblatex: bool) -> dict[str, str | int]:
    """A published version's fields (readlist.versions), encoded; its year replaces the
    preprint's dates."""
    out: dict[str, str | int] = {}
    for name, value in fields.items():
        if name == "doi":
            out[name] = _verbatim(value)
        elif name == "pages":
            out[name] = "--".join(enc.text(part) for part in value.split("\u2013"))
        elif name == "year":
            out["date" if biblatex else "year"] = value
        else:
            out[name] = enc.text(value)
    return out


def _not_bare(value: str | int) -> str | int:
    """bibtexparser writes digits bare, and to `str.isdigit` another script's digits
    (a kept `year = {２０２４}`) are digits too; BibTeX reads bare values in ASCII only."""
    if isinstance(value, str) and value.isdigit() and not value.isascii():
        return "{" + value + "}"
    return value


def _entry_type(stored: str | None, biblatex: bool) -> str:
    """The stored type where the style knows it; a preprint is @misc / @online."""
    if stored is None or stored == "online":
        return "online" if biblatex else "misc"
    known = _BIBLATEX_TYPES if biblatex else _BIBTEX_TYPES
    return stored if stored in known else "misc"


def _dates(
    paper: Paper, kept: Mapping[str, str], enc: Encoder, biblatex: bool
) -> dict[str, str | int]:
    """year/month (bibtex) or date (biblatex): as the imported entry had them, else from
    the v1 date (or the listing's date)."""
    out: dict[str, str | int] = {}
    if "year" in kept or "date" in kept:
        date, year, month = kept.get("date", ""), kept.get("year"), kept.get("month")
        m = re.match(r"([0-9]{4})(?:-([0-9]{2}))?", date)
        if year is None and m:
            year, month = m.group(1), m.group(2)
        if biblatex and not date and year and re.fullmatch(r"[0-9]{4}", year):
            if not month:
                date = year
            elif month.isascii() and month.isdigit() and 1 <= int(month) <= 12:
                date = f"{year}-{int(month):02d}"
        if date:
            out["date"] = enc.text(date)
        if not biblatex or not date:
            if year is not None:
                out["year"] = enc.text(year)
            if month:
                out["month"] = _month(month, enc, biblatex)
        return out
    when = paper.published or paper.date
    if not when:
        if not biblatex:
            out["year"] = "n.d."  # natbib warns about an empty year; "no date" is the truth
        return out
    if biblatex:
        out["date"] = paper.published or when[:7]
    else:
        out["year"] = when[:4]
        out["month"] = MONTHS[int(when[5:7]) - 1]
    return out


def _month(value: str, enc: Encoder, biblatex: bool) -> str | int:
    if value.isascii() and value.isdigit() and 1 <= int(value) <= 12:
        return int(value) if biblatex else MONTHS[int(value) - 1]
    return enc.text(value)


def _person(enc: Encoder, name: str) -> str:
    """A name for `author`; a braced corporate name ({OpenAI Team}) keeps its braces."""
    if _CORPORATE.match(name):
        return "{" + enc.text(name[1:-1]) + "}"
    if _GROUP.search(name):  # John {von Neumann}: the group is one word to BibTeX
        return "".join(
            "{" + enc.text(part[1:-1]) + "}" if _GROUP.fullmatch(part) else enc.name_part(part)
            for part in _GROUP_SPLIT.split(name)
        )
    return enc.name(name)


def _verbatim(value: str) -> str:
    """An identifier or URL (doi, eprint), written as it is but for what TeX would read
    as markup or a field's end (backslashes, braces, spaces, controls) and non-ASCII
    (which \\url under pdflatex cannot take), %-encoded."""
    return _NOT_VERBATIM.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), value)


def key_label(paper: Paper) -> str:
    """The sort label used when no author is known (see the plain style's `key`)."""
    words = [w.strip(string.punctuation) for w in paper.title.split()]
    return next((w for w in words if w and w.lower() not in STOPWORDS), paper.title)


def render(papers: Sequence[Paper], options: Options | None = None) -> str:
    """BibTeX text for papers that already carry keys; biblatex's when `options.format`
    is "biblatex"."""
    options = options or Options()
    style = "biblatex" if options.format == "biblatex" else "bibtex"
    enc = Encoder(unicode=options.unicode, biber=style == "biblatex")
    return _write([entry(p, enc, style, options.versions) for p in papers], style)


def render_entries(papers: Sequence[Paper], options: Options | None = None) -> list[str]:
    """Each paper's entry alone: `render` is these joined by ENTRY_SEPARATOR (what a
    render cache keeps, readlist.entrycache)."""
    options = options or Options()
    style = "biblatex" if options.format == "biblatex" else "bibtex"
    enc = Encoder(unicode=options.unicode, biber=style == "biblatex")
    entries = [entry(p, enc, style, options.versions) for p in papers]
    # One write, cut apart: a write per entry costs half as much again. A paper whose
    # text held the cut mark would show as one part too many: then one at a time.
    parts = _write(entries, style, _CUT).split(_CUT)
    if len(parts) == len(entries):
        return parts
    return [
        _write([entry(p, enc, style, options.versions)], style) for p in papers
    ]  # writing changed those


ENTRY_SEPARATOR = "\n"  # the writer's block separator (see _write)
_CUT = "\n\x00readlist-entry\x00\n"


def _write(entries: Sequence[Block], style: str, separator: str = ENTRY_SEPARATOR) -> str:
    library = Library(list(entries))
    month = MonthIntMiddleware() if style == "biblatex" else MonthAbbreviationMiddleware()
    stack = [
        month,
        AddEnclosingMiddleware(
            reuse_previous_enclosing=False, enclose_integers=False, default_enclosing="{"
        ),
    ]
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]
    fmt.indent = "  "
    fmt.block_separator = separator
    return write_string(library, unparse_stack=stack, bibtex_format=fmt)
