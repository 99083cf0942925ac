"""readlist against cobib 6.0.3 on the same papers: `list`, `search`, `export` (BibTeX).

    python -m bench.run --sizes 10000 --only cobib

cobib is installed from PyPI into its own virtualenv, `bench/data/cobib-venv` (not
committed, made on first use). The papers are readlist's bench library of that size,
exported as BibTeX by `readlist export` and read into cobib's YAML database by cobib's
own BibTeX parser and YAML writer. cobib runs with a config of its own and HOME and
the XDG directories inside `bench/data/cobib-home`, so it never reads or writes the
real user's files. Each tool's whole process is timed, best of 3, with the same
query; cobib keeps a parsed cache of its database, which its first run writes, so
its later runs are warm, as readlist's are (its sidecar index).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.run import DATA, Row, best_of, copy_library, first_id, library, readlist, record

VERSION = "6.0.3"
VENV = DATA / "cobib-venv"
HOME = DATA / "cobib-home"
QUERY = "diffusion"

# Run inside cobib's virtualenv: BibTeX file -> cobib's YAML database.
CONVERT = """
import sys
from cobib.parsers.bibtex import BibtexParser
from cobib.parsers.yaml import YAMLParser
entries = BibtexParser().parse(sys.argv[1])
yml = YAMLParser()
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for entry in entries.values():
        out.write(yml.dump(entry) or "")
print(len(entries))
"""


def cobib_exe() -> Path:
    """cobib's command, installing cobib into its own virtualenv if it is not there."""
    exe = VENV / "bin" / "cobib"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, f"cobib=={VERSION}"], check=True)
    return exe


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(HOME),
        XDG_CONFIG_HOME=str(HOME / "config"),
        XDG_CACHE_HOME=str(HOME / "cache"),
        XDG_DATA_HOME=str(HOME / "data"),
        XDG_STATE_HOME=str(HOME / "state"),
    )
    return env


def database(n: int, bib: Path) -> Path:
    """cobib's config for a YAML database of the papers in `bib` (made once)."""
    yaml = DATA / f"cobib-{n}.yaml"
    config = DATA / f"cobib-{n}-config.py"
    if not yaml.exists():
        python = str(VENV / "bin" / "python")
        out = subprocess.run(
            [python, "-c", CONVERT, str(bib), str(yaml)],
            check=True,
            capture_output=True,
            text=True,
            env=environment(),
        )
        print(f"  cobib database: {out.stdout.strip()} entries in {yaml.name}", flush=True)
    config.write_text(
        "from cobib.config import config\n"
        f"config.database.file = {str(yaml)!r}\n"
        f"config.database.cache = {str(HOME / 'cache' / 'databases')!r}\n"
        "config.database.git = False\n"
        f"config.logging.version = {str(HOME / 'cache' / 'version')!r}\n",
        encoding="utf-8",
    )
    return config


def cobib(config: Path, *args: str) -> float:
    """Wall time of one whole `cobib` process."""
    import time

    exe = str(cobib_exe())
    start = time.perf_counter()
    subprocess.run(
        [exe, "-c", str(config), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
    )
    return time.perf_counter() - start


def bench_cobib(n: int) -> None:
    try:
        cobib_exe()
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"  cobib {VERSION} could not be installed: {exc}", flush=True)
        return
    HOME.mkdir(parents=True, exist_ok=True)
    lib = copy_library(library(n), f"work-cobib-{n}.json")
    pid = first_id(lib)
    for flag in ("--star", "--unstar"):  # as a library is used: indexed
        readlist("--db", str(lib), "mark", pid, flag)
    db = ["--db", str(lib)]
    bib = DATA / f"work-cobib-{n}.bib"
    readlist(*db, "export", "-o", str(bib))  # assigns and stores every key
    config = database(n, bib)
    cobib(config, "list")  # writes cobib's cache of its database
    out = DATA / f"work-cobib-{n}-out.bib"
    pairs = {
        "list": (["list"], ["list"]),
        f"search '{QUERY}'": (["search", QUERY], ["search", "-i", QUERY]),
        "export BibTeX, all": (["export", "-o", str(out)], ["export", "--bibtex", str(out)]),
    }
    for what, (ours, theirs) in pairs.items():
        mine = best_of(3, lambda: readlist(*db, *ours))  # noqa: B023
        record(Row(f"readlist {what} (process)", n, mine, "s"))
        peer = best_of(3, lambda: cobib(config, *theirs))  # noqa: B023
        record(Row(f"cobib {VERSION} {what} (process)", n, peer, "s"))
        record(Row(f"ratio cobib / readlist, {what}", n, peer / mine, "x", 30.0, at_least=True))
    out.unlink(missing_ok=True)
    bib.unlink(missing_ok=True)
