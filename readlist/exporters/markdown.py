"""Markdown: a reading list to paste into notes, one list item per paper.

    - **Title** — A. Author, B. Author and C. Author (2025). *Venue*.
      [arXiv:2511.07399](https://arxiv.org/abs/2511.07399) · [doi:…](https://doi.org/…) · #tag #tag

(on one line), then the paper's notes, if any, as a quote inside the item. Text is
plain Unicode, as stored (see `plain.py`), with every character CommonMark (or a
notes app: `#tag`, `~~`, `$`) would read as markup backslash-escaped, so a title
prints as it is written and no HTML passes through.

A preprint with a published version follows the export's `versions` policy (see
`readlist.versions`): `published` names the venue (*International Conference on
Learning Representations*, its year) and links its DOI instead of arXiv; `both` names
the venue and links both; `preprint` is the preprint as it always was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from readlist.exporters.plain import identifier, shown_name, unbraced, without_initials

if TYPE_CHECKING:
    from readlist.exporters import Options
    from readlist.model import Paper
    from readlist.versions import Policy

AUTHORS_SHOWN = 3  # then "et al."
# Patterns compiled on first use (re caches them): listing the formats imports this.
_INLINE = r"([\\`*_\[\]<>&#$~^|])"
# What makes a line's start a block: a list (- + 1. 1)) or a setext underline (=).
_LINE_START = r"^([-+=])|^([0-9]+)([.)])"
_YEAR = r"[0-9]{4}"


class Markdown:
    name = "markdown"
    suffix = ".md"
    description = "a Markdown reading list for notes (UTF-8)"
    needs_keys = False
    latex = False

    def render(self, papers: Sequence[Paper], options: Options) -> str:
        return "".join(item(p, options.versions) for p in papers)

    def stamp(self, text: str, mark: str) -> str:
        return f'[//]: # "{mark}"\n\n{text}'  # a link definition: renders as nothing

    def stamped(self, data: bytes, mark: str) -> bool:
        return data.startswith(f'[//]: # "{mark}"\n'.encode())


def escape(text: str) -> str:
    """`text` as Markdown that shows it literally."""
    text = re.sub(_INLINE, r"\\\1", text)
    return re.sub(_LINE_START, lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def item(paper: Paper, versions: Policy = "both") -> str:
    from readlist.versions import rendering

    shown = rendering(paper, versions)
    line = f"- **{escape(paper.title)}**"
    who = _authors(paper)
    if who:
        line += f" — {escape(who)}"
    year = shown.fields.get("year") or _year(paper)
    if year:
        line += f" ({year})"
    line += "."
    fields = shown.fields if shown.entry_type else paper.bibfields
    venue = fields.get("journal") or fields.get("booktitle")
    if venue:
        line += f" *{escape(venue)}*"
        where = [fields[n] for n in ("volume", "pages") if n in fields and shown.entry_type]
        line += "".join(f", {escape(w)}" for w in where) + "."
    doi = shown.fields.get("doi") if shown.entry_type else paper.doi
    tail = _links(paper, doi, arxiv=shown.eprint)
    if paper.tags:
        tail.append(" ".join("#" + escape(tag) for tag in paper.tags))
    if tail:
        line += " " + " · ".join(tail)
    out = [line]
    for note in paper.notes.strip().splitlines():
        note = note.strip()
        out.append(f"  > {escape(note)}" if note else "  >")
    return "\n".join(out) + "\n"


def _authors(paper: Paper) -> str:
    shown = [_name(a) for a in paper.authors if a.strip().lower() != "others"]
    if not shown:
        return paper.organization or ""
    more = len(shown) > AUTHORS_SHOWN or len(shown) < len(paper.authors)
    shown = shown[:AUTHORS_SHOWN]
    if more:
        return ", ".join(shown) + " et al."
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _name(stored: str) -> str:
    """A stored name as it is read: "von Last, Jr, First" is "First von Last, Jr"; a
    braced corporate name ({OpenAI Team}) loses its braces."""
    corporate = unbraced(stored)
    if corporate is not None:
        return corporate
    if "," not in stored:
        return shown_name(stored)  # John {von Neumann}
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    parts = parse_single_name_into_parts(without_initials(stored), strict=False)
    name = " ".join(unbraced(t) or t for t in [*parts.first, *parts.von, *parts.last])
    return name + "".join(f", {jr}" for jr in parts.jr)


def _year(paper: Paper) -> str:
    """The year the BibTeX export gives it (see `bibtex._dates`)."""
    kept = paper.bibfields
    for when in (kept.get("date"), kept.get("year"), paper.published, paper.date):
        if when and re.match(_YEAR, when):
            return when[:4]
    return ""


def _links(paper: Paper, doi: str | None, *, arxiv: bool = True) -> list[str]:
    """The arXiv link (unless a published version is cited alone) or the paper's own
    link, then the DOI's."""
    from readlist.links import url_of

    out: list[str] = []
    if paper.arxiv_id:
        if arxiv:
            out.append(_link(f"arXiv:{paper.arxiv_id}", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    else:
        url = url_of(paper)
        if url:
            out.append(_link(urlsplit(url).hostname or "link", url))
    if doi:
        doi = identifier(doi)
        out.append(_link(f"doi:{doi}", "https://doi.org/" + quote(doi, safe="/")))
    return out


def _link(text: str, url: str) -> str:
    """A link whose target no text can end early: parentheses are %-encoded too."""
    return f"[{escape(text)}]({url.replace('(', '%28').replace(')', '%29')})"


EXPORTERS = (Markdown(),)
