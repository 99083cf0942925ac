"""The query grammar (readlist.query) as `search --help`, the man page and the TUI's
help show it: a module of its own, so that building the command line's parser, at
every start, does not load the query parser itself."""

from __future__ import annotations

GRAMMAR_HELP: list[tuple[str, str]] = [
    ("word word", "every word must match: title, then tags and notes, then abstract"),
    ("vidoe", "words of 5+ letters forgive one typo (transpositions too)"),
    ('"a phrase"', "the words in this order, as typed (gpt-4o too)"),
    ("-word", "leave out papers that match word (also -tag:x, -is:read, …)"),
    ("tag:x", "tagged x"),
    ("author:name", "an author's name matches (typos forgiven like words)"),
    ("cat:cs.CV", "arXiv category, primary or cross-listed (cat:cs for all cs.*)"),
    ("year:2024", "published (else listed) in 2024; year:2023..2025 for a range"),
    ("is:starred", "also is:unread, is:read, is:noted; a unique start will do: is:st"),
    ("is:new", "added by the latest import"),
    ("is:due", "starred 7+ days ago and still unread"),
    ("is:unsure", "resolving found an unsure match; is:unresolved: no arXiv record yet"),
]
