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
