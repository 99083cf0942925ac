"""`readlist pdf`: download into the cache through the shared network session (a real
server on loopback), record the path, open with the configured viewer; attach a file."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readlist.cli import main
from readlist.model import Paper
from readlist.store import Store
from tests.core.netfake import write_config
from tests.core.test_bad_input import fingerprint

PDF = b"%PDF-1.5\n" + b"x" * 50_000 + b"\n%%EOF\n"
ARXIV = "2511.07399"


@pytest.fixture
def world(httpserver: HTTPServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library with two papers, a config pointing at loopback, and a viewer that notes
    what it was asked to open."""
    write_config(isolated_home, httpserver, arxiv_pdf=httpserver.url_for("/pdf"))
    with Store(isolated_home / "library.json") as store:
        store.put(
            [
                Paper(id="aaaa111", title="On arXiv", arxiv_id=ARXIV),
                Paper(id="bbbb222", title="Nowhere", links=["https://example.org/page"]),
            ]
        )
    opened = isolated_home / "opened.txt"
    viewer = isolated_home / "viewer.py"
    viewer.write_text(f"import sys\nopen({str(opened)!r}, 'a').write(sys.argv[1] + '\\n')\n")
    monkeypatch.setenv("READLIST_PDF_VIEWER", f"{sys.executable} {viewer}")
    return isolated_home


def _opened(home: Path) -> list[str]:
    path = home / "opened.txt"
    for _ in range(100):  # the viewer runs detached
        if path.exists():
            break
        time.sleep(0.05)
    return path.read_text().splitlines() if path.exists() else []


def test_download_records_and_opens_then_opens_from_disk(
    world: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request(f"/pdf/{ARXIV}").respond_with_data(PDF)
    assert main(["pdf", "aaaa"]) == 0
    kept = world / "cache" / "pdf" / f"{ARXIV}.pdf"
    assert kept.read_bytes() == PDF
    with Store(world / "library.json") as store:
        assert store.get("aaaa111").pdf == str(kept)
    assert _opened(world) == [str(kept)]
    assert main(["pdf", "aaaa111", "--no-open"]) == 0  # on disk: no second request
    assert capsys.readouterr().out == f"{kept}\n"
    assert len(httpserver.log) == 1


def test_a_retry_starts_the_file_over(world: Path, httpserver: HTTPServer) -> None:
    """A first try that stalls half-way (past pdf_timeout) leaves nothing in the file."""
    write_config(world, httpserver, arxiv_pdf=httpserver.url_for("/pdf"), pdf_timeout=1)

    def stalls(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield PDF[:20_000]
            time.sleep(2)
            yield PDF[20_000:]

        return Response(body(), mimetype="application/pdf")

    httpserver.expect_ordered_request(f"/pdf/{ARXIV}").respond_with_handler(stalls)
    httpserver.expect_ordered_request(f"/pdf/{ARXIV}").respond_with_data(PDF)
    assert main(["pdf", "aaaa111", "--no-open"]) == 0
    assert (world / "cache" / "pdf" / f"{ARXIV}.pdf").read_bytes() == PDF


def _library(world: Path) -> dict[str, str]:
    return {k: v for k, v in fingerprint(world).items() if k.startswith("library.json")}


def _refused(world: Path, capsys: pytest.CaptureFixture[str], message: str, *argv: str) -> None:
    before = _library(world)
    capsys.readouterr()
    assert main(["pdf", *argv]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err
    assert _library(world) == before  # nothing recorded
    assert not list(world.glob("cache/pdf/*"))  # nothing kept, not even a temp file


def test_an_answer_that_is_not_a_pdf_is_not_kept(
    world: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request(f"/pdf/{ARXIV}").respond_with_data("<html>login</html>")
    _refused(world, capsys, "did not send a PDF; nothing kept", "aaaa111", "--no-open")
    assert not list((world / "cache" / "pdf").glob("*"))


def test_a_pdf_over_the_cap_is_refused(
    world: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(world, httpserver, arxiv_pdf=httpserver.url_for("/pdf"), max_pdf_mb=1)

    def endless(request: Request) -> Response:
        return Response(iter([PDF[:1000]] + [b"x" * 65536] * 40), mimetype="application/pdf")

    httpserver.expect_request(f"/pdf/{ARXIV}").respond_with_handler(endless)
    _refused(world, capsys, "larger than 1 MB, refused ([network] max_pdf_mb)", "aaaa111")


def test_a_redirect_to_another_host_is_refused(
    world: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request(f"/pdf/{ARXIV}").respond_with_data(
        "", status=302, headers={"Location": "http://evil.example/x.pdf"}
    )
    _refused(world, capsys, "redirected to evil.example: refused", "aaaa111")


def test_offline_is_one_line(
    world: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    write_config(world, httpserver, arxiv_pdf=f"http://127.0.0.1:{port}/pdf")
    _refused(world, capsys, f"cannot reach arXiv at 127.0.0.1:{port}", "aaaa111")


def test_a_paper_without_a_source_says_so(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _refused(world, capsys, "bbbb222: no PDF to download", "bbbb222")


def test_attach_links_a_local_pdf_and_refuses_anything_else(
    world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "draft.pdf"
    mine.write_bytes(PDF)
    assert main(["pdf", "bbbb222", "--attach", str(mine), "--no-open"]) == 0
    assert capsys.readouterr().out == f"{mine}\n"
    with Store(world / "library.json") as store:
        assert store.get("bbbb222").pdf == str(mine)
    text = tmp_path / "notes.txt"
    text.write_text("not a pdf")
    _refused(world, capsys, "not a PDF", "aaaa111", "--attach", str(text))
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    _refused(world, capsys, "not a regular file", "aaaa111", "--attach", str(fifo))
    _refused(world, capsys, "no such file", "aaaa111", "--attach", str(tmp_path / "none.pdf"))
