"""`readlist pdf`: download a paper's PDF (or attach a local one) and open it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from readlist.cli.common import load_config, open_store
from readlist.text import clean_line

EXAMPLES = [
    ("readlist pdf 3f2a9c1", "download it (once) and open it"),
    ("readlist pdf 3f2a9c1 --no-open", "download it, print where it is"),
    ("readlist pdf 3f2a9c1 --attach ~/papers/draft.pdf", "link a local PDF"),
]


def register(sub: argparse._SubParsersAction[Any], db: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "pdf",
        parents=[db],
        help="download a paper's PDF (or attach a local one) and open it",
        description="Download the arXiv PDF (or the paper's own .pdf link) into the cache "
        "directory, record it on the paper, and open it with $READLIST_PDF_VIEWER or the "
        "system's opener (xdg-open, open). A PDF already on disk is opened at once.",
        examples=EXAMPLES,
    )
    p.add_argument("id", metavar="ID", help="the paper (an id or a unique prefix)")
    p.add_argument("--attach", metavar="FILE", help="link this local PDF to the paper instead")
    p.add_argument("--no-open", action="store_true", help="do not open it; print its path")
    p.add_argument("--again", action="store_true", help="download it again, even if on disk")
    p.set_defaults(func=cmd_pdf, writes=True)


def cmd_pdf(args: argparse.Namespace) -> int:
    from readlist import actions, paths, pdfs

    with open_store(args) as store:
        pid = store.resolve(args.id)
        paper = store.get(pid)
        if args.attach:
            path = pdfs.attachable(Path(args.attach).expanduser())
            actions.set_pdf(store, [pid], str(path))
            _say(f"attached {path} to {pid}")
        else:
            kept = None if args.again else pdfs.on_disk(paper)
            if kept is None:
                kept = _download(args, paper, paths.resolve(getattr(args, "db", None)).cache_dir)
                actions.set_pdf(store, [pid], str(kept))
            path = kept
    if args.no_open:
        print(clean_line(str(path)))
    else:
        pdfs.open_pdf(path, os.environ)
    return 0


def _download(args: argparse.Namespace, paper: Any, cache_dir: Path) -> Path:
    from readlist import pdfs
    from readlist.cli.network import _Bar

    net = load_config(args).network
    bar = _Bar("downloading")  # draws only with a total (a Content-Length)
    try:
        with pdfs.session(net, announce=bar.say) as http:
            path = pdfs.download(paper, http, net, cache_dir, bar)
    finally:
        bar.close()
    _say(f"downloaded {path}")
    return path


def _say(message: str) -> None:
    print(clean_line(f"readlist: {message}"), file=sys.stderr)
