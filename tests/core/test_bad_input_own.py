"""Hostile input to the commands of issue 18 (rm, restore, edit, note --edit, list
--saved/--limit), the table engine of test_bad_input: one line on stderr, the exit
status, no traceback, the library unchanged by hash, and no draft left in the temp
directory. Every kind runs `python -m readlist` as a real subprocess (no terminal on
stdin), with its own $EDITOR/$VISUAL."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.core.test_bad_input import Env, fingerprint

SEED = SEEDS / "004_097c14f588d18b51.txt"
ONE = "{pid}"  # the case's paper id, filled in by the test
NOT_UTF8 = shlex.join(["sh", "-c", "printf 'caf\\351' > \"$1\"", "sh"])


@dataclass
class Case:
    argv: Callable[[Env], list[str]]
    message: str
    code: int = 1
    editor: dict[str, str] = field(default_factory=lambda: {"EDITOR": "", "VISUAL": ""})


def _deleted(env: Env) -> str:
    """A paper of this library that is in the trash, for `restore` cases."""
    subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(env.lib), "rm", "--yes", env.pid],
        check=True,
        capture_output=True,
    )
    return env.pid


CASES: dict[str, Case] = {
    "rm without a terminal or --yes": Case(
        lambda e: ["rm", e.pid], "rm: not deleting 1 paper without asking; add --yes", 2
    ),
    "rm two, without --yes": Case(
        lambda e: ["rm", e.pid, e.pid[:5], "fffffff"], "no paper with id fffffff"
    ),
    "rm without ids": Case(lambda e: ["rm", "--yes"], "the following arguments are required", 2),
    "rm unknown id": Case(lambda e: ["rm", "--yes", "fffffff"], "no paper with id fffffff"),
    "rm one unknown of two": Case(
        lambda e: ["rm", "--yes", e.pid, "fffffff"], "no paper with id fffffff"
    ),
    "rm empty id": Case(lambda e: ["rm", "--yes", ""], "no paper has an empty id"),
    "rm too short a prefix": Case(
        lambda e: ["rm", "--yes", e.pid[:3]], "an id prefix needs at least 4 characters"
    ),
    "rm bad flag": Case(lambda e: ["rm", "--force", e.pid], "unrecognized arguments", 2),
    "restore unknown id": Case(
        lambda e: ["restore", "fffffff"], "no deleted paper with id fffffff"
    ),
    "restore empty id": Case(lambda e: ["restore", ""], "no deleted paper has an empty id"),
    "restore a paper in the library": Case(
        lambda e: ["restore", e.pid], f"cannot restore {ONE}: it is in the library"
    ),
    "edit unknown id": Case(lambda e: ["edit", "fffffff"], "no paper with id fffffff"),
    "edit two ids": Case(lambda e: ["edit", e.pid, e.pid], "unrecognized arguments", 2),
    "edit without an editor": Case(
        lambda e: ["edit", e.pid], "no editor: set $VISUAL or $EDITOR (for example EDITOR=nano)"
    ),
    "edit with blank editors": Case(
        lambda e: ["edit", e.pid], "no editor: set", editor={"EDITOR": "  ", "VISUAL": "\t"}
    ),
    "edit with an unreadable $EDITOR": Case(
        lambda e: ["edit", e.pid],
        "$EDITOR cannot be read as a command (No closing quotation)",
        editor={"EDITOR": 'vim "unclosed', "VISUAL": ""},
    ),
    "edit with a missing editor": Case(
        lambda e: ["edit", e.pid],
        "cannot run the editor '/nonexistent/editor': No such file or directory",
        editor={"EDITOR": "/nonexistent/editor", "VISUAL": ""},
    ),
    "edit with a failing editor": Case(
        lambda e: ["edit", e.pid],
        "the editor 'false' exited with status 1",
        editor={"EDITOR": "false", "VISUAL": ""},
    ),
    "edit with an editor writing bytes": Case(
        lambda e: ["edit", e.pid],
        "the editor saved text that is not UTF-8; nothing saved (your edit is kept in",
        editor={"EDITOR": NOT_UTF8, "VISUAL": ""},
    ),
    "note --edit with TEXT": Case(
        lambda e: ["note", e.pid, "x", "--edit"], "note --edit takes no TEXT", 2
    ),
    "note --edit without an editor": Case(
        lambda e: ["note", e.pid, "--edit"], "no editor: set $VISUAL or $EDITOR"
    ),
    "note --edit with a failing editor": Case(
        lambda e: ["note", e.pid, "--edit"],
        "the editor 'false' exited with status 1",
        editor={"EDITOR": "false", "VISUAL": ""},
    ),
    "note --edit unknown id": Case(
        lambda e: ["note", "fffffff", "--edit"], "no paper with id fffffff"
    ),
    "note --edit with an editor writing bytes": Case(
        lambda e: ["note", e.pid, "--edit"],
        "not UTF-8; nothing saved (your note is kept in",
        editor={"EDITOR": NOT_UTF8, "VISUAL": ""},
    ),
    "list --saved with none saved": Case(
        lambda e: ["list", "--saved", "thesis"],
        "no saved search 'thesis' in config.toml (saved: none; add them under [searches])",
        2,
    ),
    "list --saved empty name": Case(lambda e: ["list", "--saved", ""], "no saved search ''", 2),
    "list --limit 0": Case(lambda e: ["list", "--limit", "0"], "not a positive number: '0'", 2),
    "list --limit negative": Case(
        lambda e: ["list", "--limit", "-3"], "not a positive number: '-3'", 2
    ),
    "list --limit in Arabic digits": Case(
        lambda e: ["list", "--limit", "\u0661\u0662"], "not a positive number", 2
    ),
    "list --limit without N": Case(lambda e: ["list", "--limit"], "expected one argument", 2),
}
KEEPS_DRAFT = {"edit with an editor writing bytes", "note --edit with an editor writing bytes"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("template")
    lib = root / "lib.json"
    env = {**os.environ, "READLIST_HOME": str(root / "home")}
    readlist = [sys.executable, "-m", "readlist", "--db", str(lib)]
    subprocess.run([*readlist, "import", str(SEED)], check=True, capture_output=True, env=env)
    out = subprocess.run([*readlist, "list"], check=True, capture_output=True, text=True, env=env)
    return lib, out.stdout.split()[0]


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_input(kind: str, template: tuple[Path, str], tmp_path: Path) -> None:
    case = CASES[kind]
    folder = tmp_path / "library"
    folder.mkdir()
    for src in template[0].parent.glob("lib.json*"):
        (folder / src.name).write_bytes(src.read_bytes())
    scratch = tmp_path / "scratch"
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    scratch.mkdir()
    env = Env(folder / "lib.json", scratch, template[1])
    if kind.startswith("restore a paper"):
        _deleted(env)
        subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(env.lib), "restore", env.pid],
            check=True,
            capture_output=True,
        )
    argv = ["--db", str(env.lib), *case.argv(env)]
    before = fingerprint(folder)
    result = subprocess.run(
        [sys.executable, "-m", "readlist", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
        env={
            **os.environ,
            "READLIST_HOME": str(scratch / "home"),
            "TMPDIR": str(drafts),
            **case.editor,
        },
    )
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == case.code, err
    assert err.count("\n") == 1, err
    assert case.message.replace(ONE, env.pid) in err
    assert "Traceback" not in err
    assert "internal error" not in err
    assert fingerprint(folder) == before
    kept = list(drafts.iterdir())
    if kind in KEEPS_DRAFT:  # what the user typed is never thrown away
        (draft,) = kept
        assert str(draft) in err
        assert draft.read_bytes() == b"caf\xe9"
    else:
        assert kept == []


def test_there_are_enough_kinds() -> None:
    assert len(CASES) >= 20
