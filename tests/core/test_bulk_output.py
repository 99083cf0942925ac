"""`list`, `search` and `show` print what they printed before the bulk paths: byte for
byte what the `Paper` objects printed (`Paper.to_json` through `print_json`,
`line_of`), on a library with every field type, documents an older readlist or a hand
edit left, and control characters; with the sidecar index and without."""

from __future__ import annotations

import io
import json
import string
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import derive
from readlist.cli import main
from readlist.cli.common import print_json, selection_of
from readlist.derive import line_of
from readlist.model import _OPTIONAL_FIELDS, Paper
from readlist.search import rank
from readlist.selection import select
from readlist.store import Store
from readlist.text import clean_line
from tests.conftest import NOW, SEEDS, write_unchecked
from tests.core.test_sidecar import ODD, every_field


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulk") / "lib.json"
    assert main(["--db", str(path), "import", str(SEEDS)]) == 0
    with Store(path) as store:
        store.put(every_field())
    write_unchecked(path, ODD)
    with Store(path) as store:  # and a journal the index does not cover
        ids = list(store.records())
        store.put([store.get(ids[4]).replace(starred=True, tags=["t1"])])
        store.remove([ids[9]])
    return path


def old_json(papers: list[Paper]) -> str:
    """What `--json` printed: print_json of each Paper's to_json."""
    out = io.BytesIO()
    wrapper = io.TextIOWrapper(out, encoding="utf-8")
    real, sys.stdout = sys.stdout, wrapper
    try:
        print_json([p.to_json() for p in papers])
        wrapper.flush()
    finally:
        sys.stdout = real
    return out.getvalue().decode()


def old_lines(papers: list[Paper], width: int | None = None) -> str:
    return "".join(line_of(p, width) + "\n" for p in papers)


