"""A paper's PDF: where to download it, where it is kept, how it is opened.

Downloads go to the cache directory (`platformdirs.user_cache_dir("readlist")/pdf/`,
or `$READLIST_HOME/cache/pdf/`), named by the arXiv id, through the network session
every source uses (pacing, deadline, size cap, redirects within the host). A file is
accepted only if it is a PDF (`%PDF-`), and it is written atomically, so a broken
download never leaves half a file where a PDF is expected. Network code never touches
the store: callers record the path on the paper (`actions.set_pdf`).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from readlist.config import Network
from readlist.errors import InputError, ReadlistError
from readlist.fspaths import PathError, open_regular
from readlist.model import Paper

if TYPE_CHECKING:
    from readlist.sources.http import Http

MAGIC = b"%PDF-"
VIEWER_ENV = "READLIST_PDF_VIEWER"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class NotAPdf(ReadlistError):
    """What was downloaded or attached does not start like a PDF."""


def source_url(paper: Paper, net: Network) -> str | None:
    """Where the paper's PDF is: arXiv's (latest version) for a paper with an arXiv id,
    else a link of the paper's own that names a PDF."""
    if paper.arxiv_id:
        return f"{net.arxiv_pdf.rstrip('/')}/{paper.arxiv_id}"
    for link in paper.links:
        if link.lower().split("?")[0].endswith(".pdf"):
            return link
    return None


def cached_path(paper: Paper, cache_dir: Path) -> Path:
    """Where a download of this paper is kept."""
    stem = _SAFE_NAME.sub("_", paper.arxiv_id or paper.id)
    return cache_dir / "pdf" / f"{stem}.pdf"


def on_disk(paper: Paper) -> Path | None:
    """The paper's PDF if its recorded file is still there."""
    if paper.pdf and os.path.isfile(paper.pdf):
        return Path(paper.pdf)
    return None


def session(
    net: Network,
    announce: Callable[[str], object] | None = None,
    cancel: threading.Event | None = None,
) -> Http:
    """The network session for PDFs: the one every source uses, paced as arXiv asks."""
    from readlist.sources.http import Http  # httpx: only when something is downloaded

    http = Http(
        net.timeout,
        budget=net.budget,
        max_bytes=net.max_response_mb * 1024 * 1024,
        announce=announce,
        cancel=cancel,
    )
    http.set_delay(net.arxiv_pdf, net.arxiv_delay)
    return http


def download(
    paper: Paper,
    http: Http,
    net: Network,
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Fetch the paper's PDF into the cache; its path. InputError when it has no source."""
    url = source_url(paper, net)
    if url is None:
        raise InputError(f"{paper.id}: no PDF to download (no arXiv id, no link to a .pdf)")
    dest = cached_path(paper, cache_dir)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".pdf-", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "w+b") as fh:
            name = "arXiv" if paper.arxiv_id else None
            http.download(
                url,
                fh,
                name=name,
                max_bytes=net.max_pdf_mb * 1024 * 1024,
                timeout=net.pdf_timeout,
                progress=progress,
            )
            fh.seek(0)
            if fh.read(len(MAGIC)) != MAGIC:
                raise NotAPdf(f"{paper.id}: {url} did not send a PDF; nothing kept")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, dest)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return dest


def attachable(path: Path) -> Path:
    """A local file to link to a paper: a regular file that is a PDF; its absolute path."""
    try:
        with open_regular(path, "not attaching it") as fh:
            head = fh.read(len(MAGIC))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PathError as exc:
        raise InputError(str(exc)) from None
    if head != MAGIC:
        raise NotAPdf(f"{path}: not a PDF (it does not start with %PDF-); not attaching it")
    return path.resolve()


def viewer(path: Path, env: Mapping[str, str], platform: str = sys.platform) -> list[str]:
    """The command that opens `path`: $READLIST_PDF_VIEWER (a command line; the path is
    added at the end), else the system's opener."""
    custom = env.get(VIEWER_ENV, "").strip()
    if custom:
        try:
            return [*shlex.split(custom), str(path)]
        except ValueError as exc:
            raise InputError(f"{VIEWER_ENV}: cannot read it as a command ({exc})") from None
    if platform == "darwin":
        return ["open", str(path)]
    if platform.startswith("win"):
        return ["cmd", "/c", "start", "", str(path)]
    return ["xdg-open", str(path)]


def open_pdf(path: Path, env: Mapping[str, str]) -> None:
    """Start the viewer on `path` and return at once (it is not waited for)."""
    command = viewer(path, env)
    try:
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise InputError(
            f"cannot start {command[0]!r} to open {path} ({exc.strerror}); set {VIEWER_ENV}"
        ) from None
