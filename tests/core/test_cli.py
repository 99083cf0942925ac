from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.store import Store
from tests.conftest import SEEDS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "lib.json"
    code, _out, _ = run(capsys, "--db", str(path), "import", str(SEEDS), "--as-of", "2026-11-23")
    assert code == 0
    return path


def listing(capsys: pytest.CaptureFixture[str], lib: Path, *extra: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--db", str(lib), "list", "--json", *extra)
    assert code == 0
    result: list[dict[str, object]] = json.loads(out)
    return result


def test_import_prints_per_file_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(tmp_path / "l.json"), "import", str(SEEDS))
    assert code == 0
    assert "000_8f436e6abbfddf26.txt: 45 added\n" in out
    assert "library: 254 papers" in out
    code, out, _ = run(capsys, "--db", str(tmp_path / "l.json"), "import", str(SEEDS))
    # A re-import is one line per input, not one per paper.
    assert out.splitlines()[:2] == [
        "000_8f436e6abbfddf26.txt: 45 already in the library",
        "001_e139fc054072c4c6.txt: 39 already in the library",
    ]
    assert len(out.splitlines()) == 6
    code, out, _ = run(capsys, "--db", str(tmp_path / "l.json"), "import", "--verbose", str(SEEDS))
    assert (
        "  known   'StreamDiffusionV2: A Streaming System for Dynamic…': already in the library"
        in out
    )
    assert len(out.splitlines()) == 6 + 294


