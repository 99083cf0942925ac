"""`readlist export`: the selection options of `list`, written in a format of
`readlist.exporters.REGISTRY` (BibTeX unless told).

Also what a document cites (`--aux`, `--keys`), a file kept in step (`--watch`), and
the `[[export.auto]]` files that every write command brings up to date.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readlist.cli.common import (
    UsageError,
    add_selection,
    load_config,
    open_store,
    selection_of,
    warn_invalid,
)
from readlist.exporters import (
    DEFAULT,
    POLICIES,
    REGISTRY,
    Options,
    Policy,
    by_suffix,
    suffix_help,
)
from readlist.text import clean_line

if TYPE_CHECKING:
    from readlist.citations import Cited
    from readlist.store import Store

WATCH_INTERVAL = 0.5  # seconds between looks at the library


def _say(message: str) -> None:
    """One line on stderr, with control characters (terminal escapes) made harmless."""
    print(clean_line(message), file=sys.stderr)


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "export",
        parents=[db],
        help=f"export papers ({', '.join(REGISTRY)})",
        description="Export papers as BibTeX or another format: the selection, what a "
        "LaTeX document cites, or kept up to date with --watch.",
        examples=[
            ("readlist export --tag thesis -o refs.bib", "the papers tagged thesis, as BibTeX"),
            ("readlist export --aux paper.aux -o refs.bib --strict", "what paper.aux cites"),
            ("readlist export --query is:starred --format markdown", "starred papers, Markdown"),
        ],
    )
    add_selection(p)
    p.add_argument("--query", metavar="Q", help="only papers that `search Q` finds, in its order")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--ids", metavar="ID,…", help="only these papers (ids or unique prefixes)")
    which.add_argument(
        "--aux", metavar="FILE", help="only the papers a LaTeX .aux file cites, in citation order"
    )
    which.add_argument("--keys", metavar="KEY,…", help="only the papers with these citation keys")
    p.add_argument(
        "--strict",
        action="store_true",
        help="with --aux/--keys: exit 1 and write nothing if a key is not in the library",
    )
    formats = "; ".join(f"{e.name}: {e.description}" for e in REGISTRY.values())
    p.add_argument(
        "--format",
        choices=list(REGISTRY),
        metavar="NAME",
        help=f"{formats}. With -o FILE and no --format, the one format whose suffix FILE "
        f"has ({suffix_help()}), else {DEFAULT}",
    )
    p.add_argument(
        "--style", choices=list(REGISTRY), metavar="NAME", help="the old name of --format"
    )
    p.add_argument(
        "--unicode",
        action="store_true",
        help="LaTeX formats: keep UTF-8 instead of LaTeX escapes (the others are always UTF-8)",
    )
    p.add_argument(
        "--versions",
        choices=POLICIES,
        help="for a preprint with a published version (readlist published), in every "
        "format: cite the venue (published), the arXiv preprint as before (preprint), or the "
        "venue and the arXiv copy (both). Default: [export] versions in config, else both",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="replace FILE atomically (default: stdout)"
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="keep FILE (-o) up to date as the library (or the .aux) changes, until Ctrl-C",
    )
    p.set_defaults(func=cmd_export)


def options_of(args: argparse.Namespace) -> Options:
    """The format `--format` (or its old name `--style`) names, else the one that
    `-o`'s suffix names, else the default."""
    name = args.format
    if args.style is not None:
        if name is not None and name != args.style:
            raise UsageError("--style is the old name of --format; give one of them")
        name = args.style
    if name is None:
        found = by_suffix(args.output) if args.output else None
        name = found.name if found is not None else DEFAULT
    versions: Policy = args.versions or load_config(args).export_versions
    return Options(name, args.unicode, versions=versions)


def _cited_keys(args: argparse.Namespace) -> list[str] | None:
    from readlist.citations import parse_keys, read_aux

    if args.aux:
        found = read_aux(Path(args.aux), Path(args.output) if args.output else None)
        for warning in found.warnings():
            _say(f"readlist: warning: {warning}")
        return found.keys
    if args.keys is not None:
        keys = parse_keys(args.keys)
        if not keys:
            raise UsageError("--keys needs at least one key")
        return keys
    return None


def _choose(store: Store, args: argparse.Namespace, keys: list[str] | None) -> Cited:
    from readlist.citations import Cited, match_keys
    from readlist.exporting import choose
    from readlist.selection import Selection

    if keys is None:
        ids_arg = [i for i in (args.ids or "").split(",") if i.strip()]
        now = args.clock.now()
        return Cited(choose(store, selection_of(args), ids_arg, args.query, now=now), [])
    view = store.view()
    order = [view.ids[r] for r in view.select(Selection())]
    cited = match_keys(store.cite_keys(), keys, order)
    if not cited.ids:  # `choose` reads no ids as "no restriction"
        return cited
    return Cited(
        choose(store, selection_of(args), cited.ids, args.query, now=args.clock.now()),
        cited.missing,
        cited.keys,
    )


