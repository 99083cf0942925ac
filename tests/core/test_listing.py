from __future__ import annotations

import datetime as dt

import pytest

from readlist.errors import InputError
from readlist.listing import decode, parse_listing, resolve_day
from tests.conftest import AS_OF, SEEDS

HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\nDec 29\n\n"
)
ENTRY_META = "Title One\n\nAbstract one.\n\n  • 6 authors\n·\nOct 2, 2020 7\n\n"
ENTRY_ORG = "Title Two\n\nShort.\n\ncapitalone Capital One\n·\nNov 3 6\n\n"
ENTRY_BARE = "Title Three\n\nAbstract three, with no metadata after it.\n"


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("000_8f436e6abbfddf26.txt", 45),
        ("001_e139fc054072c4c6.txt", 39),
        ("002_3c55a4b56f8e4387.txt", 102),
        ("003_fe32cd4af316f013.txt", 44),
        ("004_097c14f588d18b51.txt", 64),
    ],
)
def test_seed_entry_counts(name: str, count: int) -> None:
    path = SEEDS / name
    listing = parse_listing(decode(path.read_bytes(), name), AS_OF)
    assert len(listing.entries) == count
    assert listing.skipped == []
    assert all(e.title and e.abstract for e in listing.entries)


def test_seed_total_is_294() -> None:
    total = sum(
        len(parse_listing(decode(p.read_bytes(), p.name), AS_OF).entries)
        for p in sorted(SEEDS.glob("*.txt"))
    )
    assert total == 294


def test_header_date_resolves_to_latest_past_day() -> None:
    listing = parse_listing(HEADER + ENTRY_META, AS_OF)
    assert listing.date == dt.date(2025, 12, 29)


def test_metadata_authors_date_and_upvotes() -> None:
    (entry,) = parse_listing(HEADER + ENTRY_META, AS_OF).entries
    assert entry.title == "Title One"
    assert entry.abstract == "Abstract one."
    assert entry.authors_count == 6
    assert entry.date == dt.date(2020, 10, 2)
    assert entry.date_raw == "Oct 2, 2020 7"
    assert entry.upvotes == 7


def test_organisation_line_and_yearless_date_in_listing_year() -> None:
    (entry,) = parse_listing(HEADER + ENTRY_ORG, AS_OF).entries
    assert entry.organization == "Capital One"
    assert entry.organization_slug == "capitalone"
    assert entry.authors_count is None
    # Listing is Dec 29, 2025, so "Nov 3" is Nov 3, 2025.
    assert entry.date == dt.date(2025, 11, 3)
    assert entry.upvotes == 6
    assert entry.abstract == "Short."  # a short abstract is still an abstract


def test_last_entry_may_lack_metadata() -> None:
    entries = parse_listing(HEADER + ENTRY_META + ENTRY_ORG + ENTRY_BARE, AS_OF).entries
    assert [e.title for e in entries] == ["Title One", "Title Two", "Title Three"]
    assert entries[2].date is None
    assert entries[2].upvotes == 0


def test_title_abstract_pairs_only_like_004() -> None:
    text = HEADER + "A\n\nabstract a\n\nB\n\nabstract b\n\nC\n\nabstract c\n"
    entries = parse_listing(text, AS_OF).entries
    assert [(e.title, e.abstract) for e in entries] == [
        ("A", "abstract a"),
        ("B", "abstract b"),
        ("C", "abstract c"),
    ]


def test_no_header_is_fine() -> None:
    entries = parse_listing(ENTRY_META + ENTRY_BARE, AS_OF).entries
    assert [e.title for e in entries] == ["Title One", "Title Three"]


def test_title_without_abstract_is_skipped_with_reason() -> None:
    listing = parse_listing(HEADER + ENTRY_META + "Dangling title\n", AS_OF)
    assert [e.title for e in listing.entries] == ["Title One"]
    assert listing.skipped == ["'Dangling title': title without an abstract"]


def test_paste_variants_parse_the_same() -> None:
    plain = HEADER + ENTRY_META + ENTRY_ORG + ENTRY_BARE
    expected = parse_listing(plain, AS_OF)
    assert len(expected.entries) == 3
    variants = {
        "crlf": plain.replace("\n", "\r\n"),
        "bom": "\ufeff" + plain,
        "nbsp": plain.replace("Title One", "Title\u00a0One").replace("Oct 2", "Oct\u00a02"),
        "tabs": plain.replace("Abstract one.", "Abstract\tone.\t"),
        "trailing": plain.replace("\n", "   \n"),
        "blank-lines-with-spaces": plain.replace("\n\n", "\n  \n  \n"),
    }
    for name, text in variants.items():
        assert parse_listing(text, AS_OF) == expected, name  # every field of every entry


def test_decode_utf8_bom_utf16_and_cp1252() -> None:
    text = "Caf\u00e9 \u2014 na\u00efve\n\nabstract\n"
    assert decode(text.encode("utf-8-sig"), "x") == text
    assert decode(text.encode("utf-16"), "x") == text
    assert decode(text.encode("cp1252"), "x") == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\n \r\n", "file is empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_decode_rejects_bad_input(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode(data, "bad.txt")


def test_anchor_replaced_by_url_and_links_collected() -> None:
    abstract = (
        'We release code at https://github.com/a/b. Project page: <a href="https://x.io/p/">'
        "this https URL.</a> More at (https://example.org/q?a=1&b=2)."
    )
    (entry,) = parse_listing(f"T\n\n{abstract}\n", AS_OF).entries
    assert "<a" not in entry.abstract
    assert "Project page: https://x.io/p/." in entry.abstract
    assert entry.links == [
        "https://x.io/p/",
        "https://github.com/a/b",
        "https://example.org/q?a=1&b=2",
    ]


def test_arxiv_id_from_links() -> None:
    (entry,) = parse_listing("T\n\nSee https://arxiv.org/abs/2401.01234v2 now.\n", AS_OF).entries
    assert entry.arxiv_id == "2401.01234"


def test_seed_anchor_is_readable() -> None:
    text = decode((SEEDS / "000_8f436e6abbfddf26.txt").read_bytes(), "000")
    entries = parse_listing(text, AS_OF).entries
    (hit,) = [e for e in entries if "cumulo-autumn.github.io/StreamDiT" in e.abstract]
    assert "this https URL" not in hit.abstract
    assert "https://cumulo-autumn.github.io/StreamDiT/" in hit.links


@pytest.mark.parametrize(
    ("month", "day", "ref", "expected"),
    [
        (11, 10, dt.date(2025, 12, 29), dt.date(2025, 11, 10)),
        (12, 30, dt.date(2026, 1, 2), dt.date(2025, 12, 30)),
        (1, 2, dt.date(2026, 1, 2), dt.date(2026, 1, 2)),
        (2, 29, dt.date(2026, 3, 1), dt.date(2024, 2, 29)),
    ],
)
def test_resolve_day(month: int, day: int, ref: dt.date, expected: dt.date) -> None:
    assert resolve_day(month, day, ref) == expected


def test_as_of_changes_the_listing_year() -> None:
    listing = parse_listing(HEADER + ENTRY_ORG, dt.date(2027, 1, 15))
    assert listing.date == dt.date(2026, 12, 29)
    assert listing.entries[0].date == dt.date(2026, 11, 3)
