"""Numbers and ids from outside are ASCII digits: Python's `\\d`, `str.isdigit` and int()
also take fullwidth (`２５１１`), Arabic-Indic (`٢٥`) or superscript (`²`) digits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from readlist.arxiv_ids import parse_id, parse_reference
from readlist.bibtex import Options, render
from readlist.bibtex_in import parse_bibtex
from readlist.cli import main
from readlist.errors import InputError
from readlist.links import BadLink, check_url
from readlist.model import Paper
from readlist.periods import parse_period
from readlist.query import QueryError, parse
from readlist.sources.arxiv import read_feed
from readlist.sources.http import Http
from readlist.sources.hub import parse_paper
from readlist.sources.protocol import Refused
from tests.conftest import NOW, write_unchecked
from tests.core.bibcheck import compile_bib
from tests.core.netfake import FakeApis, Rec, daily_item, feed

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    "text",
    [
        "２５１１.０７３９９",
        "2511.0739９",
        "arXiv:２５１１.０７３９９",
        "https://arxiv.org/abs/２５１１.０７３９９",
        "٢٥١١.٠٧٣٩٩",
        "hep-th/９９０１００１",
    ],
)
def test_an_arxiv_id_in_other_digits_is_refused(text: str) -> None:
    assert parse_id(text.removeprefix("arXiv:")) is None
    with pytest.raises(InputError, match="not an arXiv id"):
        parse_reference(text)


def test_add_refuses_fullwidth_digits_before_any_request(
    apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    apis.add(Rec("2511.07399", "A Real Paper", ["Ann Lee"]))
    assert main(["add", "２５１１.０７３９９"]) == 1
    err = capsys.readouterr().err
    assert "not an arXiv id or URL" in err
    assert apis.log == []


@pytest.mark.parametrize("text", ["２０２５-W47", "2025-W４7", "２０２５-11", "2025-١١"])
def test_a_pull_period_in_other_digits_is_refused(text: str) -> None:
    assert parse_period(text) is None
    assert parse_period(text.translate(str.maketrans("０１２５４７١", "0125471"))) is not None


def test_pull_week_in_fullwidth_digits_is_a_usage_error(
    apis: FakeApis, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["pull", "--week", "２０２５-W47"])
    assert caught.value.code == 2
    assert "not a YYYY-Www week" in capsys.readouterr().err
    assert apis.log == []


@pytest.mark.parametrize("url", ["http://[::1]:８０/x", "http://[::1]:\u00b2/x"])
def test_a_link_port_in_other_digits_is_refused(url: str) -> None:
    with pytest.raises(BadLink, match="not a valid port"):
        check_url(url)


def test_network_dates_in_other_digits_are_dropped() -> None:
    odd = "2025-11-10".translate(FULLWIDTH)
    rec = Rec("2511.07399", "A Real Paper", ["Ann Lee"], published=odd, updated="²⁰²⁵-11-12")
    (refused,) = read_feed(feed([rec]).encode())  # a record with a date that is none
    assert isinstance(refused, Refused)
    assert "is not a date" in refused.reason
    hub = parse_paper(daily_item(rec, "²⁰²⁵-11-21"))
    assert hub is not None
    assert (hub.published, hub.listed) == (None, None)
    good = parse_paper(daily_item(Rec("2511.07399", "T", ["A"]), "2025-11-21"))
    assert good is not None
    assert (good.published, good.listed) == ("2025-11-10", "2025-11-21")


def test_a_superscript_retry_after_does_not_break_the_request(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_response(
        Response("", 429, headers={"Retry-After": "\u00b2"})
    )
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    with Http(2, backoff=0.01) as http:
        assert http.get(httpserver.url_for("/x")).text == "ok"


@pytest.mark.parametrize("value", ["２０２４", "٢٠٢٤", "2024..２０２５"])
def test_a_year_filter_in_other_digits_is_a_query_error(value: str) -> None:
    with pytest.raises(QueryError, match="expected a year"):
        parse(f"year:{value}")


def test_search_year_filter_survives_a_stored_superscript_date(tmp_path: Path) -> None:
    from readlist.search import rank
    from readlist.store import Store

    path = tmp_path / "lib.json"  # as an older readlist stored it (today's store refuses it)
    alpha, beta = Paper("a", "Alpha", date="²⁰²⁴-01-01"), Paper("b", "Beta", date="2024-01-01")
    write_unchecked(path, {p.id: p.to_doc() for p in (alpha, beta)})
    with Store(path) as store:
        assert rank(store.records(), "year:2024", now=NOW) == ["b"]


def test_search_limit_in_other_digits_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for limit in ("５", "\u00b2"):
        with pytest.raises(SystemExit) as caught:
            main(["search", "x", "--limit", limit])
        assert caught.value.code == 2
        assert "not a positive number" in capsys.readouterr().err


BIB = """@article{fw,
  title = {A Paper Dated in Fullwidth Digits},
  author = {Lee, Ann},
  journal = {Journal of Tests},
  year = {YEAR},
  month = {MONTH},
}
"""


@pytest.mark.parametrize(
    ("year", "month"),
    [("２０２４", "３"), ("٢٠٢٤", "\u00b2"), ("2024", "\u00b2"), ("2024", "٣")],
)
def test_bibtex_years_and_months_in_other_digits_are_text(
    year: str, month: str, tmp_path: Path
) -> None:
    parsed = parse_bibtex(BIB.replace("YEAR", year).replace("MONTH", month))
    assert parsed.failed == []
    (record,) = parsed.records
    paper = record.paper
    # No date from digits the rest of readlist would store as they are: only 2024.
    assert paper.date == ("2024-01-01" if year == "2024" else None)
    out = render([paper.replace(bibkey="fw")], Options())
    assert not re.search(r"= [^{\s]*[^\x00-\x7f]", out), out  # bare: BibTeX cannot read it
    blg, _ = compile_bib(out, tmp_path)  # pdflatex has no glyph for ２, but bibtex reads it
    assert "error" not in blg.lower(), blg
    assert "\\bibitem" in (tmp_path / "doc.bbl").read_text()


def test_a_bibtex_import_stores_no_date_in_other_digits(tmp_path: Path) -> None:
    from readlist.store import Store

    bib = tmp_path / "refs.bib"
    bib.write_text(BIB.replace("YEAR", "２０２４").replace("MONTH", "3"), encoding="utf-8")
    assert main(["--db", str(tmp_path / "lib.json"), "import", str(bib)]) == 0
    with Store(tmp_path / "lib.json") as store:
        (paper,) = store.papers()
    assert paper.date is None
    assert paper.bibfields["year"] == "２０２４"  # kept as written, for the export
