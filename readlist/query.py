"""The one query grammar of `/`, `readlist search` and `export --query`.

Text becomes a `Query`: words and quoted phrases that rank (see readlist.search),
words and phrases that exclude (`-word`), and field filters (`tag:x`, `is:due`, …)
that only keep or drop papers and never rank. A filter never looks at abstracts, so
`tag:llm` finds the papers tagged llm, not those whose abstract mentions it.

An unknown field (`foo:bar`) is plain text, because titles have colons too; a known
field with a bad value raises `QueryError` with a one-line message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from readlist.errors import InputError
from readlist.grammar import GRAMMAR_HELP as GRAMMAR_HELP
from readlist.model import unaccent
from readlist.selection import Record, Records, int_of, tag_in, text_of, texts_of

DUE_AFTER = dt.timedelta(days=7)
STATES = ("starred", "unread", "read", "new", "noted", "due", "unsure", "unresolved")
FIELDS = ("tag", "author", "cat", "year", "is")
TYPO_MIN = 5  # query words this long may carry one edit (a transposition counts as one)
LONG_WORD = 7  # ... and this long, one edit against the start of a longer word

_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S*))')
_YEAR = re.compile(r"([0-9]{4})(?:\.\.([0-9]{4})?)?$")
# Names whose symbols carry the meaning: normalizing turns punctuation into spaces, so
# "C++" would be searched as "c". Each becomes one word first, on both sides (query and
# papers): "c++" finds C++ and C++17, not every "c". A name stands alone: "libc++" and
# "abc#" stay as they were. Digits may follow ("C++17" -> "cpp 17").
SYMBOL_WORDS = {"c++": "cpp", "c#": "csharp", "f#": "fsharp"}
_SYMBOL = re.compile(r"(?<![^\W_])[CcFf](?:\+\+|#)(?![^\W\d_]|[+#])")


class QueryError(InputError):
    """A query the grammar cannot read; the message is one line for the user."""


@dataclass(frozen=True)
class Filter:
    """One `field:value`, or its negation `-field:value`."""

    field: str
    value: str
    negated: bool = False
    years: tuple[int, int] = (0, 9999)


@dataclass(frozen=True)
class Context:
    """What filters compare with besides the paper itself."""

    now: dt.datetime
    newest_added: str = ""


@dataclass(frozen=True)
class Query:
    """A parsed query: `words` and `phrases` rank; the rest only filter."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded_words: tuple[str, ...] = ()
    excluded_phrases: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    text: str = ""  # the ranking words and phrases, normalized, in the order typed

    @property
    def ranks(self) -> bool:
        """Whether any text ranks the results (otherwise only filters apply)."""
        return bool(self.words or self.phrases)

    def __bool__(self) -> bool:
        return bool(self.ranks or self.excluded_words or self.excluded_phrases or self.filters)

    def tests(
        self, records: Records, now: dt.datetime
    ) -> list[tuple[Callable[[Record], bool], bool]]:
        """Each filter as a fast test of one paper, and whether it is negated; `now` is
        what `is:due` compares with (from the caller's clock)."""
        newest = ""
        if any(f.field == "is" and f.value == "new" for f in self.filters):
            newest = max((text_of(r, "added") for r in records.values()), default="")
        context = Context(now, newest)
        return [(_test(f, context), f.negated) for f in self.filters]

    def select(self, records: Records, ids: Iterable[str], now: dt.datetime) -> list[str]:
        """The ids (in their order) that every filter keeps."""
        tests = self.tests(records, now)
        return [i for i in ids if all(test(records[i]) != neg for test, neg in tests)]


