"""`resolve`, `pull` and `add`: the commands that talk to arXiv and the Hub.

Network libraries are imported only when one of these runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from readlist.cli.common import date_arg, load_config, open_store, print_json

if TYPE_CHECKING:
    from readlist.config import Config
    from readlist.outcome import Outcome, Resolution
    from readlist.store import Store

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LABELS = {"missing": "not found"}


def _safe(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _period(kind: str, what: str) -> Callable[[str], str]:
    """An argparse type: a pull period of this kind (`readlist.periods`, as the TUI)."""

    def check(text: str) -> str:
        from readlist.periods import parse_period

        period = parse_period(text)
        if period is None or period.period != kind:
            raise argparse.ArgumentTypeError(f"not a {what}: {text!r}")
        return period.value

    return check


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "resolve",
        parents=[db],
        help="find each paper's arXiv record",
        description="Find each paper's arXiv record (authors, id, dates, categories) and "
        "apply it when it is surely the same paper; weaker matches are kept as unsure.",
        examples=[
            ("readlist resolve", "every paper without an arXiv record yet"),
            ("readlist resolve --retry --dry-run", "also the failed ones; write nothing"),
            ("readlist resolve 3f2a9c1 --accept", "take the unsure candidate stored for it"),
        ],
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="papers to resolve (default: unresolved)")
    p.add_argument("--retry", action="store_true", help="also retry failed and not-found papers")
    p.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")
    p.add_argument("--json", action="store_true", help="print JSON")
    decide = p.add_mutually_exclusive_group()
    decide.add_argument(
        "--accept",
        nargs="?",
        const="",
        metavar="ARXIV_ID",
        help="accept the stored candidate, or the arXiv id given",
    )
    decide.add_argument("--reject", action="store_true", help="mark the paper as not on arXiv")
    p.set_defaults(func=cmd_resolve, writes=True)

    p = sub.add_parser(
        "pull",
        parents=[db],
        help="import Daily Papers from the Hub",
        description="Import the Hugging Face Hub's Daily Papers of a day, week or month "
        "(default: the latest day), then fetch their arXiv records.",
        examples=[
            ("readlist pull", "the latest day"),
            ("readlist pull --week 2025-W47", "one ISO week"),
            ("readlist pull --date 2025-11-20 --json", "one day, reported as JSON"),
        ],
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", type=date_arg, metavar="YYYY-MM-DD", help="one day")
    when.add_argument(
        "--week", type=_period("week", "YYYY-Www week"), metavar="YYYY-Www", help="one week"
    )
    when.add_argument(
        "--month", type=_period("month", "YYYY-MM month"), metavar="YYYY-MM", help="one month"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_pull, writes=True)

    p = sub.add_parser(
        "add",
        parents=[db],
        help="add papers by arXiv id or URL",
        description="Add papers by arXiv id or URL, with their arXiv records.",
        examples=[
            ("readlist add 2511.07399", "by arXiv id"),
            ("readlist add https://arxiv.org/abs/2511.07399 hep-th/9901001", "a URL, an old id"),
        ],
    )
    p.add_argument(
        "refs", nargs="+", metavar="ID_OR_URL", help="arXiv ids, arxiv.org or Hub paper URLs"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_add, writes=True)


class _Bar:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.on = sys.stderr.isatty()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.on or not total:
            return
        filled = 30 * done // total
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.drawn = False

    def say(self, message: str) -> None:
        """A line on stderr (a long wait, say), above the bar."""
        self.close()
        print(f"readlist: {_safe(message)}", file=sys.stderr, flush=True)


def result_line(result: Resolution) -> str:
    label = LABELS.get(result.status, result.status)
    head = f"{label:9} {result.paper_id}  "
    title = _safe(result.title)
    if result.status in ("resolved", "merged"):
        text = f"{result.arxiv_id}  {title}"
        if result.status == "merged":
            text += f" ({result.reason})"
    elif result.status == "unsure" and result.candidate:
        cand = result.candidate
        text = (
            f"{title}  ?  arXiv {_safe(str(cand.get('arxiv_id')))} "
            f"{_safe(str(cand.get('title')))!r} "
            f"({cand.get('published') or 'undated'}; {_safe(result.reason)})"
        )
    else:
        text = f"{title}: {_safe(result.reason)}"
    return head + text


def _report(outcome: Outcome, as_json: bool, extra: dict[str, Any] | None = None) -> int:
    if as_json:
        print_json(
            {
                **(extra or {}),
                "results": [r.to_json() for r in outcome.results],
                "counts": dict(outcome.counts()),
                "interrupted": outcome.interrupted,
                "error": outcome.error,
            }
        )
    else:
        for result in outcome.results:
            print(result_line(result))
        if outcome.results or not outcome.error:
            print(outcome.tally())
    if outcome.error:
        print(f"readlist: error: {_safe(outcome.error)}", file=sys.stderr)
        return 1
    return 130 if outcome.interrupted else 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from readlist.arxiv_ids import parse_reference
    from readlist.cli.common import UsageError
    from readlist.resolving import Sources, accept, reject, targets

    config = load_config(args)
    store = open_store(args)
    with store:
        ids = [store.resolve(ref) for ref in args.ids]
        if args.reject or args.accept is not None:
            if len(ids) != 1:
                raise UsageError("--accept and --reject take exactly one paper ID")
            if args.reject:
                return _report(reject(store, ids[0], now=args.clock.now()), args.json)
            by_hand = parse_reference(args.accept).id if args.accept else None
            with Sources(config.network, announce=_Bar("").say) as sources:
                outcome = accept(store, ids[0], sources, by_hand, now=args.clock.now())
                return _report(outcome, args.json)
        if not ids:
            ids = targets(store, retry=args.retry)
        return resolve_ids(args, store, ids, config)


def resolve_ids(
    args: argparse.Namespace, store: Store, ids: list[str], config: Config | None = None
) -> int:
    """Resolve `ids` with a progress bar, print the results; the exit status."""
    from readlist.resolving import Sources, resolve

    config = config or load_config(args)
    dry_run = getattr(args, "dry_run", False)
    as_json = getattr(args, "json", False)
    bar = _Bar("resolving")
    try:
        with store, Sources(config.network, announce=bar.say) as sources:
            outcome = resolve(
                store, ids, sources, dry_run=dry_run, progress=bar, now=args.clock.now()
            )
    finally:
        bar.close()
    return _report(outcome, as_json, {"dry_run": dry_run})


def cmd_pull(args: argparse.Namespace) -> int:
    from readlist.pulling import pull
    from readlist.resolving import Sources

    config = load_config(args)
    period, value = "date", None
    if args.date:
        value = args.date.isoformat()
    elif args.week:
        period, value = "week", args.week
    elif args.month:
        period, value = "month", args.month
    bar = _Bar("fetching")
    with (
        open_store(args, create=True) as store,
        Sources(config.network, announce=bar.say) as sources,
    ):
        try:
            pulled = pull(store, sources, period, value, progress=bar, now=args.clock.now())
        finally:
            bar.close()
    report = pulled.report
    if not args.json:
        print(_safe(report.summary()))
        for reason in report.skipped:
            print(f"  skipped {_safe(reason)}")
        for warning in report.warnings:  # e.g. an unsafe link left out
            print(f"  warning: {_safe(warning)}")
    return _report(pulled, args.json, {"import": vars(report)})


def cmd_add(args: argparse.Namespace) -> int:
    from readlist.arxiv_ids import parse_reference
    from readlist.pulling import add
    from readlist.resolving import Sources

    refs = [parse_reference(r) for r in args.refs]  # all valid before any request
    config = load_config(args)
    with (
        open_store(args, create=True) as store,
        Sources(config.network, announce=_Bar("").say) as sources,
    ):
        pulled = add(store, refs, sources, now=args.clock.now())
    if not args.json:
        for report in pulled.reports:
            for line in report.details():  # known, merged or skipped, and why
                if not line.startswith("added"):
                    print(_safe(line))
        for arxiv_id in pulled.not_found:
            print(f"not found {arxiv_id}: arXiv has no such paper")
    for arxiv_id, why in pulled.refused.items():  # not added: the record is not usable
        print(f"readlist: error: {arxiv_id}: {_safe(why)}", file=sys.stderr)
    code = _report(pulled, args.json, {"not_found": pulled.not_found, "refused": pulled.refused})
    return code or (1 if pulled.not_found or pulled.refused else 0)
