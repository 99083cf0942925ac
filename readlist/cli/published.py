"""`readlist published`: find where preprints were published, decide unsure matches,
and audit what a LaTeX document cites before it is submitted.

Network libraries are imported only when a lookup runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readlist.cli.common import UsageError, load_config, open_store, print_json
from readlist.cli.network import LABELS, _Bar, _safe

if TYPE_CHECKING:
    from readlist.outcome import Outcome, Resolution
    from readlist.store import Store


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "published",
        parents=[db],
        help="find where preprints were published (and audit a .aux)",
        description="Find where resolved preprints were published (Semantic Scholar, DBLP, "
        "arXiv's journal reference) and store the venue beside the arXiv fields when the "
        "sources agree; unsure matches are kept for --accept or --reject.",
        examples=[
            ("readlist published", "every preprint not looked up yet"),
            ("readlist published --accept 3f2a9c1:2", "apply the second side of an unsure match"),
            (
                "readlist published --aux paper.aux --strict",
                "before submission: fail if a cited preprint has a published version not applied",
            ),
        ],
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="preprints to look up (default: all)")
    p.add_argument("--retry", action="store_true", help="also look again where none was found")
    p.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="ID[:N]",
        help="apply the paper's stored candidate (the N-th of an unsure match; default 1)",
    )
    p.add_argument(
        "--reject", action="append", default=[], metavar="ID", help="not its published version"
    )
    p.add_argument("--aux", metavar="FILE", help="audit the preprints a LaTeX document cites")
    p.add_argument(
        "--strict",
        action="store_true",
        help="--aux: exit 1 if a cited preprint has a published version not applied",
    )
    ask = p.add_mutually_exclusive_group()
    ask.add_argument("--yes", action="store_true", help="--aux: accept every version found")
    ask.add_argument(
        "--interactive",
        action="store_true",
        help="--aux: ask about each version found, reading answers from stdin",
    )
    p.set_defaults(func=cmd_published, writes=True)


def cmd_published(args: argparse.Namespace) -> int:
    if (args.strict or args.yes or args.interactive) and not args.aux:
        raise UsageError("--strict, --yes and --interactive go with --aux")
    if args.accept or args.reject:
        if args.ids or args.aux or args.dry_run:
            raise UsageError("--accept and --reject take no other IDs, --aux or --dry-run")
        return _decide(args)
    if args.aux and args.ids:
        raise UsageError("--aux looks up what the document cites: give no IDs")
    if args.aux and args.dry_run and (args.yes or args.interactive):
        raise UsageError("--dry-run accepts nothing: not with --yes or --interactive")
    store = open_store(args)
    with store:
        if args.aux:
            return _audit(args, store)
        return _lookup(args, store)


def _decide(args: argparse.Namespace) -> int:
    from readlist.publishing import accept, reject

    store = open_store(args)
    with store:
        picks = [_pick(store, text) for text in args.accept]
        rejects = list(dict.fromkeys(store.resolve(ref) for ref in args.reject))
        both = {pid for pid, _ in picks} & set(rejects)
        if both:
            raise UsageError(f"{sorted(both)[0]}: both --accept and --reject")
        if len({pid for pid, _ in picks}) != len(picks):
            raise UsageError("--accept names a paper twice")
        now = args.clock.now()
        outcome = accept(store, picks, now=now) if picks else None
        rejected = reject(store, rejects, now=now) if rejects else None
    results = [*(outcome.results if outcome else []), *(rejected.results if rejected else [])]
    if args.json:
        print_json({"results": [_json(r) for r in results]})
    else:
        for result in results:
            print(_line(result))
    return 0


def _pick(store: Store, text: str) -> tuple[str, int]:
    """`ID` or `ID:N`: the paper and which of its candidates (from 1)."""
    ref, colon, n = text.rpartition(":") if ":" in text else (text, "", "1")
    if colon and not (n.isascii() and n.isdigit() and 1 <= int(n) <= 99):
        raise UsageError(f"--accept {_safe(text)[:60]!r}: not ID or ID:N (N a candidate number)")
    return store.resolve(ref), int(n)


def _targets(args: argparse.Namespace, store: Store) -> list[str]:
    from readlist.errors import InputError
    from readlist.publishing import preprints, targets

    ids = list(dict.fromkeys(store.resolve(ref) for ref in args.ids))
    if not ids:
        return targets(store, retry=args.retry)
    found = set(preprints(store, ids))
    for pid in ids:
        if pid not in found:
            raise InputError(f"{pid}: not a preprint (it has no arXiv id, or names its venue)")
    return [pid for pid in ids if not store.get(pid).published_version]


def _run(args: argparse.Namespace, store: Store, ids: Sequence[str], *, propose: bool) -> Outcome:
    from readlist.publishing import Sources, find_published

    config = load_config(args)
    bar = _Bar("looking up")
    try:
        with Sources(config.network, announce=bar.say) as sources:
            return find_published(
                store,
                ids,
                sources,
                dry_run=args.dry_run,
                propose=propose,
                progress=bar,
                now=args.clock.now(),
            )
    finally:
        bar.close()


def _lookup(args: argparse.Namespace, store: Store) -> int:
    ids = _targets(args, store)
    outcome = _run(args, store, ids, propose=False)
    if args.json:
        print_json(
            {
                "dry_run": args.dry_run,
                "results": [_json(r) for r in outcome.results],
                "counts": {s: outcome.counts()[s] for s in outcome.statuses},
                "interrupted": outcome.interrupted,
                "error": outcome.error,
            }
        )
    else:
        for result in outcome.results:
            print(_line(result))
            for line in _sides(result):
                print(line)
        if outcome.results or not outcome.error:
            print(outcome.tally())
    if outcome.error:
        print(f"readlist: error: {_safe(outcome.error)}", file=sys.stderr)
        return 1
    return 130 if outcome.interrupted else 0


def venue_text(doc: Mapping[str, Any]) -> str:
    """ "International Conference on Learning Representations (ICLR) 2022"."""
    venue, short, year = doc.get("venue"), doc.get("short"), doc.get("year")
    text = _safe(str(venue or short or "?"))
    if short and short != venue:
        text += f" ({_safe(str(short))})"
    return f"{text} {year}" if year else text


def _line(result: Resolution) -> str:
    label = {"found": "found", **LABELS}.get(result.status, result.status)
    head = f"{label:9} {result.paper_id}  {_safe(result.title)}"
    if result.status == "found" and result.versions:
        tail = f"  \u2192  {venue_text(result.versions[0])}"
        return head + tail + (f" ({_safe(result.reason)})" if result.reason else "")
    return head + (f": {_safe(result.reason)}" if result.reason else "")


def _sides(result: Resolution) -> list[str]:
    """An unsure match's candidates, numbered for --accept ID:N."""
    if result.status != "unsure" or not result.versions:
        return []
    lines = []
    for n, doc in enumerate(result.versions, 1):
        sources = ", ".join(map(str, doc.get("sources", ())))
        doi = f"  doi {_safe(str(doc['doi']))}" if doc.get("doi") else ""
        lines.append(f"          {n}) {venue_text(doc)}  [{_safe(sources)}]{doi}")
    lines.append(f"          decide: readlist published --accept {result.paper_id}:N or --reject")
    return lines


