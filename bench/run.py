"""Measure readlist against the speed targets and print a table.

    python -m bench.run [--sizes 1000,10000,100000]
        [--only store,cli,export,autoexport,bibtex,tui,preview,cobib]

Libraries are generated once into bench/data/ (not committed) and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.generate import generate

if TYPE_CHECKING:
    from readlist.store import Store

DATA = Path(__file__).resolve().parent / "data"
AS_OF = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)  # what the bench stamps papers with


@dataclass
class Row:
    what: str
    size: int
    value: float
    unit: str
    target: float | None = None
    at_least: bool = False  # the target is a floor (a ratio to a peer), not a ceiling

    def cells(self) -> list[str]:
        if self.target is None:
            return [self.what, f"{self.size:,}", f"{self.value:,.3g} {self.unit}", "", ""]
        met = self.value >= self.target if self.at_least else self.value <= self.target
        ok = "yes" if met else "NO"
        sign = "≥" if self.at_least else "≤"
        target = f"{sign} {self.target:g} {self.unit}"
        return [self.what, f"{self.size:,}", f"{self.value:,.3g} {self.unit}", target, ok]


ROWS: list[Row] = []


def record(row: Row) -> None:
    ROWS.append(row)
    print("  " + " | ".join(row.cells()), flush=True)


def readlist(*args: str, stdout: int | None = subprocess.DEVNULL) -> float:
    """Wall time of one whole `readlist` process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "readlist", *args], check=True, stdout=stdout)
    return time.perf_counter() - start


def best_of(n: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(n))


def listing(n: int, seed: int) -> Path:
    path = DATA / f"listing-{n}-{seed}.txt"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_text(generate(n, seed), encoding="utf-8")
    return path


def library(n: int) -> Path:
    """A library of n papers, built by the real import (timed on first build)."""
    path = DATA / f"library-{n}.json"
    if not path.exists():
        source = listing(n, seed=1)
        seconds = readlist("--db", str(path), "import", str(source), "--as-of", str(AS_OF))
        record(Row("build: import listing (process)", n, seconds, "s"))
    return path


def copy_library(src: Path, name: str) -> Path:
    dst = DATA / name
    for suffix in ("", "-journal", "-index"):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)
    return dst


def remove_work_copies() -> None:
    for path in DATA.glob("work*"):
        if path.is_dir():  # a library's render cache (readlist/rendercache.py)
            shutil.rmtree(path)
        else:
            path.unlink()


# Started from a process of its own: a child forked (or vforked) from this process,
# once it holds a library in memory, inherits its peak resident size in ru_maxrss
# (Linux folds the old memory's high-water mark in at exec), so the peak of `list
# --json` read 8.3x its file after the in-process export section instead of 1.4x.
_MEASURE = """import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL if sys.argv[1] == "-" else None)
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - start
sys.stderr.write(f"\\n@@ {os.waitstatus_to_exitcode(status)} {seconds!r} {usage.ru_maxrss}\\n")
"""


def process(argv: list[str], stdout: int | None = subprocess.DEVNULL) -> tuple[float, int]:
    """Wall time and peak resident memory (bytes) of one whole process, measured by a
    small process that starts it (see _MEASURE)."""
    quiet = "-" if stdout == subprocess.DEVNULL else "+"
    done = subprocess.run(
        [sys.executable, "-S", "-c", _MEASURE, quiet, *argv], stderr=subprocess.PIPE, check=True
    )
    err = done.stderr.decode("utf-8", "replace")
    head, _, tail = err.rpartition("\n@@ ")
    if head:
        sys.stderr.write(head + "\n")
    code, seconds, maxrss = tail.split()
    if int(code):
        raise subprocess.CalledProcessError(int(code), argv)
    return float(seconds), int(maxrss) * 1024


FLOOR = (
    "import gc, sys, orjson\ngc.disable()\n"
    "with open(sys.argv[1], 'rb') as fh:\n    orjson.loads(fh.read())\n"
)


