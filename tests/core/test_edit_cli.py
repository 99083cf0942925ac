"""`readlist edit ID` and `readlist note ID --edit` with $EDITOR: real subprocesses, and
a scripted editor (tests.core.editorfake) that makes a known edit, run by run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.core.editorfake import FakeEditor, authors, field
from tests.core.test_bad_input import fingerprint

BIB = """\
@inproceedings{smith2020deep,
  title = {Deep Things},
  author = {Smith, John},
  booktitle = {Proceedings of Things},
  year = {2020},
}
@article{doe2021,
  title = {Other Stuff},
  author = {Doe, Jane},
  journal = {Journal of Stuff},
  year = {2021},
}
"""


class Lib:
    """A library in its own folder, and the readlist command line on it."""

    def __init__(self, folder: Path, editor: FakeEditor) -> None:
        self.path = folder / "lib.json"
        self.editor = editor
        self.tmp = folder.parent / "tmp"  # TMPDIR: where drafts are made
        self.tmp.mkdir()

    def run(self, *args: str, editor: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        full = {**os.environ, "TMPDIR": str(self.tmp), **(self.editor.env() if editor else {})}
        full.update(env)
        return subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(self.path), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=full,
            timeout=60,
        )

    def paper(self, pid: str) -> dict[str, Any]:
        shown = self.run("show", pid, "--json")
        assert shown.returncode == 0, shown.stderr
        paper: dict[str, Any] = json.loads(shown.stdout)[0]
        return paper

    def ids(self) -> dict[str, str]:
        papers = json.loads(self.run("list", "--json").stdout)
        return {p["title"]: p["id"] for p in papers}

    def argv(self, *args: str) -> list[str]:
        """A readlist command line the editor can run (another process, meanwhile)."""
        return [sys.executable, "-m", "readlist", "--db", str(self.path), *args]


@pytest.fixture
def lib(tmp_path: Path) -> Lib:
    folder = tmp_path / "library"
    folder.mkdir()
    (tmp_path / "editor").mkdir()
    library = Lib(folder, FakeEditor(tmp_path / "editor"))
    (tmp_path / "refs.bib").write_text(BIB)
    assert library.run("import", str(tmp_path / "refs.bib")).returncode == 0
    return library


def test_edit_changes_every_field_in_one_session(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    lib.editor.plan(
        {
            "sub": [
                [r"^title = .*$", 'title = "Deep Things, \\"Revised\\""'],
                *authors('[\n  "Ada Lovelace",\n  "Alan Turing",\n]'),
                [r"^date = .*$", 'date = "2019-04"'],
                [r"^type = .*$", 'type = "article"'],
                [r"^venue = .*$", 'venue = "Journal of Deep Things"'],
                [r"^doi = .*$", 'doi = "https://doi.org/10.5555/deep"'],
                [r"^arxiv = .*$", 'arxiv = "arXiv:2401.01234"'],
                [r"^key = .*$", 'key = "lovelace2019deep"'],
                [r"^tags = .*$", 'tags = ["to read", "bayes"]'],
                [r"^url = .*$", 'url = "https://example.org/deep"'],
            ]
        }
    )
    result = lib.run("edit", pid[:5])
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"edited {pid}: title, authors, date, type, venue, doi, arxiv, key, tags, url\n"
    )
    paper = lib.paper(pid)
    assert paper["title"] == 'Deep Things, "Revised"'
    assert paper["authors"] == ["Ada Lovelace", "Alan Turing"]
    assert paper["date"] == "2019-04-01"
    assert paper["entry_type"] == "article"
    assert paper["bibfields"] == {"journal": "Journal of Deep Things", "date": "2019-04"}
    assert paper["doi"] == "10.5555/deep"
    assert paper["arxiv_id"] == "2401.01234"
    assert (paper["bibkey"], paper["bibkey_aliases"]) == ("lovelace2019deep", ["smith2020deep"])
    assert paper["tags"] == ["to-read", "bayes"]
    assert paper["links"] == ["https://example.org/deep"]
    assert lib.paper(lib.ids()["Other Stuff"])["bibkey"] == "doe2021"
    # Opened again, it shows what was saved; saved as it is, nothing changes.
    before = fingerprint(lib.path.parent)
    lib.editor.plan({"touch": True})
    again = lib.run("edit", pid)
    assert again.returncode == 0
    assert again.stderr == "readlist: nothing changed\n"
    shown = lib.editor.seen()[-1]
    assert 'title = "Deep Things, \\"Revised\\""\n' in shown
    assert 'key = "lovelace2019deep"\n' in shown
    assert 'date = "2019-04"\n' in shown
    assert fingerprint(lib.path.parent) == before
    assert list(lib.tmp.iterdir()) == []  # no draft left behind


BAD_EDITS = {
    "an invalid key": (field("key", '"has space"'), "key: 'has space' is not a BibTeX key"),
    "an empty title": (field("title", '""'), "title: cannot be empty"),
    "a non-list author field": (
        {"sub": authors('"Ada Lovelace"\n')},
        "authors: must be a list of names in quotes",
    ),
    "a taken key": (field("key", '"doe2021"'), "key: doe2021 is taken by paper"),
    "a key differing only in case": (field("key", '"Doe2021"'), "key: Doe2021 is taken by paper"),
    "a bad date": (field("date", '"2020-02-30"'), "date: '2020-02-30' is not a date"),
    "not TOML": (field("title", '"unclosed'), "not valid TOML"),
}


@pytest.mark.parametrize("kind", list(BAD_EDITS))
def test_a_bad_edit_reopens_with_the_error_on_top_then_gives_up(lib: Lib, kind: str) -> None:
    bad, message = BAD_EDITS[kind]
    pid = lib.ids()["Deep Things"]
    before = fingerprint(lib.path.parent)
    # The user also changes a good field: nothing is half-applied.
    first = {"sub": [*bad["sub"], [r"^doi = .*$", 'doi = "10.5555/half"']]}
    lib.editor.plan(first, {"touch": True})  # then saves it again as it is: gives up
    result = lib.run("edit", pid)
    assert result.returncode == 1
    assert result.stderr.startswith("readlist: error: not saved: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    seen = lib.editor.seen()
    assert len(seen) == 2
    assert seen[1].startswith("# error: ")
    assert message in seen[1].splitlines()[0]
    assert 'doi = "10.5555/half"' in seen[1]  # the user's text, reopened as they left it
    assert fingerprint(lib.path.parent) == before
    assert list(lib.tmp.iterdir()) == []


def test_a_bad_edit_fixed_on_the_second_try_saves(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    lib.editor.plan(
        field("key", '"Doe2021"'),
        {"sub": [[r"^key = .*$", 'key = "deep2020"'], [r"^# error: .*\n", ""]]},
    )
    result = lib.run("edit", pid)
    assert result.returncode == 0, result.stderr
    assert lib.paper(pid)["bibkey"] == "deep2020"
    assert lib.paper(pid)["bibkey_aliases"] == ["smith2020deep"]
    assert "# error: key: Doe2021 is taken by paper" in lib.editor.seen()[1]


@pytest.mark.parametrize(
    "step", [{"text": ""}, {"text": "# all gone\n"}, {"touch": True}, {}], ids=str
)
def test_an_empty_or_unchanged_file_cancels(lib: Lib, step: dict[str, Any]) -> None:
    pid = lib.ids()["Deep Things"]
    before = fingerprint(lib.path.parent)
    lib.editor.plan(step)
    result = lib.run("edit", pid)
    assert result.returncode == 0
    assert result.stderr == "readlist: nothing changed\n"
    assert fingerprint(lib.path.parent) == before


def test_a_bom_and_crlf_line_ends_are_read_as_text(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    lib.editor.plan({**field("title", '"Saved On Windows"'), "windows": True})
    result = lib.run("edit", pid)
    assert result.returncode == 0, result.stderr
    assert lib.paper(pid)["title"] == "Saved On Windows"
    assert lib.paper(pid)["authors"] == ["John Smith"]


def test_a_star_given_while_the_editor_is_open_is_kept(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    lib.editor.plan({"run": lib.argv("mark", pid, "--star"), **field("title", '"Retitled"')})
    result = lib.run("edit", pid)
    assert result.returncode == 0, result.stderr
    paper = lib.paper(pid)
    assert paper["title"] == "Retitled"
    assert paper["starred"]


def test_no_editor_is_one_line_naming_the_variables(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    before = fingerprint(lib.path.parent)
    for args in (["edit", pid], ["note", pid, "--edit"]):
        result = lib.run(*args, editor=False, EDITOR="", VISUAL="")
        assert result.returncode == 1
        assert result.stderr == (
            "readlist: error: no editor: set $VISUAL or $EDITOR (for example EDITOR=nano)\n"
        )
    assert fingerprint(lib.path.parent) == before
    assert list(lib.tmp.iterdir()) == []


def test_visual_comes_before_editor(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    env = lib.editor.plan(field("title", '"By VISUAL"')).env()
    result = lib.run("edit", pid, editor=False, VISUAL=env["EDITOR"], EDITOR="false")
    assert result.returncode == 0, result.stderr
    assert lib.paper(pid)["title"] == "By VISUAL"


def test_note_edit_saves_the_markdown(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    assert lib.run("note", pid, "first line").returncode == 0
    lib.editor.plan({"text": "# Heading\n\n- *first* line\n- second\n"})
    result = lib.run("note", pid, "--edit")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{pid}: note saved\n"
    assert lib.editor.seen() == ["first line\n"]
    assert lib.paper(pid)["notes"] == "# Heading\n\n- *first* line\n- second"
    assert lib.editor.paths()[0].suffix == ".md"
    before = fingerprint(lib.path.parent)
    lib.editor.plan({"touch": True})
    again = lib.run("note", pid, "--edit")
    assert again.returncode == 0
    assert again.stderr == "readlist: nothing changed\n"
    assert fingerprint(lib.path.parent) == before
    assert list(lib.tmp.iterdir()) == []


def test_note_edit_conflict_keeps_the_users_text_and_names_the_file(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    assert lib.run("note", pid, "original").returncode == 0
    mine = "My long careful note.\n\nWith a second paragraph.\n"
    lib.editor.plan({"run": lib.argv("note", pid, "theirs"), "text": mine})
    result = lib.run("note", pid, "--edit")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    (kept,) = lib.tmp.iterdir()
    assert result.stderr == (
        f"readlist: error: the note of {pid} changed elsewhere while you edited it; yours "
        f"is kept in {kept} (to save it over the other: readlist note {pid} - < {kept})\n"
    )
    assert kept.read_text() == mine
    assert lib.paper(pid)["notes"] == "theirs"
    # Doing what it says saves the user's note.
    with open(kept, "rb") as fh:
        saved = subprocess.run(lib.argv("note", pid, "-"), stdin=fh, capture_output=True)
    assert saved.returncode == 0
    assert lib.paper(pid)["notes"] == mine.strip("\n")


def test_note_edit_of_a_paper_deleted_meanwhile_keeps_the_text(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    lib.editor.plan({"run": lib.argv("rm", "--yes", pid), "text": "precious\n"})
    result = lib.run("note", pid, "--edit")
    assert result.returncode == 1
    (kept,) = lib.tmp.iterdir()
    assert result.stderr == (
        f"readlist: error: not saved: {pid} was deleted while you edited it; readlist "
        f"restore {pid} brings it back from the trash (your note is kept in {kept})\n"
    )
    assert kept.read_text() == "precious\n"
    assert lib.run("restore", pid).returncode == 0
    assert lib.paper(pid)["notes"] == ""  # as it was: the edit is not in it


def test_an_edit_of_a_paper_deleted_meanwhile_keeps_the_text(lib: Lib) -> None:
    pid = lib.ids()["Deep Things"]
    lib.editor.plan({"run": lib.argv("rm", "--yes", pid), **field("title", '"Mine"')})
    result = lib.run("edit", pid)
    assert result.returncode == 1
    (kept,) = lib.tmp.iterdir()
    assert result.stderr == (
        f"readlist: error: not saved: {pid} was deleted while you edited it; readlist "
        f"restore {pid} brings it back from the trash (your edit is kept in {kept})\n"
    )
    assert 'title = "Mine"' in kept.read_text()
    assert lib.run("restore", pid).returncode == 0  # what it says brings it back
    assert lib.paper(pid)["title"] == "Deep Things"  # as it was: the edit is not in it


def test_an_editor_that_always_saves_a_bad_edit_gives_up_and_keeps_the_text(
    lib: Lib, tmp_path: Path
) -> None:
    """An editor that returns at once with a changed, unparsable file (a script, `code`
    without --wait) must not reopen for ever: it gives up after ROUNDS tries, in one
    line, the library unchanged and the user's text kept."""
    from readlist.editor import ROUNDS

    pid = lib.ids()["Deep Things"]
    before = fingerprint(lib.path.parent)
    calls = tmp_path / "calls"
    script = tmp_path / "appender.py"
    script.write_text(
        "import sys\n"
        f"open({str(calls)!r}, 'a').write('x')\n"
        "open(sys.argv[1], 'a').write('\\nthis is not toml\\n')\n",
        encoding="utf-8",
    )
    result = lib.run("edit", pid, editor=False, EDITOR=f"{sys.executable} {script}", VISUAL="")
    assert result.returncode == 1
    assert result.stderr.startswith(f"readlist: error: not saved after {ROUNDS} tries: ")
    assert result.stderr.count("\n") == 1
    assert calls.read_text() == "x" * ROUNDS
    assert fingerprint(lib.path.parent) == before
    kept = list(lib.tmp.iterdir())
    assert len(kept) == 1
    assert str(kept[0]) in result.stderr
    assert "this is not toml" in kept[0].read_text(encoding="utf-8")