def _json(result: Resolution) -> dict[str, Any]:
    out = result.to_json()
    del out["candidate"]
    out["versions"] = result.versions
    return out


# --- the audit -------------------------------------------------------------------


def _audit(args: argparse.Namespace, store: Store) -> int:
    from readlist.citations import match_keys, read_aux
    from readlist.publishing import preprints, targets

    aux = Path(args.aux)
    cited = read_aux(aux)
    for warning in cited.warnings():
        print(f"readlist: warning: {_safe(warning)}", file=sys.stderr)
    found = match_keys(store.records(), cited.keys, store.records())
    if found.missing:
        print(f"readlist: warning: {_safe(found.missing_message())}", file=sys.stderr)
    cited_preprints = preprints(store, found.ids)
    todo = targets(store, cited_preprints, retry=args.retry)
    outcome = _run(args, store, todo, propose=True)
    if outcome.error:
        print(f"readlist: error: {_safe(outcome.error)}", file=sys.stderr)
        return 1
    if outcome.interrupted:
        return 130
    state = _states(store, cited_preprints, outcome)
    pending = [pid for pid in cited_preprints if state[pid][0] == "found"]
    asking = not args.json and not args.dry_run and (args.interactive or _terminal())
    keys = {pid: ", ".join(found.keys.get(pid, ())) for pid in cited_preprints}
    if args.json:
        accepted = _accept_all(args, store, pending) if args.yes else []
        print_json(_audit_json(aux, store, cited_preprints, state, keys, accepted))
    else:
        print(_summary(aux, cited_preprints, state))
        for pid in cited_preprints:
            for line in _evidence(store, pid, state[pid], keys[pid]):
                print(line)
        accepted = _accept_all(args, store, pending) if args.yes else []
        if asking and not args.yes:
            accepted = _ask(args, store, pending, keys)
        if accepted:
            print(f"accepted {len(accepted)}: {', '.join(accepted)}")
    left = [pid for pid in pending if pid not in accepted]
    failed = [pid for pid in cited_preprints if state[pid][0] == "failed"]
    if args.strict and (left or failed):
        why = _n(len(left), "cited preprint has", "cited preprints have")
        why += " a published version not applied"
        if failed:
            why += f", {len(failed)} could not be checked"
        print(f"readlist: error: {why} (--strict)", file=sys.stderr)
        return 1
    return 0


