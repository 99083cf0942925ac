"""Synthetic Daily Papers listings in the seeds' vocabulary, for benchmarks.

python -m bench.generate N OUT.txt [--seed S]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from readlist.listing import parse_listing
from readlist.listingtext import decode

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\nNov 20\n\n"
)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ORGS = ["adobe Adobe", "apple Apple", "capitalone Capital One", "parameterlab Parameter Lab"]


def vocabulary() -> tuple[list[str], list[str]]:
    import datetime as dt

    titles: list[str] = []
    abstracts: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for entry in parse_listing(
            decode(path.read_bytes(), path.name), dt.date(2026, 11, 23)
        ).entries:
            titles.append(entry.title)
            abstracts.append(entry.abstract)
    return " ".join(titles).split(), abstracts


def generate(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    title_words, abstracts = vocabulary()
    abstract_words = " ".join(abstracts).split()
    parts = [HEADER]
    for i in range(n):
        title = " ".join(rng.choices(title_words, k=rng.randint(6, 12))) + f" {seed}x{i}"
        length = len(rng.choice(abstracts).split())
        abstract = " ".join(rng.choices(abstract_words, k=length))
        parts.append(f"{title}\n\n{abstract}\n\n")
        if rng.random() < 0.9:
            who = f"  • {rng.randint(1, 30)} authors" if rng.random() < 0.9 else rng.choice(ORGS)
            when = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"
            if rng.random() < 0.6:
                when += f", {rng.randint(2017, 2025)}"
            if rng.random() < 0.7:
                when += f" {rng.randint(1, 300)}"
            parts.append(f"{who}\n·\n{when}\n\n")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.out.write_text(generate(args.n, args.seed), encoding="utf-8")


if __name__ == "__main__":
    main()
