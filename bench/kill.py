"""kill -9 trials: a writer is killed at a random moment, again and again, and every
write it acknowledged must be in the library afterwards.

    python -m bench.kill [--trials 200]

The suite runs two trials per kind (tests/core/test_kill.py); this runs hundreds and
prints a table: kind, trials, acknowledged writes, writes lost (must be 0).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from readlist.store import Store
from tests.core.test_kill import acked, check

KINDS = ("import", "marks", "export", "compact")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=200, help="in all, over the kinds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    per_kind = max(1, args.trials // len(KINDS))
    print(f"{'kind':8} | trials | acknowledged writes | lost")
    total_lost = 0
    for kind in KINDS:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "lib.json"
            writes = lost = 0
            for _ in range(per_kind):
                acks = acked(path, kind, rng.uniform(0.05, 0.6))
                writes += len(acks)
                with Store(path, create=False) as store:
                    try:
                        check(store, kind, acks)
                    except AssertionError:
                        lost += 1
        total_lost += lost
        print(f"{kind:8} | {per_kind:6} | {writes:19} | {lost}", flush=True)
    raise SystemExit(1 if total_lost else 0)


if __name__ == "__main__":
    main()
