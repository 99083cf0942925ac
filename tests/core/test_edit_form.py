"""The edit format (readlist.editform, readlist.formtext): TOML that round-trips, each
field applied as the user changed it and checked as an import checks it, on the paper as
it is now."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from readlist import actions, editform, formtext
from readlist.cli import main
from readlist.editform import EditError, Form, form_of
from readlist.errors import NotFoundError
from readlist.formtext import parse, render
from readlist.importing import import_texts
from readlist.model import Paper
from readlist.session import History
from readlist.store import Store
from tests.conftest import AS_OF, NOW

BIB = """\
@inproceedings{smith2020deep,
  title = {Deep {Bayesian} Things},
  author = {Smith, John and M{\\"u}ller, Anna},
  booktitle = {Proceedings of Things},
  year = {2020},
  month = jun,
  doi = {10.1234/deep.1},
  url = {https://example.org/deep},
  keywords = {bayes, deep},
}
@article{doe2021,
  title = {Other Stuff},
  author = {Doe, Jane},
  journal = {Journal of Stuff},
  year = {2021},
  eprint = {2101.00001},
  archiveprefix = {arXiv},
  doi = {10.1234/other},
}
"""


@pytest.fixture
def lib(store: Store) -> Store:
    import_texts(store, [("refs.bib", BIB)], AS_OF, NOW)
    return store


def pid_of(store: Store, title: str) -> str:
    return next(pid for pid, doc in store.records().items() if doc["title"] == title)


def docs(store: Store) -> dict[str, dict[str, Any]]:
    return {pid: dict(doc) for pid, doc in Store(store.path).records().items()}


def edit(form: Form, **changes: Any) -> Form:
    return dataclasses.replace(form, **changes)


def test_the_form_shows_what_exports_cite(lib: Store) -> None:
    deep = lib.get(pid_of(lib, "Deep Bayesian Things"))
    assert form_of(deep) == Form(
        title="Deep Bayesian Things",
        authors=("John Smith", "Anna Müller"),
        date="2020-06",
        type="inproceedings",
        venue="Proceedings of Things",
        doi="10.1234/deep.1",
        arxiv="",
        key="smith2020deep",
        tags=("bayes", "deep"),
        url="https://example.org/deep",
    )
    other = form_of(lib.get(pid_of(lib, "Other Stuff")))
    assert (other.type, other.venue, other.arxiv, other.date) == (
        "article",
        "Journal of Stuff",
        "2101.00001",
        "2021",
    )


HOSTILE = [
    'Quotes "in" it',
    "Back\\slash and \\\\ double",
    "Tab\there",
    "Line\nbreak",
    "Escape \x1b[2J and DEL \x7f and C1 \x9b",
    "Unicode: Müller, 张伟, α-β, emoji 🙂",
    "Triple \"\"\" quotes and ''' too",
    "# not a comment",
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_any_text_round_trips_through_the_toml(text: str) -> None:
    form = Form(
        title=text,
        authors=(text, "Plain Name"),
        date=text,
        type=text,
        venue=text,
        doi=text,
        arxiv=text,
        key=text,
        tags=(text,),
        url=text,
    )
    written = render(form, "0000000")
    assert parse(written) == form
    assert "\x1b" not in written
    assert "\x9b" not in written


def test_the_text_has_help_on_top_and_one_author_a_line(lib: Store) -> None:
    deep = lib.get(pid_of(lib, "Deep Bayesian Things"))
    text = render(form_of(deep), deep.id)
    assert text.startswith(f"# readlist edit {deep.id}:")
    assert 'authors = [\n    "John Smith",\n    "Anna Müller",\n]\n' in text
    assert 'tags = ["bayes", "deep"]\n' in text
    assert parse("# only comments\n\n") is None  # an empty file cancels


# Each field, changed alone: saved, and shown again as the user wrote it.
EDITS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"title": "Deep  Things, Revised "}, {"title": "Deep Things, Revised", "title_protect": []}),
    ({"title": "Deep Bayesian Stuff"}, {"title_protect": ["Bayesian"]}),
    (
        {"authors": ("Ada Lovelace", "  ", "Alan  Turing")},
        {"authors": ["Ada Lovelace", "Alan Turing"]},
    ),
    ({"authors": ()}, {"authors": []}),
    ({"date": "2019-03-04"}, {"date": "2019-03-04", "bibfields.date": "2019-03-04"}),
    ({"date": "2018"}, {"date": "2018-01-01", "bibfields.date": "2018"}),
    ({"type": "article"}, {"entry_type": "article", "bibfields.journal": "Proceedings of Things"}),
    ({"type": "misc", "venue": ""}, {"entry_type": None}),
    ({"venue": "NeurIPS"}, {"bibfields.booktitle": "NeurIPS"}),
    ({"doi": "https://doi.org/10.5555/New.2"}, {"doi": "10.5555/New.2"}),
    ({"doi": ""}, {"doi": None}),
    (
        {"arxiv": "https://arxiv.org/abs/2401.01234v3"},
        {"arxiv_id": "2401.01234", "arxiv_version": 3},
    ),
    (
        {"key": "deep-things:2020"},
        {"bibkey": "deep-things:2020", "bibkey_aliases": ["smith2020deep"]},
    ),
    ({"tags": ("bayes", "new tag", "Deep")}, {"tags": ["bayes", "deep", "new-tag"]}),
    (
        {"url": "https://openreview.net/forum?id=abc"},
        {"links": ["https://openreview.net/forum?id=abc"]},
    ),
    ({"url": ""}, {"links": []}),
]


@pytest.mark.parametrize(("change", "stored"), EDITS, ids=[str(c) for c, _ in EDITS])
def test_each_field_saves_and_round_trips(
    lib: Store, change: dict[str, Any], stored: dict[str, Any]
) -> None:
    pid = pid_of(lib, "Deep Bayesian Things")
    others = {p: d for p, d in docs(lib).items() if p != pid}
    opened = form_of(lib.get(pid))
    result = editform.save(lib, pid, opened, edit(opened, **change))
    assert result.label == "edit"
    assert list(result.edits) == [pid]
    paper = Store(lib.path).get(pid)
    for name, value in stored.items():
        if name.startswith("bibfields."):
            assert paper.bibfields.get(name.split(".")[1]) == value
        else:
            assert getattr(paper, name) == value, name
    shown = form_of(paper)
    assert parse(render(shown, pid)) == shown  # and it reads back as saved
    for field in editform.FIELDS:  # the other fields are as they were
        if field not in change and not (field == "venue" and "type" in change):
            assert getattr(shown, field) == getattr(opened, field), field
    assert {p: d for p, d in docs(lib).items() if p != pid} == others


def test_an_edited_title_keeps_braces_inside_the_words_it_still_has(store: Store) -> None:
    bib = "@misc{q, title = {{Q}uoted and Mc{D}onald}, author = {Doe, Jane}}"
    import_texts(store, [("q.bib", bib)], AS_OF, NOW)
    pid = pid_of(store, "Quoted and McDonald")
    opened = form_of(store.get(pid))
    editform.save(store, pid, opened, edit(opened, title="Quoted, Revised"))
    assert Store(store.path).get(pid).title_protect == ["{Q}uoted"]


def test_an_export_cites_the_edited_date_and_venue(lib: Store) -> None:
    from readlist.exporting import export_ids

    pid = pid_of(lib, "Deep Bayesian Things")
    opened = form_of(lib.get(pid))
    editform.save(lib, pid, opened, edit(opened, date="2019-03", type="article", venue="J. X"))
    data, _, _ = export_ids(lib, [pid])
    text = b"".join(data).decode()
    assert "@article{smith2020deep," in text
    assert "journal = {J. X}" in text
    assert "year = 2019" in text
    assert "month = mar" in text
    assert "booktitle" not in text


BAD: list[tuple[dict[str, Any], str]] = [
    ({"title": "  "}, "title: cannot be empty"),
    ({"title": "A\x1b[2J title"}, "title: not a valid value"),
    ({"key": "has space"}, "key: 'has space' is not a BibTeX key"),
    ({"key": "x" * 201}, "is not a BibTeX key"),
    ({"key": "doe2021"}, "key: doe2021 is taken by paper"),
    ({"key": "DOE2021"}, "key: DOE2021 is taken by paper"),
    ({"key": "Smith2020Deep"}, "is smith2020deep to BibTeX, which ignores case"),
    ({"key": ""}, "key: cannot be removed (documents may cite smith2020deep)"),
    ({"date": "2020-13"}, "date: '2020-13' is not a date"),
    ({"date": "2021-02-29"}, "is not a date"),
    ({"date": "soon"}, "is not a date"),
    ({"type": "Bad Type"}, "type: 'Bad Type' is not a BibTeX entry type"),
    ({"type": "misc"}, "venue: a preprint has no journal or booktitle"),
    ({"venue": "Unbalanced {brace"}, "venue: unbalanced braces"),
    ({"doi": "not-a-doi"}, "doi: not a valid DOI"),
    ({"doi": "doi:10.1234/OTHER"}, "doi: 10.1234/OTHER is the DOI of paper"),
    ({"arxiv": "1234.5"}, "arxiv: not an arXiv id or URL"),
    ({"arxiv": "2101.00001"}, "arxiv: 2101.00001 is the arXiv id of paper"),
    ({"url": "ftp://example.org/x"}, "url: not an http(s) link"),
    ({"url": "https://github.com/me/code"}, "url: that is code"),
    ({"tags": ("ok", "a,b")}, "tags: invalid tag name"),
    ({"tags": ("x" * 65,)}, "tags: tag too long"),
    ({"authors": ("Ada\x07 Lovelace",)}, "authors: not a valid value"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m for _, m in BAD])
def test_a_bad_field_is_one_line_naming_it_and_nothing_is_saved(
    lib: Store, change: dict[str, Any], message: str
) -> None:
    pid = pid_of(lib, "Deep Bayesian Things")
    before = docs(lib)
    opened = form_of(lib.get(pid))
    # A good change beside the bad one is not half-applied either.
    with pytest.raises(EditError, match=re.escape(message)) as info:
        editform.save(lib, pid, opened, edit(opened, **{"authors": ("Someone Else",), **change}))
    assert "\n" not in str(info.value)
    assert docs(lib) == before


AUTHORS = r"^authors = \[\n(?:    .*\n)*\]\n"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (AUTHORS, "", "authors: missing; write authors = [] to leave it empty"),
        (r"^title = .*$", "title = [", "not valid TOML"),
        (AUTHORS, 'authors = "One Author"\n', "authors: must be a list of names in quotes"),
        (AUTHORS, "authors = [1, 2]\n", "authors: must be a list of names"),
        (r"^tags = .*$", 'tags = "a, b"', "tags: must be a list of tags"),
        (r"^title = .*$", "title = 3", 'title: must be text in double quotes ("" for none)'),
        (r"^url = .*$", 'url = ""\ncolour = "red"', "colour: not a field here"),
    ],
)
def test_text_of_the_wrong_shape_is_one_line(lib: Store, old: str, new: str, message: str) -> None:
    deep = lib.get(pid_of(lib, "Deep Bayesian Things"))
    broken, n = re.subn(old, new, render(form_of(deep), deep.id), flags=re.M)
    assert n == 1
    with pytest.raises(EditError, match=re.escape(message)) as info:
        parse(broken)
    assert "\n" not in str(info.value)


def test_with_error_puts_the_error_on_top_once() -> None:
    text = 'title = "x"\n'
    once = formtext.with_error(text, "key: bad\nkey")
    assert once == "# error: key: bad key\n" + text
    assert formtext.with_error(once, "title: empty") == "# error: title: empty\n" + text


def test_a_star_given_elsewhere_while_editing_stays(lib: Store) -> None:
    pid = pid_of(lib, "Deep Bayesian Things")
    opened = form_of(lib.get(pid))
    other = Store(lib.path)  # another process, while the editor is open
    actions.set_starred(other, [pid], True, now=NOW)
    actions.change_tags(other, [pid], add=["theirs"])
    theirs = form_of(other.get(pid))
    editform.save(other, pid, theirs, edit(theirs, doi="10.9999/theirs"))  # another edit
    editform.save(lib, pid, opened, edit(opened, title="Retitled", tags=("deep", "mine")))
    paper = Store(lib.path).get(pid)
    assert paper.title == "Retitled"
    assert paper.starred
    assert paper.doi == "10.9999/theirs"  # a field this edit did not change
    assert paper.tags == ["deep", "theirs", "mine"]  # bayes removed, mine added, theirs kept


def test_the_edit_is_one_undo_step_and_leaves_later_writes(lib: Store) -> None:
    pid = pid_of(lib, "Deep Bayesian Things")
    before = lib.get(pid)
    opened = form_of(before)
    history = History()
    change = editform.save(lib, pid, opened, edit(opened, title="New", key="k2020", doi=""))
    history.record(change)
    actions.set_starred(lib, [pid], True, now=NOW)
    history.undo(lib)
    paper = lib.get(pid)
    assert (paper.title, paper.bibkey, paper.doi) == (before.title, "smith2020deep", before.doi)
    assert paper.bibkey_aliases == []
    assert paper.starred  # not part of the edit
    history.redo(lib)
    assert lib.get(pid).bibkey == "k2020"


def test_a_new_key_keeps_the_old_as_an_alias_and_may_take_back_an_alias(
    lib: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = pid_of(lib, "Deep Bayesian Things")
    opened = form_of(lib.get(pid))
    editform.save(lib, pid, opened, edit(opened, key="second"))
    paper = lib.get(pid)
    assert (paper.bibkey, paper.bibkey_aliases) == ("second", ["smith2020deep"])
    # A document citing the old key still finds the paper.
    assert main(["--db", str(lib.path), "export", "--keys", "smith2020deep", "--strict"]) == 0
    assert "@inproceedings{smith2020deep," in capsys.readouterr().out
    opened = form_of(lib.get(pid))
    editform.save(lib, pid, opened, edit(opened, key="smith2020deep"))
    paper = lib.get(pid)
    assert (paper.bibkey, paper.bibkey_aliases) == ("smith2020deep", ["second"])


def test_a_paper_without_a_key_gets_one_and_no_alias(store: Store) -> None:
    store.put([Paper("abcdef1", "Keyless")])
    opened = form_of(store.get("abcdef1"))
    editform.save(store, "abcdef1", opened, edit(opened, key="mine"))
    paper = store.get("abcdef1")
    assert (paper.bibkey, paper.bibkey_aliases) == ("mine", [])


def test_a_deleted_papers_key_cannot_be_taken_by_an_edit(lib: Store) -> None:
    actions.remove(lib, [pid_of(lib, "Deep Bayesian Things")], now=NOW)
    pid = pid_of(lib, "Other Stuff")
    opened = form_of(lib.get(pid))
    with pytest.raises(EditError, match="taken by the deleted paper"):
        editform.save(lib, pid, opened, edit(opened, key="Smith2020deep"))


def test_nothing_changed_writes_nothing(lib: Store) -> None:
    pid = pid_of(lib, "Deep Bayesian Things")
    journal = lib.journal_path.read_bytes()
    opened = form_of(lib.get(pid))
    assert not editform.save(lib, pid, opened, edit(opened, title=" Deep  Bayesian Things"))
    assert lib.journal_path.read_bytes() == journal


def test_saving_a_paper_another_process_deleted_says_where_it_went(lib: Store) -> None:
    pid = pid_of(lib, "Deep Bayesian Things")
    opened = form_of(lib.get(pid))
    with Store(lib.path) as other:  # another process, while the form is open
        actions.remove(other, [pid], now=NOW)
    files = {p: p.read_bytes() for p in lib.path.parent.iterdir() if p.is_file()}
    with pytest.raises(NotFoundError) as info:
        editform.save(lib, pid, opened, edit(opened, title="Mine"))
    assert str(info.value) == (
        f"not saved: {pid} was deleted while you edited it; "
        f"readlist restore {pid} brings it back from the trash"
    )
    assert {p: p.read_bytes() for p in lib.path.parent.iterdir() if p.is_file()} == files


def test_saving_a_paper_gone_without_a_trace_says_it_was_removed(lib: Store) -> None:
    pid = pid_of(lib, "Other Stuff")
    opened = form_of(lib.get(pid))
    with Store(lib.path) as other:  # no trash record: a store-level removal
        other.remove([pid])
    with pytest.raises(NotFoundError) as info:
        editform.save(lib, pid, opened, edit(opened, title="Mine"))
    assert str(info.value) == f"not saved: {pid} was removed from the library while you edited it"
    assert pid not in lib
