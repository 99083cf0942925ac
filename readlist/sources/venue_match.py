"""Whether a preprint has a published version, and which: the match rule, pure.

A venue is applied only when all of these hold:
1. the exact arXiv id links the source's record to the preprint, or its title matches
   and the authors' surnames overlap as `matching.same_work` requires;
2. its year is not before the preprint's;
3. its venue is no preprint server or placeholder (`venues.not_a_venue`);
4. the sources do not contradict each other: versions at different venues (or one
   venue with different DOIs) make the match unsure, and every side is shown.
A workshop version beside a main-conference one is no contradiction: both are real, and
the main conference is preferred (the reason says so). Anything doubtful (a title
match with too few shared authors, no year to check) is unsure, never applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from readlist.arxiv_ids import parse_id
from readlist.model import Paper
from readlist.sources.matching import same_work, shared_surnames
from readlist.sources.protocol import Refused, Version
from readlist.venues import is_workshop, kind_of_name, not_a_venue, same_names, shown

Status = Literal["found", "unsure", "missing", "failed"]
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class VersionDecision:
    """What the sources' answers say about one preprint. `version`: the stored form of
    the version to apply (found); `candidates`: each side of an unsure match."""

    status: Status
    reason: str = ""
    version: dict[str, Any] | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Seen:
    """A version that passed the checks, with what was learnt checking it."""

    version: Version
    evidence: str
    doubt: str = ""  # why it can only be unsure


def preprint_year(paper: Paper) -> int | None:
    """The year of the preprint's first version: arXiv's v1 date, else its id's month."""
    if paper.published:
        return int(paper.published[:4])
    ident = parse_id(paper.arxiv_id or "")
    if ident is not None:
        yy = int(ident.id.split("/")[-1][:2])
        return 1900 + yy if yy >= 91 else 2000 + yy
    return int(paper.date[:4]) if paper.date else None


def decide(
    paper: Paper, answers: Sequence[tuple[str, Sequence[Version] | Refused]]
) -> VersionDecision:
    """The rule over every source's answer for `paper`, given in the registry's order
    (which is also the order each field of a version is taken in)."""
    failed = [f"{name}: {a.reason}" for name, a in answers if isinstance(a, Refused)]
    if failed:
        return VersionDecision("failed", "; ".join(failed))
    year = preprint_year(paper)
    kept: list[_Seen] = []
    dropped: list[str] = []
    for _, versions in answers:
        assert not isinstance(versions, Refused)
        for version in versions:
            seen, why = _check(paper, version, year)
            if seen is not None:
                kept.append(seen)
            elif why:
                dropped.append(why)
    sure = [s for s in kept if not s.doubt]
    groups = _groups(sure)
    doubts = [s for s in kept if s.doubt and not any(_same(s, g) for g in groups)]
    mains = [g for g in groups if not _workshop(g)]
    shops = [g for g in groups if _workshop(g)]
    best = mains if mains else shops
    if len(best) == 1 and not doubts:
        return _found(best[0], shops if mains else [])
    sides = [_doc(g) for g in mains + shops] + [_doc([s]) for s in doubts]
    if not sides:
        reason = "; ".join(dict.fromkeys(dropped)) or "no source knows a published version"
        return VersionDecision("missing", reason)
    if len(best) > 1:
        named = " vs ".join(f"{_named(g)}" for g in best)
        reason = f"the sources disagree: {named}"
    elif best:
        other = doubts[0]
        reason = f"{_named(best[0])}, but maybe {_named([other])} ({other.doubt})"
    else:
        reason = doubts[0].doubt
    return VersionDecision("unsure", reason, candidates=sides[:MAX_CANDIDATES])


