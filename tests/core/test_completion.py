"""`readlist completion bash|zsh|fish` and `readlist _complete`: scripts generated from
the parser complete every command and option, choices and files, and the library's
tags and ids and the config's saved searches, which they get from a fast command that
never imports Textual or the network libraries. Bash is driven for real (COMP_WORDS);
zsh and fish where installed."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.cli import build_parser
from readlist.cli.anatomy import Command, commands, program
from readlist.config import Config
from tests.conftest import write_unchecked
from tests.core.test_bad_input import fingerprint

COMMANDS = commands(build_parser())
BIN = Path(sys.executable).parent  # the venv's bin: `readlist` is installed there
HOSTILE = "$(touch${IFS}pwned)"  # a tag an imported .bib could carry


def readlist(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "readlist", *argv], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    (tmp_path / "library").mkdir()
    path = tmp_path / "library" / "lib.json"
    write_unchecked(
        path,
        {
            "aaaa111": {"title": "Video diffusion", "tags": ["video", "LLM"]},
            "bbbb222": {"title": "Language models", "tags": ["llm", "thesis", HOSTILE]},
            "cccc333": {"title": "Untagged", "tags": []},
        },
    )
    return path


def script(shell: str) -> str:
    result = readlist("completion", shell)
    assert result.returncode == 0, result.stderr
    assert not result.stderr
    return result.stdout


# _complete -----------------------------------------------------------------------


def write_searches(home: Path) -> None:
    """Two saved searches in the config of READLIST_HOME (where --db does not move it)."""
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text('[searches]\nto-read = "is:unread"\nllm = "tag:llm"\n')


def test_complete_lists_tags_ids_and_saved_searches(lib: Path, isolated_home: Path) -> None:
    before = fingerprint(lib.parent)
    result = readlist("--db", str(lib), "_complete", "tags")
    assert result.returncode == 0, result.stderr
    # one per tag whatever its case, sorted as people read
    assert result.stdout.splitlines() == [HOSTILE, "LLM", "thesis", "video"]
    result = readlist("--db", str(lib), "_complete", "ids")
    assert result.stdout.splitlines() == [
        "aaaa111\tVideo diffusion",
        "bbbb222\tLanguage models",
        "cccc333\tUntagged",
    ]
    write_searches(isolated_home)
    result = readlist("--db", str(lib), "_complete", "searches")
    assert result.returncode == 0, result.stderr
    assert not result.stderr  # a completion never prints config warnings
    # Config.searches ([searches], issue 18) may not be on this branch yet: then none.
    has_searches = "searches" in {f.name for f in dataclasses.fields(Config)}
    assert result.stdout.splitlines() == (["to-read", "llm"] if has_searches else [])
    assert fingerprint(lib.parent) == before  # completing never writes


def test_complete_imports_neither_textual_nor_network_libraries(lib: Path) -> None:
    code = (
        "import sys\nfrom readlist.cli import main\n"
        f"for argv in (['_complete', 'tags'], ['_complete', 'searches'], ['completion', 'bash'],"
        " ['man']):\n"
        f"    assert main(['--db', {str(lib)!r}, *argv]) == 0\n"
        "heavy = ('textual', 'httpx', 'httpcore', 'rapidfuzz', 'numpy')\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in heavy]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["completion", "tcsh"], 2, "invalid choice: 'tcsh'"),
        (["completion"], 2, "the following arguments are required: SHELL"),
        (["_complete", "papers"], 2, "invalid choice: 'papers'"),
        (["--db", "{tmp}/missing.json", "_complete", "tags"], 1, "no library at"),
        (["man", "extra"], 2, "unrecognized arguments: extra"),
    ],
)
def test_bad_completion_and_man_arguments_are_one_line(
    argv: list[str], code: int, message: str, tmp_path: Path
) -> None:
    result = readlist(*(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert result.returncode == code
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# every shell's script ------------------------------------------------------------


def _zsh_block(text: str, name: str) -> str:
    """The zsh script's case for one command (`'list')` up to the next command)."""
    after = text.split(f"\n    '{name}')\n", 1)[1]
    return after.split("\n    '", 1)[0]


def _fish_lines(text: str, name: str) -> str:
    condition = f"__fish_seen_subcommand_from {name}'" if name else "__readlist_needs_command'"
    return "\n".join(line for line in text.splitlines() if condition in line)


def test_zsh_and_fish_scripts_offer_every_command_and_each_ones_options() -> None:
    """Driven for real below where installed; here, each command's part of the script."""
    zsh, fish = script("zsh"), script("fish")
    for command in [program(build_parser()), *COMMANDS]:
        block, lines = _zsh_block(zsh, command.name), _fish_lines(fish, command.name)
        for option in command.options:
            for flag in option.flags:
                assert f"'{flag}:" in block, (command.name, flag)
                word = f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"
                assert word in lines, (command.name, flag)
        if command.name:
            assert f"'{command.name}:" in _zsh_block(zsh, "")
            assert f"-a '{command.name}' -d" in _fish_lines(fish, "")


# bash, for real ------------------------------------------------------------------

BASH = shutil.which("bash")


