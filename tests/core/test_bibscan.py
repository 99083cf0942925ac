"""Every entry BibTeX reads is imported, and every block it cannot read is reported by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.cli import main
from readlist.store import Store
from tests.core.bibcheck import compile_bib

# Headers BibTeX reads, and bibtexparser 2 alone takes for comment text.
SPACED = """@ article{spaced,
  title = {Space After the At},
  author = {Lee, Ann},
  journal = {J},
  year = {2020}
}

@
article
{newlines,
  title = {Newlines Around the Type},
  author = {Kim, Bo},
  journal = {J},
  year = {2021}
}

@\tmisc{tabbed, title = {A Tab After the At}, year = {2022}}
Text between entries is a comment to BibTeX. @ misc (braced, title = {Mid Line}, year = 2020)
@my-type{custom, title = {A Type of Its Own}, year = {2023}}
@article{plain, title = {An Ordinary Entry}, author = {Roe, Cy}, journal = {J}, year = {2019}}
"""

BROKEN = """@article{good, title = {Fine}, year = {2020}}
@article{nocomma title = {Broken Header}}
@todo check these entries
@misc{unclosed, title = {Never closed
@misc{last, title = {Last}, year = {2021}}
"""


def _import(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, Path]:
    bib = tmp_path / "refs.bib"
    bib.write_text(text)
    db = tmp_path / "lib.json"
    assert main(["--db", str(db), "import", str(bib)]) == 0
    return capsys.readouterr().out, db


def test_white_space_after_the_at_is_read_as_bibtex_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, db = _import(tmp_path, SPACED, capsys)
    assert out.splitlines()[0] == "refs.bib: 6 added"
    with Store(db) as store:
        found = {p.bibkey: (p.entry_type, p.title) for p in store.papers()}
    assert found == {
        "spaced": ("article", "Space After the At"),
        "newlines": ("article", "Newlines Around the Type"),
        "tabbed": (None, "A Tab After the At"),
        "braced": (None, "Mid Line"),
        "custom": ("my-type", "A Type of Its Own"),
        "plain": ("article", "An Ordinary Entry"),
    }
    # BibTeX itself reads the same six entries from the same file.
    work = tmp_path / "tex"
    work.mkdir()
    compile_bib(SPACED, work, "plain")
    assert (work / "doc.bbl").read_text().count("\\bibitem") == 6


def test_what_cannot_be_read_is_named_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, db = _import(tmp_path, BROKEN, capsys)
    summary = out.splitlines()[0]
    assert summary.startswith("refs.bib: 2 added, 3 skipped (")
    assert "line 2: @article{nocomma: not valid BibTeX (Expected comma after entry key" in summary
    assert "line 3: @todo is not an entry: no { or ( after it" in summary
    assert "line 4: @misc{unclosed: not a complete BibTeX entry" in summary
    with Store(db) as store:
        assert sorted(p.bibkey or "" for p in store.papers()) == ["good", "last"]
