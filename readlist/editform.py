"""A paper's editable fields: the form a person fills, and saving it: check, apply.

`readlist edit` shows the form as TOML in the user's editor (readlist.formtext), and the
TUI's form fills the same `Form`; both save through `save`.

Saving applies only the fields the user changed, each checked as an import checks it
(links.check_url, the arXiv id rules, citekeys, actions.clean_tag, then the schema),
on top of the paper as it is now, under the store's lock: a star given elsewhere
while the editor was open stays. Either every changed field is applied or none is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from readlist import deleted, schema
from readlist.changes import Change
from readlist.citekeys import MAX_KEY, fold, valid_key
from readlist.errors import InputError, InvalidPaper
from readlist.links import BadLink, check_url
from readlist.model import Paper, is_code_repo
from readlist.protect import within
from readlist.selection import text_of, texts_of
from readlist.store import Store

FIELDS = ("title", "authors", "date", "type", "venue", "doi", "arxiv", "key", "tags", "url")
LISTS = frozenset({"authors", "tags"})  # the fields that hold a list
# Entry types whose venue is a `booktitle`; an article's is its `journal`.
BOOKTITLE_TYPES = frozenset({"inproceedings", "incollection", "inbook", "conference"})
_PREPRINT = frozenset({"", "misc", "online"})  # stored as no type: @misc / @online
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# The stored field a schema message names -> the field of the form it came from.
_FORM_FIELD = {
    "bibkey": "key",
    "bibkey_aliases": "key",
    "arxiv_id": "arxiv",
    "entry_type": "type",
    "links": "url",
    "title_protect": "title",
}


class EditError(InputError):
    """An edit that cannot be saved, in one line that names the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field


@dataclass(frozen=True)
class Form:
    """The fields as the user sees them; a list is a tuple, an empty value is ""."""

    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    type: str = ""
    venue: str = ""
    doi: str = ""
    arxiv: str = ""
    key: str = ""
    tags: tuple[str, ...] = ()
    url: str = ""


def form_of(paper: Paper) -> Form:
    """What the editor shows for `paper`."""
    kind = paper.entry_type or ""
    where = _venue_field(kind)
    kept = paper.bibfields
    venue = kept.get(where, "") if where else kept.get("journal") or kept.get("booktitle") or ""
    return Form(
        title=paper.title,
        authors=tuple(paper.authors),
        date=cited_date(paper),
        type=kind,
        venue=venue,
        doi=paper.doi or "",
        arxiv=paper.arxiv_id or "",
        key=paper.bibkey or "",
        tags=tuple(paper.tags),
        url=_page(paper.links),
    )


def cited_date(paper: Paper) -> str:
    """The date an export cites (bibtex.py's rule): the entry's own date or year and
    month, else the arXiv v1 date, else the listing's date."""
    kept = paper.bibfields
    if kept.get("date"):
        return kept["date"]
    year, month = kept.get("year", ""), kept.get("month", "")
    if year and month.isascii() and month.isdigit() and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    return year or paper.published or paper.date or ""


def _venue_field(kind: str) -> str | None:
    if kind in BOOKTITLE_TYPES:
        return "booktitle"
    return "journal" if kind == "article" else None


def _page(links: Sequence[str]) -> str:
    """The paper's own link: the first that is not code."""
    return next((u for u in links if not is_code_repo(u)), "")


