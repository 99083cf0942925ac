"""The export render cache on disk (readlist/rendercache.py, readlist/entrycache.py):
`readlist export` writes the same bytes with it and without it, for every format whose
file is its entries joined and every option, through everything a library goes
through; a cache file that is damaged, foreign, another library's or not safely ours
changes nothing but the time. And the cache is used: an export with keys known renders
nothing and writes nothing to the library."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from readlist import entrycache, entrydigest, rendercache
from readlist.cli import main
from readlist.entrycache import EntryCache
from readlist.exporters import REGISTRY, EntryWise, Options
from readlist.exporting import exportable, prepare
from readlist.selection import select
from readlist.store import Store
from tests.conftest import SEEDS, write_unchecked
from tests.core.test_sidecar import every_field

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bib"
ENTRYWISE = [name for name, e in REGISTRY.items() if isinstance(e, EntryWise)]
OPTIONS = [
    Options(name, unicode, versions=versions)
    for name in ENTRYWISE
    for unicode in (False, True)
    for versions in ("both", "published", "preprint")
]
VENUE = {
    "venue": "Neural Information Processing Systems",
    "short": "NeurIPS",
    "type": "inproceedings",
    "year": 2024,
    "sources": ["s2"],
    "pages": "1--10",
}


def argv(options: Options) -> list[str]:
    out = ["--format", options.format, "--versions", options.versions]
    return out + (["--unicode"] if options.unicode else [])


def render_dir(lib: Path) -> Path:
    return lib.with_name(lib.name + "-render")


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Seeds, three .bib files and every field set, with a published version; indexed
    (a write by the CLI indexes it), as a library in use is."""
    path = tmp_path / "lib.json"
    assert main(["--db", str(path), "import", str(SEEDS / "002_3c55a4b56f8e4387.txt")]) == 0
    for name in ("zotero_bbt.bib", "jabref.bib", "arxiv.bib"):
        assert main(["--db", str(path), "import", str(FIXTURES / name)]) == 0
    with Store(path) as store:
        papers = every_field()
        store.put([papers[0].replace(published_version=VENUE), *papers[1:]])
        store.compact()
    assert main(["--db", str(path), "export", "-o", str(tmp_path / "keys.bib")]) == 0
    capsys.readouterr()
    return path


def fresh(lib: Path, options: Options) -> bytes:
    """What an export of every paper renders afresh, without any cache."""
    with Store(lib) as store:
        papers, _ = exportable(store, select(store.records()))
        exporter = REGISTRY[options.format]
        entries = prepare(store, papers, exporter)
        return exporter.render(entries, options).encode("utf-8")


def exported(lib: Path, options: Options, out: Path, *extra: str) -> bytes:
    assert main(["--db", str(lib), "export", "-o", str(out), *argv(options), *extra]) == 0
    return out.read_bytes()


def uncached(lib: Path, options: Options, out: Path, *extra: str) -> bytes:
    """The export with no cache at all (the cache there is put back after)."""
    aside = lib.with_name("aside")
    render_dir(lib).rename(aside)
    try:
        return exported(lib, options, out, *extra)
    finally:
        shutil.rmtree(render_dir(lib), ignore_errors=True)
        aside.rename(render_dir(lib))


def check_all(lib: Path, tmp_path: Path) -> None:
    """Every EntryWise format and option: the export equals a fresh render, with the
    cache as it is and again with it filled by that export."""
    for options in OPTIONS:
        out = tmp_path / "out.bib"
        want = fresh(lib, options)
        assert exported(lib, options, out) == want, options
        assert exported(lib, options, out) == want, options  # from the cache now


