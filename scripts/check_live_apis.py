"""Opt-in check of the real arXiv and Hugging Face APIs (never run by pytest or CI).

    python scripts/check_live_apis.py [--date YYYY-MM-DD]

It works in a throw-away READLIST_HOME, keeps arXiv's 3-second delay, and checks that
a few seed papers still come back in the shapes readlist parses. Exit status 0 when
every check passes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from readlist.arxiv_ids import parse_reference
from readlist.clock import Clock
from readlist.config import Network
from readlist.errors import ReadlistError
from readlist.model import Paper
from readlist.pulling import add
from readlist.resolving import Sources, resolve
from readlist.store import Store

SEEDS = {
    "1706.03762": ("Attention Is All You Need", 8, "cs.CL"),
    "hep-th/9711200": (
        "The Large N Limit of Superconformal Field Theories and Supergravity",
        1,
        "hep-th",
    ),
}


def check(ok: bool, what: str, failures: list[str]) -> None:
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    clock = Clock.from_env(os.environ)
    yesterday = (clock.today() - dt.timedelta(days=3)).isoformat()
    parser.add_argument("--date", default=yesterday, help="a Daily Papers day to fetch")
    args = parser.parse_args()
    failures: list[str] = []
    net = Network()
    with tempfile.TemporaryDirectory() as tmp, Sources(net) as sources:
        store = Store(Path(tmp) / "library.json")
        pulled = add(store, [parse_reference(i) for i in SEEDS], sources, now=clock.now())
        error = pulled.error or ""
        check(not pulled.not_found and not error, f"arXiv id_list fetch {error}", failures)
        for arxiv_id, why in pulled.refused.items():  # readlist's checks must pass arXiv's
            check(False, f"{arxiv_id}: {why}", failures)  # real records
        for paper in store.papers():
            title, authors, category = SEEDS[paper.arxiv_id or ""]
            check(paper.title == title, f"{paper.arxiv_id}: title {paper.title!r}", failures)
            check(
                len(paper.authors) == authors,
                f"{paper.arxiv_id}: {len(paper.authors)} authors",
                failures,
            )
            check(paper.primary_category == category, f"{paper.arxiv_id}: category", failures)
            check(
                bool(paper.published and paper.arxiv_version),
                f"{paper.arxiv_id}: dates, version",
                failures,
            )
        store.put([Paper(id="t000001", title="Attention is all you need", authors_count=8)])
        outcome = resolve(store, ["t000001"], sources, now=clock.now())
        found = store.get("t000001").arxiv_id if "t000001" in store else None
        merged = [r for r in outcome.results if r.status in ("resolved", "merged")]
        check(
            bool(merged) or found == "1706.03762",
            "title-only paper resolves (Hub search / arXiv ti:)",
            failures,
        )
        hub = sources.hub.paper("1706.03762")
        check(
            hub is not None and hub.title == SEEDS["1706.03762"][0],
            "Hub /api/papers/{id}",
            failures,
        )
        daily = list(sources.hub.daily("date", args.date))
        check(
            bool(daily) and all(p.arxiv_id for p in daily),
            f"Hub daily papers {args.date}: {len(daily)}",
            failures,
        )
        print(f"requests: {dict(sources.http.requests)}")
    print("all passed" if not failures else f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ReadlistError as exc:
        print(f"FAIL {exc}")
        sys.exit(1)
