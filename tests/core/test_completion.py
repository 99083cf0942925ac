"""`readlist completion bash|zsh|fish` and `readlist _complete`: scripts generated from
the parser complete every command and option, choices and files, and the library's
tags and ids and the config's saved searches, which they get from a fast command that
never imports Textual or the network libraries. Bash is driven for real (COMP_WORDS);
zsh and fish where installed."""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from readlist.cli import build_parser
from readlist.cli.anatomy import Command, commands, program
from readlist.config import Config
from readlist.query import FIELDS, STATES
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
        # values: a query's fields and states come from readlist.query
        kinds = {a.values for a in command.arguments}
        assert ("_readlist_query" in block) == ("query" in kinds), command.name
        assert ("__readlist_query" in lines) == ("query" in kinds), command.name
    states = zsh.split("is:*) compset -P 'is:'; compadd -- ")[1].split(";;")[0].split()
    assert states == list(STATES)
    assert f"printf 'is:%s\\n' {' '.join(STATES)}\n" in fish
    for field in FIELDS:
        assert f"'{field}:'" in zsh
        assert f" {field}:" in fish


# bash, for real ------------------------------------------------------------------

BASH = shutil.which("bash")


def comp_words(line: str, breaks: str) -> list[str]:
    """COMP_WORDS as bash makes them of `line`, the cursor at its end: split at spaces
    and around the word-break characters (readline's `=` and `:` among them)."""
    words = [w for chunk in line.split() for w in re.findall(rf"[{breaks}]+|[^{breaks}]+", chunk)]
    return [*words, ""] if line.endswith(" ") else words