_State = tuple[str, list[dict[str, Any]], str]  # status, versions, reason


def _states(store: Store, ids: Sequence[str], outcome: Outcome) -> dict[str, _State]:
    """Each cited preprint's standing: "applied", or the status of its check (this
    run's, else the stored one)."""
    ran = {r.paper_id: r for r in outcome.results}
    out: dict[str, _State] = {}
    for pid in ids:
        paper = store.get(pid)
        if pid in ran:
            r = ran[pid]
            out[pid] = (r.status, r.versions, r.reason)
        elif paper.published_version:
            out[pid] = ("applied", [paper.published_version], "")
        else:
            check = paper.published_check or {}
            out[pid] = (str(check.get("status", "unchecked")), [], str(check.get("reason", "")))
    return out


def _summary(aux: Path, ids: Sequence[str], state: Mapping[str, _State]) -> str:
    count = {s: sum(1 for pid in ids if state[pid][0] == s) for s in ("applied", "found")}
    have = count["applied"] + count["found"]
    head = f"{_n(len(ids), 'preprint', 'preprints')} cited; "
    head += _n(have, "has a published version", "have published versions")
    if have:
        head += f" ({count['applied']} applied, {count['found']} not yet)"
    rest = [
        f"{n} {s}"
        for s in ("unsure", "failed")
        if (n := sum(1 for pid in ids if state[pid][0] == s))
    ]
    return f"{_safe(aux.name)}: {head}" + (f"; {', '.join(rest)}" if rest else "")


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _evidence(store: Store, pid: str, state: _State, keys: str) -> list[str]:
    status, versions, reason = state
    title = _safe(store.get(pid).title)
    if status in ("applied", "found") and versions:
        doc = versions[0]
        mark = "applied" if status == "applied" else "not applied"
        lines = [f"  {_safe(keys) or pid}  {title}  \u2192  {venue_text(doc)}  [{mark}]"]
        lines += [f"      {_safe(str(e))}" for e in doc.get("evidence", ())]
        if doc.get("doi"):
            lines.append(f"      DOI {_safe(str(doc['doi']))}")
        return lines
    if status == "unsure":
        sides = "; ".join(venue_text(d) for d in versions) or _safe(reason)
        return [f"  {_safe(keys) or pid}  {title}  unsure: {sides} ({_safe(reason)})"]
    return []


def _terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _accept_all(args: argparse.Namespace, store: Store, ids: Sequence[str]) -> list[str]:
    from readlist.publishing import accept

    if ids:
        accept(store, [(pid, 1) for pid in ids], now=args.clock.now())
    return list(ids)


def _ask(
    args: argparse.Namespace, store: Store, ids: Sequence[str], keys: Mapping[str, str]
) -> list[str]:
    """One question per version found (never for an unsure match: those are accepted
    only by `--accept ID:N`), naming the key the document cites: y applies it, n leaves
    it, q (or the end of the input) stops asking."""
    from readlist.publishing import accept

    accepted: list[str] = []
    for pid in ids:
        paper = store.get(pid)
        doc = (paper.published_check or {}).get("candidates", [{}])[0]
        while True:
            who = f"{_safe(keys[pid])} ({pid})" if keys.get(pid) else pid
            sys.stdout.write(f"cite {who} as {venue_text(doc)}? [y/n/q] ")
            sys.stdout.flush()
            answer = sys.stdin.readline()
            if not answer:
                print()
                return accepted
            choice = answer.strip().lower()
            if choice in ("y", "yes"):
                accept(store, [(pid, 1)], now=args.clock.now())
                accepted.append(pid)
                break
            if choice in ("n", "no", ""):
                break
            if choice in ("q", "quit"):
                return accepted
    return accepted


def _audit_json(
    aux: Path,
    store: Store,
    ids: Sequence[str],
    state: Mapping[str, _State],
    keys: Mapping[str, str],
    accepted: Sequence[str],
) -> dict[str, Any]:
    rows = []
    for pid in ids:
        status, versions, reason = state[pid]
        if pid in accepted:
            status = "applied"
        rows.append(
            {
                "id": pid,
                "keys": keys[pid].split(", ") if keys[pid] else [],
                "title": store.get(pid).title,
                "status": status,
                "reason": reason or None,
                "versions": versions,
            }
        )
    return {"aux": str(aux), "preprints": rows}