def complete_bash(text: str, lines: list[list[str]], cwd: Path) -> list[list[str]]:
    """COMPREPLY for each command line (its last word is the one completed), with
    the script sourced into a real bash as a user's shell would."""
    calls = []
    for words in lines:
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        calls.append(
            f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; COMPREPLY=(); _readlist;"
            ' printf "%s\\n" "${COMPREPLY[@]}"; echo "<end>"'
        )
    program_ = "\n".join(["source /dev/stdin <<'SCRIPT'", text, "SCRIPT", *calls])
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    assert (BIN / "readlist").exists(), "readlist is not installed in the venv (pip install -e .)"
    result = subprocess.run(
        [BASH or "bash", "--norc", "-c", program_], capture_output=True, text=True, env=env, cwd=cwd
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout.split("<end>\n")
    return [[w for w in block.split("\n") if w] for block in out[:-1]]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_registers_the_function() -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [
            BASH or "bash",
            "--norc",
            "-c",
            "source <(readlist completion bash) && complete -p readlist",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "complete -F _readlist readlist\n"


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completes_commands_choices_files_tags_ids_and_saved_searches(
    lib: Path, tmp_path: Path
) -> None:
    (tmp_path / "refs.bib").write_text("")
    (tmp_path / "readme.txt").write_text("")
    db = str(lib)
    cases = [
        (["readlist", ""], [c.name for c in COMMANDS]),
        (["readlist", "s"], ["show", "search", "stats"]),
        (["readlist", "--"], ["--help", "--db", "--version"]),
        (["readlist", "list", "--sort", ""], ["added", "date", "upvotes", "title"]),
        (["readlist", "export", "--format", "b"], ["bibtex", "biblatex"]),
        (["readlist", "completion", ""], ["bash", "zsh", "fish"]),
        (["readlist", "import", "re"], ["refs.bib", "readme.txt"]),
        (
            ["readlist", "--db", db, "list", "--tag", ""],
            ["\\$\\(touch\\$\\{IFS\\}pwned\\)", "LLM", "thesis", "video"],
        ),
        (["readlist", "--db", db, "list", "--tag", "t"], ["thesis"]),
        (["readlist", "list", "--db", db, "--tag", "=", "v"], ["video"]),  # --tag=v
        (["readlist", "--db", "=", db, "export", "--tag", "L"], ["LLM"]),  # --db=FILE
        (["readlist", "--db", db, "tag", "aaaa111", "+th"], ["+thesis"]),
        (["readlist", "--db", db, "tag", "aaaa111", "-v"], ["-video"]),
        (["readlist", "--db", db, "tag", "b"], ["bbbb222"]),
        (["readlist", "--db", db, "show", ""], ["aaaa111", "bbbb222", "cccc333"]),
        (["readlist", "--db", db, "note", "aaaa111", ""], []),  # TEXT: nothing to offer
        (["readlist", "--db", db, "mark", "aaaa111", "c"], ["cccc333"]),  # ID… repeats
        (["readlist", "--db", str(tmp_path / "none.json"), "list", "--tag", ""], []),
    ]
    got = complete_bash(script("bash"), [words for words, _ in cases], tmp_path)
    for (words, expected), reply in zip(cases, got, strict=True):
        assert sorted(reply) == sorted(expected), words
    assert not (tmp_path / "pwned").exists()  # the hostile tag was offered, never run


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completes_every_option_of_every_command(tmp_path: Path) -> None:
    """A command added later is covered the moment it is registered."""
    lines = [["readlist", c.name, "--"] for c in COMMANDS]
    got = complete_bash(script("bash"), lines, tmp_path)
    for command, reply in zip(COMMANDS, got, strict=True):
        flags = [f for a in command.options for f in a.flags if f.startswith("--")]
        assert reply == flags, command.name


def _saved_search_options() -> list[tuple[Command, str]]:
    return [
        (c, f) for c in COMMANDS for a in c.options if a.values == "searches" for f in a.flags[-1:]
    ]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@pytest.mark.parametrize(
    ("command", "flag"), _saved_search_options(), ids=lambda x: getattr(x, "name", x)
)
def test_bash_completes_saved_search_names(
    command: Command, flag: str, lib: Path, tmp_path: Path, isolated_home: Path
) -> None:
    """Every `--saved NAME` option (list --saved, issue 18), once it exists."""
    write_searches(isolated_home)
    got = complete_bash(
        script("bash"), [["readlist", "--db", str(lib), command.name, flag, ""]], tmp_path
    )
    assert got == [["to-read", "llm"]]


# zsh and fish, where installed ---------------------------------------------------


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed (not needed by CI)")
def test_zsh_script_loads_and_registers(tmp_path: Path) -> None:
    path = tmp_path / "_readlist"
    path.write_text(script("zsh"))
    assert subprocess.run(["zsh", "-n", str(path)], capture_output=True).returncode == 0
    result = subprocess.run(
        [
            "zsh",
            "-f",
            "-c",
            f"autoload -U compinit && compinit -u && source {path} && print $_comps[readlist]",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "_readlist"


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed (not needed by CI)")
def test_fish_completes_commands_options_and_tags(lib: Path, tmp_path: Path) -> None:
    path = tmp_path / "readlist.fish"
    path.write_text(script("fish"))

    def complete(line: str) -> list[str]:
        result = subprocess.run(
            ["fish", "--no-config", "-c", f"source {path}; complete -C {line!r}"],
            capture_output=True,
            text=True,
            env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
        )
        assert result.returncode == 0, result.stderr
        return [ln.split("\t")[0] for ln in result.stdout.splitlines()]

    assert {"list", "search", "completion"} <= set(complete("readlist "))
    assert "--sort" in complete("readlist list --s")
    assert complete(f"readlist --db {lib} list --tag t") == ["thesis"]
    assert complete(f"readlist --db {lib} tag aaaa111 +vi") == ["+video"]
    assert complete(f"readlist --db {lib} show b") == ["bbbb222"]
