"""Text listing -> entries: the page text a browser gives for Hugging Face Daily Papers.

The parser works on structure, not on line lengths. After the page header, a listing
is a run of paragraphs: title, abstract, and an optional metadata paragraph
(`• 6 authors` or `slug Organisation`, a line `·`, then a date with an optional
upvote count). Metadata paragraphs are unambiguous, so they anchor the parse; the
paragraphs between two anchors pair up as (title, abstract).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from readlist.listingtext import clean, clean_abstract, short

HEADER_LINES = frozenset(
    s.casefold()
    for s in (
        "new",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    )
)
_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m}
_DATE = re.compile(
    r"^(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>[0-9]{1,2})(?:,\s*(?P<year>[0-9]{4}))?"
    r"(?:\s+(?P<up>[0-9]+))?$"
)
_AUTHORS = re.compile(r"^[•*]\s*(?P<n>\d+)\s+authors?$", re.IGNORECASE)
_ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/)(?P<id>\d{4}\.\d{4,5})", re.IGNORECASE
)
_BLANK_SPLIT = re.compile(r"\n{2,}")


@dataclass
class Entry:
    """One paper as a listing shows it."""

    title: str
    abstract: str
    authors_count: int | None = None
    organization: str | None = None
    organization_slug: str | None = None
    date: dt.date | None = None
    date_raw: str | None = None
    upvotes: int = 0
    links: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    # The page printed no year: `date`'s year is the page's inferred year (see page_year).
    date_inferred: bool = False


@dataclass
class Listing:
    """A parsed listing: its date (if the header has one), entries and skipped pieces."""

    date: dt.date | None
    entries: list[Entry]
    skipped: list[str]
    warnings: list[str] = field(default_factory=list)
    date_inferred: bool = False  # the header's date printed no year


def is_listing_paste(text: str) -> bool:
    """A paste of several lines is a listing; one line may be a path."""
    return len(text.strip().splitlines()) > 1


@dataclass(frozen=True)
class Day:
    """A date as the page prints it: "Mar 26 3" has no year (and 3 upvotes)."""

    month: int
    day: int
    year: int | None
    upvotes: int = 0

    def fits(self, year: int, as_of: dt.date) -> bool:
        """Whether this day exists in `year` and is not after `as_of`."""
        if self.day > calendar.monthrange(year, self.month)[1]:
            return False
        return dt.date(year, self.month, self.day) <= as_of


def _day(line: str) -> Day | None:
    m = _DATE.match(line)
    if not m:
        return None
    month = _MONTHS.get(m["mon"].casefold())
    day = int(m["day"])
    if month is None or not 1 <= day <= 31:
        return None
    year = int(m["year"]) if m["year"] else None
    if year is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
    elif day > calendar.monthrange(2024, month)[1]:  # no year has a 30 February
        return None
    return Day(month, day, year, int(m["up"] or 0))


def page_year(days: list[Day], as_of: dt.date, floor: int | None = None) -> tuple[int, str | None]:
    """The year of the dates a page prints without one, and a warning if it is a guess
    against the page's own evidence.

    Daily Papers prints the dates of the year it is viewed in without a year, and every
    other year's with one, so the year-less dates share one year: after every year the
    page prints (and not before `floor`, the year of an arXiv id listed under such a
    date), and not after `as_of` (the day it was copied, or imported). Of the years
    that fit, the earliest is taken when the page ties its dates to it: a printed date
    less than a year before them (a page viewed later would print the dates between),
    or an arXiv id of that year. Otherwise the latest: a page is usually imported soon
    after it is copied, and one old paper listed again (printed "Jun 12, 2017") says
    nothing of the years since. Either way it is a guess, so each date says it was
    inferred, and resolving corrects it from the arXiv record.
    """
    yearless = [d for d in days if d.year is None]
    printed = [d for d in days if d.year is not None]
    low = max([*(d.year + 1 for d in printed if d.year), *([floor] if floor else [])], default=None)

    def fits(year: int) -> bool:
        return all(d.fits(year, as_of) for d in yearless)

    def tied(year: int) -> bool:
        """Whether the page's evidence points at `year` itself, not only after it."""
        if floor == year or not yearless:
            return True
        newest = max(dt.date(d.year, d.month, min(d.day, 28)) for d in printed if d.year)
        first = min(dt.date(year, d.month, min(d.day, 28)) for d in yearless)
        return (first - newest).days <= 366

    if low is not None:
        fitting = [year for year in range(low, as_of.year + 1) if fits(year)]
        if fitting:
            return (fitting[0] if tied(fitting[0]) else fitting[-1]), None
    for year in range(as_of.year, as_of.year - 8, -1):
        if fits(year):
            warning = None
            if low is not None:
                warning = (
                    f"dates without a year do not fit the page's other dates (after {low - 1},"
                    f" not after {as_of}); took {year}"
                )
            return year, warning
    return as_of.year, "dates without a year do not fit any recent year"


