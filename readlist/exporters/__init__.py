"""Export formats behind one registry: the CLI, the TUI's export dialog and
`[[export.auto]]` list and choose formats only through `REGISTRY`.

Adding a format is one module in this package that defines `EXPORTERS` (a tuple of
`Exporter`s) plus its name in `FORMATS`. The modules import what they render with
inside `render`, so listing the formats (every `readlist --help`) stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from readlist.errors import ReadlistError

if TYPE_CHECKING:
    from readlist.model import Paper

# Which version of a preprint with a published version an export cites (`--versions`,
# `[export] versions`); readlist.versions says what each means. Here, with the other
# options, so that the CLI and the config check them without loading the renderers.
Policy = Literal["published", "preprint", "both"]
POLICIES: tuple[Policy, ...] = ("published", "preprint", "both")

# One line per format module, in the order the formats are listed.
FORMATS = (
    "bibtex_format",  # bibtex, biblatex
    "csl_json",
    "markdown",
)
DEFAULT = "bibtex"


@dataclass(frozen=True, init=False)
class Options:
    """How to write an export: the format's registry name, whether the LaTeX formats
    keep UTF-8 (`--unicode`; the other formats are always UTF-8), and which version of
    a preprint with a published version every format cites (`--versions`, see
    readlist.versions)."""

    format: str = DEFAULT
    unicode: bool = False
    versions: Policy = "both"

    def __init__(
        self,
        format: str = DEFAULT,
        unicode: bool = False,
        *,
        style: str | None = None,
        versions: Policy = "both",
    ) -> None:
        object.__setattr__(self, "format", format if style is None else style)
        object.__setattr__(self, "unicode", unicode)
        object.__setattr__(self, "versions", versions)

    @property
    def style(self) -> str:
        """The old name of `format` (`--style`, `[[export.auto]] style`), still accepted."""
        return self.format


class Exporter(Protocol):
    """One export format. `render` gets papers that already carry their keys when
    `needs_keys` (export assigns and stores them first, see `exporting.ensure_keys`)."""

    @property
    def name(self) -> str:
        """What `--format` and `format = "..."` take: lower-case, no spaces."""

    @property
    def suffix(self) -> str:
        """The file name's usual ending (".bib"); `-o` without `--format` reads it."""

    @property
    def description(self) -> str:
        """One line for `export --help` and the TUI's dialog."""

    @property
    def needs_keys(self) -> bool:
        """Whether each paper gets a stored citation key before rendering."""

    @property
    def latex(self) -> bool:
        """Whether it writes LaTeX, so that `--unicode` applies."""

    def render(self, papers: Sequence[Paper], options: Options) -> str:
        """The whole file for these papers, in their order."""

    def stamp(self, text: str, mark: str) -> str:
        """`text` carrying `mark` where this format's readers skip it (a comment):
        how auto-export tells a file it wrote from one a person keeps."""

    def stamped(self, data: bytes, mark: str) -> bool:
        """Whether `data` carries `mark` as `stamp` puts it."""


@runtime_checkable
class EntryWise(Protocol):
    """A format whose file is its entries joined (`render` =
    `separator.join(render_entries)`), so that a render cache can keep each paper's
    entry (readlist.entrycache), and whose `stamp` goes in front (`stamp(text, mark)`
    = `stamp("", mark) + text`), so that the cache joins bytes."""

    @property
    def separator(self) -> str:
        """What goes between two entries."""

    def render_entries(self, papers: Sequence[Paper], options: Options) -> list[str]:
        """Each paper's entry, in order."""

    def join(self, entries: Sequence[str]) -> str:
        """The file of these entries: `separator.join(entries)`."""


def _load() -> dict[str, Exporter]:
    registry: dict[str, Exporter] = {}
    for module in FORMATS:
        exporters: tuple[Exporter, ...] = import_module(f"{__name__}.{module}").EXPORTERS
        for exporter in exporters:
            if exporter.name in registry:
                raise ValueError(f"two export formats are named {exporter.name}")
            registry[exporter.name] = exporter
    return registry


REGISTRY: dict[str, Exporter] = _load()
"""Every format by name. Read at call time, never copied at import, so a test (or a
plugin) that adds an entry sees it in the CLI, the TUI and the config check."""


def exporter_for(name: str) -> Exporter:
    """The format called `name`, or a one-line error that lists the names."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ReadlistError(
            f"unknown export format {name!r} (one of: {', '.join(REGISTRY)})"
        ) from None


def by_suffix(filename: str) -> Exporter | None:
    """The one format whose suffix the file name ends with; None when none or several
    do (`.bib` is both bibtex's and biblatex's)."""
    low = filename.lower()
    found = [e for e in REGISTRY.values() if low.endswith(e.suffix.lower())]
    return found[0] if len(found) == 1 else None


def suffix_help() -> str:
    """Which suffixes pick a format, for `--help`: the unambiguous ones."""
    picks = [f"{e.suffix} {e.name}" for e in REGISTRY.values() if by_suffix(e.suffix) is e]
    return ", ".join(picks) or "none"
