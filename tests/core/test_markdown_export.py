"""The Markdown reading list, read by a real consumer: pandoc, as CommonMark and as
GitHub's dialect. One list item per paper, every title literal, no raw HTML."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from readlist.cli import main
from tests.core.formats_fixture import HOSTILE_TITLE, PAPERS, TITLES, make_library
from tests.core.pandoc import pandoc

# What the export's Markdown may become: anything else is HTML that got through.
ALLOWED = {"ul", "li", "strong", "em", "a", "blockquote", "p"}


class Html(HTMLParser):
    """The elements of pandoc's HTML, and the text inside each <li> and <strong>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []
        self.items: list[str] = []
        self.strong: list[str] = []
        self.quotes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.open.append(tag)
        if tag == "li":
            self.items.append("")
        elif tag == "strong":
            self.strong.append("")
        elif tag == "blockquote":
            self.quotes.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        if "li" in self.open:
            self.items[-1] += data
        if "strong" in self.open:
            self.strong[-1] += data
        if "blockquote" in self.open:
            self.quotes[-1] += data


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    return make_library(tmp_path / "lib.json")


@pytest.mark.parametrize("dialect", ["commonmark", "gfm"])
def test_each_paper_is_one_list_item_with_its_title_literal(
    lib: Path, tmp_path: Path, dialect: str
) -> None:
    out = tmp_path / "reading.md"
    assert main(["--db", str(lib), "export", "--format", "markdown", "-o", str(out)]) == 0
    html, warnings = pandoc("-f", dialect, "-t", "html", "--wrap=none", str(out))
    assert warnings == ""
    page = Html()
    page.feed(html)
    assert set(page.tags) <= ALLOWED, html  # no <script>, no <b>, no headings, no code
    assert page.tags.count("ul") == 1
    assert len(page.items) == len(PAPERS)
    assert [squash(s) for s in page.strong] == [squash(TITLES[p.id]) for p in PAPERS]
    first = squash(page.items[0])
    assert "Nguyễn Văn An and Trần Thị Bích Ngọc (2025). arXiv:2511.07399 · #to_read #c#" in first
    (quote,) = page.quotes  # the one paper with notes
    assert squash(quote) == squash(PAPERS[0].notes)  # headings, lists, HTML: all literal
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE_TITLE in squash(page.items[-1])
    assert "— Γιώργος Παπαδόπουλος, Ελένη Κωνσταντίνου et al. (2024)" in squash(page.items[2])
    assert '<a href="https://doi.org/10.1000/xyz%281%29_a">doi:10.1000/xyz(1)_a</a>' in html
    assert '<a href="https://openai.com/research/gpt-4%29%28draft">openai.com</a>' in html


def test_a_reading_list_assigns_no_keys(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def state() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in lib.parent.glob("*")}

    before = state()
    assert main(["--db", str(lib), "export", "--format", "markdown"]) == 0
    out, err = capsys.readouterr()
    assert out.count("\n- **") == len(PAPERS) - 1
    assert out.startswith("- **")
    assert err == f"exported {len(PAPERS)} entries to stdout\n"
    assert state() == before  # the library is untouched: Markdown cites no keys
