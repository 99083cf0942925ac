"""Bad input, table-driven: every kind gives exactly one line on stderr, a non-zero
exit, no traceback, and leaves the library byte-for-byte as it was.

Most kinds run `main()` in process (fast); the ones about processes, stdin, argv
bytes and files that could hang run `python -m readlist` as a real subprocess."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from readlist.cli import main
from tests.conftest import SEEDS

SEED = SEEDS / "004_097c14f588d18b51.txt"
ONE_PAPER_ID = "0"  # replaced by a real id prefix in `Env`


@dataclass
class Env:
    """The per-test world: a library with papers, a scratch dir, a real paper id."""

    lib: Path
    tmp: Path
    pid: str

    @property
    def journal(self) -> Path:
        return self.lib.with_name(self.lib.name + "-journal")


@dataclass
class Case:
    argv: Callable[[Env], list[str]]
    message: str
    code: int = 1
    stdin: bytes | None = None
    proc: bool = False
    db: bool = True  # pass --db lib


def _fifo(env: Env) -> list[str]:
    fifo = env.tmp / "pipe.txt"
    os.mkfifo(fifo)
    return ["import", str(fifo)]


def _aux_fifo(env: Env) -> list[str]:
    fifo = env.tmp / "main.aux"
    os.mkfifo(fifo)
    return ["export", "--aux", str(fifo)]


def _aux_input_fifo(env: Env) -> list[str]:
    os.mkfifo(env.tmp / "chapter.aux")
    (env.tmp / "main.aux").write_text("\\citation{a}\n\\@input{chapter.aux}\n")
    return ["export", "--aux", str(env.tmp / "main.aux")]


def _other(env: Env) -> Path:
    """Another library (a copy of this one) in the scratch dir: never to be overwritten."""
    other = env.tmp / "other"
    other.mkdir()
    for f in env.lib.parent.iterdir():
        shutil.copy(f, other / f.name)
    return other / env.lib.name


def _onto_other(suffix: str, cmd: str = "export") -> Callable[[Env], list[str]]:
    def argv(env: Env) -> list[str]:
        target = f"{_other(env)}{suffix}"
        return ["export", "-o", target] if cmd == "export" else ["backup", target]

    return argv


def _renamed_other(name: str, cmd: str = "export") -> Callable[[Env], list[str]]:
    """A file of another library, renamed so that only its content gives it away."""

    def argv(env: Env) -> list[str]:
        other = _other(env)
        target = other.with_name(name)
        source = other if name.endswith(".json") else Path(f"{other}-journal")
        source.rename(target)
        return ["export", "-o", str(target)] if cmd == "export" else ["backup", str(target)]

    return argv


def _aux_onto(which: str) -> Callable[[Env], list[str]]:
    """export --aux main.aux -o X, where X is (a link to) an .aux file the export reads."""

    def argv(env: Env) -> list[str]:
        main_aux, chapter = env.tmp / "main.aux", env.tmp / "chapter.aux"
        main_aux.write_text("\\citation{a}\n\\@input{chapter.aux}\n")
        chapter.write_text("\\citation{b}\n")
        out = {"main": main_aux, "chapter": chapter}.get(which, env.tmp / "link.aux")
        if which == "hard link":
            os.link(chapter, out)
        return ["export", "--aux", str(main_aux), "-o", str(out)]

    return argv


def _write(name: str, data: bytes) -> Callable[[Env], list[str]]:
    def argv(env: Env) -> list[str]:
        path = env.tmp / name
        path.write_bytes(data)
        return ["import", str(path)]

    return argv


def _big(env: Env) -> list[str]:
    (env.tmp / "home").mkdir(exist_ok=True)
    (env.tmp / "home" / "config.toml").write_text("[import]\nmax_size_mb = 1\n")
    path = env.tmp / "big.txt"
    path.write_bytes(SEED.read_bytes() * (1 + (1 << 20) // SEED.stat().st_size))
    return ["import", str(path)]


def _big_stdin_config(env: Env) -> list[str]:
    (env.tmp / "home").mkdir(exist_ok=True)
    (env.tmp / "home" / "config.toml").write_text("[import]\nmax_size_mb = 1\n")
    return ["import", "-"]


def _corrupt(env: Env) -> list[str]:
    env.lib.write_text("{ not json")
    return ["list"]


def _newer(env: Env) -> list[str]:
    env.lib.write_bytes(env.lib.read_bytes().replace(b'"schema":1', b'"schema":99', 1))
    return ["list"]


def _untitled(env: Env) -> list[str]:
    env.journal.unlink()
    env.lib.write_text(
        '{"_readlist":{"1":{"schema":1,"generation":0}},'
        '"papers":{"abcdef1":{"abstract":"no title here"}}}'
    )
    return ["list"]


def _symlink(env: Env) -> list[str]:
    link = env.tmp / "refs.bib"
    link.symlink_to(env.lib)
    return ["export", "-o", str(link)]


def _hardlink(env: Env) -> list[str]:
    link = env.tmp / "refs.bib"
    os.link(env.journal, link)
    return ["export", "-o", str(link)]


def _missing_dir_import(env: Env) -> list[str]:
    return ["--db", str(env.tmp / "nodir" / "lib.json"), "import", str(SEED)]


UTF16_JUNK = b"\xff\xfe" + "Daily Papers\n\nT".encode("utf-16-le") + b"\x00"
BINARY = bytes(range(256)) * 40
# Prose, not a listing: the README's first part (its listing format section shows a
# real listing, which imports).
README = (SEEDS.parent / "README.md").read_text().split("## The listing format")[0].encode()

CASES: dict[str, Case] = {
    "show unknown id": Case(lambda e: ["show", "zzzzzzz"], "no paper with id zzzzzzz"),
    "show too short prefix": Case(
        lambda e: ["show", e.pid[:2]], "(an id prefix needs at least 4 characters)"
    ),
    "show empty id": Case(lambda e: ["show", ""], "no paper has an empty id"),
    "show blank id": Case(lambda e: ["show", "  "], "no paper has an empty id"),
    "mark without a flag": Case(lambda e: ["mark", e.pid], "mark needs --read, --unread", 2),
    "mark two flags": Case(lambda e: ["mark", e.pid, "--read", "--unread"], "not allowed with", 2),
    "mark unknown id": Case(lambda e: ["mark", "ffffff0", "--read"], "no paper with id"),
    "tag without ops": Case(lambda e: ["tag", e.pid], "at least one ID and one", 2),
    "tag too long": Case(lambda e: ["tag", e.pid, "+" + "x" * 5000], "tag too long (5000"),
    "tag just too long": Case(lambda e: ["tag", e.pid, "+" + "x" * 65], "at most 64"),
    "tag unknown id": Case(lambda e: ["tag", "ffffff0", "+x"], "no paper with id"),
    "tag with an escape": Case(lambda e: ["tag", e.pid, "+a\x1b[2J"], "invalid tag name"),
    "note unknown id": Case(lambda e: ["note", "ffffff0", "x"], "no paper with id"),
    "list bad sort": Case(lambda e: ["list", "--sort", "size"], "invalid choice", 2),
    "list bad flag": Case(lambda e: ["list", "--bogus"], "unrecognized arguments", 2),
    "pull week out of range": Case(lambda e: ["pull", "--week", "2025-W60"], "YYYY-Www week", 2),
    "pull week 53 of a 52-week year": Case(
        lambda e: ["pull", "--week", "2025-W53"], "YYYY-Www week", 2
    ),
    "pull month 13": Case(lambda e: ["pull", "--month", "2025-13"], "YYYY-MM month", 2),
    "search limit zero": Case(lambda e: ["search", "x", "--limit", "0"], "positive", 2),
    "search limit text": Case(lambda e: ["search", "x", "--limit", "ten"], "positive", 2),
    "import bad date": Case(lambda e: ["import", "--as-of", "yesterday", "x"], "YYYY-MM-DD", 2),
    "import impossible date": Case(
        lambda e: ["import", "--as-of", "2026-02-30", str(SEED)], "YYYY-MM-DD", 2
    ),
    "import date before arXiv": Case(
        lambda e: ["import", "--as-of", "1800-01-01", str(SEED)], "before arXiv began", 2
    ),
    "pull date before arXiv": Case(lambda e: ["pull", "--date", "1990-01-01"], "before arXiv", 2),
    "import missing file": Case(lambda e: ["import", str(e.tmp / "nope.txt")], "no such file"),
    "import empty dir": Case(
        lambda e: ["import", str(e.tmp / "empty")],
        "no *.txt listings or *.bib files in this directory",
    ),
    "import empty path": Case(lambda e: ["import", ""], "empty path"),
    "import FIFO": Case(_fifo, "not a regular file", proc=True),
    "import /dev/zero": Case(lambda e: ["import", "/dev/zero"], "not a regular file", proc=True),
    "import oversize file": Case(_big, "larger than the 1 MB limit"),
    "import oversize stdin": Case(
        _big_stdin_config, "<stdin>: input is larger", stdin=b"x" * (1 << 20) + b"y", proc=True
    ),
    "import binary junk": Case(_write("junk.txt", BINARY), "binary file"),
    "import UTF-16 junk": Case(_write("u16.txt", UTF16_JUNK), "broken UTF-16"),
    "import empty file": Case(_write("empty.txt", b"\n \n"), "file is empty"),
    "import README": Case(_write("README.md", README), "not a Daily Papers listing: README.md"),
    "import e-mail on stdin": Case(
        lambda e: ["import", "-"],
        "not a Daily Papers listing: <stdin>",
        stdin=b"Hi team,\n\nhave a look at this paper.\n\nBob\n",
        proc=True,
    ),
    "import unreadable .bib": Case(
        _write("refs.bib", b"@misc{a,\n title={X}\n"), "no BibTeX entries could be read"
    ),
    "import header only": Case(_write("h.txt", b"Daily Papers\n\nDec 29\n"), "no papers found"),
    "import into missing dir": Case(_missing_dir_import, "no directory", db=False),
    "invalid UTF-8 id": Case(lambda e: ["show", "\udcff"], "not valid UTF-8", 2, proc=True),
    "invalid UTF-8 note": Case(lambda e: ["note", e.pid, "a\udcffb"], "not valid UTF-8", 2),
    "invalid UTF-8 stdin note": Case(
        lambda e: ["note", e.pid, "-"], "<stdin>: not UTF-8 text", stdin=b"\xff\xfe\xfa"
    ),
    "export onto library": Case(lambda e: ["export", "-o", str(e.lib)], "a file of the library"),
    "export onto journal": Case(
        lambda e: ["export", "-o", str(e.journal)], "a file of the library"
    ),
    "export onto lock": Case(lambda e: ["export", "-o", f"{e.lib}.lock"], "a file of the library"),
    "export onto temp file": Case(
        lambda e: ["export", "-o", str(e.lib.with_name(f".{e.lib.name}.x1.tmp"))],
        "a file of the library",
    ),
    "export via symlink to library": Case(_symlink, "a file of the library"),
    "export via hard link to journal": Case(_hardlink, "a file of the library"),
    "export via relative path": Case(
        lambda e: ["export", "-o", f"{e.lib.parent}/./../{e.lib.parent.name}/{e.lib.name}"],
        "a file of the library",
    ),
    "export into missing dir": Case(
        lambda e: ["export", "-o", str(e.tmp / "no" / "refs.bib")], "no such directory"
    ),
    "export onto a directory": Case(lambda e: ["export", "-o", str(e.tmp)], "not a regular file"),
    "export unwritable": Case(
        lambda e: ["export", "-o", "/proc/readlist-test.bib"], "cannot write"
    ),
    "backup into missing dir": Case(
        lambda e: ["backup", str(e.tmp / "no" / "b.json")], "no such directory"
    ),
    "backup onto journal": Case(lambda e: ["backup", str(e.journal)], "a file of the library"),
    "backup onto a directory": Case(lambda e: ["backup", str(e.tmp)], "not a regular file"),
    "export --aux FIFO": Case(_aux_fifo, "main.aux: not a regular file", proc=True),
    "export --aux inputs a FIFO": Case(
        _aux_input_fifo, "chapter.aux: not a regular file", proc=True
    ),
    "export --aux /dev/zero": Case(
        lambda e: ["export", "--aux", "/dev/zero"], "not a regular file", proc=True
    ),
    "export onto another library": Case(_onto_other(""), "a library file"),
    "export onto another journal": Case(_onto_other("-journal"), "named like the journal"),
    "export onto another lock name": Case(_onto_other(".lock"), "a library's lock file"),
    "export onto a renamed library": Case(_renamed_other("x.json"), "a readlist library"),
    "export onto a renamed journal": Case(_renamed_other("x.log"), "a readlist journal"),
    "backup onto another library": Case(_onto_other("", "backup"), "a library file"),
    "backup onto another journal": Case(
        _onto_other("-journal", "backup"), "named like the journal"
    ),
    "backup onto a renamed library": Case(_renamed_other("x.json", "backup"), "a readlist library"),
    "backup onto a renamed journal": Case(_renamed_other("x.log", "backup"), "a readlist journal"),
    "export --aux onto itself": Case(_aux_onto("main"), "main.aux the export reads"),
    "export --aux onto an input": Case(_aux_onto("chapter"), "chapter.aux the export reads"),
    "export --aux onto a hard link": Case(_aux_onto("hard link"), "chapter.aux the export reads"),
    "export nothing matches": Case(lambda e: ["export", "--tag", "nosuch"], "no papers match"),
    "export unknown ids": Case(lambda e: ["export", "--ids", "ffffff0"], "no paper with id"),
    "export bad style": Case(lambda e: ["export", "--style", "ris"], "invalid choice", 2),
    "corrupt library": Case(_corrupt, "library file is corrupt"),
    "library from a newer schema": Case(_newer, "schema 99 is newer"),
    "paper without a title": Case(_untitled, "is not an object with a title"),
    "--db typo": Case(
        lambda e: ["--db", str(e.lib) + "x", "list"], "import something first", db=False
    ),
    "--db empty (an unset $VAR)": Case(
        lambda e: ["--db", "", "list"], "argument --db: an empty file name", 2, db=False
    ),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("template")
    lib = root / "lib.json"
    env = {**os.environ, "READLIST_HOME": str(root / "home")}
    subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(lib), "import", str(SEED)],
        check=True,
        capture_output=True,
        env=env,
    )
    out = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(lib), "list"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return lib, out.split()[0]


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the library's folder, by content hash (the lock may come and go)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.iterdir())
        if not p.name.endswith(".lock")
    }


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_input(
    kind: str,
    template: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = CASES[kind]
    folder = tmp_path / "library"
    folder.mkdir()
    for src in template[0].parent.glob("lib.json*"):
        shutil.copy(src, folder / src.name)
    scratch = tmp_path / "scratch"
    (scratch / "empty").mkdir(parents=True)
    env = Env(folder / "lib.json", scratch, template[1])
    home = scratch / "home"
    monkeypatch.setenv("READLIST_HOME", str(home))
    argv = case.argv(env)
    if case.db:
        argv = ["--db", str(env.lib), *argv]
    before = fingerprint(folder)

    if case.proc:
        result = subprocess.run(
            [os.fsencode(a) for a in [sys.executable, "-m", "readlist", *argv]],
            input=case.stdin or b"",
            capture_output=True,
            timeout=30,
            env={**os.environ, "READLIST_HOME": str(home)},
        )
        code, err = result.returncode, result.stderr.decode("utf-8", "replace")
    else:
        if case.stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(case.stdin)))
        try:
            code = main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        err = capsys.readouterr().err

    assert code == case.code, err
    assert err.count("\n") == 1, err
    assert err.endswith("\n")
    assert case.message in err
    assert "Traceback" not in err
    assert "internal error" not in err
    assert fingerprint(folder) == before
    for aux in scratch.glob("*.aux"):  # an .aux the export read is never overwritten
        if aux.is_file():  # not a FIFO
            assert aux.read_bytes().startswith(b"\\citation"), aux
    assert not (scratch / "nodir").exists()
    assert not (scratch / "no").exists()


def test_backup_replaces_an_older_backup_but_export_does_not(tmp_path: Path) -> None:
    lib = tmp_path / "lib.json"
    assert main(["--db", str(lib), "import", str(SEED)]) == 0
    backup = tmp_path / "b.json"
    assert main(["--db", str(lib), "backup", str(backup)]) == 0
    backup.write_bytes(backup.read_bytes().replace(b'"backup":true', b'"backup":true ', 1))
    assert main(["--db", str(lib), "backup", str(backup)]) == 0
    assert b'"backup":true}' in backup.read_bytes()  # replaced by a fresh one
    before = backup.read_bytes()
    assert main(["--db", str(lib), "export", "-o", str(backup)]) == 1
    assert backup.read_bytes() == before


def test_there_are_at_least_30_kinds() -> None:
    assert len(CASES) >= 30
    assert sum(c.proc for c in CASES.values()) >= 5


def test_read_capped_stops_at_the_limit_on_an_endless_stream() -> None:
    from readlist.errors import InputError
    from readlist.inputs import read_capped

    with open("/dev/zero", "rb") as endless, pytest.raises(InputError, match="larger than"):
        read_capped(endless, 100_000, "zeros")
    assert read_capped(io.BytesIO(b"x" * 100), 100, "exact") == b"x" * 100
