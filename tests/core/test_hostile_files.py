"""Hostile files, table-driven: FIFOs, devices, directories and sockets wherever
readlist reads or writes a path the user named, and .aux files built to be slow.

Every kind runs `python -m readlist` as a real subprocess with a timeout, so code that
opens a FIFO fails the test instead of hanging the suite. An error kind gives exactly
one line on stderr, a non-zero exit, no traceback, and leaves the library byte for
byte as it was. An auto-export kind is a write command that succeeds: exit 0, its
change made, and one warning line for the file it would not touch."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from readlist.citations import MAX_AUX_BYTES, MAX_AUX_DEPTH, MAX_AUX_INPUTS, MAX_CITED_KEYS
from tests.core.test_bad_input import SEED, Env, fingerprint, template

__all__ = ["template"]  # the library every case starts from (a module fixture)

MB = 1 << 20


def _special(kind: str) -> Callable[[Path], Path]:
    """Make `path` a thing that is not a regular file; returns it."""

    def make(path: Path) -> Path:
        if kind == "FIFO":
            os.mkfifo(path)
        elif kind == "device":
            # A zero device of its own: endless if read. Never a link to /dev/zero: code
            # that wrongly replaced the file would replace the machine's /dev/zero.
            try:
                os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
            except PermissionError:  # pragma: no cover - the suite runs as root
                pytest.skip("making a device node needs root")
        elif kind == "directory":
            path.mkdir()
        elif kind == "socket":
            with socket.socket(socket.AF_UNIX) as sock:
                sock.bind(str(path))  # the socket file stays after close
        elif kind == "link to a FIFO":
            os.mkfifo(path.with_name("real-fifo"))
            path.symlink_to("real-fifo")
        else:  # pragma: no cover - a typo in the table
            raise AssertionError(kind)
        return path

    return make


KINDS = ("FIFO", "device", "directory", "socket", "link to a FIFO")
NOUN = {
    "FIFO": "(a FIFO)",
    "device": "(a device)",
    "directory": "(a directory)",
    "socket": "(a socket)",
    "link to a FIFO": "(a FIFO)",
}


@dataclass
class Case:
    argv: Callable[[Env], list[str]]
    message: str
    code: int = 1
    db: bool = True  # pass --db lib
    timeout: float = 30.0


def _config(kind: str, argv: list[str]) -> Callable[[Env], list[str]]:
    def make(env: Env) -> list[str]:
        (env.tmp / "home").mkdir(exist_ok=True)
        _special(kind)(env.tmp / "home" / "config.toml")
        return argv + ([str(SEED)] if argv == ["import"] else [])

    return make


def _export_to(kind: str, command: str) -> Callable[[Env], list[str]]:
    def make(env: Env) -> list[str]:
        target = _special(kind)(env.tmp / "refs.bib")
        return ["export", "-o", str(target)] if command == "export" else ["backup", str(target)]

    return make


def _db(kind: str, command: str) -> Callable[[Env], list[str]]:
    def make(env: Env) -> list[str]:
        lib = _special(kind)(env.tmp / "lib.json")
        return ["--db", str(lib), command] + ([str(SEED)] if command == "import" else [])

    return make


def _library_file(name: str, kind: str) -> Callable[[Env], list[str]]:
    """The library's journal or lock replaced by something that is not a file."""

    def make(env: Env) -> list[str]:
        path = env.lib.with_name(env.lib.name + name)
        path.unlink(missing_ok=True)
        _special(kind)(path)
        return ["mark", env.pid, "--star"]

    return make


def _aux(kind: str) -> Callable[[Env], list[str]]:
    def make(env: Env) -> list[str]:
        return ["export", "--aux", str(_special(kind)(env.tmp / "main.aux"))]

    return make


def _aux_input(kind: str) -> Callable[[Env], list[str]]:
    def make(env: Env) -> list[str]:
        _special(kind)(env.tmp / "chapter.aux")
        (env.tmp / "main.aux").write_text("\\citation{a}\n\\@input{chapter.aux}\n")
        return ["export", "--aux", str(env.tmp / "main.aux")]

    return make


