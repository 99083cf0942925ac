"""Small findings of a review, each fixed and held here: readlist's own biblatex
re-imported, an author field of bare `and`s, a listing date no calendar has, a FIFO in
an imported directory, a keymap clash, a year-only date shown as a year, and a library's
journal given to `import`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.config import Config
from readlist.importing import import_texts
from readlist.listing import parse_listing
from readlist.model import known_date
from readlist.store import Store
from readlist.tui.app import ReadlistApp
from readlist.tui.keys import MAIN_KEYS, clashes
from readlist.tui.screens.main import MainScreen
from tests.conftest import AS_OF, NOW
from tests.core.test_bad_input import fingerprint


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def bib_papers(path: Path, text: str) -> list[dict[str, object]]:
    with Store(path) as store:
        import_texts(store, [("refs.bib", text)], AS_OF, NOW)
        return [dict(doc) for doc in store.records().values()]


NO_AUTHORS = "@misc{site,\n  title = {The Complete Guide to Data},\n  year = {2023},\n}\n"


@pytest.mark.parametrize("fmt", ["biblatex", "bibtex"])
def test_own_export_reimported_keeps_no_derived_sort_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """An entry without authors is exported with a sort label from its title (`key`,
    biblatex's `sortkey`); imported again, that label is not kept as the user's own."""
    first = tmp_path / "first.json"
    (tmp_path / "in.bib").write_text(NO_AUTHORS)
    assert main(["--db", str(first), "import", str(tmp_path / "in.bib")]) == 0
    out = tmp_path / "out.bib"
    assert main(["--db", str(first), "export", "--format", fmt, "-o", str(out)]) == 0
    assert ("sortkey = {Complete}" if fmt == "biblatex" else "key = {Complete}") in out.read_text()
    (doc,) = bib_papers(tmp_path / "second.json", out.read_text())
    assert "key" not in doc["bibfields"]  # type: ignore[operator]
    assert "sortkey" not in doc["bibfields"]  # type: ignore[operator]
    # A key the user wrote is theirs, and kept.
    (mine,) = bib_papers(
        tmp_path / "third.json", NO_AUTHORS.replace("year", "key = {Guide},\n  year")
    )
    assert mine["bibfields"]["key"] == "Guide"  # type: ignore[index]


def test_an_author_field_of_bare_ands_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "bad.bib"
    bib.write_text(
        "@misc{bad, title = {Bad authors}, author = {and and and}, year = 2020}\n"
        "@misc{good, title = {Good authors}, author = {Lee, Ann and Kim, Bo}, year = 2020}\n"
    )
    lib = tmp_path / "lib" / "library.json"
    lib.parent.mkdir()
    code, out, err = run(capsys, "--db", str(lib), "import", str(bib))
    assert "bad: author has an 'and' where a name should be; fix the author field" in out + err
    assert "Traceback" not in out + err
    assert code == 0
    with Store(lib) as store:
        assert [(p.title, p.authors) for p in store.papers()] == [
            ("Good authors", ["Ann Lee", "Bo Kim"])
        ]


LISTING = """Daily Papers

A Paper on the Thirtieth of February

We study a date that never was.

  • 3 authors
·
Feb 30 7

A Paper on a Real Day

We study a date that was.

  • 2 authors
·
Feb 27 4
"""


def test_a_listing_date_no_calendar_has_is_said_not_dropped_silently() -> None:
    listing = parse_listing(LISTING, AS_OF)
    never, real = listing.entries
    assert never.date is None
    assert never.upvotes == 7  # the date is wrong, not the count
    assert real.date is not None
    assert listing.warnings == [
        "'A Paper on the Thirtieth of February': no such date 'Feb 30 7'; imported without a date"
    ]


def test_the_import_names_the_impossible_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "feb.txt").write_text(LISTING)
    code, out, _ = run(
        capsys, "--db", str(tmp_path / "l.json"), "import", str(tmp_path / "feb.txt")
    )
    assert code == 0
    assert "no such date 'Feb 30 7'" in out


def test_a_fifo_in_an_imported_directory_is_said_and_never_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "listings"
    folder.mkdir()
    (folder / "day.txt").write_text(LISTING)
    os.mkfifo(folder / "pipe.txt")  # opening it would block the import forever
    code, out, err = run(capsys, "--db", str(tmp_path / "l.json"), "import", str(folder))
    assert code == 0
    assert f"readlist: warning: {folder / 'pipe.txt'}: a FIFO, not a regular file; left out" in err
    assert "day.txt: 2 added" in out


def test_a_keymap_clash_is_named() -> None:
    scope = [*MAIN_KEYS]
    assert clashes({}, scope) == []
    assert clashes({"readlist.star": "x"}, scope) == []
    assert clashes({"readlist.star": "r"}, scope) == [
        "config.toml: [keymap] leaves 'r' on both readlist.read and readlist.star"
    ]
    assert clashes({"readlist.star": "q", "readlist.quit": "ctrl+q"}, scope) == []


async def test_the_app_warns_of_a_keymap_clash(tmp_path: Path) -> None:
    from readlist.tui.app import create_app
    from tests.conftest import CLOCK

    app = create_app(
        Store(tmp_path / "l.json"),
        Config(keymap={"readlist.star": "r"}),
        blink=False,
        watch=None,
        clock=CLOCK,
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        notes = [n.message for n in app._notifications]
    assert "config.toml: [keymap] leaves 'r' on both readlist.read and readlist.star" in notes
    assert isinstance(app, ReadlistApp)
    assert MainScreen.BINDINGS


def test_a_year_only_date_shows_the_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`show`, the detail pane and the TUI's list show an imported `year = 2020` as 2020,
    not as the 2020-01-01 it is sorted by (`list` keeps the sortable date: its lines
    come from the index's light records)."""
    assert known_date("2020-01-01", {"year": "2020"}) == "2020"
    assert known_date("2020-03-01", {"year": "2020", "month": "3"}) == "2020-03"
    assert known_date("2020-03-01", {"date": "2020-03"}) == "2020-03"
    assert known_date("2020-03-05", {"date": "2020-03-05"}) == "2020-03-05"
    assert known_date("2021-01-01", {"year": "2020"}) == "2021-01-01"  # resolved since
    assert known_date("2020-01-01", {}) == "2020-01-01"  # a listing's own 1 January
    bib = tmp_path / "y.bib"
    bib.write_text("@article{y, title = {Only a Year}, author = {Lee, Ann}, year = {2020}}\n")
    lib = str(tmp_path / "l.json")
    assert main(["--db", lib, "import", str(bib)]) == 0
    capsys.readouterr()
    _, out, _ = run(capsys, "--db", lib, "list")
    _, out, _ = run(capsys, "--db", lib, "show", out.split()[0])
    assert "2020" in out
    assert "2020-01-01" not in out


def test_a_librarys_journal_given_to_import_says_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib" / "library.json"
    lib.parent.mkdir()
    (tmp_path / "day.txt").write_text(LISTING)
    assert main(["--db", str(lib), "import", str(tmp_path / "day.txt")]) == 0
    journal = lib.with_name("library.json-journal")
    assert journal.exists()
    before = fingerprint(lib.parent)
    capsys.readouterr()
    for argv in ([], ["--format", "listing"]):
        code, _, err = run(capsys, "--db", str(lib), "import", str(journal), *argv)
        assert code == 1
        assert err == (
            "readlist: error: library.json-journal: a readlist library's journal, not a "
            "listing or BibTeX; to bring its papers over, import a backup made with: "
            "readlist --db library.json backup FILE\n"
        )
        assert "--format listing imports it anyway" not in err
    assert fingerprint(lib.parent) == before


MATH_BIB = (
    "@article{m, title = {A Study of $\\alpha$-Divergences and $O(n \\log n)$ Sorting},\n"
    "  author = {Lee, Ann}, journal = {J. Tests}, year = {2021}}\n"
)


@pytest.mark.parametrize("style", ["plain", "plainnat", "biblatex"])
def test_tex_math_in_a_title_stays_math_on_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], style: str
) -> None:
    from tests.core.bibcheck import assert_clean, compile_bib

    (tmp_path / "m.bib").write_text(MATH_BIB)
    lib = str(tmp_path / "l.json")
    assert main(["--db", lib, "import", str(tmp_path / "m.bib")]) == 0
    with Store(Path(lib)) as store:
        (paper,) = store.papers()
    assert paper.title == "A Study of $\\alpha$-Divergences and $O(n \\log n)$ Sorting"
    fmt = "biblatex" if style == "biblatex" else "bibtex"
    out = tmp_path / "out.bib"
    assert main(["--db", lib, "export", "--format", fmt, "-o", str(out)]) == 0
    text = out.read_text()
    assert "{$\\alpha$}-Divergences and {$O(n \\log n)$} Sorting" in text
    work = tmp_path / "tex"
    work.mkdir()
    log, pdf = compile_bib(text, work, style)
    assert_clean(log, style)
    assert pdf.exists()
    assert "$\\alpha$" in (work / "doc.bbl").read_text()
    # Imported again, the same title and the same entry.
    again = tmp_path / "again.json"
    assert main(["--db", str(again), "import", str(out)]) == 0
    out2 = tmp_path / "out2.bib"
    assert main(["--db", str(again), "export", "--format", fmt, "-o", str(out2)]) == 0
    assert out2.read_text() == text


def test_a_dollar_in_a_listings_title_is_still_text(tmp_path: Path) -> None:
    from readlist.bibtex import render
    from readlist.model import Paper

    paper = Paper(id="p", title="Training for $5 and $10", bibkey="cheap2025")
    assert "title = {Training for \\$5 and \\$10}" in render([paper])
