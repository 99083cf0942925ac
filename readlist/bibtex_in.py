"""BibTeX -> papers. Pure: no store, no Textual; `importing.py` applies the result.

bibtexparser 2 does the parsing, the LaTeX decoding and the name splitting. This
module decides what each field means to readlist (see `bibtex.py` for the way back):
the arXiv id wherever a tool hides it, names in a form that re-parses to the same
parts, and every field readlist does not model kept in `bibfields` for re-export.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    NormalizeFieldKeys,
    RemoveEnclosingMiddleware,
    ResolveStringReferencesMiddleware,
    SplitNameParts,
)
from bibtexparser.model import Block, DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from readlist.bibhints import arxiv_of, scholar_id, unescaped
from readlist.biblatex import bibtex_names
from readlist.bibmacros import TOO_LONG, TooLong, concat, strings_of
from readlist.bibpeople import Authors, person_of
from readlist.bibscan import prepare
from readlist.bibsort import hint_macros, without_hints
from readlist.bibtex import MONTHS, VERBATIM, key_label
from readlist.citekeys import fold
from readlist.keywords import tags_of
from readlist.latex import decoder as latex_decoder
from readlist.links import BadLink, check_url
from readlist.listingtext import clean
from readlist.model import Paper
from readlist.protect import spans_of, within
from readlist.strays import junk, unreadable
from readlist.texmath import keep_math

# BibTeX allows white space, newlines too, around the type (see bibscan.py).
_HEADER = re.compile(r"^[ \t]*@\s*[A-Za-z][\w-]*\s*[{(]\s*[^\s,{}()]*\s*,", re.MULTILINE)
_FAILED_HEAD = re.compile(r"@\s*([^\s{(]*)\s*[{(]\s*([^\s,={}()]*)")
_STRING = re.compile(r"^[ \t]*@[ \t]*string[ \t]*[{(]", re.MULTILINE | re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only
_SPACE = re.compile(r"\s+")
_BARE_PERCENT = re.compile(r"(?<!\\)%")
# What pylatexenc would change: specials, ligatures (-- ` '' !` ?`) and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Fields readlist models (or drops) itself, by BibTeX's names (biblatex's are mapped to
# them first: see biblatex.py); everything else goes to `bibfields`.
_MODELLED = frozenset(
    [
        "title",
        "author",
        "abstract",
        "eprint",
        "archiveprefix",
        "primaryclass",
        "doi",
        "url",
        "keywords",
        "annote",
        "note",
        "file",
        "crossref",
    ]
)
# Inherited through `crossref` as bibtex does: the parent's title is the child's booktitle.
_INHERIT_TITLE = frozenset(["inproceedings", "incollection", "inbook", "conference"])
# A parent of these types holds its children (a volume, a collection), not a paper.
_CONTAINERS = frozenset(
    ["proceedings", "mvproceedings", "collection", "mvcollection", "periodical"]
)


@dataclass
class Record:
    """One entry: its key, its line (1-based) and the paper it describes (id unset)."""

    key: str
    line: int
    paper: Paper


@dataclass
class BibFile:
    records: list[Record] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. links dropped as unsafe


def looks_like_bibtex(text: str) -> bool:
    """True when the text holds a BibTeX entry header (`@type{key,`) or a @string."""
    return bool(_HEADER.search(text) or _STRING.search(text))


def parse_bibtex(text: str) -> BibFile:
    """Every entry bibtexparser can read; the ones it cannot are listed by line."""
    for name in ("bibtexparser", "pylatexenc"):  # failures are reported by line instead
        quiet = logging.getLogger(name)
        if not quiet.handlers:
            quiet.addHandler(logging.NullHandler())
    text, stray_bytes = unreadable(text)
    prepared = prepare(text)  # the entries BibTeX reads and bibtexparser would skip
    library = parse_string(prepared.text, append_middleware=[NormalizeFieldKeys()])
    out = BibFile()
    out.warnings += [f"line {line}: {why}" for line, why in stray_bytes]
    failed = list(prepared.stray)
    entries: list[Entry] = []
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            # A key given twice (JabRef, Scholar): bibtexparser leaves the second one
            # as the splitter saw it; it goes through the same parse stack as the rest.
            entries.append(_finished(block.ignore_error_block, library))
        elif isinstance(block, ParsingFailedBlock):
            failed.append((line, _unread(block)))
        else:
            failed.append((line, _one_line(str(block.error))))
    named = {line for line, _ in failed}  # a broken entry's rest is not junk again
    failed += [(line, why) for line, why in junk(library.blocks) if line not in named]
    entries = sorted([*library.entries, *entries], key=lambda e: e.start_line or 0)
    for entry in entries:
        entry.entry_type = prepared.types.get(entry.start_line or 0, entry.entry_type)
    strings = strings_of(library.strings, out.warnings)
    verbatim: list[dict[str, str]] = []
    hints = hint_macros(str(p.value) for p in library.preambles)
    hinted: dict[str, list[str]] = {}
    for entry in entries:
        for f in entry.fields:
            if isinstance(f.value, str) and "#" in f.value and f.enclosing == "no-enclosing":
                try:
                    f.value = concat(f.value, strings)
                except TooLong:
                    out.warnings.append(f"{entry.key}: {f.key} {TOO_LONG}; kept as written")
            if isinstance(f.value, str) and f.key not in VERBATIM:
                f.value, dropped = without_hints(f.value, hints)
                hinted.setdefault(entry.key, []).extend(dropped)
        verbatim.append(
            {
                ("raw title" if f.key == "title" else f.key): (
                    str(f.value) if f.key == "title" else unescaped(str(f.value))
                )
                for f in entry.fields
                if f.key in VERBATIM or f.key == "title"
            }
        )
        for f in entry.fields:  # BibTeX has no comments in a field: "100% Done" is text
            if isinstance(f.value, str) and "%" in f.value and f.key not in VERBATIM:
                f.value = _BARE_PERCENT.sub(r"\\%", f.value)
    work = Library()
    decoder = latex_decoder()
    stack = (
        Authors(name_fields=("author",)),
        SplitNameParts(name_fields=("author",)),
        LatexDecodingMiddleware(decoder=decoder),
    )
    decoded: list[tuple[Entry, dict[str, str]]] = []
    if any(hinted.values()):
        out.warnings.append(_hinted(hinted))
    for entry, raw in zip(entries, verbatim, strict=True):
        done: Block | Collection[Block] | None = entry
        for middleware in stack:
            if isinstance(done, Block):
                done = middleware.transform_block(done, work)
        if isinstance(done, Entry):
            decoded.append((done, raw))
        else:
            failed.append(((entry.start_line or 0) + 1, f"{entry.key}: cannot decode its LaTeX"))
    by_key = {fold(e.key): e for e, _ in reversed(decoded)}  # crossref ignores case too
    parents = _parents(decoded, by_key)
    for entry, raw in decoded:
        if id(entry) in parents:  # a volume, as bibtex reads it: its fields go to the child
            continue
        fields = {f.key: f.value for f in entry.fields}
        raw_title = raw.pop("raw title", "")
        fields.update(raw)
        crossref = str(fields.get("crossref", ""))  # none is not an empty key's entry
        parent = by_key.get(fold(crossref)) if crossref else None
        if parent is not None and parent is not entry:
            _inherit(fields, entry.entry_type.lower(), {f.key: f.value for f in parent.fields})
        line = (entry.start_line or 0) + 1
        try:
            paper = _paper(entry.entry_type.lower(), fields, decoder.latex_to_text)
            if "{" in raw_title:
                paper.title_protect = spans_of(raw_title, paper.title, decoder.latex_to_text, _text)
            if "$" in raw_title and (kept := keep_math(raw_title, decoder.latex_to_text, _text)):
                paper.title, math = kept  # math stays math: $\alpha$, not α
                spans = [s for s in paper.title_protect if within(s, paper.title) and s not in math]
                paper.title_protect = [*math, *spans]
            url = str(fields.get("url", "")).strip()
            if url:
                try:
                    paper.links = [check_url(url)]
                except BadLink as exc:
                    out.warnings.append(f"line {line}: dropped link '{url[:60]}': {exc}")
        except ValueError as exc:
            failed.append((line, f"{entry.key}: {exc}"))
            continue
        out.records.append(Record(entry.key, line, paper))
    out.failed = [f"line {line}: {why}" for line, why in sorted(failed)]
    return out


def _hinted(hinted: dict[str, list[str]]) -> str:
    """One line for every sorting hint taken out (see bibsort.py)."""
    keys = [key for key, found in hinted.items() if found]
    shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
    macros = sorted({h.split("{", 1)[0].strip() for found in hinted.values() for h in found})
    return f"sorting hints ({', '.join(macros)}) left out of the text of {shown}"


def _finished(entry: Entry, library: Library) -> Entry:
    """A duplicate through the parse stack `parse_string` gave the other entries."""
    alone = Library([*library.strings, entry])
    ResolveStringReferencesMiddleware(allow_inplace_modification=True).transform(alone)
    done: Block = entry
    for step in (RemoveEnclosingMiddleware(True), NormalizeFieldKeys(True)):
        done = step.transform_block(done, alone) or done  # type: ignore[assignment]
    return done if isinstance(done, Entry) else entry


def _unread(block: ParsingFailedBlock) -> str:
    """Why a block bibtexparser gave up on is skipped, naming it (`@article{key`)."""
    head = _FAILED_HEAD.match(block.raw or "")
    name = f"@{head.group(1)}{{{head.group(2)}: " if head else ""
    reason = str(getattr(block.error, "abort_reason", block.error))
    if reason.startswith(("Unexpectedly reached end", "Unexpected block start")):
        return f"{name}not a complete BibTeX entry"
    return f"{name}not valid BibTeX ({_one_line(reason).rstrip('.')})"


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()[:120]


def _parents(decoded: list[tuple[Entry, dict[str, str]]], by_key: dict[str, Entry]) -> set[int]:
    """The container entries (not papers) another entry names in `crossref`."""
    out: set[int] = set()
    for entry, _ in decoded:
        crossref = str(next((f.value for f in entry.fields if f.key == "crossref"), ""))
        parent = by_key.get(fold(crossref)) if crossref else None
        if parent not in (None, entry) and parent.entry_type.lower() in _CONTAINERS:
            out.add(id(parent))
    return out


def _inherit(fields: dict[str, object], kind: str, parent: dict[str, object]) -> None:
    for key, value in parent.items():
        if key in ("title", "crossref"):
            if key == "title" and kind in _INHERIT_TITLE:
                fields.setdefault("booktitle", value)
            continue
        fields.setdefault(key, value)


def _text(value: object) -> str:
    return _SPACE.sub(" ", _block(value)).strip()


def _block(value: object) -> str:
    """Text with its lines kept, and no control characters (terminal escapes)."""
    return _CONTROL.sub("", clean(str(value))).strip()


def _paper(kind: str, fields: dict[str, object], decode: Callable[[str], str]) -> Paper:
    named, fields = bibtex_names(kind, fields)  # journaltitle is journal, @thesis @phdthesis
    kind = named or kind
    title = _text(fields.get("title", ""))
    if not title:
        raise ValueError("no title")
    names = fields.get("author")
    authors = [person_of(n, decode, _text) for n in names] if isinstance(names, list) else []
    authors = [a for a in authors if a]
    if any(a.casefold() == "and" for a in authors):  # {and and and}: no names, only joins
        raise ValueError("author has an 'and' where a name should be; fix the author field")
    rest: dict[str, str] = {}
    for key, value in fields.items():
        if key in _MODELLED or key in rest:
            continue
        text = str(value).strip() if key in VERBATIM else _text(value)
        if text:
            rest[key] = text
    keywords = _text(fields.get("keywords", ""))
    if keywords:  # written back as it is (see keywords.py); the tags show it
        rest["keywords"] = keywords
    arxiv_id, version = arxiv_of(fields, rest, _text)
    entry_type: str | None = kind
    if kind in ("misc", "online") or (
        kind == "article" and "journal" not in rest and scholar_id(fields.get("journal"))
    ):
        entry_type = None
    if "month" in rest:
        rest["month"] = _month(rest["month"])
    organization = None
    if not authors and "organization" in rest:
        organization = rest.pop("organization")
    notes = _block(fields.get("annote", ""))
    note = _text(fields.get("note", ""))
    journal_ref = None
    if note and arxiv_id:  # readlist writes an arXiv record's journal_ref there
        journal_ref = note
    elif note and not notes:
        notes = note
    elif note:
        rest["note"] = note
    doi = _DOI_PREFIX.sub("", str(fields.get("doi", "")).strip()) or None
    primary = _text(fields.get("primaryclass") or "") or None
    paper = Paper(
        id="",
        title=title,
        abstract=_block(fields.get("abstract", "")),
        authors=authors,
        organization=organization,
        date=_date(rest),
        arxiv_id=arxiv_id,
        arxiv_version=version,
        primary_category=primary if arxiv_id else None,
        doi=doi,
        journal_ref=journal_ref,
        notes=notes,
        tags=tags_of(rest.get("keywords", "")),
        entry_type=entry_type,
        bibfields=rest,
    )
    if not authors and rest.get("key") == key_label(paper):
        # The label readlist's own export writes for an entry without authors (BibTeX's
        # `key`, biblatex's `sortkey`), not the user's: derived from the title again on
        # export, so it follows an edited title instead of keeping the old one.
        del rest["key"]
    return paper


def _month(value: str) -> str:
    low = value.strip().lower()
    if _digits(low) and 1 <= int(low) <= 12:
        return str(int(low))
    if low[:3] in MONTHS and (len(low) == 3 or low.startswith(_FULL[MONTHS.index(low[:3])])):
        return str(MONTHS.index(low[:3]) + 1)
    return value


_FULL = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def _date(rest: dict[str, str]) -> str | None:
    """A sortable YYYY-MM-DD from `date` or `year`/`month` (the fields stay for export)."""
    m = _DATE.match(rest.get("date", ""))
    if m:
        return f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}"
    year = rest.get("year", "")
    if not (len(year) == 4 and _digits(year)):
        return None
    month = rest.get("month", "")
    return f"{year}-{int(month):02d}-01" if _digits(month) else f"{year}-01-01"


def _digits(text: str) -> bool:
    """ASCII digits only: `str.isdigit` also takes `²` (which int() refuses) and other
    scripts' digits (which would be stored as they are, and written out bare)."""
    return text.isascii() and text.isdigit()
