"""Resolve 1,000 papers against a local fake arXiv + Hub server and print a table.

    python -m bench.resolve [--n 1000]

The server is a stdlib threaded HTTP server on loopback with arxiv_delay = 0. It sums
the time spent inside its handlers, so readlist's own overhead is the wall time minus
that. Request counts are printed against the issue's bound: at most ceil(n/100) arXiv
record requests, plus one title search per paper only arXiv's title search can find.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from readlist.config import Network
from readlist.model import Paper, Source
from readlist.resolving import Sources, resolve, targets
from readlist.store import Store

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)  # stamps and is:due compare with this

DAY = "2025-11-20"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
)


def arxiv_id(i: int) -> str:
    return f"2511.{i:05d}"


def title(i: int) -> str:
    return f"Synthetic paper {i}: scalable streaming diffusion for video number {i * 7919}"


def entry(i: int) -> str:
    authors = "".join(f"<author><name>Author {i}-{k}</name></author>" for k in range(6))
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv_id(i)}v1</id>"
        f"<published>2025-11-10T00:00:00Z</published><updated>2025-11-10T00:00:00Z</updated>"
        f"<title>{escape(title(i))}</title><summary>Abstract {i}.</summary>{authors}"
        '<arxiv:primary_category term="cs.CV"/><category term="cs.CV"/></entry>'
    )


class Fake:
    """Which papers the Hub lists on DAY, and which only arXiv's title search knows."""

    def __init__(self, listed: range, arxiv_only: range) -> None:
        self.listed = list(listed)
        self.by_title = {title(i): i for i in arxiv_only}
        self.counts: Counter[str] = Counter()
        self.busy = 0.0
        self.lock = threading.Lock()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[str, bytes]:
        arg = {k: v[0] for k, v in query.items()}
        if path == "/api/query":
            if "id_list" in arg:
                self.counts["arXiv record requests"] += 1
                ids = [int(x.split(".")[1]) for x in arg["id_list"].split(",")]
            else:
                self.counts["arXiv title searches"] += 1
                i = self.by_title.get(arg["search_query"][4:-1])
                ids = [] if i is None else [i]
            return "application/atom+xml", (HEAD + "".join(map(entry, ids)) + "</feed>").encode()
        if path == "/api/daily_papers":
            self.counts["Hub daily pages"] += 1
            page, limit = int(arg.get("p", 0)), int(arg.get("limit", 50))
            items = [
                {
                    "paper": {
                        "id": arxiv_id(i),
                        "title": title(i),
                        "publishedAt": "2025-11-10T00:00:00.000Z",
                        "authors": [{"name": f"Author {i}-{k}"} for k in range(6)],
                    },
                    "publishedAt": f"{DAY}T00:00:00.000Z",
                }
                for i in self.listed[page * limit : (page + 1) * limit]
            ]
            return "application/json", json.dumps(items).encode()
        self.counts["Hub searches"] += 1
        return "application/json", b"[]"


def serve(fake: Fake) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            start = time.perf_counter()
            url = urlsplit(self.path)
            kind, body = fake.answer(url.path, parse_qs(url.query))
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with fake.lock:
                fake.busy += time.perf_counter() - start

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build(path: Path, n: int) -> tuple[int, int]:
    """90% from a dated listing, 5% with a known arXiv id, 5% findable only on arXiv."""
    listed, known = n * 90 // 100, n * 5 // 100
    papers = []
    for i in range(n):
        src = [Source("listing.txt", DAY, "2025-11-21T00:00:00+00:00")] if i < listed else []
        papers.append(
            Paper(
                id=f"p{i:06d}",
                title=title(i),
                authors_count=6,
                date="2025-11-12",
                arxiv_id=arxiv_id(i) if listed <= i < listed + known else None,
                sources=src,
                added="2025-11-21T00:00:00+00:00",
            )
        )
    with Store(path) as store:
        store.put(papers)
    return listed, n - listed - known


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    n = parser.parse_args().n
    listed_end = n * 90 // 100
    only_start = listed_end + n * 5 // 100
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("in process", "whole `readlist resolve` process"):
            fake = Fake(range(listed_end), range(only_start, n))
            server = serve(fake)
            base = f"http://127.0.0.1:{server.server_port}"
            lib = Path(tmp) / f"{mode[:2]}.json"
            _, arxiv_only = build(lib, n)
            start = time.perf_counter()
            if mode == "in process":
                net = Network(arxiv_api=base + "/api/query", hf_endpoint=base, arxiv_delay=0)
                with Store(lib) as store, Sources(net) as sources:
                    outcome = resolve(store, targets(store), sources, now=NOW)
                    resolved = outcome.counts()["resolved"]
            else:
                home = Path(tmp) / "home"
                home.mkdir(exist_ok=True)
                (home / "config.toml").write_text(
                    f'[network]\narxiv_api = "{base}/api/query"\nhf_endpoint = "{base}"\n'
                    "arxiv_delay = 0\n"
                )
                env = {**os.environ, "READLIST_HOME": str(home)}
                subprocess.run(
                    [sys.executable, "-m", "readlist", "--db", str(lib), "resolve"],
                    check=True,
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
                with Store(lib) as store:
                    resolved = sum(1 for p in store.papers() if p.arxiv_version)
            wall = time.perf_counter() - start
            server.shutdown()
            own = wall - fake.busy
            rows.append((f"resolve {n:,} papers, {mode}: wall", f"{wall:.2f} s", ""))
            rows.append(("  of which readlist's own time", f"{own:.2f} s", "≤ 5 s"))
            rows.append(("  resolved", f"{resolved:,}", f"= {n:,}"))
            bound = math.ceil((n - arxiv_only) / 100)
            for what, count in sorted(fake.counts.items()):
                target = ""
                if what == "arXiv record requests":
                    target = f"≤ {bound} (ceil(n/100))"
                elif what == "arXiv title searches":
                    target = f"≤ {arxiv_only} (arXiv-only papers)"
                rows.append((f"  {what}", f"{count:,}", target))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':{width}} | {'result':>8} | target")
    print(f"{'-' * width}-|----------|-------")
    for what, value, target in rows:
        print(f"{what:{width}} | {value:>8} | {target}")


if __name__ == "__main__":
    main()