def test_the_same_bytes_through_a_library_s_life(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check_all(lib, tmp_path)
    assert render_dir(lib).is_dir()
    # Imports, edits (to what an entry shows and to what it does not), a key change.
    assert main(["--db", str(lib), "import", str(SEEDS / "001_e139fc054072c4c6.txt")]) == 0
    with Store(lib) as store:
        papers = store.papers()
        a, b, c = papers[3], papers[10], papers[-1]
        store.put([a.replace(title=a.title + " Revisited {with} Ünïcödé")])
        store.put([b.replace(notes="not in any entry", tags=["x"])])
        store.put([c.replace(bibkey="renamed2024key", published_version=VENUE)])
    check_all(lib, tmp_path)
    # Compaction: the snapshot's documents (by the index) hash as they did in memory.
    with Store(lib) as store:
        store.compact()
    cache = EntryCache(keep=False)
    with Store(lib, indexed=True) as store:
        assert store.by_index
        ids = select(store.records())
        cache.render(store, REGISTRY["bibtex"], Options(), ids)  # type: ignore[arg-type]
    assert (cache.rendered, cache.found) == (0, len(ids))
    check_all(lib, tmp_path)
    # An edit by another process, one the store would refuse (left out, as without).
    write_unchecked(lib, {b.id: {**b.to_doc(), "bibkey": "bad key}"}})
    check_all(lib, tmp_path)
    assert "bad key" not in (tmp_path / "out.bib").read_text()
    capsys.readouterr()


def scenario(lib: Path, tmp_path: Path) -> list[tuple[bytes, bytes]]:
    """Exports that could reuse entries cached by the ones before, each with what it is
    without any cache: another `--versions`, a paper cited by its alias, an edit."""
    out = tmp_path / "out.bib"
    pairs = []
    exported(lib, Options(), out)  # every entry, cached
    published = Options(versions="published")
    pairs.append((exported(lib, published, out), uncached(lib, published, out)))
    alias = ["--keys", "old2024key"]  # every_field's first paper, by its alias
    pairs.append((exported(lib, Options(), out, *alias), uncached(lib, Options(), out, *alias)))
    with Store(lib) as store:
        a = store.papers()[3]
        store.put([a.replace(title="Changed after it was cached")])
    pairs.append((exported(lib, Options(), out), uncached(lib, Options(), out)))
    return pairs


@pytest.mark.parametrize("ignored", [None, "document", "key", "options"])
def test_a_cache_that_ignores_an_input_is_caught(
    lib: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ignored: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Break the cache's keying to leave out what an entry depends on (the document,
    the key it is written under, the format options) and the scenario goes red."""
    real = entrydigest.entry_digest

    def digest(doc: bytes, pid: str, key: str | None) -> bytes:
        return real(
            b"\0" * 16 if ignored == "document" else doc, pid, None if ignored == "key" else key
        )

    monkeypatch.setattr(entrydigest, "entry_digest", digest)
    if ignored == "options":
        shelf = rendercache.Shelf.__init__

        def one_shelf(self: rendercache.Shelf, directory: Path, options: object) -> None:
            shelf(self, directory, ("bibtex", False, "both"))

        monkeypatch.setattr(rendercache.Shelf, "__init__", one_shelf)
    pairs = scenario(lib, tmp_path)
    capsys.readouterr()
    if ignored is None:
        assert all(got == want for got, want in pairs)
    else:
        assert any(got != want for got, want in pairs)


def test_keys_known_renders_nothing_and_writes_nothing_to_the_library(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.bib"
    first = exported(lib, Options(), out)
    files = [lib, Path(f"{lib}-journal"), Path(f"{lib}-index")]
    before = [(f.stat().st_mtime_ns, f.stat().st_size) for f in files]
    renders: list[int] = []
    real = EntryCache._render_missing

    def counting(
        self: EntryCache, store: Store, job: Any, wanted: Any, found: Any, bad: Any
    ) -> Any:
        renders.append(sum(t is None for t in found))
        return real(self, store, job, wanted, found, bad)

    monkeypatch.setattr(EntryCache, "_render_missing", counting)
    assert exported(lib, Options(), out) == first
    assert renders == [0]
    assert [(f.stat().st_mtime_ns, f.stat().st_size) for f in files] == before


def test_the_index_keeps_each_paper_s_entry_digest_under_its_stored_key(lib: Path) -> None:
    """The sidecar's `entry` column is the digest each document makes: a wrong one would
    find another paper's entry, or none."""
    with Store(lib) as store:  # the keys the fixture's export gave: into the snapshot
        store.compact()
    with Store(lib, indexed=True) as store:
        view = store.view()
        assert view.base is not None
        column = bytes(view.base.sidecar.raw("entry"))
        records = store.records()
        made = b"".join(
            entrydigest.entry_digest(entrydigest.doc_hash(records[pid]) or b"", pid, None)
            for pid in view.base.ids
        )
    assert len(records) > 100
    assert column == made


def test_an_export_by_the_index_hashes_only_the_papers_changed_since_the_snapshot(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every other paper's entry digest is read from the index, not made again (80 ms
    of an export at 100,000 papers); the bytes are the same as rendering afresh."""
    out = tmp_path / "out.bib"
    with Store(lib) as store:  # the keys the fixture's export gave: into the snapshot
        store.compact()
    exported(lib, Options(), out)
    calls: list[str] = []
    real_hash, real_digest = entrydigest.doc_hash, entrydigest.entry_digest

    def doc_hash(doc: Any) -> bytes | None:
        calls.append("hash")
        return real_hash(doc)

    def entry_digest(doc: bytes, pid: str, key: str | None) -> bytes:
        calls.append(pid)
        return real_digest(doc, pid, key)

    monkeypatch.setattr(entrycache, "doc_hash", doc_hash)
    monkeypatch.setattr(entrydigest, "entry_digest", entry_digest)
    assert exported(lib, Options(), out) == fresh(lib, Options())
    assert calls == []
    with Store(lib) as store:
        pid = next(iter(store.records()))
    assert main(["--db", str(lib), "mark", pid, "--star"]) == 0
    calls.clear()
    assert exported(lib, Options(), out) == fresh(lib, Options())
    assert calls == ["hash", pid]


def damage_truncate(pack: Path) -> None:
    pack.write_bytes(pack.read_bytes()[:-7])


def damage_flip(pack: Path) -> None:
    data = bytearray(pack.read_bytes())
    data[-20] ^= 0x20  # a letter's case, inside an entry: the body's CRC says so
    pack.write_bytes(bytes(data))


def damage_header(pack: Path) -> None:
    data = bytearray(pack.read_bytes())
    at = data.index(b'"count":') + 8
    data[at] = ord("9") if data[at] != ord("9") else ord("8")
    pack.write_bytes(bytes(data))


def damage_foreign(pack: Path) -> None:
    pack.write_bytes(b"not a pack at all\n" * 10)


@pytest.mark.parametrize("damage", [damage_truncate, damage_flip, damage_header, damage_foreign])
def test_a_damaged_pack_changes_nothing_but_the_time(
    lib: Path, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    out = tmp_path / "out.bib"
    want = fresh(lib, Options())
    assert exported(lib, Options(), out) == want
    (pack,) = render_dir(lib).iterdir()
    damage(pack)
    assert exported(lib, Options(), out) == want
    (again,) = render_dir(lib).iterdir()  # the damaged one replaced
    assert again != pack
    assert exported(lib, Options(), out) == want


def test_no_text_of_a_pack_is_read_before_its_check_and_a_torn_one_is_dropped(
    lib: Path, tmp_path: Path
) -> None:
    """A pack's body is checked in a thread while the export goes on: where entries are
    is known at once, their text only once `verified` says the pack is whole; a torn
    one is then dropped and nothing is found in it."""
    exported(lib, Options(), tmp_path / "out.bib")
    (pack,) = render_dir(lib).iterdir()
    options = ("bibtex", False, "both")
    shelf = rendercache.Shelf(render_dir(lib), options)
    (digest,) = rendercache.Pack(pack, options).digests()[:1]
    (at,) = shelf.locate([digest])
    assert at is not None
    with pytest.raises(RuntimeError, match=r"before Shelf\.verified"):
        shelf.text(at)
    assert shelf.verified()
    assert bytes(shelf.text(at)).startswith(b"@")
    damage_flip(pack)
    torn = rendercache.Shelf(render_dir(lib), options)
    assert torn.locate([digest]) == [at]  # its places, before the check
    assert not torn.verified()
    assert torn.unusable == [pack]
    assert torn.locate([digest]) == [None]
    assert torn.verified()


def fake_pack(lib: Path, text: bytes = b"@misc{fake,}\n") -> None:
    """A well-formed pack whose entries say something else, for every paper."""
    with Store(lib) as store:
        records = store.records()
        digests = [
            entrydigest.entry_digest(entrydigest.doc_hash(r) or b"", p, None)
            for p, r in records.items()
        ]
    shelf = rendercache.Shelf(render_dir(lib), ("bibtex", False, "both"))
    shutil.rmtree(render_dir(lib), ignore_errors=True)
    entries = [(d, text) for d in digests]
    shelf.save(entries, entries, keep=10**6)


def test_a_well_formed_pack_is_what_is_found(lib: Path, tmp_path: Path) -> None:
    """The control for the tests below: a pack that verifies is used as it is."""
    fake_pack(lib)
    assert b"@misc{fake,}" in exported(lib, Options(), tmp_path / "out.bib")


@pytest.mark.parametrize(
    "how", ["another build", "pack open to others", "folder open to others", "folder a symlink"]
)
def test_a_pack_not_of_this_build_or_not_safely_ours_is_not_used(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    want = fresh(lib, Options())
    with monkeypatch.context() as m:
        if how == "another build":
            m.setattr(rendercache, "fingerprint", lambda: "another build")
        fake_pack(lib)
    (pack,) = render_dir(lib).iterdir()
    if how == "pack open to others":
        os.chmod(pack, 0o666)
    elif how == "folder open to others":
        os.chmod(render_dir(lib), 0o777)
    elif how == "folder a symlink":
        elsewhere = tmp_path / "elsewhere"
        render_dir(lib).rename(elsewhere)
        render_dir(lib).symlink_to(elsewhere)
    assert exported(lib, Options(), tmp_path / "out.bib") == want
    if how == "folder a symlink":
        assert render_dir(lib).is_symlink()
        assert [p.name for p in (tmp_path / "elsewhere").iterdir()] == [pack.name]


def test_a_cache_from_another_library(lib: Path, tmp_path: Path) -> None:
    """Entries are found by what they are made of, not by where: another library's
    cache gives the entries of the papers both hold as they are, and nothing else."""
    other = tmp_path / "other" / "lib.json"
    other.parent.mkdir()
    with Store(lib) as store, Store(other) as copy:
        papers = store.papers()
        copy.put(papers[:5])
        copy.put([papers[5].replace(title="The same id, another paper")])
    out = tmp_path / "out.bib"
    for options in OPTIONS[:3]:
        exported(lib, options, out)
    shutil.copytree(render_dir(lib), render_dir(other))
    for options in OPTIONS[:3]:
        assert exported(other, options, out) == fresh(other, options)


def test_the_render_directory_is_the_library_s_own(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported(lib, Options(), tmp_path / "out.bib")
    (pack,) = render_dir(lib).iterdir()
    before = pack.read_bytes()
    assert main(["--db", str(lib), "export", "-o", str(pack)]) == 1
    copy = tmp_path / "copy.pack"
    shutil.copyfile(pack, copy)
    assert main(["--db", str(lib), "export", "-o", str(copy)]) == 1  # a readlist file
    assert pack.read_bytes() == before == copy.read_bytes()
    assert "not overwriting it" in capsys.readouterr().err


def test_a_dead_writer_s_temp_file_goes_with_the_next_fold(lib: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    for pack in render_dir(lib).glob("*.pack"):
        pack.unlink()  # the next export renders everything, and folds
    dead = render_dir(lib) / f".bibtex.ascii.both.0.pack.render-{gone.pid}-0badf00d.tmp"
    alive = render_dir(lib) / f".bibtex.ascii.both.1.pack.render-{os.getppid()}-0badf00d.tmp"
    dead.write_bytes(b"half a pack")
    alive.write_bytes(b"being written")
    assert exported(lib, Options(), tmp_path / "out.bib") == fresh(lib, Options())
    assert not dead.exists()
    assert alive.exists()


def test_the_fingerprint_names_the_installed_versions_of_the_renderers() -> None:
    """A pack is keyed by the bibtexparser and pylatexenc installed (their dist-info
    folders, read without importlib.metadata): an upgrade of either changes it."""
    from importlib import metadata

    for dist in ("bibtexparser", "pylatexenc"):
        assert f"{dist}-{metadata.version(dist)}.dist-info" in rendercache._installed(dist)
    assert rendercache._installed("no_such_package_here") == "?"
