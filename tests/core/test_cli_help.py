"""`--help` and the man page, both generated from the one parser: every command (a new
one included, as soon as it is registered) has a description, help for each argument
and examples, and the man page documents every command and option."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.cli import build_parser
from readlist.cli.anatomy import Command, commands, fill_descriptions, program
from readlist.cli.common import Parser
from readlist.cli.manpage import render
from readlist.query import FIELDS, GRAMMAR_HELP, STATES

PARSER = build_parser()
COMMANDS = commands(PARSER)


def readlist(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "readlist", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
    )


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_every_command_has_a_description_argument_help_and_examples(command: Command) -> None:
    assert command.summary, f"{command.name}: no help= (its line in readlist --help)"
    assert command.description, f"{command.name}: no description"
    missing = [a.synopsis for a in command.arguments if not a.help.strip()]
    assert not missing, f"{command.name}: arguments without help: {missing}"
    assert len(command.examples) <= 4, f"{command.name}: two or three examples, not more"
    own = [
        e for e, _ in command.examples if re.search(rf"readlist( --db \S+)? {command.name}\b", e)
    ]
    assert len(own) >= 2, f"{command.name}: needs two or three examples of itself"
    assert all(what.strip() for _, what in command.examples)
    text = command.parser.format_help()  # what `readlist NAME --help` prints
    assert " ".join(command.description.split()[:4]) in " ".join(text.split())
    assert "\nexamples:\n" in text
    for example, _ in command.examples:
        assert f"\n  {example}\n" in text


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_every_example_is_a_command_line_readlist_accepts(
    command: Command, capsys: pytest.CaptureFixture[str]
) -> None:
    """Examples cannot drift from the options: each parses (it is not run)."""
    for example, _ in command.examples:
        line = re.search(r"readlist[^|<>)]*", example)
        assert line, example
        argv = shlex.split(line[0])[1:]
        try:
            args, extra = build_parser().parse_known_args(argv)
        except SystemExit:
            pytest.fail(f"{example}: {capsys.readouterr().err}")
        assert not extra or getattr(args, "dashed_words", False), example


def test_a_command_registered_without_a_description_gets_its_summary() -> None:
    parser = Parser(prog="readlist")
    sub = parser.add_subparsers(parser_class=Parser)
    sub.add_parser("new", help="do a new thing")
    sub.add_parser("own", help="x", description="Its own.")
    fill_descriptions(parser)
    assert [c.description for c in commands(parser)] == ["Do a new thing.", "Its own."]
    assert "\nDo a new thing.\n" in sub.choices["new"].format_help()


def test_the_program_itself_has_help_for_every_option() -> None:
    top = program(PARSER)
    assert top.description
    assert all(a.help for a in top.arguments), [a.synopsis for a in top.arguments]


def test_help_in_a_real_process_lists_commands_and_shows_examples() -> None:
    result = readlist("--help")
    assert result.returncode == 0, result.stderr
    listed = re.findall(r"^    (\S+)", result.stdout, re.MULTILINE)
    assert listed == [c.name for c in COMMANDS]
    assert "_complete" not in result.stdout  # the scripts' helper is not a user command
    result = readlist("tag", "--help")  # tag reads its own arguments (+name -name)
    assert result.returncode == 0, result.stderr
    assert "examples:\n  readlist tag 3f2a9c1 +llm +to-cite\n" in result.stdout


def test_search_help_states_the_grammar_from_the_query_module() -> None:
    result = readlist("search", "--help")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "README" not in text
    assert "query grammar:" in text
    flat = " ".join(text.split())
    for syntax, meaning in GRAMMAR_HELP:
        assert f"{syntax} {meaning}" in flat, syntax
    # Every field and state the parser knows is documented (the table cannot lag).
    for field in FIELDS:
        assert f"{field}:" in text, field
    for state in STATES:
        assert f"is:{state}" in text, state


# The man page ------------------------------------------------------------------


def _plain(roff: str) -> str:
    """The words of a roff page: font changes and escapes undone."""
    text = re.sub(r"\\f[BIRP]", "", roff)
    text = text.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
    return re.sub(r"\\\[u([0-9A-F]+)\]", lambda m: chr(int(m[1], 16)), text)


def _sections(roff: str) -> dict[str, str]:
    """Each command's section of the page (`.SS name` up to the next)."""
    parts = re.split(r"^\.SS (.*)$", roff, flags=re.MULTILINE)
    return {_plain(name): _plain(body) for name, body in zip(parts[1::2], parts[2::2], strict=True)}