# What any program pays to replace a file of an export's size as readlist does: start,
# write the bytes from memory (starting their writeback as it goes), fsync, rename over
# the old file of the same size, fsync the directory. The disk's share of `export -o`,
# which drifts by 0.1-0.2 s from hour to hour on the bench machine.
WRITE_FLOOR = """
import mmap, os, sys
src, dst = sys.argv[1], sys.argv[2]
fd = os.open(src, os.O_RDONLY)
view = memoryview(mmap.mmap(fd, 0, prot=mmap.PROT_READ, flags=mmap.MAP_SHARED | mmap.MAP_POPULATE))
tmp = dst + ".floor.tmp"
out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
step = 8 << 20
for at in range(0, len(view), step):
    os.write(out, view[at : at + step])
    os.posix_fadvise(out, at, step, os.POSIX_FADV_DONTNEED)
os.fsync(out)
os.close(out)
os.replace(tmp, dst)
d = os.open(os.path.dirname(dst), os.O_RDONLY)
os.fsync(d)
"""


def first_id(lib: Path) -> str:
    with open(lib, "rb") as fh:
        fh.readline()
        fh.readline()
        return fh.readline().split(b'"')[1].decode()


def bench_cli(n: int) -> None:
    lib = copy_library(library(n), f"work-cli-{n}.json")
    big = n == 100_000
    pid = first_id(lib)
    start = time.perf_counter()
    readlist("--db", str(lib), "mark", pid, "--star")  # a write: it indexes the library
    record(Row("first write, indexes the library if it can (process)", n, timed_since(start), "s"))
    readlist("--db", str(lib), "mark", pid, "--unstar")
    size = lib.stat().st_size
    db = ["--db", str(lib)]
    floor = best_of(3, lambda: process([sys.executable, "-c", FLOOR, str(lib)])[0])
    record(Row("floor: start + read + orjson.loads, GC off (process)", n, floor, "s"))
    runs = [process([sys.executable, "-m", "readlist", *db, "list", "--json"]) for _ in range(3)]
    target = 1.5 if big else 0.6
    record(Row("list --json (process)", n, min(r[0] for r in runs), "s", target))
    peak = max(r[1] for r in runs) / size
    record(Row("list --json, peak memory / library file", n, peak, "x", 2.0 if big else None))
    record(Row("list (process)", n, best_of(3, lambda: readlist(*db, "list")), "s"))
    searches: list[tuple[str, float | None]] = [
        ("diffusion", 0.5 if big else 0.6),
        ("video diffusion", None),
    ]
    for words, goal in searches:
        seconds = best_of(3, lambda: readlist(*db, "search", words))  # noqa: B023
        record(Row(f"search '{words}' (process)", n, seconds, "s", goal))
    seconds = best_of(3, lambda: readlist(*db, "search", "diffusion", "--json"))
    record(Row("search 'diffusion' --json (process)", n, seconds, "s"))
    seconds = best_of(3, lambda: readlist(*db, "show", pid))
    record(Row("show ID (process)", n, seconds, "s", 0.25 if big else None))
    work = copy_library(lib, f"work-mark-{n}.json")
    flags = iter(["--star", "--unstar"] * 3)
    seconds = best_of(6, lambda: readlist("--db", str(work), "mark", pid, next(flags)))
    record(Row("mark ID --star (process, durable)", n, seconds, "s", 0.25 if big else None))
    record(Row("stats (process)", n, best_of(3, lambda: readlist(*db, "stats")), "s"))
    work = copy_library(lib, f"work-export-cli-{n}.json")
    for flag in ("--star", "--unstar"):  # a copy's index is stale: used, a library has one
        readlist("--db", str(work), "mark", pid, flag)
    out = DATA / f"work-export-cli-{n}.bib"
    readlist("--db", str(work), "export", "-o", str(out))  # assigns and stores the keys
    seconds = best_of(2, lambda: readlist("--db", str(work), "export", "-o", str(out)))
    record(Row("export -o, keys known (process)", n, seconds, "s", 1.0 if big else None))
    other = DATA / f"work-export-floor-{n}.bib"
    shutil.copyfile(out, other)
    floor = best_of(
        2, lambda: process([sys.executable, "-c", WRITE_FLOOR, str(out), str(other)])[0]
    )
    record(
        Row(
            f"floor: start + replace {out.stat().st_size >> 20} MB as export -o does", n, floor, "s"
        )
    )
    out.unlink(missing_ok=True)
    remove_work_copies()