def _is_header(paragraph: str) -> tuple[bool, Day | None]:
    found: Day | None = None
    for line in paragraph.split("\n"):
        if line.casefold() in HEADER_LINES:
            continue
        day = _day(line)
        if day is None or day.upvotes:
            return False, None
        found = day
    return True, found


def _metadata(paragraph: str) -> list[str] | None:
    lines = paragraph.split("\n")
    if len(lines) >= 2 and "·" in lines[:-1] and _DATE.match(lines[-1]):
        return lines
    return None


def _apply_metadata(entry: Entry, lines: list[str]) -> Day | None:
    """Fill in the entry's authors, organisation and upvotes; its printed day, whose year
    may be known only once the whole page is read."""
    for line in lines[: lines.index("·")]:
        m = _AUTHORS.match(line)
        if m:
            entry.authors_count = int(m["n"])
        elif entry.organization is None:
            slug, _, name = line.partition(" ")
            entry.organization_slug = slug
            entry.organization = name.strip() or slug
    entry.date_raw = lines[-1]
    day = _day(lines[-1])
    if day is not None:
        entry.upvotes = day.upvotes
    elif (m := _DATE.match(lines[-1])) and m["up"]:
        entry.upvotes = int(m["up"])  # the date is wrong, not the count
    return day


def _date(day: Day, year: int) -> dt.date:
    return dt.date(day.year or year, day.month, day.day)


def _arxiv_id(links: list[str]) -> str | None:
    for link in links:
        m = _ARXIV.search(link)
        if m:
            return m["id"]
    return None


def _entry(title: str, abstract: str, dropped: list[str]) -> Entry:
    text, links = clean_abstract(abstract, dropped)
    return Entry(
        title=" ".join(title.split()), abstract=text, links=links, arxiv_id=_arxiv_id(links)
    )


def looks_like_listing(text: str) -> bool:
    """Whether `text` has the Daily Papers header or at least one metadata paragraph;
    anything else (a README, an e-mail) would only yield made-up papers."""
    paragraphs = (p for p in _BLANK_SPLIT.split(clean(text)) if p)
    for paragraph in paragraphs:
        if _metadata(paragraph) is not None:
            return True
        is_header, _ = _is_header(paragraph)
        if not is_header:
            break
        if "daily papers" in paragraph.casefold().split("\n"):
            return True
    return any(_metadata(p) is not None for p in paragraphs)


def parse_listing(text: str, as_of: dt.date) -> Listing:
    """Parse cleaned or raw listing text; `as_of` is the day the listing was copied (or,
    not knowing that, imported): no date on the page is later."""
    paragraphs = [p for p in _BLANK_SPLIT.split(clean(text)) if p]
    header: Day | None = None
    start = 0
    while start < len(paragraphs):
        is_header, day = _is_header(paragraphs[start])
        if not is_header:
            break
        header = day or header
        start += 1

    entries: list[Entry] = []
    dated: list[tuple[Entry, Day]] = []
    skipped: list[str] = []
    warnings: list[str] = []
    group: list[str] = []

    def flush(meta: list[str] | None) -> None:
        pairs = [group[i : i + 2] for i in range(0, len(group), 2)]
        for n, pair in enumerate(pairs):
            if len(pair) == 1:
                skipped.append(f"'{short(pair[0])}': title without an abstract")
                continue
            entry = _entry(pair[0], pair[1], warnings)
            if meta is not None and n == len(pairs) - 1:
                day = _apply_metadata(entry, meta)
                if day is not None:
                    dated.append((entry, day))
                else:  # "Feb 30": shaped as a date, but no calendar has it
                    warnings.append(
                        f"'{short(entry.title)}': no such date '{short(meta[-1], 30)}';"
                        " imported without a date"
                    )
            entries.append(entry)
        if meta is not None and not pairs:
            skipped.append(f"metadata '{short(meta[-1])}' without a paper")
        group.clear()

    for paragraph in paragraphs[start:]:
        meta = _metadata(paragraph)
        if meta is None:
            group.append(paragraph)
        else:
            flush(meta)
    flush(None)

    days = [d for _, d in dated] + ([header] if header else [])
    id_years = [_id_year(e.arxiv_id) for e, d in dated if d.year is None]
    floor = max((y for y in id_years if y is not None), default=None)
    year, warning = page_year(days, as_of, floor)
    if warning and any(d.year is None for d in days):
        warnings.append(warning)
    for entry, day in dated:
        entry.date = _date(day, year)
        entry.date_inferred = day.year is None
    return Listing(
        date=_date(header, year) if header else None,
        entries=entries,
        skipped=skipped,
        warnings=warnings,
        date_inferred=header is not None and header.year is None,
    )


def _id_year(arxiv_id: str | None) -> int | None:
    """The year of a new-style arXiv id (2503.11550: March 2025)."""
    return 2000 + int(arxiv_id[:2]) if arxiv_id and arxiv_id[4:5] == "." else None