def parse(text: str) -> Query:
    """Read a query; raise QueryError for a known field with a bad value."""
    words: list[str] = []
    phrases: list[str] = []
    out_words: list[str] = []
    out_phrases: list[str] = []
    filters: list[Filter] = []
    ranked: list[str] = []
    for m in _TOKEN.finditer(text):
        negated, name, quoted, bare = m.group(1) == "-", m.group(2), m.group(3), m.group(4)
        value = quoted if quoted is not None else bare
        if name is not None and name.lower() in FIELDS:
            filters.append(_filter(name.lower(), value.strip(), negated))
            continue
        if name is not None:  # an unknown field is text: "foo:bar" → foo bar
            value = f"{name} {value}"
        norm = normalize(value)
        if not norm:
            continue
        if not negated:
            ranked.append(norm)
        if " " in norm:  # quoted, or one word of parts: gpt-4o, text-to-video
            (out_phrases if negated else phrases).append(norm)
        else:
            (out_words if negated else words).extend(norm.split())
    return Query(
        tuple(words),
        tuple(phrases),
        tuple(out_words),
        tuple(out_phrases),
        tuple(filters),
        " ".join(ranked),
    )


def normalize(text: str) -> str:
    """Lower case, accents off, punctuation to spaces, single spaces (rapidfuzz's fast
    processor after `unaccent`): what search compares, on both sides, so "cafe" finds
    "Café" and "ünïcödé" finds "Unicode"."""
    from rapidfuzz import utils  # not at start-up: the TUI imports this module

    return " ".join(utils.default_process(symbol_words(unaccent(text))).split())


def symbol_words(text: str) -> str:
    """`text` with C++, C# and F# as words normalizing keeps (SYMBOL_WORDS); one
    C-level test when it has neither "+" nor "#", the usual case."""
    if "+" not in text and "#" not in text:
        return text
    return _SYMBOL.sub(_symbol_word, text)


def _symbol_word(m: re.Match[str]) -> str:
    return f" {SYMBOL_WORDS[m.group().lower()]} "


def search_fields(record: Record) -> tuple[str, str, int, str]:
    """Title and tags/notes normalized (query.normalize, inlined: this runs per
    paper), upvotes and when it was added: what ranking reads besides the abstract."""
    from rapidfuzz import utils

    process = utils.default_process
    extra = " ".join(texts_of(record, "tags")) + " " + text_of(record, "notes")
    return (
        " ".join(process(symbol_words(unaccent(text_of(record, "title")))).split()),
        " ".join(process(symbol_words(unaccent(extra))).split()),
        int_of(record, "upvotes"),
        text_of(record, "added"),
    )


def abstract_text(record: Record) -> str:
    """The abstract as search compares it: only processed (collapsing its runs of
    spaces would double the cost of building the index; phrases allow any run)."""
    from rapidfuzz import utils

    return utils.default_process(symbol_words(unaccent(text_of(record, "abstract"))))


def word_matches(query_word: str, word: str) -> bool:
    """The rule of readlist.search for one pair of words: `query_word` occurs in `word`;
    or, from 5 letters on, one edit turns it into `word` (`vidoe` → video), or one swap
    of neighbours into the start of `word` (`agnet` → agents); from 7 letters on, any
    one edit into the start of `word` (`genrat` does not qualify, `genratio` does)."""
    from rapidfuzz.distance import OSA

    if query_word in word:
        return True
    n = len(query_word)
    if n < TYPO_MIN or len(word) < n - 1:
        return False
    if OSA.distance(query_word, word, score_cutoff=1) <= 1:
        return True
    if n >= LONG_WORD:
        return any(
            OSA.distance(query_word, word[:k], score_cutoff=1) <= 1 for k in (n - 1, n, n + 1)
        )
    return len(word) > n and _swapped(query_word, word[:n])


def _swapped(a: str, b: str) -> bool:
    """`a` is `b` with two neighbouring letters swapped."""
    from rapidfuzz.distance import OSA, Levenshtein

    return OSA.distance(a, b, score_cutoff=1) == 1 and Levenshtein.distance(a, b) == 2