def _check(paper: Paper, version: Version, year: int | None) -> tuple[_Seen | None, str]:
    """The version with its evidence, or None and why it is not this paper's."""
    where = f"{version.evidence or version.source} ({shown(version.venue or 'no venue', 40)})"
    if version.by_id:
        link, doubt = "the same arXiv id", ""
        if version.authors and paper.authors and tuple(version.authors) != tuple(paper.authors):
            shared = shared_surnames(paper.authors, version.authors)
            longest = max(len(paper.authors), len(version.authors))
            link += f"; {shared} of {longest} authors' surnames shared"
    else:
        verdict, link = same_work(paper, version.title, version.authors)
        if verdict == "other":
            return None, f"{where}: {link}" if link != "another title" else ""
        doubt = link if verdict == "doubt" else ""
    if (why := not_a_venue(version.venue)) is not None:
        return None, f"{where}: {why}"
    if version.year is not None and year is not None and version.year < year:
        return None, f"{where}: dated {version.year}, before the preprint ({year})"
    if version.year is None and not doubt:
        doubt = "no year to check it against the preprint's"
    return _Seen(version, f"{version.evidence or version.source}: {link}", doubt), ""


def names(version: Version) -> list[str]:
    """Every name the source gives the venue."""
    return [n for n in (version.venue, version.short, *version.aliases) if n]


def same_venue(a: Version, b: Version) -> bool:
    """The same DBLP record, or names that name one venue (`venues.same_names`)."""
    if a.dblp and b.dblp and a.dblp == b.dblp:
        return True
    return same_names(names(a), names(b))


def _workshop(group: Sequence[_Seen]) -> bool:
    return is_workshop(names(group[0].version))


def _same(seen: _Seen, group: list[_Seen]) -> bool:
    return any(same_venue(seen.version, other.version) for other in group)


def _groups(seen: list[_Seen]) -> list[list[_Seen]]:
    """Versions by venue, each group in the order given; a DOI on which two members
    of a group disagree splits it (one venue, two different papers)."""
    groups: list[list[_Seen]] = []
    for s in seen:
        home = next((g for g in groups if _same(s, g)), None)
        doi = s.version.doi
        if home is not None and doi and any(o.version.doi not in (None, doi) for o in home):
            home = None
        if home is None:
            groups.append([s])
        else:
            home.append(s)
    return groups


def _named(group: Sequence[_Seen]) -> str:
    v = group[0].version
    year = next((s.version.year for s in group if s.version.year), None)
    sources = ", ".join(dict.fromkeys(s.version.source for s in group))
    return f"{shown(v.short or v.venue, 50)}{f' {year}' if year else ''} ({sources})"


def _found(group: list[_Seen], shops: list[list[_Seen]]) -> VersionDecision:
    doc = _doc(group)
    if shops:
        also = "; ".join(_named(g) for g in shops)
        doc["reason"] = f"also a workshop version, {also}: the main conference is preferred"
    elif _workshop(group):
        doc["reason"] = "a workshop version (no main-conference or journal version is known)"
    return VersionDecision("found", doc.get("reason", ""), version=doc)


def _first(group: Sequence[_Seen], name: str) -> Any:
    return next((v for s in group if (v := getattr(s.version, name))), None)


def _doc(group: Sequence[_Seen]) -> dict[str, Any]:
    """The stored form of a venue (schema.StoredVersion): each field from the first
    source that has it, the full name the longest, every source and its evidence."""
    versions = [s.version for s in group]
    full = max((v.venue for v in versions if v.venue), key=lambda n: len(n.split()), default="")
    short = _first(group, "short")
    kind = _first(group, "kind") or kind_of_name(full) or "article"
    doc: dict[str, Any] = {
        "venue": full or short,
        "short": short if short and short != full else None,
        "type": kind,
        "year": _first(group, "year"),
        "doi": _first(group, "doi"),
        "volume": _first(group, "volume"),
        "number": _first(group, "number"),
        "pages": _first(group, "pages"),
        "publisher": _first(group, "publisher"),
        "dblp": _first(group, "dblp"),
        "sources": list(dict.fromkeys(v.source for v in versions)),
        "evidence": [s.evidence for s in group],
    }
    doubts = [s.doubt for s in group if s.doubt]
    if doubts:
        doc["reason"] = doubts[0]
    return {k: v for k, v in doc.items() if v is not None}
