from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from readlist.cli import main
from tests.core.bibcheck import compile_bib, parse


def ids(capsys: pytest.CaptureFixture[str], lib: Path, *args: str) -> list[str]:
    assert main(["--db", str(lib), *args, "--json"]) == 0
    return [p["id"] for p in json.loads(capsys.readouterr().out)]


def test_export_to_stdout_reports_on_stderr(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(lib), "export"]) == 0
    out, err = capsys.readouterr()
    assert len(parse(out)) == 254
    assert err == "exported 254 entries to stdout\n"


def test_output_file_is_replaced_never_appended(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("@misc{old, title={Old}}\n" * 50)
    assert main(["--db", str(lib), "export", "--starred", "-o", str(target)]) == 1
    assert "no papers match" in capsys.readouterr().err
    assert target.read_text().startswith("@misc{old")  # an empty selection leaves it alone
    first = ids(capsys, lib, "list")[:2]
    main(["--db", str(lib), "mark", *first, "--star"])
    capsys.readouterr()
    assert main(["--db", str(lib), "export", "--starred", "-o", str(target)]) == 0
    assert capsys.readouterr().err == f"exported 2 entries to {target}\n"
    text = target.read_text()
    assert "@misc{old" not in text
    assert len(parse(text)) == 2
    assert main(["--db", str(lib), "export", "--starred", "-o", str(target)]) == 0
    assert target.read_text() == text  # byte-identical when nothing changed


def test_selection_matches_list_and_search(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    every = ids(capsys, lib, "list")
    main(["--db", str(lib), "tag", every[3], every[4], "+survey"])
    main(["--db", str(lib), "mark", every[4], "--read"])
    capsys.readouterr()

    def exported(*args: str) -> list[str]:
        assert main(["--db", str(lib), "export", *args]) == 0
        return list(parse(capsys.readouterr().out))

    with_keys = {pid: key for pid, key in zip(every, exported(), strict=True)}
    assert exported("--tag", "survey") == [with_keys[every[3]], with_keys[every[4]]]
    assert exported("--tag", "survey", "--unread") == [with_keys[every[3]]]
    assert exported("--read") == [with_keys[every[4]]]
    assert exported("--ids", f"{every[7]},{every[2][:5]}") == [
        with_keys[every[7]],
        with_keys[every[2]],
    ]
    searched = ids(capsys, lib, "search", "video diffusion")
    assert exported("--query", "video diffusion") == [with_keys[i] for i in searched]
    assert exported("--query", "tag:survey -is:read") == [with_keys[every[3]]]
    assert exported("--query", "tag:survey") == exported("--tag", "survey")


def test_exported_selection_compiles(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "q.bib"
    assert main(["--db", str(lib), "export", "--query", "stream", "-o", str(target)]) == 0
    blg, pdf = compile_bib(target.read_text(), tmp_path)
    assert "Warning--" not in blg
    assert "error message" not in blg
    assert pdf.exists()


def test_biblatex_and_unicode_options(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(lib), "export", "--style", "biblatex", "--unicode"]) == 0
    out = capsys.readouterr().out
    assert out.count("@online{") == 254
    assert "Ω(1/R" in out  # UTF-8 kept, not \ensuremath{\Omega}
    assert "\\ensuremath{\\Omega}" not in out


def test_export_through_a_symlink_writes_its_target(
    lib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "real" / "refs.bib"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "refs.bib"
    link.symlink_to(target)
    assert main(["--db", str(lib), "export", "-o", str(link)]) == 0
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert len(parse(target.read_text())) == 254
    assert capsys.readouterr().err == f"exported 254 entries to {link}\n"
