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
import html
import re
import unicodedata
from dataclasses import dataclass, field

from readlist.errors import InputError

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
    r"^(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<up>\d+))?$"
)
_AUTHORS = re.compile(r"^[•*]\s*(?P<n>\d+)\s+authors?$", re.IGNORECASE)
_ANCHOR = re.compile(
    r"<a\s[^>]*?href\s*=\s*[\"'](?P<href>[^\"']*)[\"'][^>]*>(?P<text>.*?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^]+")
_ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/)(?P<id>\d{4}\.\d{4,5})", re.IGNORECASE
)
_BLANK_SPLIT = re.compile(r"\n{2,}")
_ODD_SPACE = re.compile("[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_BINARY = re.compile(rb"[\x01-\x08\x0e-\x1f\x7f]")


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


@dataclass
class Listing:
    """A parsed listing: its date (if the header has one), entries and skipped pieces."""

    date: dt.date | None
    entries: list[Entry]
    skipped: list[str]


def decode(data: bytes, name: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 by BOM, else cp1252/latin-1.

    Raises InputError for data that is empty or not text at all.
    """
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: broken UTF-16 text ({exc.reason})") from None
    head = data[:65536]
    if b"\x00" in data or len(_BINARY.findall(head)) > max(8, len(head) // 100):
        raise InputError(f"{name}: looks like a binary file, not a text listing")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def clean(text: str) -> str:
    """Normalise what real pastes contain: CRLF, BOMs, odd spaces, tabs, trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    if text.isascii():
        text = text.replace("\t", " ")
    else:
        text = _INVISIBLE.sub("", _ODD_SPACE.sub(" ", text))
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n")


def resolve_day(month: int, day: int, ref: dt.date) -> dt.date:
    """The latest date with this month and day that is not after `ref`."""
    year = ref.year
    for _ in range(8):
        if day <= calendar.monthrange(year, month)[1]:
            candidate = dt.date(year, month, day)
            if candidate <= ref:
                return candidate
        year -= 1
    raise ValueError(f"no such day: {month}/{day}")


def _parse_date(line: str, ref: dt.date) -> tuple[dt.date, int] | None:
    m = _DATE.match(line)
    if not m:
        return None
    month = _MONTHS.get(m["mon"].casefold())
    if month is None:
        return None
    day = int(m["day"])
    try:
        when = dt.date(int(m["year"]), month, day) if m["year"] else resolve_day(month, day, ref)
    except ValueError:
        return None
    return when, int(m["up"] or 0)


def _is_header(paragraph: str, as_of: dt.date) -> tuple[bool, dt.date | None]:
    found: dt.date | None = None
    for line in paragraph.split("\n"):
        if line.casefold() in HEADER_LINES:
            continue
        parsed = _parse_date(line, as_of)
        if parsed is None or parsed[1]:
            return False, None
        found = parsed[0]
    return True, found


def _metadata(paragraph: str) -> list[str] | None:
    lines = paragraph.split("\n")
    if len(lines) >= 2 and "·" in lines[:-1] and _DATE.match(lines[-1]):
        return lines
    return None


def _apply_metadata(entry: Entry, lines: list[str], ref: dt.date) -> None:
    for line in lines[: lines.index("·")]:
        m = _AUTHORS.match(line)
        if m:
            entry.authors_count = int(m["n"])
        elif entry.organization is None:
            slug, _, name = line.partition(" ")
            entry.organization_slug = slug
            entry.organization = name.strip() or slug
    entry.date_raw = lines[-1]
    parsed = _parse_date(lines[-1], ref)
    if parsed is not None:
        entry.date, entry.upvotes = parsed


def _strip_url(url: str) -> str:
    url = url.rstrip(".,;:!?")
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(".,;:!?")
    return url


def clean_abstract(text: str) -> tuple[str, list[str]]:
    """Replace HTML anchors by their URL and collect every link, in order, once."""
    links: list[str] = []

    def anchor(m: re.Match[str]) -> str:
        href = html.unescape(m["href"]).strip()
        inner = re.sub(r"<[^>]+>", "", m["text"]).strip()
        tail = inner[-1] if inner[-1:] in ".,;:" else ""
        if href.startswith(("http://", "https://")):
            links.append(href)
        return href + tail

    if "<" in text:
        text = _ANCHOR.sub(anchor, text)
    links.extend(_strip_url(u) for u in _URL.findall(text))
    seen: dict[str, None] = {}
    for link in links:
        if link and link not in seen:
            seen[link] = None
    return " ".join(text.split()), list(seen)


def _arxiv_id(links: list[str]) -> str | None:
    for link in links:
        m = _ARXIV.search(link)
        if m:
            return m["id"]
    return None


def _entry(title: str, abstract: str) -> Entry:
    text, links = clean_abstract(abstract)
    return Entry(
        title=" ".join(title.split()), abstract=text, links=links, arxiv_id=_arxiv_id(links)
    )


def parse_listing(text: str, as_of: dt.date) -> Listing:
    """Parse cleaned or raw listing text; `as_of` is the day the listing was copied."""
    paragraphs = [p for p in _BLANK_SPLIT.split(clean(text)) if p]
    listing_date: dt.date | None = None
    start = 0
    while start < len(paragraphs):
        is_header, when = _is_header(paragraphs[start], as_of)
        if not is_header:
            break
        listing_date = when or listing_date
        start += 1
    ref = listing_date or as_of

    entries: list[Entry] = []
    skipped: list[str] = []
    group: list[str] = []

    def flush(meta: list[str] | None) -> None:
        pairs = [group[i : i + 2] for i in range(0, len(group), 2)]
        for n, pair in enumerate(pairs):
            if len(pair) == 1:
                skipped.append(f"'{_short(pair[0])}': title without an abstract")
                continue
            entry = _entry(pair[0], pair[1])
            if meta is not None and n == len(pairs) - 1:
                _apply_metadata(entry, meta, ref)
            entries.append(entry)
        if meta is not None and not pairs:
            skipped.append(f"metadata '{_short(meta[-1])}' without a paper")
        group.clear()

    for paragraph in paragraphs[start:]:
        meta = _metadata(paragraph)
        if meta is None:
            group.append(paragraph)
        else:
            flush(meta)
    flush(None)
    return Listing(date=listing_date, entries=entries, skipped=skipped)


def _short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