# Checking and applying -------------------------------------------------------------
def _tidy(form: Form) -> Form:
    """White space as an import leaves it: runs of it one space, none around a value,
    no empty list items. Only the fields a user changed are tidied (see `apply`)."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(form, name)
        if isinstance(value, tuple):
            values[name] = tuple(w for w in (" ".join(v.split()) for v in value) if w)
        else:
            values[name] = " ".join(value.split())
    return Form(**values)


@dataclass(frozen=True)
class Others:
    """What other papers hold that one paper cannot share: keys (a deleted paper's
    too), arXiv ids and DOIs, each -> who holds it."""

    keys: Mapping[str, str]
    arxiv: Mapping[str, str]
    doi: Mapping[str, str]

    @classmethod
    def of(cls, store: Store, pid: str) -> Others:
        keys: dict[str, str] = {}
        arxiv: dict[str, str] = {}
        doi: dict[str, str] = {}
        for other, record in store.records().items():
            if other == pid:
                continue
            for key in [text_of(record, "bibkey"), *texts_of(record, "bibkey_aliases")]:
                if key:
                    keys.setdefault(fold(key), f"paper {other}")
            if arxiv_id := text_of(record, "arxiv_id"):
                arxiv.setdefault(arxiv_id, f"paper {other}")
            if doi_id := text_of(record, "doi"):
                doi.setdefault(doi_id.lower(), f"paper {other}")
        for folded, other in deleted.retired(store).items():
            if other != pid:
                who = (
                    f"paper {other}, which had it"
                    if other in store
                    else f"the deleted paper {other}"
                )
                keys.setdefault(folded, f"{who} (it may be cited)")
        return cls(keys, arxiv, doi)


def apply(paper: Paper, opened: Form, edited: Form, others: Others) -> Paper:
    """`paper` (as it is now) with the fields that differ between `opened` and
    `edited` set to the edited values; EditError names the first that cannot be."""
    changed = set(changed_fields(opened, edited))
    edited = _tidy(edited)
    out: dict[str, Any] = {}
    if "title" in changed:
        if not edited.title:
            raise EditError("title", "cannot be empty")
        out["title"] = edited.title
        out["title_protect"] = [s for s in paper.title_protect if within(s, edited.title)]
    if "authors" in changed:
        out["authors"] = list(edited.authors)
    if changed & {"date", "type", "venue"}:
        out.update(_bib(paper, opened, edited, changed))
    if "doi" in changed:
        doi = _DOI_PREFIX.sub("", edited.doi) or None
        if doi and (holder := others.doi.get(doi.lower())):
            raise EditError("doi", f"{doi} is the DOI of {holder}")
        out["doi"] = doi
    if "arxiv" in changed:
        out.update(_arxiv(edited.arxiv, others))
    if "key" in changed:
        out.update(_key(paper, edited.key, others))
    if "tags" in changed:
        out["tags"] = _tags(paper.tags, opened.tags, edited.tags)
    if "url" in changed:
        out["links"] = _links(paper.links, opened.url, edited.url)
    new = paper.replace(**out)
    try:
        schema.check(paper.id, new.to_doc(), paper.to_doc())
    except InvalidPaper as exc:
        name, _, why = exc.problem.partition(": ")
        name = re.split(r"[\[.]", name, maxsplit=1)[0]
        if name == "bibfields":  # "bibfields: journal: unbalanced braces"
            inner, _, why = why.partition(": ")
            name = "date" if inner == "date" else "venue"
        raise EditError(_FORM_FIELD.get(name, name), why or exc.problem) from None
    return new


def _bib(paper: Paper, opened: Form, edited: Form, changed: set[str]) -> dict[str, Any]:
    """The entry type, the venue and the cited date: what they change in the paper."""
    kept = dict(paper.bibfields)
    out: dict[str, Any] = {}
    kind = paper.entry_type or ""
    if "type" in changed:
        kind = edited.type.lower()
        if kind in _PREPRINT:
            kind = ""
        elif not re.fullmatch(r"[a-z][a-z0-9_\-]{0,31}", kind):
            raise EditError("type", f"{edited.type!r} is not a BibTeX entry type (article, …)")
        out["entry_type"] = kind or None
    if changed & {"type", "venue"}:
        venue = edited.venue if "venue" in changed else opened.venue
        for name in ("journal", "booktitle"):  # the venue moves with the type
            if opened.venue and kept.get(name) == opened.venue:
                del kept[name]
        if venue:
            where = _venue_field(kind)
            if where is None:
                what = f"a {kind} entry" if kind else "a preprint"
                raise EditError(
                    "venue",
                    f'{what} has no journal or booktitle; set type = "article" or '
                    '"inproceedings", or venue = ""',
                )
            kept[where] = venue
    if "date" in changed:  # the entry's own date, which exports cite before any other
        for name in ("date", "year", "month"):
            kept.pop(name, None)
        if edited.date:
            out["date"] = _day(edited.date)
            kept["date"] = edited.date
        elif paper.published:
            raise EditError("date", f"exports cite arXiv's {paper.published} without one")
        else:
            out["date"] = None
        out["date_inferred"] = False
    out["bibfields"] = kept
    return out


def _day(text: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, a real date, as the YYYY-MM-DD the paper sorts by."""
    m = _DATE.match(text)
    try:
        if m is None:
            raise ValueError
        return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1)).isoformat()
    except ValueError:
        raise EditError("date", f"{text!r} is not a date: YYYY, YYYY-MM or YYYY-MM-DD") from None


