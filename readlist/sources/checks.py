"""The border of the network: what a value from arXiv or the Hub must be to be used.

Each check returns the value as readlist keeps it, or raises `Invalid` with a reason fit
to show a user (the offending value shortened). The parsers apply them to every field
they read, so nothing past `sources/` sees a date that is not a date or a version with
5,000 digits.
"""

from __future__ import annotations

import datetime as dt
import re

from readlist.sources.clean import plain

MAX_VERSION = 1000
MAX_TITLE = 1000  # characters
MAX_ABSTRACT = 20_000
MAX_NAME = 300
MAX_AUTHORS = 10_000  # collaboration papers list about 5,000
MAX_NOTE = 2000  # a comment, a journal reference, an organisation
MAX_KEYWORD = 100
MAX_KEYWORDS = 100
MAX_UPVOTES = 10_000_000

# RFC 3339: a full date, optionally a time and zone (arXiv: 2025-11-10T17:59:59Z; the
# Hub: 2025-11-10T17:59:59.000Z). Only the date is kept.
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?",
    re.ASCII,
)
# arXiv's subject classes: cs.CV, hep-th, astro-ph.GA, cond-mat.mes-hall, q-fin.CP.
_ARXIV_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?")
# Any category term: arXiv's, or the ACM and MSC classes arXiv also lists ("I.2.9; J.3",
# "68T05 (Primary) 68T10").
_CATEGORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-;,:() ]{0,99}")
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]{1,200}", re.ASCII)


class Invalid(ValueError):
    """A value from the network that readlist refuses; the message says which and why."""


def short(text: str, width: int = 40) -> str:
    """Text for a message: one line, at most `width` characters."""
    text = plain(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def shown(value: object) -> str:
    """A value for a message, quoted and shortened."""
    try:
        return repr(short(str(value)))
    except ValueError:  # an int too long to print
        return "a huge number"


def date(value: str, what: str) -> str:
    """YYYY-MM-DD from an RFC 3339 date or timestamp that names a real day and time."""
    m = _TIMESTAMP.fullmatch(value.strip())
    if m is None:
        raise Invalid(f"{what} {shown(value)} is not a date")
    try:
        day = dt.date.fromisoformat(m[1])
    except ValueError:
        raise Invalid(f"{what} {shown(value)} is not a real date") from None
    if m[2] is not None and not (int(m[2]) < 24 and int(m[3]) < 60 and int(m[4] or 0) < 61):
        raise Invalid(f"{what} {shown(value)} is not a real time")
    return day.isoformat()


def version(text: str) -> int:
    """An arXiv version: 1 to MAX_VERSION."""
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not (
        1 <= int(text) <= MAX_VERSION
    ):
        raise Invalid(f"version {shown(text)} is not a number from 1 to {MAX_VERSION}")
    return int(text)


def arxiv_category(text: str) -> str:
    if len(text) > 32 or not _ARXIV_CATEGORY.fullmatch(text):
        raise Invalid(f"primary category {shown(text)} is not an arXiv category")
    return text


def category(text: str) -> str:
    if not _CATEGORY.fullmatch(text):
        raise Invalid(f"category {shown(text)} is not a category")
    return text


def doi(text: str) -> str:
    """The paper's DOI. arXiv may list several, separated by spaces: all must be DOIs,
    and the first is kept (a citation's `doi` field holds one)."""
    parts = text.split()
    if not parts or len(parts) > 5 or not all(_DOI.fullmatch(p) for p in parts):
        raise Invalid(f"DOI {shown(text)} is not a DOI")
    return parts[0]


def capped(text: str, what: str, limit: int) -> str:
    if len(text) > limit:
        raise Invalid(f"{what} is longer than {limit:,} characters")
    return text


def count(value: int, what: str, limit: int) -> int:
    if not 0 <= value <= limit:
        raise Invalid(f"{what} {shown(value)} is not from 0 to {limit:,}")
    return value


MAX_VENUE = 500  # a venue's name
MAX_FIELD = 64  # a volume, an issue number, a page range
MIN_YEAR, MAX_YEAR = 1800, 2200
_DBLP_KEY = re.compile(r"[a-z][a-z0-9]*(?:/[A-Za-z0-9_\-.:+']+){1,4}")
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")


def year(value: object, what: str = "year") -> int:
    """A year from MIN_YEAR to MAX_YEAR: an int, or (DBLP) a string of four digits."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 4:
        value = int(value)
    if type(value) is not int or not MIN_YEAR <= value <= MAX_YEAR:
        raise Invalid(f"{what} {shown(value)} is not a year from {MIN_YEAR} to {MAX_YEAR}")
    return value


def dblp_key(text: str) -> str:
    if len(text) > 200 or not _DBLP_KEY.fullmatch(text):
        raise Invalid(f"DBLP key {shown(text)} is not a DBLP key")
    return text


def field(text: str, what: str) -> str:
    """A volume, number or page range: one short line; a range's dash an en dash."""
    text = plain(text)
    if len(text) > MAX_FIELD:
        raise Invalid(f"{what} {shown(text)} is longer than {MAX_FIELD} characters")
    return _DASHES.sub("\u2013", text) if what == "pages" else text