def _aux_text(*files: tuple[str, str | bytes]) -> Callable[[Env], list[str]]:
    """.aux files (the first is the main one) with the given contents; --strict, so
    that a document citing only keys the library lacks is one error line."""

    def make(env: Env) -> list[str]:
        for name, text in files:
            data = text.encode() if isinstance(text, str) else text
            (env.tmp / name).write_bytes(data)
        return ["export", "--strict", "--aux", str(env.tmp / files[0][0])]

    return make


def _sparse_aux(size: int) -> Callable[[Env], list[str]]:
    def make(env: Env) -> list[str]:
        with open(env.tmp / "main.aux", "wb") as fh:
            fh.truncate(size)
        return ["export", "--aux", str(env.tmp / "main.aux")]

    return make


def _chain(n: int) -> tuple[tuple[str, str], ...]:
    """main.aux inputs c1.aux, which inputs c2.aux, ... : n files in all."""
    names = ["main.aux"] + [f"c{i}.aux" for i in range(1, n)]
    return tuple(
        (name, f"\\citation{{nokey{i}}}\n" + (f"\\@input{{{names[i + 1]}}}\n" if i + 1 < n else ""))
        for i, name in enumerate(names)
    )


HUGE = 20 * MB  # over the cap: refused before it is parsed
HOSTILE = {
    "unclosed \\citation{": "\\citation{",
    "nested braces": "{",
    "\\@input loop": "\\@input{main.aux}",
    "\\abx@aux@cite{": "\\abx@aux@cite{0}{",
}

CASES: dict[str, Case] = {}
for _kind in KINDS:
    _noun = NOUN[_kind]
    CASES |= {
        f"config.toml is a {_kind} (import)": Case(
            _config(_kind, ["import"]), f"config.toml: not a regular file {_noun}"
        ),
        f"export -o a {_kind}": Case(_export_to(_kind, "export"), f"not a regular file {_noun}"),
        f"backup to a {_kind}": Case(_export_to(_kind, "backup"), f"not a regular file {_noun}"),
        f"--db is a {_kind} (list)": Case(
            _db(_kind, "list"), f"lib.json: not a regular file {_noun}", db=False
        ),
        f"--db is a {_kind} (import)": Case(
            _db(_kind, "import"), f"lib.json: not a regular file {_noun}", db=False
        ),
        f"--aux is a {_kind}": Case(_aux(_kind), f"main.aux: not a regular file {_noun}"),
        f"\\@input of a {_kind}": Case(
            _aux_input(_kind), f"chapter.aux: not a regular file {_noun}"
        ),
    }
