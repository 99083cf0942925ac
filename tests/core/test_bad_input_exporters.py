"""Bad input to `export --format` and the formats, table-driven with the engine of
test_bad_input: one line on stderr, a non-zero exit, no traceback, the library
byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.cli import main
from tests.core.test_bad_input import Case, Env, _onto_other, fingerprint, template

__all__ = ["template"]  # the library every case starts from (a module fixture)


def _json_directory(env: Env) -> list[str]:
    (env.tmp / "refs.json").mkdir()
    return ["export", "-o", str(env.tmp / "refs.json")]


CASES = {
    "export --format unknown": Case(lambda e: ["export", "--format", "ris"], "invalid choice", 2),
    "export --format in capitals": Case(
        lambda e: ["export", "--format", "CSL-JSON"], "invalid choice", 2
    ),
    "export --format without a name": Case(
        lambda e: ["export", "--format"], "expected one argument", 2
    ),
    "export --format and --style disagree": Case(
        lambda e: ["export", "--format", "csl-json", "--style", "bibtex"],
        "--style is the old name of --format",
        2,
    ),
    "export --format markdown onto the library": Case(
        lambda e: ["export", "--format", "markdown", "-o", str(e.lib)], "a file of the library"
    ),
    "export -o .json onto another library": Case(_onto_other(""), "a library file"),
    "export -o .json that is a directory": Case(_json_directory, "not a regular file"),
    "export -o .md into a missing directory": Case(
        lambda e: ["export", "-o", str(e.tmp / "nodir" / "x.md")], "no such directory"
    ),
    "export --format csl-json --strict, a key unknown": Case(
        lambda e: ["export", "--format", "csl-json", "--keys", "nokey", "--strict"],
        "(--strict: nothing exported)",
    ),
    "export --format markdown --watch without -o": Case(
        lambda e: ["export", "--format", "markdown", "--watch"], "--watch needs -o FILE", 2
    ),
    "export --format csl-json, nothing matches": Case(
        lambda e: ["export", "--format", "csl-json", "--tag", "nosuch"], "no papers match"
    ),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_export_format_input(
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
        (folder / src.name).write_bytes(src.read_bytes())
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = Env(folder / "lib.json", scratch, template[1])
    monkeypatch.setenv("READLIST_HOME", str(scratch / "home"))
    argv = ["--db", str(env.lib), *case.argv(env)]
    before = fingerprint(folder)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == case.code, err
    assert err.count("\n") == 1, err
    assert case.message in err
    assert "Traceback" not in err
    assert fingerprint(folder) == before
    assert not (scratch / "nodir").exists()
