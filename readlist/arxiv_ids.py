"""arXiv identifiers: accept what users paste, validate by arXiv's rules, send nothing.

Part of the core, not of `readlist.sources`: BibTeX import, `add` and the network
clients all read ids by these rules, and `add` rejects a malformed id without importing
httpx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readlist.errors import InputError

# ASCII only: `\d` and int() also take other scripts' digits (fullwidth `２５１１`).
_NEW = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})(?:v(?P<v>[1-9]\d*))?$", re.ASCII)
_OLD = re.compile(
    r"^(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.(?P<subj>[A-Z]{2}))?/"
    r"(?P<yy>\d{2})(?P<mm>\d{2})(?P<num>\d{3})(?:v(?P<v>[1-9]\d*))?$",
    re.ASCII,
)
# Archives that used the old scheme (before April 2007).
OLD_ARCHIVES = frozenset(
    [
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "q-fin",
        "quant-ph",
        "solv-int",
        "stat",
        "supr-con",
    ]
)
_PREFIXES = re.compile(
    r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/"
    r"|https?://(?:www\.)?huggingface\.co/papers/)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ArxivId:
    """An arXiv id without its version, and the version if one was given."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def parse_id(text: str) -> ArxivId | None:
    """A bare id (`2511.07399`, `2511.07399v2`, `hep-th/9901001`), or None if malformed."""
    m = _NEW.match(text)
    if m:
        yy, mm, num = int(m["yy"]), int(m["mm"]), m["num"]
        if not 1 <= mm <= 12 or (yy, mm) < (7, 4):
            return None
        if (len(num) == 5) != ((yy, mm) >= (15, 1)):  # five digits from 1501 on
            return None
        return ArxivId(f"{m['yy']}{m['mm']}.{num}", int(m["v"]) if m["v"] else None)
    m = _OLD.match(text)
    if m and m["archive"] in OLD_ARCHIVES:
        yy, mm = int(m["yy"]), int(m["mm"])
        if not 1 <= mm <= 12 or not ((yy, mm) >= (91, 8) or (yy, mm) <= (7, 3)):
            return None
        # arXiv's canonical form drops the subject class: math.GT/0309136 is math/0309136.
        base = f"{m['archive']}/{m['yy']}{m['mm']}{m['num']}"
        return ArxivId(base, int(m["v"]) if m["v"] else None)
    return None


def parse_reference(text: str) -> ArxivId:
    """An id from what a user pastes: a bare id, `arXiv:…`, an abs/pdf URL, a Hub page.

    Raises InputError naming the input when it is not a valid arXiv id.
    """
    raw = text.strip()
    rest = _PREFIXES.sub("", raw, count=1)
    if rest != raw and raw.lower().startswith("http"):
        rest = rest.split("?")[0].split("#")[0].rstrip("/")
        if rest.endswith(".pdf"):
            rest = rest[:-4]
    found = parse_id(rest)
    if found is None:
        shown = raw.encode("ascii", "backslashreplace").decode()[:80]
        raise InputError(f"not an arXiv id or URL: {shown!r}")
    return found
