"""The .bib files of tests/fixtures/review/ (real-data and hostile-review findings),
imported into a store the way `readlist import` reads them, and exported back."""

from __future__ import annotations

from pathlib import Path

from readlist.bibtex import Options
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import AS_OF, NOW

REVIEW = Path(__file__).resolve().parent.parent / "fixtures" / "review"


def load(store: Store, name: str) -> list[str]:
    """Import REVIEW/`name`: the report's lines (summary, skipped, warnings)."""
    reports = import_texts(store, read_inputs([str(REVIEW / name)]), AS_OF, now=NOW)
    return [line for r in reports for line in (r.summary(), *r.skipped, *r.warnings)]


def titled(store: Store) -> dict[str, Paper]:
    return {p.title: p for p in store.papers()}


def bib_of(store: Store, style: str) -> str:
    """Every paper exported for the bibliography `style` ("plain" is BibTeX's)."""
    return export_papers(store, store.papers(), Options(style=style.replace("plain", "bibtex")))