def _filter(name: str, value: str, negated: bool) -> Filter:
    if not value:
        raise QueryError(f"{name}: needs a value (see the query grammar in the help)")
    if name == "is":
        state = value.lower()
        matches = [s for s in STATES if s.startswith(state)]  # a unique prefix will do
        if state not in STATES and len(matches) > 1:
            raise QueryError(f"is:{value}: ambiguous, could be {_either(matches)}")
        if state not in STATES and not matches:
            raise QueryError(f"is:{value}: expected one of {', '.join(STATES)}")
        return Filter(name, state if state in STATES else matches[0], negated)
    if name == "year":
        m = _YEAR.match(value)
        if m is None:
            raise QueryError(f"year:{value}: expected a year like 2024 or a range 2023..2025")
        low = int(m.group(1))
        high = low if "." not in value else int(m.group(2) or 9999)
        if high < low:
            raise QueryError(f"year:{value}: the range ends before it starts")
        return Filter(name, value, negated, (low, high))
    if name == "author":
        if not normalize(value):
            raise QueryError(f"author:{value}: needs a name")
        return Filter(name, normalize(value), negated)
    return Filter(name, value, negated)


def _either(names: list[str]) -> str:
    """`is:unread, is:unsure or is:unresolved`: the candidates, as one would type them."""
    typed = [f"is:{name}" for name in names]
    return ", ".join(typed[:-1]) + " or " + typed[-1]


def _test(f: Filter, context: Context) -> Callable[[Record], bool]:
    """A test specialised for one filter: called once per paper, so kept lean."""
    if f.field == "tag":
        tag = f.value
        return lambda r: tag_in(tag, texts_of(r, "tags"))
    if f.field == "cat":
        want = f.value.casefold()
        return lambda r: _in_category(r, want)
    if f.field == "year":
        low, high = f.years
        return lambda r: _year_between(r, low, high)
    if f.field == "author":
        value = f.value
        return lambda r: any(_name_matches(value, name) for name in texts_of(r, "authors"))
    if f.value == "starred":
        return lambda r: bool(r.get("starred"))
    if f.value == "unread":
        return lambda r: not r.get("read")
    if f.value == "read":
        return lambda r: bool(r.get("read"))
    if f.value == "noted":
        return lambda r: bool(text_of(r, "notes").strip())
    if f.value == "new":
        newest = context.newest_added
        return lambda r: bool(newest) and r.get("added") == newest
    if f.value == "unsure":
        return _unsure
    if f.value == "unresolved":
        return _unresolved
    now = context.now
    return lambda r: _due(r, now)


def _unsure(record: Record) -> bool:
    """Resolving stored a candidate it would not apply: the unsure dialog's papers."""
    why = record.get("resolution")
    return type(why) is dict and why.get("status") == "unsure"


def _unresolved(record: Record) -> bool:
    """No arXiv record applied yet: `sources.matching.needs_record`, on a stored record."""
    return not text_of(record, "arxiv_id") or record.get("arxiv_version") is None


def _in_category(record: Record, want: str) -> bool:
    cats = [text_of(record, "primary_category"), *texts_of(record, "categories")]
    return any(c.casefold() == want or c.casefold().startswith(want + ".") for c in cats)


def _year_between(record: Record, low: int, high: int) -> bool:
    when = text_of(record, "published") or text_of(record, "date")
    year = when[:4]
    return year.isascii() and year.isdigit() and low <= int(year) <= high


def _name_matches(query: str, name: str) -> bool:
    """Every word of the query matches some word of the name."""
    words = normalize(name.replace("{", "").replace("}", "")).split()  # {Ch}ristopher
    return all(any(word_matches(q, w) for w in words) for q in query.split())


def _due(record: Record, now: dt.datetime) -> bool:
    """Starred, still unread, and starred (in older data: added) a week ago or more."""
    if not record.get("starred") or record.get("read"):
        return False
    since = text_of(record, "starred_at") or text_of(record, "added")
    if not since:
        return True
    try:
        when = dt.datetime.fromisoformat(since)
    except ValueError:
        return True
    if when.tzinfo is None:
        when = when.astimezone()
    return now - when >= DUE_AFTER