def cli(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> str:
    assert main(["--db", str(path), *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("indexed", [True, False])
@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--starred"],
        ["--tag", "t1"],
        ["--unread", "--sort", "date"],
        ["--sort", "upvotes"],
        ["--sort", "title"],
    ],
)
def test_list_prints_what_the_papers_printed(
    library: Path,
    argv: list[str],
    indexed: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = library.with_name(library.name + "-index")
    if not indexed:
        monkeypatch.setattr("readlist.store.Store.view", no_index_view)
    with Store(library) as store:
        args = Parsed(argv)
        ids = select(store.records(), selection_of(args), args.sort)  # type: ignore[arg-type]
        papers, bad = store.readable(ids)
    assert bad or argv  # the documents Paper.from_doc cannot read are left out
    assert index.exists()
    assert cli(capsys, library, "list", *argv, "--json") == old_json(papers)
    assert cli(capsys, library, "list", *argv) == old_lines(papers)
    monkeypatch.setattr("readlist.cli.papers.terminal_width", lambda: 70)
    assert cli(capsys, library, "list", *argv) == old_lines(papers, 70)


def no_index_view(store: Store) -> Any:
    from readlist.view import View

    return View(dict(store._raw().items()))  # every document, read in full


class Parsed:
    def __init__(self, argv: list[str]) -> None:
        self.read = "--read" in argv
        self.unread = "--unread" in argv
        self.starred = "--starred" in argv
        self.tag = argv[argv.index("--tag") + 1] if "--tag" in argv else None
        self.sort = argv[argv.index("--sort") + 1] if "--sort" in argv else "added"


@pytest.mark.parametrize(
    "query",
    ["diffusion", "video generation", '"video generation"', "model -video", "tag:t1", "café"],
)
def test_search_prints_what_the_papers_printed(
    library: Path, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(library) as store:
        papers, _ = store.readable(rank(store.records(), query, now=NOW))
    assert papers
    assert cli(capsys, library, "search", query, "--json") == old_json(papers)
    assert cli(capsys, library, "search", query) == old_lines(papers)


def test_show_and_control_characters(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(capsys, library, "show", "odd0003", "--json")
    assert "\\u007f" in out  # escaped, never raw
    assert "\\u009b" in out
    assert json.loads(out)[0]["title"] == ODD["odd0003"]["title"]
    listed = cli(capsys, library, "list")
    assert "\x9b" not in listed
    assert "\x7f" not in listed
    assert "Control" in listed


# -- the one object `--json` prints for a document, without a Paper ----------------------

_TEXT = st.text(string.ascii_letters + "éü \x7f\x9b", max_size=6)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    _TEXT,
    st.lists(_TEXT, max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), _TEXT, max_size=2),
)
_KEYS = [*derive._STORED, *_OPTIONAL_FIELDS]


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Stored documents: as Store.put writes them, then (mostly) changed the ways a hand
    edit or an older readlist leaves them: fields of any type, falsy optional fields
    present, optional fields out of order, sources with other keys, lists as strings,
    keys left out."""
    doc = Paper(id="p", title=draw(_TEXT)).to_doc()
    for key in draw(st.lists(st.sampled_from(_OPTIONAL_FIELDS), max_size=4, unique=True)):
        value = draw(st.one_of(_TEXT, st.lists(_TEXT, min_size=1, max_size=2), st.just(True)))
        doc = Paper.from_doc("p", {**doc, key: value}).to_doc()
    for key in draw(st.lists(st.sampled_from(derive._STORED[1:]), max_size=3)):
        doc[key] = draw(_VALUES)  # any type, in place
    change = draw(st.integers(0, 7))
    if change == 1:  # an empty optional field written out
        doc[draw(st.sampled_from(_OPTIONAL_FIELDS))] = draw(st.sampled_from([None, [], {}, ""]))
    elif change == 2 and len(doc) > 21:  # optional fields in another order
        items = list(doc.items())
        doc = dict(items[:19] + list(reversed(items[19:])))
    elif change == 3:
        keys = draw(st.permutations(["file", "listing_date", "imported"]))
        extra = draw(st.dictionaries(st.sampled_from(["x", "file"]), _TEXT, max_size=1))
        doc["sources"] = [{**{k: "v" for k in keys}, **extra}]
    elif change == 4:
        doc[draw(st.sampled_from(["authors", "links", "tags"]))] = draw(_TEXT)
    elif change == 5:
        del doc[draw(st.sampled_from(derive._STORED[1:]))]
    elif change == 6:
        doc = dict(draw(st.permutations(list(doc.items()))))
    elif change == 7:  # the stored fields in another order, the optional ones after
        items = list(doc.items())
        doc = dict(draw(st.permutations(items[:19])) + items[19:])
    return doc


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents())
def test_json_object_is_to_json_wherever_the_document_is_canonical(doc: dict[str, Any]) -> None:
    paper = derive.paper_of("p", doc)
    if paper is None or not derive.canonical(doc):
        return
    fast = orjson.dumps(derive.json_object("p", doc), option=orjson.OPT_INDENT_2)
    assert fast == orjson.dumps(paper.to_json(), option=orjson.OPT_INDENT_2)


def test_canonical_documents_are_what_store_put_writes(library: Path) -> None:
    with Store(library) as store:
        docs = dict(store.records())
    canonical = [pid for pid, doc in docs.items() if derive.canonical(dict(doc))]
    assert len(canonical) >= len(docs) - len(ODD)  # all but the hand-made ones
    assert not any(derive.canonical(ODD[pid]) for pid in ODD)


def test_clean_line_changes_no_printable_text() -> None:
    """`clean_line` returns printable text as it is (its one-call shortcut), and
    changes every character that is not printable, or keeps it out of a terminal."""
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        if char.isprintable():
            assert clean_line(f"a{char}b") == f"a{char}b"
    for text in ("\x1b[31mred", "a\tb\nc", "\x9b1m", "\x7f", "bell\x07"):
        assert clean_line(text) != text