CASES |= {
    "config.toml is a FIFO (TUI)": Case(_config("FIFO", []), "not a regular file (a FIFO)"),
    "journal is a FIFO": Case(_library_file("-journal", "FIFO"), "lib.json-journal: not a"),
    "journal is a directory": Case(
        _library_file("-journal", "directory"), "lib.json-journal: not a regular file"
    ),
    "lock is a FIFO": Case(_library_file(".lock", "FIFO"), "lib.json.lock: not a regular"),
    "lock is a directory": Case(
        _library_file(".lock", "directory"), "lib.json.lock: not a regular file"
    ),
    "oversize .aux": Case(_sparse_aux(MAX_AUX_BYTES + 1), "over the 16 MB limit for a document"),
    "oversize .aux with its inputs": Case(
        _aux_text(
            ("main.aux", "\\@input{a.aux}\\@input{b.aux}"),
            ("a.aux", b"%" * (MAX_AUX_BYTES // 2)),
            ("b.aux", b"%" * (MAX_AUX_BYTES // 2)),
        ),
        "b.aux: over the 16 MB limit for a document's .aux files (all its \\@input files",
    ),
    "\\@input cycle": Case(
        _aux_text(
            ("main.aux", "\\citation{nokey}\\@input{a.aux}\\@input{main.aux}"),
            ("a.aux", "\\@input{main.aux}\\@input{./a.aux}\\@input{b.aux}"),
            ("b.aux", "\\@input{a.aux}\\citation{nokey,other}"),
        ),
        "2 cited keys not in the library: nokey, other (--strict: nothing exported)",
    ),
    "\\@input nested too deep": Case(
        _aux_text(*_chain(MAX_AUX_DEPTH + 1)),
        f"is nested more than {MAX_AUX_DEPTH} files deep",
    ),
    "\\@input chain as deep as allowed": Case(
        _aux_text(*_chain(MAX_AUX_DEPTH)),
        f"{MAX_AUX_DEPTH} cited keys not in the library: nokey0, nokey1",
    ),
    "too many \\@input files": Case(
        _aux_text(("main.aux", "".join(f"\\@input{{x{i}}}\n" for i in range(MAX_AUX_INPUTS + 1)))),
        f"more than {MAX_AUX_INPUTS} \\@input files",
    ),
    "too many distinct keys": Case(
        _aux_text(
            ("main.aux", "".join(f"\\citation{{k{i}}}\n" for i in range(MAX_CITED_KEYS + 1)))
        ),
        f"more than {MAX_CITED_KEYS} distinct cited keys",
    ),
    "\\@input of a name too long": Case(
        _aux_text(("main.aux", "\\@input{" + "x" * 100_000 + "}")), "(file name too long)"
    ),
    "\\@input of a name with a NUL": Case(
        _aux_text(("main.aux", "\\@input{a\x00b.aux}")), "not a usable file name"
    ),
}
for _name, _unit in HOSTILE.items():
    CASES[f"20 MB of {_name}"] = Case(
        _aux_text(("main.aux", _unit * (HUGE // len(_unit)))),
        "main.aux: over the 16 MB limit for a document's .aux files",
        timeout=10.0,
    )
CASES["20 MB on one line"] = Case(
    _aux_text(("main.aux", "\\citation{" + "a" * HUGE + "}")), "over the 16 MB limit", timeout=10
)


def _library(template: tuple[Path, str], tmp_path: Path) -> tuple[Env, Path]:
    folder = tmp_path / "library"
    folder.mkdir()
    for src in template[0].parent.glob("lib.json*"):
        shutil.copy(src, folder / src.name)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return Env(folder / "lib.json", scratch, template[1]), scratch / "home"


def _run(argv: list[str], home: Path, timeout: float) -> tuple[int, str, str]:
    """`readlist ARGV` as a real process; a hang is a failure, not a stuck suite."""
    result = subprocess.run(
        [sys.executable, "-m", "readlist", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "READLIST_HOME": str(home)},
    )
    return result.returncode, result.stdout.decode(), result.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("kind", list(CASES))
def test_hostile_file(kind: str, template: tuple[Path, str], tmp_path: Path) -> None:
    case = CASES[kind]
    env, home = _library(template, tmp_path)
    argv = case.argv(env)
    if case.db:
        argv = ["--db", str(env.lib), *argv]
    before = fingerprint(env.lib.parent)

    code, _out, err = _run(argv, home, case.timeout)

    assert code == case.code, err
    assert err.count("\n") == 1, err
    assert err.endswith("\n")
    assert case.message in err
    assert len(err) < 500  # a hostile name or key is never echoed whole
    assert "Traceback" not in err
    assert "internal error" not in err
    assert fingerprint(env.lib.parent) == before
    assert not (env.tmp / "refs.bib").is_file()  # the FIFO (or socket...) is still there


def _auto_export(kind: str, home: Path, tmp: Path) -> Path:
    home.mkdir(exist_ok=True)
    target = _special(kind)(tmp / "auto.bib")
    (home / "config.toml").write_text(f'[[export.auto]]\npath = "{target}"\n')
    return target


@pytest.mark.parametrize("kind", KINDS)
def test_an_auto_export_target_that_is_not_a_file_is_a_warning(
    kind: str, template: tuple[Path, str], tmp_path: Path
) -> None:
    """The write command after which auto-exports run finishes, succeeds, and warns."""
    env, home = _library(template, tmp_path)
    target = _auto_export(kind, home, env.tmp)
    was = os.lstat(target)

    code, out, err = _run(["--db", str(env.lib), "mark", env.pid, "--star"], home, 30)

    assert (code, out) == (0, "marked 1 paper starred\n"), err
    assert err == (
        f"readlist: warning: auto-export {target}: not a regular file {NOUN[kind]}; "
        "not writing it\n"
    )
    now = os.lstat(target)
    assert (now.st_ino, now.st_mode) == (was.st_ino, was.st_mode)  # not replaced
    code, out, _ = _run(["--db", str(env.lib), "list", "--starred"], home, 30)
    assert out.startswith(env.pid), out  # the command's own change was made


def test_a_fifo_config_refuses_a_write_command_without_blocking(
    template: tuple[Path, str], tmp_path: Path
) -> None:
    """A FIFO named config.toml is refused up front, as any broken config is: one line,
    non-zero, the library unchanged, and no hang waiting for a writer to open it."""
    env, home = _library(template, tmp_path)
    home.mkdir()
    os.mkfifo(home / "config.toml")
    before = env.lib.read_bytes()
    code, out, err = _run(["--db", str(env.lib), "mark", env.pid, "--star"], home, 30)
    assert (code, out) == (1, ""), err
    assert err == (
        f"readlist: error: {home / 'config.toml'}: not a regular file (a FIFO); "
        "not reading it as config\n"
    )
    assert env.lib.read_bytes() == before


# Just under the cap, each hostile pattern is parsed: in linear time, well within 10 s.
UNDER = MAX_AUX_BYTES - MB
PARSED = {
    **HOSTILE,
    "the same \\citation": "\\citation{nokey,other}\n",
    "the same \\@input": "\\@input{main.aux}",
    "\\abx@aux@cite with a brace": "\\abx@aux@cite{0}{a{b}}",
    "\\citation with a backslash": "\\citation{\\citation{\\@input{",
}


@pytest.mark.parametrize("name", list(PARSED))
def test_a_hostile_aux_under_the_cap_is_parsed_in_time(
    name: str, template: tuple[Path, str], tmp_path: Path
) -> None:
    env, home = _library(template, tmp_path)
    unit = PARSED[name]
    aux = env.tmp / "main.aux"
    aux.write_text(unit * (UNDER // len(unit)))
    before = fingerprint(env.lib.parent)

    code, out, err = _run(["--db", str(env.lib), "export", "--aux", str(aux)], home, 10)

    assert code == 1, err  # nothing the library holds is cited
    assert out == ""
    assert err.endswith("readlist: error: no papers match; nothing exported\n"), err
    assert err.count("\n") <= 3
    assert len(err) < 1000
    assert "Traceback" not in err
    assert fingerprint(env.lib.parent) == before


def test_a_15_mb_line_is_parsed_in_time(template: tuple[Path, str], tmp_path: Path) -> None:
    """A key of 15 MB is longer than any key may be (citekeys.MAX_KEY): it is named as
    invalid, and the message shows only its start."""
    env, home = _library(template, tmp_path)
    aux = env.tmp / "main.aux"
    aux.write_text("\\citation{" + "k" * UNDER + "}\n")
    code, _, err = _run(["--db", str(env.lib), "export", "--aux", str(aux)], home, 10)
    assert code == 1
    assert err.startswith(
        "readlist: warning: 1 key in the .aux is not a valid BibTeX key, ignored: "
        + "k" * 60
        + "…\n"
    ), err
    assert len(err) < 1000


def test_invalid_keys_are_reported_and_never_echoed_raw(
    template: tuple[Path, str], tmp_path: Path
) -> None:
    env, home = _library(template, tmp_path)
    aux = env.tmp / "main.aux"
    long_key = "x" * 10_000 + "\x1b]0;pwned\x07"
    aux.write_text(
        f"\\citation{{a b,ok\x1b[2J,{long_key}}}\n\\citation{{ good }}\n\\citation{{open\n"
    )
    code, _, err = _run(["--db", str(env.lib), "export", "--aux", str(aux)], home, 30)
    assert code == 1
    assert err.splitlines() == [
        "readlist: warning: 3 keys in the .aux are not valid BibTeX keys, ignored: "
        f"a b, ok?[2J, {'x' * 60}…",
        "readlist: warning: 1 \\citation, \\abx@aux@cite or \\@input command in the .aux "
        "not closed on its line, ignored",
        "readlist: 1 cited key not in the library: good",
        "readlist: error: no papers match; nothing exported",
    ]


def test_there_are_many_kinds() -> None:
    assert len(CASES) >= 50