def cmd_export(args: argparse.Namespace) -> int:
    from readlist.exporting import check_output, export_ids, write_export

    if args.strict and not (args.aux or args.keys):
        raise UsageError("--strict goes with --aux or --keys")
    if args.watch:
        return watch(args)
    keys = _cited_keys(args)
    # By the sidecar index: the papers' documents are read only where an entry is not
    # in the render cache (a query ranks by their text: read in full).
    with open_store(args, indexed=not args.query) as store:
        if args.output:  # before keys are stored: a refused export changes nothing
            check_output(Path(args.output), store)
        cited = _choose(store, args, keys)
        if cited.missing:
            if args.strict:
                print(
                    f"readlist: error: {cited.missing_message()} (--strict: nothing exported)",
                    file=sys.stderr,
                )
                return 1
            print(f"readlist: {cited.missing_message()}", file=sys.stderr)
        text, count, bad = export_ids(store, cited.ids, options_of(args), cited.keys)
    warn_invalid(bad, "not exported")
    if args.output:
        write_export(Path(args.output), text, store)
        where = args.output
    else:
        if (sys.stdout.encoding or "").lower().replace("-", "") == "utf8":
            sys.stdout.flush()
            sys.stdout.buffer.writelines(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(b"".join(text).decode("utf-8"))
            sys.stdout.flush()
        where = "stdout"
    done = f"exported {count} entr{'ies' if count != 1 else 'y'} to {where}"
    print(clean_line(done), file=sys.stderr)
    return 0


def _aux_state(args: argparse.Namespace) -> tuple[int, int] | None:
    """The .aux's (mtime, size): LaTeX rewrites it on every run."""
    try:
        st = Path(args.aux).stat() if args.aux else None
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size) if st else None


def watch(args: argparse.Namespace) -> int:
    """Write once, then rewrite whenever the output would change, until Ctrl-C."""
    from readlist.autoexport import write_if_changed
    from readlist.errors import ReadlistError
    from readlist.exporting import check_output, exportable, render_export

    if not args.output:
        raise UsageError("--watch needs -o FILE")
    out = Path(args.output)
    options = options_of(args)
    last_missing: list[str] | None = None
    last_error = ""

    def update(store: Store) -> None:
        nonlocal last_missing
        cited = _choose(store, args, _cited_keys(args))
        if cited.missing != last_missing and (cited.missing or last_missing):
            print(f"readlist: {cited.missing_message()}", file=sys.stderr)
        last_missing = cited.missing
        if args.strict and cited.missing:
            return
        papers, bad = exportable(store, cited.ids)
        warn_invalid(bad, "not exported")
        text, n = render_export(store, papers, options, cited.keys)
        if write_if_changed(check_output(out, store), text.encode("utf-8")):
            _say(f"wrote {n} entr{'ies' if n != 1 else 'y'} to {out}")

    try:
        with open_store(args) as store:
            check_output(out, store)
            aux = _aux_state(args)
            update(store)  # errors here are the command's errors
            _say(f"watching; Ctrl-C stops (output {out})")
            while True:
                time.sleep(WATCH_INTERVAL)
                now = _aux_state(args)
                if not (store.refresh() or now != aux):
                    continue
                aux = now
                try:
                    update(store)
                    last_error = ""
                except (ReadlistError, OSError) as exc:
                    message = str(exc)
                    if message != last_error:  # a half-written .aux: say so once, go on
                        _say(f"readlist: warning: {message}")
                    last_error = message
    except KeyboardInterrupt:
        print("readlist: stopped watching", file=sys.stderr)
        return 0


def run_auto_exports(args: argparse.Namespace) -> None:
    """After a write command: bring `[[export.auto]]` files up to date.

    Failures are warnings; they never change the command's exit status.
    """
    from readlist.autoexport import update_all
    from readlist.errors import ReadlistError

    try:
        exports = load_config(args).auto_exports
    except (ReadlistError, OSError) as exc:  # the config's own fault: said as it is
        _say(f"readlist: warning: {exc}; no auto-export")
        return
    try:
        if not exports:
            return
        with open_store(args, indexed=True) as store:  # papers read only where needed
            results = update_all(store, exports, args.clock.now())
    except (ReadlistError, OSError) as exc:
        _say(f"readlist: warning: auto-export: {exc}")
        return
    for result in results:
        if result.error is not None:
            print(f"readlist: warning: {result.message()}", file=sys.stderr)
        elif result.written:
            print(f"readlist: {result.message()}", file=sys.stderr)