def tinydb_update_ms(store: Store) -> float:
    """What one public TinyDB `Table.update` costs on the same papers, not even written
    to disk: why the store journals the changed ids itself (see readlist/store.py)."""
    from tinydb import TinyDB
    from tinydb.storages import MemoryStorage

    from readlist.store import StrIdTable

    db = TinyDB(storage=MemoryStorage)
    db.table_class = StrIdTable
    db.storage.write({"papers": dict(store.records())})
    table = db.table("papers", cache_size=0)
    times = []
    for pid in list(store.records())[:20]:
        start = time.perf_counter()
        table.update({"starred": True}, doc_ids=[pid])  # type: ignore[list-item]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_store(n: int) -> None:
    from readlist import actions
    from readlist.importing import import_texts
    from readlist.inputs import read_inputs
    from readlist.store import Store

    lib = copy_library(library(n), f"work-{n}.json")
    start = time.perf_counter()
    store = Store(lib)
    record(Row("open library (in process)", n, time.perf_counter() - start, "s"))
    ids = [p.id for p in store.papers()[:50]]
    times = []
    for i, pid in enumerate(ids * 2):
        start = time.perf_counter()
        actions.set_starred(store, [pid], i < len(ids), now=NOW)
        times.append(time.perf_counter() - start)
    target = {10_000: 10.0, 100_000: 50.0}.get(n)
    record(Row("star toggle, durable (median)", n, statistics.median(times) * 1000, "ms", target))
    record(Row("star toggle, durable (max)", n, max(times) * 1000, "ms", target))
    record(Row("reference: TinyDB Table.update, in memory", n, tinydb_update_ms(store), "ms"))

    new = listing(1000, seed=7)
    texts = read_inputs([str(new)])
    start = time.perf_counter()
    (report,) = import_texts(store, texts, AS_OF, NOW)
    assert report.added == 1000, report.summary()
    record(
        Row(
            "import 1,000 new (in process, open store)",
            n,
            time.perf_counter() - start,
            "s",
            2.0 if n == 100_000 else None,
        )
    )
    store.close()
    lib2 = copy_library(library(n), f"work2-{n}.json")
    pid = first_id(lib2)
    for flag in ("--star", "--unstar"):  # as a library is used: indexed, where that exists
        readlist("--db", str(lib2), "mark", pid, flag)
    journal = Path(str(lib2) + "-journal")
    before = journal.stat().st_size

    def import_once() -> float:
        os.sync()  # the copies and compactions above are on disk, not flushed meanwhile
        seconds = readlist("--db", str(lib2), "import", str(new))
        os.truncate(journal, before)  # the import undone: it only appended to the journal
        return seconds

    record(
        Row(
            "import 1,000 new (whole process)",
            n,
            best_of(3, import_once),
            "s",
            1.0 if n == 100_000 else None,
        )
    )

    size = lib.stat().st_size + Path(str(lib) + "-journal").stat().st_size
    probe = (
        "import sys\nfrom pathlib import Path\nfrom readlist import actions\n"
        "from readlist.store import Store\nimport datetime as dt\n"
        "NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)\n"
        "s = Store(Path(sys.argv[1]))\nps = s.papers()\n"
        "actions.set_starred(s, [ps[0].id], True, now=NOW)\n"
    )
    _, peak = process([sys.executable, "-c", probe, str(lib)])  # its own peak (see _MEASURE)
    record(
        Row(
            "peak memory / library size (open, list, toggle)",
            n,
            peak / size,
            "x",
            3.0 if n == 100_000 else None,
        )
    )
    remove_work_copies()


def bench_export(n: int) -> None:
    from readlist.exporting import export_papers
    from readlist.store import Store

    lib = copy_library(library(n), f"work-export-{n}.json")
    with Store(lib) as store:
        store.put(p.replace(bibkey=None) for p in store.papers())
        papers = store.papers()
        start = time.perf_counter()
        text = export_papers(store, papers)
        seconds = time.perf_counter() - start
        record(Row("export BibTeX, first time (assigns + stores keys)", n, seconds, "s"))
        papers = store.papers()
        start = time.perf_counter()
        again = export_papers(store, papers)
        target = {10_000: 1.0, 100_000: 1.0}.get(n)
        seconds = time.perf_counter() - start
        record(Row("export BibTeX, keys known (in process)", n, seconds, "s", target))
        assert again == text
        assert text.count("@misc{") == n
    remove_work_copies()


