"""What a BibTeX entry says in passing: the arXiv id wherever a tool hides it, and
identifiers written in TeX's way.

Tools put an arXiv id in many places: `eprint` with `archivePrefix` (arXiv's own
export, biblatex's `eprinttype`), Google Scholar's `journal = {arXiv preprint
arXiv:...}`, DBLP's `volume = {abs/...}`, a bare `note = {arXiv:...}` (ACL Anthology,
hand-written files), or only the URL. `arxiv_of` finds it and takes the field that
held nothing else out of the entry, so it is not written back as a journal or a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping

from readlist.arxiv_ids import ArxivId, parse_id, parse_reference
from readlist.errors import InputError

# Google Scholar's journal for a preprint: "arXiv preprint arXiv:2401.01234", and for an
# old-style id "arXiv preprint hep-th/9901001" (no "arXiv:").
_SCHOLAR_JOURNAL = re.compile(r"^arxiv preprint\s+(?:arxiv:\s*)?(\S+?)\s*$", re.IGNORECASE)
# A note (or howpublished) that is only the id: "arXiv:2401.01234", "arXiv:2401.01234v2
# [cs.CL]", "arXiv preprint arXiv:2401.01234".
_NOTE = re.compile(
    r"^(?:arxiv preprint\s+)?arxiv:\s*(\S+?)\.?(?:\s*\[[\w.-]+\])?\s*$", re.IGNORECASE
)
# `\_`, `\%`, `\#`, `\&`, `\~`, `\$` in a url or doi: TeX's escapes of characters
# that url.sty and biblatex take verbatim (JabRef and Zotero write them escaped).
_ESCAPED = re.compile(r"\\([_%#&~$])")
_DBLP = re.compile(r"^abs/(\S+)$")
_ARXIV_URL = re.compile(r"^https?://(www\.|export\.)?arxiv\.org/(abs|pdf)/", re.IGNORECASE)


def unescaped(value: str) -> str:
    """A verbatim field (url, doi, eprint) with TeX's escapes taken off its characters."""
    return _ESCAPED.sub(r"\1", value)


def scholar_id(journal: object) -> str | None:
    """The arXiv id of a Scholar preprint's journal, if it names a real one."""
    m = _SCHOLAR_JOURNAL.match(str(journal or ""))
    return m.group(1) if m and parse_id(m.group(1)) else None


def _note_id(note: object) -> str | None:
    m = _NOTE.match(" ".join(str(note or "").split()))
    return m.group(1) if m and parse_id(m.group(1)) else None


def arxiv_of(
    fields: MutableMapping[str, object],
    rest: MutableMapping[str, str],
    text: Callable[[object], str] = lambda v: " ".join(str(v).split()),
) -> tuple[str | None, int | None]:
    """The arXiv id: eprint + archivePrefix (biblatex's eprinttype), Google Scholar's
    journal, DBLP's volume, a note that is only the id, else an arXiv URL. Another
    kind of eprint is kept for export."""
    kind = str(fields.get("archiveprefix") or "").strip().lower()
    candidates: list[str] = []
    eprint = str(fields.get("eprint", "")).strip()
    bare = re.sub(r"^arxiv:\s*", "", eprint, flags=re.IGNORECASE)
    if eprint and kind in ("arxiv", "") and parse_id(bare):
        candidates.append(bare)
    elif eprint:
        rest["eprint"] = eprint
        if kind:
            rest["archiveprefix"] = kind
        if text(fields.get("primaryclass", "")):
            rest["primaryclass"] = text(fields["primaryclass"])
    scholar = scholar_id(rest.get("journal"))
    if scholar:
        candidates.append(scholar)
        del rest["journal"]
    dblp = _DBLP.match(rest.get("volume", ""))
    if dblp:
        candidates.append(dblp.group(1))
    noted = _note_id(fields.get("note"))
    if noted:
        candidates.append(noted)
        del fields["note"]  # only the id: not a journal reference
    published = _note_id(rest.get("howpublished")) or scholar_id(rest.get("howpublished"))
    if published:
        candidates.append(published)
        del rest["howpublished"]
    for cand in candidates:
        found = parse_id(cand)  # arXiv's own rules, as for `readlist add`
        if found:
            return _pair(found)
    url = str(fields.get("url", "")).strip()
    if _ARXIV_URL.match(url):
        try:
            return _pair(parse_reference(url))
        except InputError:
            pass
    return None, None


def _pair(found: ArxivId) -> tuple[str, int | None]:
    return found.id, found.version
