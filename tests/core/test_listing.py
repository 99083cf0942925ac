from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from readlist.errors import InputError
from readlist.listing import Day, page_year, parse_listing
from readlist.listingtext import decode
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


def test_header_date_without_printed_years_is_the_latest_past_day() -> None:
    listing = parse_listing(HEADER + ENTRY_ORG, AS_OF)
    assert listing.date == dt.date(2025, 12, 29)
    assert listing.date_inferred
    assert listing.entries[0].date == dt.date(2025, 11, 3)
    assert listing.entries[0].date_inferred


def test_printed_years_bound_the_year_of_the_others() -> None:
    """A page that prints Dec 2, 2020 with its year was viewed after 2020, and its
    year-less dates less than a year later tie it to 2021: the earliest later year that
    fits (a page viewed later would print those dates too)."""
    near = ENTRY_META.replace("Oct 2, 2020", "Dec 2, 2020")
    listing = parse_listing(HEADER + near + ENTRY_ORG, AS_OF)
    printed, bare = listing.entries
    assert (printed.date, printed.date_inferred) == (dt.date(2020, 12, 2), False)
    assert (bare.date, bare.date_inferred) == (dt.date(2021, 11, 3), True)
    assert listing.date == dt.date(2021, 12, 29)


def test_an_old_printed_date_alone_leaves_the_latest_year() -> None:
    """Oct 2, 2020 is more than a year before Nov 3, 2021: one old paper listed again
    says nothing of the years since, so the latest year that fits is taken (Dec 29 is
    after the day copied, 2026-11-23, so 2025)."""
    listing = parse_listing(HEADER + ENTRY_META + ENTRY_ORG, AS_OF)
    printed, bare = listing.entries
    assert (printed.date, printed.date_inferred) == (dt.date(2020, 10, 2), False)
    assert (bare.date, bare.date_inferred) == (dt.date(2025, 11, 3), True)
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
    ("days", "as_of", "floor", "year"),
    [
        ([Day(11, 10, None)], dt.date(2025, 12, 29), None, 2025),
        ([Day(12, 30, None)], dt.date(2026, 1, 2), None, 2025),  # not after the day copied
        ([Day(1, 2, None), Day(12, 30, None)], dt.date(2026, 1, 2), None, 2025),  # one year
        ([Day(1, 2, None)], dt.date(2026, 1, 2), None, 2026),
        ([Day(2, 29, None)], dt.date(2026, 3, 1), None, 2024),  # the last 29 February
        ([Day(3, 26, None), Day(5, 1, 2023), Day(12, 9, 2024)], dt.date(2026, 12, 4), None, 2025),
        ([Day(3, 26, None), Day(12, 9, 2024)], dt.date(2027, 12, 4), None, 2025),  # a year on
        # One old paper listed again says nothing of the years since: copied today.
        (
            [Day(11, 28, None), Day(11, 27, None), Day(6, 12, 2017)],
            dt.date(2026, 12, 4),
            None,
            2026,
        ),
        ([Day(3, 26, None), Day(1, 9, 2024)], dt.date(2026, 12, 4), None, 2026),
        ([Day(2, 29, None), Day(1, 9, 2024)], dt.date(2030, 1, 1), None, 2028),  # 2025: no 29th
        ([Day(3, 26, None)], dt.date(2026, 12, 4), 2026, 2026),  # an arXiv id of 2026 listed
    ],
)
def test_page_year(days: list[Day], as_of: dt.date, floor: int | None, year: int) -> None:
    assert page_year(days, as_of, floor) == (year, None)


def test_page_year_that_contradicts_the_printed_years_is_a_warning() -> None:
    """Printed 2026 (so viewed in 2027 or later), but copied in 2026: the evidence cannot
    all hold; the latest fitting year is taken and the import says so."""
    year, warning = page_year([Day(3, 26, None), Day(1, 9, 2026)], dt.date(2026, 12, 4))
    assert year == 2026
    assert warning is not None
    assert "took 2026" in warning


# The seeds' year-less dates are of the year they were viewed in; their arXiv ids show it
# (StreamDiffusionV2 is 2511.07399, FloydNet 2601.xxxxx, MM-DREX 2509.05080).
SEED_YEARS = {
    "000_8f436e6abbfddf26.txt": 2025,
    "001_e139fc054072c4c6.txt": 2026,
    "002_3c55a4b56f8e4387.txt": 2025,
    "003_fe32cd4af316f013.txt": 2025,
}


@pytest.mark.parametrize("as_of", [dt.date(2026, 12, 4), dt.date(2027, 12, 4)])
@pytest.mark.parametrize(("name", "year"), SEED_YEARS.items())
def test_seed_dates_get_the_year_their_page_shows(name: str, year: int, as_of: dt.date) -> None:
    """Imported today or a year from now, the page's own evidence gives the same year."""
    listing = parse_listing(decode((SEEDS / name).read_bytes(), name), as_of)
    inferred = [e for e in listing.entries if e.date_inferred]
    assert inferred
    assert {e.date.year for e in inferred if e.date} == {year}
    assert listing.date is not None
    assert listing.date.year == year
    assert all(
        e.date and str(e.date.year) in (e.date_raw or "")
        for e in listing.entries
        if e.date and not e.date_inferred
    )


def test_as_of_changes_the_listing_year() -> None:
    listing = parse_listing(HEADER + ENTRY_ORG, dt.date(2027, 1, 15))
    assert listing.date == dt.date(2026, 12, 29)
    assert listing.entries[0].date == dt.date(2026, 11, 3)


def test_the_readmes_listing_example_imports_as_it_is() -> None:
    """The README shows the shape of a listing; a copy of its block must parse."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The listing format", 1)[1]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    listing = parse_listing(block, AS_OF)
    assert [e.title for e in listing.entries] == [
        "StreamDiffusionV2: A Streaming System for Dynamic and Interactive Video Generation",
        "Relightable Gaussian Avatars From One Photo",
    ]
    first, second = listing.entries
    assert (first.authors_count, first.upvotes, first.date_inferred) == (14, 3, True)
    assert (second.organization, second.date, second.upvotes) == ("Adobe", dt.date(2020, 10, 2), 12)
    assert first.abstract.startswith("Generative models are reshaping")