def _arxiv(text: str, others: Others) -> dict[str, Any]:
    """The arXiv id (as `readlist add` reads one: a URL or arXiv:… will do); a record
    for another id no longer applies, so the paper is resolved again."""
    if not text:
        return {"arxiv_id": None, "arxiv_version": None}
    from readlist.arxiv_ids import parse_reference

    try:
        found = parse_reference(text)
    except InputError as exc:
        raise EditError("arxiv", str(exc)) from None
    if holder := others.arxiv.get(found.id):
        raise EditError("arxiv", f"{found.id} is the arXiv id of {holder}")
    return {"arxiv_id": found.id, "arxiv_version": found.version, "resolution": None}


def _key(paper: Paper, key: str, others: Others) -> dict[str, Any]:
    """A new citation key, unique ignoring case; the old one stays an alias, since
    nothing records whether it was cited (every stored key may have been exported)."""
    old = paper.bibkey
    if not key:
        if old is None:
            return {}
        raise EditError("key", f"cannot be removed (documents may cite {old}); write another")
    if key == old:
        return {}
    if not valid_key(key):
        raise EditError(
            "key", f"{key!r} is not a BibTeX key (letters, digits, _:./+-; {MAX_KEY} at most)"
        )
    if old is not None and fold(key) == fold(old):
        raise EditError("key", f"{key} is {old} to BibTeX, which ignores case; keep {old}")
    if holder := others.keys.get(fold(key)):
        raise EditError("key", f"{key} is taken by {holder} (BibTeX ignores case)")
    aliases = [a for a in paper.bibkey_aliases if fold(a) != fold(key)]
    if old is not None:
        aliases.append(old)
    return {"bibkey": key, "bibkey_aliases": aliases}


def _tags(tags: Sequence[str], opened: Sequence[str], edited: Sequence[str]) -> list[str]:
    """What the user added and removed, applied to the tags as they are now."""
    from readlist.actions import clean_tag, edit_tags

    try:
        clean = [clean_tag(t) for t in edited]
    except InputError as exc:
        raise EditError("tags", str(exc)) from None
    kept = {t.casefold() for t in clean}
    was = {t.casefold() for t in opened}
    add = [t for t in clean if t.casefold() not in was]
    return edit_tags(tags, add, [t for t in opened if t.casefold() not in kept])


def _links(links: Sequence[str], old: str, new: str) -> list[str]:
    """The links with the paper's page `old` replaced by `new` (first if there was none)."""
    out = list(links)
    if new:
        try:
            new = check_url(new)
        except BadLink as exc:
            raise EditError("url", f"{exc}") from None
        if is_code_repo(new):
            raise EditError("url", "that is code, not the paper's page (it stays among the links)")
    if old in out:
        out[out.index(old)] = new
    elif new:
        out.insert(0, new)
    return list(dict.fromkeys(u for u in out if u))


def save(store: Store, pid: str, opened: Form, edited: Form) -> Change:
    """Apply the edit to the paper as it is now, in one commit; one undo step. EditError
    (nothing written) when a changed field cannot be saved."""
    with store.transaction():
        if pid not in store:
            raise deleted.gone_while_edited(store, pid)
        current = store.get(pid)
        others = Others.of(store, pid) if _needs_others(opened, edited) else Others({}, {}, {})
        new = apply(current, opened, edited, others)
        if new == current:
            return Change("edit")
        store.put([new])
    return Change.between("edit", [current], [new])


def _needs_others(opened: Form, edited: Form) -> bool:
    return any(getattr(opened, f) != getattr(edited, f) for f in ("key", "arxiv", "doi"))


def changed_fields(opened: Form, edited: Form) -> list[str]:
    """The fields the user changed, in the form's order."""
    return [f for f in FIELDS if getattr(opened, f) != getattr(edited, f)]
