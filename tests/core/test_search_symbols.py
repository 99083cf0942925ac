"""C++, C# and F# are searched as themselves: normalizing drops punctuation, and used
to turn `c++` into `c`, a letter in nearly every title. Papers and queries get the same
treatment, in every field, for ranking, phrases and `-word`, with the sidecar index
and without it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.model import Paper
from readlist.query import normalize, parse
from readlist.search import rank
from readlist.store import Store
from tests.conftest import NOW

PAPERS = [
    Paper("cpp", "Fast Templates in C++ for Tensor Kernels", upvotes=1, added="2026-01-01T00:00"),
    Paper(
        "cpp17",
        "Kernels for Sparse Tensors",
        abstract="We write the kernels as C++17 templates (see libc++ too).",
        upvotes=2,
        added="2026-01-02T00:00",
    ),
    Paper("sharp", "Porting Solvers from C# and F# to Rust", added="2026-01-03T00:00"),
    Paper("note", "A Plain Title", notes="has a C# port", tags=["f#"], added="2026-01-04T00:00"),
    Paper("clang", "Scaling Laws for C Compilers", upvotes=50, added="2026-01-05T00:00"),
    Paper("exact", "C++", added="2026-01-06T00:00"),
    Paper("libc", "Profiling libc++ and abc#", upvotes=9, added="2026-01-07T00:00"),
    Paper("cv", "Computer Vision Tensor Kernels", upvotes=99, added="2026-01-08T00:00"),
]


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "lib.json") as store:
        store.put(PAPERS)
        yield store


def find(store: Store, query: str) -> list[str]:
    return rank(store.records(), query, now=NOW)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("C++", "cpp"),
        ("c#", "csharp"),
        ("F#.", "fsharp"),
        ("(C++17)", "cpp 17"),
        ("Objective-C++ code", "objective cpp code"),
        ("libc++ abc# c+ c+++ x#", "libc abc c c x"),  # not a name standing alone
    ],
)
def test_symbol_names_normalize_to_words(text: str, normalized: str) -> None:
    assert normalize(text) == normalized


def test_c_plus_plus_finds_cpp_papers_not_every_c(lib: Store) -> None:
    # The exact title first, then the title match, then the abstract's C++17.
    assert find(lib, "c++") == ["exact", "cpp", "cpp17"]
    assert find(lib, "C++") == ["exact", "cpp", "cpp17"]
    assert find(lib, "c++ kernels") == ["cpp", "cpp17"]
    assert find(lib, "c++17") == ["cpp17"]


def test_c_sharp_and_f_sharp_in_titles_tags_and_notes(lib: Store) -> None:
    assert find(lib, "c#") == ["sharp", "note"]
    assert find(lib, "f#") == ["sharp", "note"]
    assert find(lib, "c# rust") == ["sharp"]


def test_leaving_out_c_plus_plus_keeps_plain_c(lib: Store) -> None:
    assert find(lib, "kernels -c++") == ["cv"]
    assert find(lib, "-c++ -c# -f#") == ["cv", "libc", "clang"]  # newest added first
    assert parse("-c++").excluded_words == ("cpp",)


def test_a_phrase_with_c_plus_plus(lib: Store) -> None:
    assert find(lib, '"c++ for tensor"') == ["cpp"]
    assert find(lib, '"c++17 templates"') == ["cpp17"]
    assert find(lib, '"c for"') == []  # "C++ for" is not the letter c before "for"


def test_the_cli_search_by_the_sidecar_finds_cpp(
    lib: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    lib.compact()  # writes the sidecar: `search` reads the index
    lib.put([Paper("late", "C# After the Snapshot", upvotes=3)])  # the journal
    lib.close()
    with Store(lib.path, indexed=True) as store:
        assert store.by_index
    for query, want in [
        ("c++", ["exact", "cpp", "cpp17"]),
        ("c#", ["late", "sharp", "note"]),
        ("kernels -c++", ["cv"]),
        ('"c++17 templates"', ["cpp17"]),
    ]:
        assert main(["--db", str(lib.path), "search", query]) == 0
        assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == want, query