@pytest.fixture(scope="module")
def page() -> str:
    result = readlist("man")
    assert result.returncode == 0, result.stderr
    assert not result.stderr
    return result.stdout


def test_man_page_documents_every_command_option_table_and_example(page: str) -> None:
    assert page.startswith(".TH READLIST 1 ")
    sections = _sections(page)
    assert list(sections) == [c.name for c in COMMANDS]
    head = _plain(page.split(".SH COMMANDS")[0])
    for flag in (f for a in program(PARSER).options for f in a.flags):
        assert flag in head, flag
    for command in COMMANDS:
        body = sections[command.name]
        assert " ".join(command.description.split()) in " ".join(body.split()), command.name
        for argument in command.arguments:
            for flag in argument.flags:
                assert re.search(rf"(^|, ){re.escape(flag)}\b", body, re.MULTILINE), flag
            assert " ".join(argument.help.split()) in " ".join(body.split()), argument.synopsis
        for example, what in command.examples:
            assert f"\n{example}\n{what}\n" in body, example
    for syntax, _ in GRAMMAR_HELP:
        assert f"\n{syntax}\n" in sections["search"], syntax


@pytest.mark.skipif(not shutil.which("groff"), reason="groff is not installed")
@pytest.mark.parametrize("device", ["utf8", "ascii"])
def test_man_page_renders_without_warnings(page: str, device: str) -> None:
    result = subprocess.run(
        ["groff", "-man", f"-T{device}", "-ww", "-P", "-cbou"],
        input=page,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert result.stderr == ""
    out = " ".join(result.stdout.split())
    assert "READLIST(1)" in out
    for command in COMMANDS:
        assert f"readlist {command.name}" in out
    # Every character prints, as itself or as its ASCII stand-in.
    assert ("unread (•) and starred (★)" if device == "utf8" else "starred (*)") in out


@pytest.mark.skipif(not shutil.which("man"), reason="man is not installed")
def test_man_reads_the_page(page: str, tmp_path: pytest.TempPathFactory) -> None:
    path = os.path.join(str(tmp_path), "readlist.1")
    with open(path, "w") as f:
        f.write(page)
    result = subprocess.run(
        ["man", "-l", path],
        capture_output=True,
        text=True,
        env={**os.environ, "MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat", "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "readlist - a keyboard-driven reading list for research papers" in result.stdout
    assert "   search\n" in result.stdout


@pytest.mark.skipif(not shutil.which("groff"), reason="groff is not installed")
def test_man_page_prints_help_text_literally() -> None:
    """Backslashes, leading dots and quotes, hyphens: text, never roff requests."""
    parser = Parser(prog="readlist", description="A test. More")
    sub = parser.add_subparsers(parser_class=Parser)
    tricky = "\\fBnot bold\\fR and C:\\dir\n.TH broken\n'br quote -- dashes"
    p = sub.add_parser("odd", help="odd", description=tricky, examples=[(".so /etc/x", "x")])
    p.add_argument("--flag", help=".nf no-fill")
    page = render(parser)
    result = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-P", "-cbou"],
        input=page,
        capture_output=True,
        text=True,
    )
    assert result.stderr == ""
    out = " ".join(result.stdout.split())
    assert "\\fBnot bold\\fR and C:\\dir .TH broken 'br quote -- dashes" in out
    assert ".nf no-fill" in out
    assert ".so /etc/x" in out


def test_the_readmes_command_table_names_every_command() -> None:
    """A command added to the parser without a README row would be found only by --help."""
    from readlist.cli import build_parser
    from readlist.cli.anatomy import commands

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `readlist ")]
    for command in commands(build_parser()):
        assert any(row.startswith(f"| `readlist {command.name}") for row in rows), command.name


def test_every_help_fits_80_columns_in_a_real_process() -> None:
    """In an 80-column terminal (COLUMNS=80, as a real one reports it), no line of any
    `--help` is wider: argparse wraps what it formats, the examples are ours."""
    for argv in [[], *([c.name] for c in COMMANDS)]:
        result = readlist(*argv, "--help", env={"COLUMNS": "80"})
        assert result.returncode == 0, argv
        wide = [line for line in result.stdout.splitlines() if len(line) > 80]
        assert not wide, f"readlist {' '.join(argv)} --help: {wide}"