def test_default_location_is_readlist_home(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", str(SEEDS / "004_097c14f588d18b51.txt"))[0] == 0
    assert (isolated_home / "library.json").exists()


def test_list_json_fields(capsys: pytest.CaptureFixture[str], lib: Path) -> None:
    papers = listing(capsys, lib)
    assert len(papers) == 254
    needed = {
        "id",
        "title",
        "abstract",
        "authors",
        "authors_count",
        "organization",
        "date",
        "upvotes",
        "links",
        "read",
        "starred",
        "notes",
        "tags",
        "added",
        "sources",
    }
    assert needed <= set(papers[0])
    assert isinstance(papers[0]["authors"], list)


def test_mark_note_tag_and_filters(capsys: pytest.CaptureFixture[str], lib: Path) -> None:
    ids = [str(p["id"]) for p in listing(capsys, lib)][:3]
    assert (
        run(capsys, "--db", str(lib), "mark", ids[0], ids[1], "--star")[1]
        == "marked 2 papers starred\n"
    )
    assert run(capsys, "--db", str(lib), "mark", ids[0][:5], "--read")[0] == 0
    code, _out, _ = run(capsys, "--db", str(lib), "tag", ids[0], ids[2], "+llm", "+to-read")
    assert code == 0
    assert run(capsys, "--db", str(lib), "tag", ids[2], "-to-read")[0] == 0
    assert run(capsys, "--db", str(lib), "note", ids[1], "a note")[0] == 0
    assert run(capsys, "--db", str(lib), "note", ids[1])[1] == "a note\n"

    assert [p["id"] for p in listing(capsys, lib, "--starred")] == ids[:2]
    assert [p["id"] for p in listing(capsys, lib, "--read")] == ids[:1]
    assert len(listing(capsys, lib, "--unread")) == 253
    assert [p["id"] for p in listing(capsys, lib, "--tag", "LLM")] == [ids[0], ids[2]]
    assert [p["id"] for p in listing(capsys, lib, "--tag", "to-read")] == [ids[0]]
    with Store(lib) as store:
        assert store.get(ids[0]).tags == ["llm", "to-read"]
        assert store.get(ids[2]).tags == ["llm"]
        assert store.get(ids[1]).notes == "a note"
        assert store.get(ids[0]).read_at


def test_note_from_stdin(
    capsys: pytest.CaptureFixture[str], lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = str(listing(capsys, lib)[0]["id"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("line one\nline two\n"))
    assert run(capsys, "--db", str(lib), "note", pid, "-")[0] == 0
    with Store(lib) as store:
        assert store.get(pid).notes == "line one\nline two"


@pytest.mark.parametrize("by", ["date", "upvotes", "title", "added"])
def test_sort(capsys: pytest.CaptureFixture[str], lib: Path, by: str) -> None:
    with Store(lib) as store:  # two papers added long after and long before the rest
        store.put(
            [
                store.get(pid).replace(added=when)
                for pid, when in zip(
                    list(store.records())[100:102],
                    ["2099-01-01T00:00:00", "2000-01-01T00:00:00"],
                    strict=True,
                )
            ]
        )
    papers = listing(capsys, lib, "--sort", by)
    assert len(papers) == 254
    if by == "date":
        dates = [str(p["date"]) for p in papers if p["date"]]
        assert dates == sorted(dates, reverse=True)
        assert all(not p["date"] for p in papers[len(dates) :])
    elif by == "upvotes":
        ups = [int(str(p["upvotes"])) for p in papers]
        assert ups == sorted(ups, reverse=True)
        assert ups[0] > ups[-1]
    elif by == "title":
        titles = [str(p["title"]).casefold() for p in papers]
        assert titles == sorted(titles)
    else:
        added = [str(p["added"]) for p in papers]
        assert added == sorted(added, reverse=True)
        assert (added[0], added[-1]) == ("2099-01-01T00:00:00", "2000-01-01T00:00:00")


def test_search_ranks_title_matches_first(capsys: pytest.CaptureFixture[str], lib: Path) -> None:
    _, out, _ = run(capsys, "--db", str(lib), "search", "streaming", "--json")
    hits = json.loads(out)
    in_title = ["streaming" in h["title"].lower() for h in hits]
    assert in_title[0]
    assert in_title == sorted(in_title, reverse=True)  # all title matches come first
    assert any(not t for t in in_title)  # and abstract matches follow
    _code, out, _ = run(capsys, "--db", str(lib), "search", "difusion", "--limit", "3", "--json")
    assert len(json.loads(out)) == 3
    assert all("diffusion" in h["title"].lower() for h in json.loads(out))


def test_search_covers_notes_and_tags(capsys: pytest.CaptureFixture[str], lib: Path) -> None:
    pid = str(listing(capsys, lib)[-1]["id"])
    run(capsys, "--db", str(lib), "note", pid, "zygomorphic remark")
    run(capsys, "--db", str(lib), "tag", pid, "+quokka")
    for query in ("zygomorphic", "quokka"):
        out = run(capsys, "--db", str(lib), "search", query, "--json")[1]
        assert [h["id"] for h in json.loads(out)] == [pid]


def test_show_and_stats(capsys: pytest.CaptureFixture[str], lib: Path) -> None:
    pid = str(listing(capsys, lib)[0]["id"])
    code, out, _ = run(capsys, "--db", str(lib), "show", pid)
    assert code == 0
    assert pid in out
    code, out, _ = run(capsys, "--db", str(lib), "show", pid, "--json")
    assert json.loads(out)[0]["id"] == pid
    run(capsys, "--db", str(lib), "mark", pid, "--read")
    code, out, _ = run(capsys, "--db", str(lib), "stats")
    assert "papers:  254" in out
    assert "unread:  253" in out
    stats = json.loads(run(capsys, "--db", str(lib), "stats", "--json")[1])
    assert stats["read"] == 1
    assert sum(w["added"] for w in stats["weeks"]) == 254
    assert sum(w["read"] for w in stats["weeks"]) == 1


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["show", "zzzzzzz"], 1, "no paper with id zzzzzzz"),
        (["mark", "abc"], 2, "mark needs --read, --unread, --star or --unstar"),
        (["mark", "abc", "--read", "--unread"], 2, "not allowed with"),
        (["mark", "abc", "--star", "--unstar"], 2, "not allowed with"),
        (["list", "--bogus"], 2, "unrecognized arguments"),
        (["list", "--read", "--unread"], 2, "not allowed with"),
        (["tag", "abcdef"], 2, "at least one ID and one"),
        (["import", "--as-of", "yesterday", "x"], 2, "YYYY-MM-DD"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], lib: Path, argv: list[str], code: int, message: str
) -> None:
    assert exit_code(["--db", str(lib), *argv]) == code
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def exit_code(argv: list[str]) -> int:
    """main()'s status, whether it returns it or argparse raises SystemExit with it."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_bad_inputs_exit_1_without_touching_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lib: Path
) -> None:
    journal = lib.with_name(lib.name + "-journal")
    before = (lib.read_bytes(), journal.read_bytes())
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\xff" * 50)
    for bad in (str(binary), str(tmp_path / "missing.txt")):
        code, _, err = run(capsys, "--db", str(lib), "import", str(SEEDS), bad)
        assert code == 1
        assert err.startswith("readlist: error: ")
        assert err.count("\n") == 1
    assert (lib.read_bytes(), journal.read_bytes()) == before


def test_corrupt_library_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lib.json"
    path.write_text("{ not json")
    code, _, err = run(capsys, "--db", str(path), "list")
    assert code == 1
    assert f"{path}: library file is corrupt" in err
    assert path.read_text() == "{ not json"


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code(["--version"]) == 0
    assert capsys.readouterr().out.startswith("readlist ")
    assert exit_code(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: readlist")
    assert "With no command, opens the TUI." in " ".join(out.split())


def test_subprocess_never_imports_textual(lib: Path) -> None:
    code = (
        "import sys\nfrom readlist.cli import main\n"
        f"for argv in (['list'], ['search', 'video'], ['stats'], ['show', 'abcd']):\n"
        f"    main(['--db', {str(lib)!r}, *argv])\n"
        "assert not any(m.startswith('textual') for m in sys.modules), 'textual imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_stdin_import_via_console_script(tmp_path: Path) -> None:
    text = (SEEDS / "004_097c14f588d18b51.txt").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(tmp_path / "s.json"), "import", "-"],
        input=text,
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr
    assert b"<stdin>: 64 added\n" in result.stdout


@pytest.mark.parametrize(
    ("config", "library", "message"),
    [
        ("[keymap\n", None, "invalid TOML"),
        (None, "{ broken", "library file is corrupt"),
    ],
)
def test_tui_start_errors_are_one_line(
    tmp_path: Path, config: str | None, library: str | None, message: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    if config is not None:
        (home / "config.toml").write_text(config)
    if library is not None:
        (home / "library.json").write_text(library)
    result = subprocess.run(
        [sys.executable, "-m", "readlist"],
        env={**os.environ, "READLIST_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    if library is not None:
        assert (home / "library.json").read_text() == library


def test_only_import_creates_a_library_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.json"
    for argv in (["list"], ["stats"], ["search", "x"], ["show", "abcd"], ["export"]):
        assert main(["--db", str(path), *argv]) == 1
        assert capsys.readouterr().err == (
            f"readlist: error: no library at {path}; import something first\n"
        )
    assert list(tmp_path.iterdir()) == []
    assert main(["--db", str(path), "import", str(SEEDS / "004_097c14f588d18b51.txt")]) == 0
    assert capsys.readouterr().err == f"readlist: created a new library at {path}\n"
    assert main(["--db", str(path), "import", str(SEEDS / "003_fe32cd4af316f013.txt")]) == 0
    assert capsys.readouterr().err == ""


def test_default_data_dir_may_be_created_other_dirs_not(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = str(SEEDS / "004_097c14f588d18b51.txt")
    assert main(["--db", str(tmp_path / "no" / "lib.json"), "import", seed]) == 1
    assert "no directory" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()
    assert not isolated_home.exists()
    assert main(["import", seed]) == 0
    assert (isolated_home / "library.json").exists()


def test_tui_on_a_missing_db_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "typo.json"
    result = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == f"readlist: error: no library at {missing}; import something first\n"
    assert not missing.exists()


def test_mark_read_and_star_is_one_commit(capsys: pytest.CaptureFixture[str], lib: Path) -> None:
    pid = str(listing(capsys, lib)[0]["id"])
    journal = lib.with_name(lib.name + "-journal")
    lines = len(journal.read_bytes().splitlines()) if journal.exists() else 0
    code, out, _ = run(capsys, "--db", str(lib), "mark", pid, "--read", "--star")
    assert code == 0
    assert out == "marked 1 paper read and starred\n"
    assert len(journal.read_bytes().splitlines()) == lines + 1
    with Store(lib) as store:
        paper = store.get(pid)
    assert (paper.read, paper.starred) == (True, True)
    assert paper.starred_at is not None
    assert paper.read_at is not None


def test_search_forgives_typos_and_takes_filters(
    capsys: pytest.CaptureFixture[str], lib: Path
) -> None:
    def found(*query: str) -> list[dict[str, str]]:
        code, out, err = run(capsys, "--db", str(lib), "search", *query, "--json")
        assert code == 0, err
        hits: list[dict[str, str]] = json.loads(out)
        return hits

    hits = found("vidoe", "genration")
    assert hits
    for h in hits[:3]:
        title = h["title"].lower()
        assert "video" in title
        assert "generation" in title
    assert found("vidoe genration") == hits
    pid = hits[0]["id"]
    run(capsys, "--db", str(lib), "tag", pid, "+llm")
    assert [h["id"] for h in found("tag:llm")] == [pid]  # not the abstracts that say LLM
    assert pid not in [h["id"] for h in found("vidoe", "genration", "-tag:llm")]
    assert pid not in [h["id"] for h in found("video", "-generation")]


def test_search_with_a_bad_filter_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], lib: Path
) -> None:
    code, out, err = run(capsys, "--db", str(lib), "search", "video", "year:soon")
    assert code == 1
    assert out == ""
    assert err == "readlist: error: year:soon: expected a year like 2024 or a range 2023..2025\n"
    code, _, err = run(capsys, "--db", str(lib), "export", "--query", "is:later")
    assert code == 1
    assert err.count("\n") == 1
    assert "is:later: expected one of" in err
    code, out, err = run(capsys, "--db", str(lib), "search", "video", "is:un")
    assert (code, out) == (1, "")
    assert (
        err == "readlist: error: is:un: ambiguous, could be is:unread, is:unsure or is:unresolved\n"
    )


def test_tag_says_when_it_stores_another_spelling(
    capsys: pytest.CaptureFixture[str], lib: Path
) -> None:
    pid = str(listing(capsys, lib)[0]["id"])
    code, out, err = run(capsys, "--db", str(lib), "tag", pid, "+x y", "+plain", "+" + "z" * 64)
    assert code == 0
    assert err == "readlist: note: tag 'x y' stored as 'x-y'\n"
    assert "#x-y #plain" in out


def test_a_broken_config_refuses_a_write_before_it_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line that blames the config; the tag is not applied (not half a command:
    the write, then an auto-export that fails)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("READLIST_HOME", str(home))
    lib = tmp_path / "lib.json"
    assert main(["--db", str(lib), "import", str(SEEDS / "004_097c14f588d18b51.txt")]) == 0
    with Store(lib) as store:
        pid = store.papers()[0].id
    (home / "config.toml").write_text("x = [\n")
    capsys.readouterr()
    assert main(["--db", str(lib), "tag", pid, "+kept"]) == 1
    with Store(lib) as store:
        assert store.get(pid).tags == []
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"readlist: error: {home / 'config.toml'}: invalid TOML (")