def bench_autoexport(n: int) -> None:
    """One `[[export.auto]]` update, as run after each change (CLI) or in a worker (TUI)."""
    from readlist.autoexport import update_all
    from readlist.config import AutoExport
    from readlist.store import Store

    try:  # what the TUI keeps between runs; absent before the render cache
        from readlist.entrycache import EntryCache

        kept: dict[str, Any] = {"cache": EntryCache()}
    except ImportError:
        kept = {}

    lib = copy_library(library(n), f"work-auto-{n}.json")
    target = 1.0 if n == 10_000 else None
    out = DATA / f"work-auto-{n}.bib"
    out.unlink(missing_ok=True)
    everything = [AutoExport(out)]
    with Store(lib) as store:
        store.put(p.replace(bibkey=None) for p in store.papers())
        start = time.perf_counter()
        (first,) = update_all(store, everything, NOW, **kept)
        seconds = time.perf_counter() - start
        assert first.written, first
        assert first.count == n, first
        record(Row("auto-export, first (all papers; assigns + stores keys)", n, seconds, "s"))

        def unchanged() -> float:
            start = time.perf_counter()
            (result,) = update_all(store, everything, NOW, **kept)
            assert not result.written
            return time.perf_counter() - start

        record(
            Row("auto-export update, all papers, no change", n, best_of(3, unchanged), "s", target)
        )
        times = []
        for i, paper in enumerate(store.papers()[:3]):
            store.put([paper.replace(notes=f"note {i}")])
            start = time.perf_counter()
            (result,) = update_all(store, everything, NOW, **kept)
            times.append(time.perf_counter() - start)
            assert result.written
        one = {10_000: 1.0, 100_000: 0.5}.get(n)
        record(Row("auto-export update after one change, all papers", n, max(times), "s", one))
        memo: dict[Any, Any] = {}
        update_all(store, everything, NOW, memo, **kept)
        store.put([store.papers()[5].replace(notes="x")])
        update_all(
            store, everything, NOW, memo, **kept
        )  # the change is in: memo holds the new state
        start = time.perf_counter()
        (result,) = update_all(store, everything, NOW, memo, **kept)
        seconds = time.perf_counter() - start
        assert not result.written
        record(
            Row(
                "auto-export update, all papers, nothing shown changed (TUI memo)",
                n,
                seconds,
                "s",
                target,
            )
        )
        query = [AutoExport(out, "video diffusion")]
        out.unlink()
        update_all(store, query, NOW, **kept)
        start = time.perf_counter()
        (result,) = update_all(store, query, NOW, **kept)
        seconds = time.perf_counter() - start
        record(Row(f"auto-export update, query ({result.count} papers)", n, seconds, "s", target))
        pid = store.papers()[0].id
    home = DATA / "work-auto-home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(f'[[export.auto]]\npath = "{out}"\n')
    env = {**os.environ, "READLIST_HOME": str(home)}

    def mark(*extra: str) -> float:
        start = time.perf_counter()
        argv = [sys.executable, "-m", "readlist", "--db", str(lib), "mark", pid, *extra]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
        return time.perf_counter() - start

    out.unlink(missing_ok=True)
    mark("--star")  # writes the file: all papers
    record(
        Row(
            "mark --star, one auto-export of all (process)",
            n,
            best_of(3, lambda: mark("--read")),
            "s",
        )
    )
    notes = iter(range(3))

    def note() -> float:
        start = time.perf_counter()
        argv = [sys.executable, "-m", "readlist", "--db", str(lib), "note", pid, f"n{next(notes)}"]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
        return time.perf_counter() - start

    record(
        Row(
            "note ID, one auto-export of all, its entry rewritten (process)",
            n,
            best_of(3, note),
            "s",
            0.5 if n == 100_000 else None,
        )
    )
    shutil.rmtree(home)
    out.unlink(missing_ok=True)
    remove_work_copies()


