"""Plain-text output: Markdown emphasis is stripped, everything else is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.model import Paper
from readlist.store import Store
from readlist.text import describe, emphasis_spans, strip_emphasis
from tests.core.test_cli import run


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("We **propose** a *fast* way.", "We propose a fast way."),
        ("__Strong__ and _light_.", "Strong and light."),
        ("**bold *and italic* inside**", "bold and italic inside"),
        ("(*see* [1])", "(see [1])"),
        ("snake_case_name and a_b stay", "snake_case_name and a_b stay"),
        ("2*3*4 = 24, a * b, ** alone", "2*3*4 = 24, a * b, ** alone"),
        ("unclosed **bold and *italic", "unclosed **bold and *italic"),
        ("**[/]** and *[bold]x[/bold]*", "[/] and [bold]x[/bold]"),
    ],
)
def test_strip_emphasis(text: str, plain: str) -> None:
    assert strip_emphasis(text) == plain


def test_spans_carry_the_styles() -> None:
    assert emphasis_spans("a **b *c* d** e") == [
        ("a ", ""),
        ("b ", "bold"),
        ("c", "bold italic"),
        (" d", "bold"),
        (" e", ""),
    ]


def test_a_hostile_line_of_openers_is_linear() -> None:
    line = "*a " * 40000 + "**b" * 40000
    assert strip_emphasis(line) == line


def test_show_prints_the_abstract_without_emphasis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib.json"
    paper = Paper(id="abc1234", title="T", abstract="We **propose** a *fast* way.")
    with Store(lib) as store:
        store.put([paper])
    assert "We propose a fast way." in describe(paper)
    code, out, _ = run(capsys, "--db", str(lib), "show", "abc1234")
    assert code == 0
    assert "We propose a fast way." in out
    assert "*" not in out


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]0;PWNED\x07hi", "hi"),  # OSC ended by BEL
        ("a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"),  # OSC ended by ST
        ("\x1b[2J\x1b[1;31mred\x1b[0m", "red"),  # CSI with parameters
        ("\x1bPq#0;2;0\x1b\\ok", "ok"),  # DCS (sixel)
        ("\x1b_apc\x1b\\\x1bXsos\x1b\\\x1b^pm\x1b\\z", "z"),  # APC, SOS, PM
        ("\x9b31mX\x9d0;t\x9cY\x90dcs\x9cZ", "XYZ"),  # 8-bit CSI, OSC, DCS
        ("e\x1b(Bf\x1b7g", "efg"),  # charset and other ESC sequences
        ("title \x1b]0;never ended\nnext line", "title \nnext line"),  # OSC to end of line
        ("lone\x1b", "lone"),
        ("x\x1b\u00e9", "x\u00e9"),  # a lone ESC before a letter that starts no sequence
        ("plain [b]text[/b] \u00e9 \t", "plain [b]text[/b] \u00e9 \t"),
    ],
)
def test_clean_removes_whole_escape_sequences(text: str, shown: str) -> None:
    from readlist.text import clean, clean_line

    assert clean(text) == shown
    assert clean_line(text) == shown.replace("\n", " ").replace("\t", " ")


ESCAPE_FLOOD = """
from readlist.text import clean
assert clean("\\x1b[" * 100_000) == ""
assert clean("\\x1b]0;" + "x" * 200_000) == ""
assert clean("\\x1b]" * 100_000 + "tail") == ""
assert clean("\\x9d\\x1b" * 100_000) == ""
assert clean("\\x1b[1;" * 100_000 + "\\n") == "\\n"
"""


def test_escape_stripping_is_linear_on_hostile_floods() -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", ESCAPE_FLOOD], check=True, timeout=20)


def test_note_from_the_cli_keeps_no_part_of_an_escape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib.json"
    with Store(lib) as store:
        store.put([Paper(id="abcdef1", title="T", added="2026-01-01T00:00:00")])
    assert run(capsys, "--db", str(lib), "note", "abcdef1", "\x1b]0;PWNED\x07hi")[0] == 0
    with Store(lib) as store:
        assert store.get("abcdef1").notes == "hi"