def complete_bash(text: str, lines: list[str], cwd: Path, breaks: str = "=:") -> list[list[str]]:
    """COMPREPLY for each command line (completing its end), with the script sourced
    into a real bash as a user's shell would; `breaks` as in COMP_WORDBREAKS."""
    calls = [f"COMP_WORDBREAKS={shlex.quote(' ' + breaks)}"]
    for line in lines:
        words = comp_words(line, breaks)
        quoted = " ".join(shlex.quote(w) for w in words)
        calls.append(
            f"COMP_LINE={shlex.quote(line)}; COMP_POINT={len(line)}; COMP_WORDS=({quoted});"
            f" COMP_CWORD={len(words) - 1}; COMPREPLY=(); _readlist;"
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
    db = f"--db {lib}"
    cases = [
        ("readlist ", [c.name for c in COMMANDS]),
        ("readlist s", ["show", "search", "stats"]),
        ("readlist --", ["--help", "--db", "--version"]),
        ("readlist list --sort ", ["added", "date", "upvotes", "title"]),
        ("readlist export --format b", ["bibtex", "biblatex"]),
        ("readlist completion ", ["bash", "zsh", "fish"]),
        ("readlist import re", ["refs.bib", "readme.txt"]),
        (
            f"readlist {db} list --tag ",
            ["\\$\\(touch\\$\\{IFS\\}pwned\\)", "LLM", "thesis", "video"],
        ),
        (f"readlist {db} list --tag t", ["thesis"]),
        (f"readlist list {db} --tag=v", ["video"]),
        (f"readlist --db={lib} export --tag L", ["LLM"]),
        (f"readlist {db} tag aaaa111 +th", ["+thesis"]),
        (f"readlist {db} tag aaaa111 -v", ["-video"]),
        (f"readlist {db} tag b", ["bbbb222"]),
        (f"readlist {db} show ", ["aaaa111", "bbbb222", "cccc333"]),
        (f"readlist {db} note aaaa111 ", []),  # TEXT: nothing to offer
        (f"readlist {db} mark aaaa111 c", ["cccc333"]),  # ID… repeats
        (f"readlist --db {tmp_path / 'none.json'} list --tag ", []),
        # queries: the grammar's fields, tags after tag:, states after is:
        ("readlist search video ", ["tag:", "author:", "cat:", "year:", "is:"]),
        ("readlist search ta", ["tag:"]),
        (f"readlist {db} search video tag:th", ["thesis"]),  # readline replaces "th"
        ("readlist search is:st", ["starred"]),
        (f"readlist {db} export --query tag:v", ["video"]),
        (f"readlist {db} export --query=tag:v", ["video"]),
    ]
    got = complete_bash(script("bash"), [line for line, _ in cases], tmp_path)
    for (line, expected), reply in zip(cases, got, strict=True):
        assert sorted(reply) == sorted(expected), line
    # Where : does not break words, readline replaces the whole word.
    lines = [
        f"readlist {db} search tag:th",
        "readlist search is:st",
        f"readlist --db={lib} list --tag=v",
    ]
    got = complete_bash(script("bash"), lines, tmp_path, breaks="=")
    assert got == [["tag:thesis"], ["is:starred"], ["video"]]
    assert not (tmp_path / "pwned").exists()  # the hostile tag was offered, never run


@pytest.mark.skipif(BASH is None or not shutil.which("tmux"), reason="needs bash and tmux")
def test_bash_completes_in_a_real_terminal(lib: Path, tmp_path: Path) -> None:
    """Readline itself (in tmux) splits the words, calls the function and inserts the
    reply: the simulation above makes the same words as it does."""
    (tmp_path / "readlist.bash").write_text(script("bash"))
    socket = f"readlist-completion-{os.getpid()}-{tmp_path.name}"

    def tmux(*args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=30
        ).stdout

    def last_line() -> str:
        lines = [ln for ln in tmux("capture-pane", "-p", "-t", "sh").splitlines() if ln]
        return lines[-1].rstrip() if lines else ""  # tmux drops trailing spaces

    def wait(done: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if done(line := last_line()):
                return line
            time.sleep(0.05)
        raise AssertionError(f"{what}; the line is {last_line()!r}")

    def line_after_tab(text: str) -> str:
        tmux("send-keys", "-t", "sh", "C-u")
        tmux("send-keys", "-t", "sh", "-l", text)
        wait(lambda line: line == f"$ {text}", f"never typed {text!r}")
        tmux("send-keys", "-t", "sh", "Tab")
        return wait(lambda line: line != f"$ {text}", f"nothing completed {text!r}")[2:]

    shell = (
        f"env -i HOME={tmp_path} PATH={BIN}{os.pathsep}/usr/bin:/bin TERM=xterm "
        f"READLIST_HOME={tmp_path / 'home'} {BASH} --norc --noprofile"
    )
    tmux("new-session", "-d", "-s", "sh", "-x", "200", "-y", "10", "-c", str(tmp_path), shell)
    try:
        tmux("send-keys", "-t", "sh", f"PS1='$ '; source {tmp_path / 'readlist.bash'}", "Enter")
        assert line_after_tab("readlist sea") == "readlist search"
        db = f"--db {lib}"
        assert line_after_tab(f"readlist {db} list --tag=vi") == f"readlist {db} list --tag=video"
        assert line_after_tab(f"readlist {db} search tag:th") == f"readlist {db} search tag:thesis"
        assert line_after_tab("readlist search is:st") == "readlist search is:starred"
        hostile = "+\\$\\(touch\\$\\{IFS\\}pwned\\)"
        assert (
            line_after_tab(f"readlist {db} tag aaaa111 +$")
            == f"readlist {db} tag aaaa111 {hostile}"
        )
    finally:
        tmux("kill-server")
    assert not (tmp_path / "pwned").exists()


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completes_every_option_of_every_command(tmp_path: Path) -> None:
    """A command added later is covered the moment it is registered."""
    lines = [f"readlist {c.name} --" for c in COMMANDS]
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
    got = complete_bash(script("bash"), [f"readlist --db {lib} {command.name} {flag} "], tmp_path)
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
    assert complete(f"readlist --db {lib} search tag:th") == ["tag:thesis"]
    assert complete("readlist search is:st") == ["is:starred"]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_restore_completes_the_deleted_papers_not_the_library(lib: Path, tmp_path: Path) -> None:
    """`readlist restore ID`: the trash's ids (restoring a paper in the library is an
    error), with their titles for zsh and fish; `rm` completes the library's."""
    assert readlist("--db", str(lib), "rm", "--yes", "bbbb222").returncode == 0
    result = readlist("--db", str(lib), "_complete", "deleted")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["bbbb222\tLanguage models"]
    db = f"--db {lib}"
    got = complete_bash(
        script("bash"),
        [f"readlist {db} restore ", f"readlist {db} rm ", "readlist restore "],
        tmp_path,
    )
    assert got == [["bbbb222"], ["aaaa111", "cccc333"], []]
    if shutil.which("fish"):
        path = tmp_path / "readlist.fish"
        path.write_text(script("fish"))
        line = f"readlist --db {lib} restore "
        fish = subprocess.run(
            ["fish", "--no-config", "-c", f"source {path}; complete -C {line!r}"],
            capture_output=True,
            text=True,
            env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
        )
        assert fish.stdout.splitlines() == ["bbbb222\tLanguage models"]


def test_restore_completes_a_paper_in_the_library_again(lib: Path) -> None:
    """A deleted paper that arrived again: restore brings its old state back, so it
    completes too."""
    from readlist import deleted
    from readlist.model import Paper
    from readlist.store import Store

    assert readlist("--db", str(lib), "rm", "--yes", "bbbb222").returncode == 0
    with Store(lib) as store, store.transaction():
        store.put([Paper("bbbb222", "Language models")])  # as an import adds it again
        deleted.arrived(store, ["bbbb222"])
    result = readlist("--db", str(lib), "_complete", "deleted")
    assert result.stdout.splitlines() == ["bbbb222\tLanguage models"]