def bench_bibtex_import(n: int) -> None:
    """Import an export of n papers into an empty library (the round trip, timed)."""
    from readlist.exporting import export_papers
    from readlist.importing import import_texts
    from readlist.store import Store

    if n > 10_000:
        return  # ~0.5 ms per entry: 100k entries would add a minute for a rare case
    with Store(copy_library(library(n), f"work-bibtex-src-{n}.json")) as store:
        text = export_papers(store, store.papers())
    fresh = DATA / f"work-bibtex-{n}.json"
    with Store(fresh) as empty:
        start = time.perf_counter()
        import_texts(empty, [("refs.bib", text)], AS_OF, NOW)
        seconds = time.perf_counter() - start
        record(Row("import BibTeX into an empty library", n, seconds, "s"))
        assert export_papers(empty, empty.papers()) == text, "round trip changed the file"
    remove_work_copies()


def bench_preview(n: int) -> None:
    """The import dialog's preview of a pasted 102-entry listing against the library."""
    from readlist.preview import PreviewCounter, snapshot
    from readlist.store import Store

    text = (
        Path(__file__).resolve().parent.parent / "seeds" / "002_3c55a4b56f8e4387.txt"
    ).read_text()
    with Store(library(n)) as store:
        titles = [t for _, t, _ in store.identities()]  # touched, as the search index does
        assert len(titles) == n
        start = time.perf_counter()
        counter = PreviewCounter(snapshot(store.records()))  # on the UI thread
        taken = time.perf_counter() - start
        record(Row("import preview: library snapshot (UI thread)", n, taken * 1000, "ms", 50))
        start = time.perf_counter()
        counter.preview(text, NOW)
        first = time.perf_counter() - start
        record(Row("import preview: first paste (worker, builds index)", n, first * 1000, "ms"))
        start = time.perf_counter()
        counter.preview(text + "\n", NOW)
        again = time.perf_counter() - start
        record(Row("import preview: next paste (worker)", n, again * 1000, "ms"))


def bench_tui(n: int) -> None:
    from bench.tui import measure

    lib = library(n)
    for row in measure(lib, n):
        record(row)


def hostile_listing(anchors: int = 20_000) -> str:
    """About 420 KB: one abstract of unclosed `<a href='…'>` tags, the input that took
    29 s when anchor parsing was quadratic."""
    body = " ".join(f"<a href='x.y/{i:05d}'>" for i in range(anchors))
    return f"Daily Papers\n\nA hostile paper\n\n{body}\n"


def bench_hostile() -> None:
    from readlist.listing import parse_listing

    text = hostile_listing()
    seconds = best_of(3, lambda: timed(lambda: parse_listing(text, AS_OF)))
    what = f"parse hostile listing ({len(text) // 1000} KB, 20k unclosed <a>)"
    record(Row(what, 1, seconds, "s", 1.0))


def timed_since(start: float) -> float:
    return time.perf_counter() - start


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def bench_cobib(n: int) -> None:
    from bench.cobib import bench_cobib as compare

    compare(n)


if __name__ == "__main__":  # bench.cobib records its rows in this module's table
    sys.modules.setdefault("bench.run", sys.modules[__name__])

SECTIONS = {
    "cli": bench_cli,
    "store": bench_store,
    "export": bench_export,
    "autoexport": bench_autoexport,
    "bibtex": bench_bibtex_import,
    "tui": bench_tui,
    "preview": bench_preview,
    "cobib": bench_cobib,
}


def compile_readlist() -> None:
    """Write readlist's bytecode first: with PYTHONDONTWRITEBYTECODE=1 set (as on the
    bench machine) every process would compile the package again at start, which is
    no user's first paint. The dependencies' bytecode was written by pip."""
    import compileall

    import readlist

    compileall.compile_dir(Path(readlist.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--only", default=",".join(["parse", *SECTIONS]))
    args = parser.parse_args()
    os.environ.pop("READLIST_HOME", None)
    compile_readlist()
    sizes = [int(s) for s in args.sizes.split(",")]
    if "parse" in args.only.split(","):
        bench_hostile()
    for n in sizes:
        print(f"-- {n:,} papers", flush=True)
        for name in args.only.split(","):
            if name in SECTIONS:
                SECTIONS[name](n)
    widths = [max(len(r.cells()[i]) for r in ROWS) for i in range(5)]
    header = ["measure", "papers", "result", "target", "met"]
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in ROWS:
        print(" | ".join(c.ljust(w) for c, w in zip(row.cells(), widths, strict=True)))


if __name__ == "__main__":
    main()
