"""A listing parses the same with LF, CRLF, CR or CR CR line ends, from a file or a paste.

CR CR is what a CRLF text becomes when pasted through tmux (each LF is sent as CR).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.importing import import_listings
from readlist.inputs import read_inputs
from readlist.listing import parse_listing
from readlist.listingtext import decode, line_ends
from readlist.store import Store
from tests.conftest import AS_OF, NOW, SEEDS

ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r", "crcr": "\r\r"}


def variant(seed: Path, end: str) -> bytes:
    text = seed.read_bytes().decode("utf-8")
    assert "\r" not in text
    return text.replace("\n", end).encode("utf-8")


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
@pytest.mark.parametrize("end", list(ENDS))
def test_every_seed_parses_the_same_with_every_line_end(
    seed: Path, end: str, tmp_path: Path
) -> None:
    expected = parse_listing(decode(seed.read_bytes(), "lf"), AS_OF)
    assert expected.entries
    data = variant(seed, ENDS[end])
    file = tmp_path / seed.name
    file.write_bytes(data)
    ((_, text),) = read_inputs([str(file)])  # the file path: what `readlist import` reads
    assert parse_listing(text, AS_OF) == expected
    # The paste path: the dialog shows `line_ends(paste)`, then imports what it shows.
    shown = line_ends(data.decode("utf-8"))
    assert "\r" not in shown
    assert parse_listing(decode(shown.encode("utf-8"), "<paste>"), AS_OF) == expected


@pytest.mark.parametrize("end", list(ENDS))
def test_an_import_of_each_variant_adds_the_same_papers(end: str, tmp_path: Path) -> None:
    seed = SEEDS / "000_8f436e6abbfddf26.txt"
    file = tmp_path / "listing.txt"
    file.write_bytes(variant(seed, ENDS[end]))
    with Store(tmp_path / "lib.json") as store:
        (report,) = import_listings(store, read_inputs([str(file)]), AS_OF, now=NOW).reports
        titles = sorted(p.title for p in store.papers())
    assert (report.added, report.skipped) == (45, [])
    expected = sorted(e.title for e in parse_listing(seed.read_text(), AS_OF).entries)
    assert titles == expected
    assert not any(t.startswith(("•", "·")) for t in titles)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a\nb\n\nc", "a|b||c"),
        ("a\r\nb\r\n\r\nc", "a|b||c"),
        ("a\rb\r\rc", "a|b||c"),  # CR: an odd run, so single CRs are line ends
        ("a\r\rb\r\r\r\rc", "a|b||c"),  # CR CR: even runs, a blank line is four
        ("a\r\rb\r\rc", "a||b||c"),  # only runs of two: CR with blank lines
        ("a\r\r\r\rb\r\r\r\rc", "a||b||c"),  # CR CR, one-line paragraphs
        ("a\r\r\rb", "a|||b"),  # CR, two blank lines
    ],
)
def test_line_end_rule(text: str, lines: str) -> None:
    assert line_ends(text) == lines.replace("|", "\n")
