"""BibTeX and biblatex: `readlist.bibtex` renders both; each is a format of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readlist.exporters import Options
    from readlist.model import Paper


@dataclass(frozen=True)
class Bibtex:
    name: str
    description: str
    suffix: str = ".bib"
    needs_keys: bool = True
    latex: bool = True
    separator: str = "\n"  # readlist.bibtex.ENTRY_SEPARATOR, without loading bibtexparser

    def render(self, papers: Sequence[Paper], options: Options) -> str:
        from readlist.bibtex import render  # bibtexparser and pylatexenc load on first use
        from readlist.exporters import Options

        return render(papers, Options(self.name, options.unicode, versions=options.versions))

    def render_entries(self, papers: Sequence[Paper], options: Options) -> list[str]:
        from readlist.bibtex import render_entries
        from readlist.exporters import Options

        return render_entries(
            papers, Options(self.name, options.unicode, versions=options.versions)
        )

    def join(self, entries: Sequence[str]) -> str:
        return self.separator.join(entries)

    def stamp(self, text: str, mark: str) -> str:
        return f"% {mark}\n{text}"  # BibTeX reads nothing outside an entry

    def stamped(self, data: bytes, mark: str) -> bool:
        return data.startswith(f"% {mark}\n".encode())


EXPORTERS = (
    Bibtex("bibtex", "BibTeX for bibtex, natbib (a preprint is @misc)"),
    Bibtex("biblatex", "biblatex for biber (a preprint is @online)"),
)
