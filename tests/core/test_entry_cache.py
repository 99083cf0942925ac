"""The render cache of auto-export (readlist/entrycache.py) writes the same bytes as a
fresh render, through every change a library goes through, and after one change it
renders one entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist import actions
from readlist.autoexport import update_all
from readlist.bibtex import ENTRY_SEPARATOR, render, render_entries
from readlist.cli import main
from readlist.config import AutoExport
from readlist.entrycache import EntryCache
from readlist.exporters import Options
from readlist.store import Store
from tests.conftest import NOW, SEEDS, write_unchecked
from tests.core.test_render_cache import VENUE
from tests.core.test_sidecar import every_field

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bib"
OPTIONS = [Options("bibtex"), Options("biblatex"), Options("bibtex", unicode=True)]


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "lib.json"
    assert main(["--db", str(path), "import", str(SEEDS / "002_3c55a4b56f8e4387.txt")]) == 0
    for name in ("zotero_bbt.bib", "jabref.bib", "arxiv.bib"):
        assert main(["--db", str(path), "import", str(FIXTURES / name)]) == 0
    with Store(path) as store:
        papers = every_field()  # one with a published version: --versions tells
        store.put([papers[0].replace(published_version=VENUE), *papers[1:]])
    capsys.readouterr()
    return path


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: f"{o.format}-{o.unicode}")
def test_the_entries_joined_are_the_file(lib: Path, options: Options) -> None:
    with Store(lib) as store:
        papers = [p.replace(bibkey=p.bibkey or f"key{i}") for i, p in enumerate(store.papers())]
    assert len(papers) > 100
    assert ENTRY_SEPARATOR.join(render_entries(papers, options)) == render(papers, options)


def exports(folder: Path) -> list[AutoExport]:
    return [
        AutoExport(folder / "all.bib"),
        AutoExport(folder / "all-biblatex.bib", format="biblatex"),
        AutoExport(folder / "all-utf8.bib", unicode=True),
        AutoExport(folder / "starred.bib", query="is:starred"),
        AutoExport(folder / "video.bib", query="video"),
        AutoExport(folder / "published.bib", versions="published"),
        AutoExport(folder / "preprint-utf8.bib", unicode=True, versions="preprint"),
    ]


def same_as_fresh(store: Store, cache: EntryCache, tmp_path: Path) -> None:
    """An update with the cache writes what rendering the papers afresh writes (the
    format's whole-file `render`, no entry cache anywhere)."""
    from readlist.autoexport import MARK, selected
    from readlist.exporters import exporter_for
    from readlist.exporting import exportable

    cached = tmp_path / "cached"
    cached.mkdir(exist_ok=True)
    for path in cached.iterdir():
        path.unlink()
    with_cache = update_all(store, exports(cached), NOW, cache=cache)
    assert [r.error for r in with_cache] == [None] * len(with_cache)
    for export, result in zip(exports(cached), with_cache, strict=True):
        ids = selected(dict(store.records()), export.query, NOW)
        papers, bad = exportable(store, ids)
        exporter = exporter_for(export.format)
        options = Options(export.format, export.unicode, versions=export.versions)
        text = exporter.stamp(exporter.render(papers, options), MARK)
        assert export.path.read_bytes() == text.encode(), export.path.name
        assert (result.count, result.invalid) == (len(papers), tuple(bad))


def test_a_cached_auto_export_writes_what_a_fresh_one_writes(lib: Path, tmp_path: Path) -> None:
    cache = EntryCache()
    with Store(lib) as store:
        same_as_fresh(store, cache, tmp_path)
        papers = store.papers()
        a, b, c = papers[3], papers[10], papers[-1]
        # Edits to what an entry shows, and to what selects it.
        store.put([a.replace(title=a.title + " Revisited {with} Ünïcödé")])
        store.put([b.replace(abstract="A video model.", authors=["Zoë Ö. Smith"])])
        actions.set_starred(store, [a.id, c.id], True, now=NOW)
        same_as_fresh(store, cache, tmp_path)
        store.put([c.replace(bibkey="renamed2024key", date="2023-02-01")])
        actions.change_tags(store, [b.id], ["t1"], [])
        same_as_fresh(store, cache, tmp_path)
        # Removals, and a paper coming back changed.
        store.remove([papers[5].id, a.id])
        same_as_fresh(store, cache, tmp_path)
        store.put([a.replace(title="Back again: video")])
        same_as_fresh(store, cache, tmp_path)
    # Another process stores a paper the store would refuse: it is left out, and named.
    write_unchecked(lib, {b.id: {**b.to_doc(), "bibkey": "bad key}"}})
    with Store(lib) as store:
        same_as_fresh(store, cache, tmp_path)
        assert any(b.id in r.invalid for r in update_all(store, exports(tmp_path), NOW))
        store.put([b.replace(title="Mended")])  # valid again: rendered again
        same_as_fresh(store, cache, tmp_path)


def test_one_change_renders_one_entry(lib: Path, tmp_path: Path) -> None:
    cache = EntryCache()
    everything = [AutoExport(tmp_path / "all.bib")]
    with Store(lib) as store:
        n = len(store)
        (first,) = update_all(store, everything, NOW, cache=cache)
        assert first.written
        assert first.count == n
        assert cache.rendered == n
        paper = store.papers()[7]
        store.put([paper.replace(title="A new title")])
        (result,) = update_all(store, everything, NOW, cache=cache)
        assert result.written
        assert result.count == n
        assert cache.rendered == n + 1
        store.refresh()
        (result,) = update_all(store, everything, NOW, cache=cache)
        assert not result.written
        assert cache.rendered == n + 1


def test_an_entry_holding_the_cut_mark_is_rendered_alone(
    lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """render_entries writes once and cuts the text apart at a mark no entry holds; if
    one did (here: the mark is a newline, which every entry holds), it writes each alone."""
    with Store(lib) as store:
        papers = [p.replace(bibkey=p.bibkey or f"key{i}") for i, p in enumerate(store.papers())]
    monkeypatch.setattr("readlist.bibtex._CUT", "\n")
    entries = render_entries(papers, OPTIONS[0])
    assert len(entries) == len(papers)
    assert ENTRY_SEPARATOR.join(entries) == render(papers, OPTIONS[0])
