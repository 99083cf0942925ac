"""BibTeX import: each tool's real shapes, keys, merging, reports, round trips, compiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from readlist import actions
from readlist.bibtex import STYLES, Options, render
from readlist.bibtex_in import looks_like_bibtex, parse_bibtex
from readlist.cli import main
from readlist.errors import InputError
from readlist.exporting import export_papers
from readlist.importing import import_listings, import_texts
from readlist.inputs import read_inputs
from readlist.listingtext import clean
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import AS_OF, NOW, SEEDS
from tests.core.bibcheck import assert_clean, compile_bib, faithful_chars

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bib"
NAMES = sorted(p.name for p in FIXTURES.glob("*.bib"))


def load(store: Store, *names: str) -> list[str]:
    """Import fixtures; return the report lines (summary, skipped, warnings)."""
    reports = import_texts(store, read_inputs([str(FIXTURES / n) for n in names]), AS_OF, now=NOW)
    lines = []
    for r in reports:
        lines += [r.summary(), *r.skipped, *r.warnings]
    return lines


def by_key(store: Store) -> dict[str, Paper]:
    return {p.bibkey or "": p for p in store.papers()}


def test_zotero_better_bibtex(store: Store) -> None:
    assert load(store, "zotero_bbt.bib") == ["zotero_bbt.bib: 3 added"]
    papers = by_key(store)
    attention = papers["vaswaniAttentionAllYou2017"]
    assert attention.entry_type == "article"
    assert attention.arxiv_id == "1706.03762"
    assert attention.doi == "10.48550/arXiv.1706.03762"
    assert attention.authors[6] == "Łukasz Kaiser"
    assert len(attention.authors) == 8
    assert attention.date == "2017-06-01"
    assert attention.bibfields["journal"] == "Advances in Neural Information Processing Systems"
    assert "file" not in attention.bibfields
    assert attention.bibfields["urldate"] == "2024-05-02"
    assert attention.tags == [
        "Computer-Science-Computation-and-Language",
        "Computer-Science-Machine-Learning",
    ]
    ddpm = papers["hoDenoisingDiffusionProbabilistic2020"]
    assert ddpm.title == "Denoising Diffusion Probabilistic Models"
    assert ddpm.entry_type == "inproceedings"
    assert ddpm.notes == "Key paper for the thesis, chapter 2."
    assert ddpm.bibfields["pages"] == "6840\u20136851"
    ldm = papers["rombachHighResolutionImageSynthesis2022"]
    assert ldm.entry_type is None  # @misc: a preprint
    assert (ldm.arxiv_id, ldm.primary_category) == ("2112.10752", "cs.CV")
    assert ldm.authors[-1] == "Björn Ommer"
    assert ldm.tags == ["diffusion", "generative-models"]


def test_jabref(store: Store) -> None:
    load(store, "jabref.bib")
    papers = by_key(store)
    assert set(papers) == {"Jumper2021", "He2016", "Goodfellow2016"}
    assert papers["Jumper2021"].authors[-1] == "others"
    assert papers["Jumper2021"].bibfields["groups"] == "Biology, Reading"
    assert papers["He2016"].tags == ["vision", "classic"]
    assert papers["He2016"].bibfields["booktitle"].endswith("Pattern Recognition (CVPR)")
    book = papers["Goodfellow2016"]
    assert book.entry_type == "book"
    assert book.links == ["http://www.deeplearningbook.org"]
    assert book.bibfields["publisher"] == "MIT Press"


def test_arxiv_own_entries(store: Store) -> None:
    load(store, "arxiv.bib")
    ids = {p.arxiv_id: p for p in store.papers()}
    assert set(ids) == {"2010.11929", "1807.03748", "hep-th/9711200"}
    assert ids["1807.03748"].arxiv_version == 2
    assert ids["1807.03748"].authors[0] == "Aaron van den Oord"
    assert ids["2010.11929"].primary_category == "cs.CV"
    assert ids["hep-th/9711200"].page_url() == "https://arxiv.org/abs/hep-th/9711200"


def test_google_scholar(store: Store) -> None:
    load(store, "scholar.bib")
    papers = by_key(store)
    adam = papers["kingma2014adam"]
    assert adam.arxiv_id == "1412.6980"
    assert adam.entry_type is None  # "arXiv preprint" is not a journal
    assert "journal" not in adam.bibfields
    assert adam.authors == ["Diederik P Kingma", "Jimmy Ba"]
    gpt2 = papers["radford2019language"]
    assert gpt2.arxiv_id is None
    assert gpt2.bibfields["journal"] == "OpenAI blog"


SCHOLAR_OLD_STYLE = """@article{witten1999old,
  title={An old-style arXiv preprint},
  author={Witten, Edward},
  journal={arXiv preprint hep-th/9901001},
  year={1999}
}
@article{lee2020notanid,
  title={A journal that only looks like a preprint},
  author={Lee, Ann},
  journal={arXiv preprint of the workshop},
  year={2020}
}
"""


def test_google_scholar_old_style_ids(store: Store) -> None:
    import_texts(store, [("scholar.bib", SCHOLAR_OLD_STYLE)], AS_OF, now=NOW)
    papers = by_key(store)
    old = papers["witten1999old"]  # an old-style id has no "arXiv:" in Scholar's journal
    assert (old.arxiv_id, old.entry_type) == ("hep-th/9901001", None)
    assert "journal" not in old.bibfields
    other = papers["lee2020notanid"]  # no id in it: a journal like any other
    assert (other.arxiv_id, other.entry_type) == (None, "article")
    assert other.bibfields["journal"] == "arXiv preprint of the workshop"


def test_dblp(store: Store) -> None:
    load(store, "dblp.bib")
    papers = by_key(store)
    bert = papers["DBLP:journals/corr/abs-1810-04805"]
    assert bert.arxiv_id == "1810.04805"  # from volume = {abs/...} alone
    assert bert.authors[1] == "Ming-Wei Chang"
    assert bert.title.startswith("BERT: Pre-training")
    ddpm = papers["DBLP:journals/corr/abs-2006-11239"]
    assert ddpm.arxiv_id == "2006.11239"
    assert ddpm.bibfields["biburl"] == "https://dblp.org/rec/journals/corr/abs-2006-11239.bib"
    nips = papers["DBLP:conf/nips/VaswaniSPUJGKP17"]
    assert "Ulrike von Luxburg" in nips.bibfields["editor"]


def test_arxiv_id_from_a_url_and_other_eprints_kept() -> None:
    bib = (
        "@misc{a, title = {Only a URL}, url = {https://arxiv.org/pdf/2501.01234v3.pdf}}\n"
        "@misc{b, title = {A Handle}, eprint = {hdl:10.1/2}, eprinttype = {hdl}}\n"
        "@misc{c, title = {Wrong Id}, eprint = {9999.99999}, archivePrefix = {arXiv},"
        " url = {https://arxiv.org/abs/2501.01234}}\n"
    )
    a, b, c = (r.paper for r in parse_bibtex(bib).records)
    assert (a.arxiv_id, a.arxiv_version) == ("2501.01234", 3)
    assert b.arxiv_id is None
    assert b.bibfields == {"eprint": "hdl:10.1/2", "archiveprefix": "hdl"}  # BibTeX's name
    assert "eprint = {hdl:10.1/2},\n  archivePrefix = {hdl}" in render([b.replace(bibkey="b")])
    biblatex = render([b.replace(bibkey="b")], Options(style="biblatex"))
    assert "eprint = {hdl:10.1/2},\n  eprinttype = {hdl}" in biblatex
    assert c.arxiv_id == "2501.01234"  # the id arXiv's rules accept, from the URL
    assert c.bibfields["eprint"] == "9999.99999"


def test_hand_written_file(store: Store) -> None:
    lines = load(store, "handwritten.bib")
    assert lines == [
        "handwritten.bib: 7 added, 1 skipped"
        " (line 43: @article{broken2020: not a complete BibTeX entry), 1 warning",
        "line 43: @article{broken2020: not a complete BibTeX entry",
        "line 78: key song2021score is taken by another paper; stored as song2021scorea",
    ]
    papers = by_key(store)
    assert papers["song2021score"].title.startswith("Score-Based")
    assert papers["song2021scorea"].title == "A Blog Post That Reused the Same Key"
    beat = papers["dhariwal2021beat"]
    assert beat.bibfields["booktitle"] == "Advances in Neural Information Processing Systems 34"
    assert beat.bibfields["month"] == "12"
    clip = papers["radford2021clip"]  # crossref: fields inherited as bibtex would
    assert clip.bibfields["booktitle"].startswith("Proceedings of the 38th International")
    assert clip.bibfields["series"] == "Proceedings of Machine Learning Research"
    assert clip.bibfields["year"] == "2021"
    assert "crossref" not in clip.bibfields
    assert papers["mueller2019"].title == "Über die Stabilität laminarer Strömungen"
    assert papers["mueller2019"].authors == ["Jörg Müller", "Hans-Peter Schön"]
    garcia = papers["garcia2021"]
    assert garcia.title == "Análisis espectral de señales en tiempo real"
    assert garcia.authors == ["García Márquez, José", "María de la Fuente", "{Grupo de Señales}"]
    assert garcia.notes == "In Spanish."
    assert "broken2020" not in papers
    assert "icml2021" not in papers  # the volume the crossref names is not a paper


def test_names_keep_their_parts_through_bibtexparser(store: Store) -> None:
    load(store, "handwritten.bib", "arxiv.bib")
    papers = [p for p in store.papers() if p.authors]
    bib = export_papers(store, papers)
    library = parse_string(bib, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    parts = {e.key: e.fields_dict["author"].value for e in library.entries}
    garcia = parts["garcia2021"]
    assert garcia[0].last == ["Garc{\\'{i}}a", "M{\\'a}rquez"]
    assert (garcia[1].von, garcia[1].last) == (["de", "la"], ["Fuente"])
    assert garcia[2].last == ["{Grupo de Se{\\~n}ales}"]
    oord = next(v for k, v in parts.items() if k.startswith("vandenoord"))
    assert (oord[0].first, oord[0].von, oord[0].last) == (["Aaron"], ["van", "den"], ["Oord"])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_round_trip_is_byte_identical(name: str, style: str, tmp_path: Path) -> None:
    options = Options(style=style)
    with Store(tmp_path / "one.json") as one:
        load(one, name)
        first = export_papers(one, one.papers(), options)
    with Store(tmp_path / "two.json") as two:
        import_texts(two, [("refs.bib", first)], AS_OF, now=NOW)
        second = export_papers(two, two.papers(), options)
    assert second == first


@pytest.mark.parametrize("style", ["plain", "plainnat", "biblatex"])
def test_every_fixture_compiles_after_a_round_trip(style: str, tmp_path: Path) -> None:
    """Each fixture goes through its own library; the exports (whose keys differ) are
    compiled as one document, so each style costs one compile."""
    options = Options(style="biblatex" if style == "biblatex" else "bibtex")
    parts, count = [], 0
    for name in NAMES:
        with Store(tmp_path / f"{name}.json") as store:
            load(store, name)
            exported = export_papers(store, store.papers(), options)
        with Store(tmp_path / f"{name}.again.json") as again:
            import_texts(again, [(name, exported)], AS_OF, now=NOW)
            parts.append(export_papers(again, again.papers(), options))
            count += len(again)
    log, pdf = compile_bib("\n".join(parts), tmp_path, style)
    assert_clean(log, style)
    assert pdf.read_bytes().startswith(b"%PDF")
    bbl = (tmp_path / "doc.bbl").read_text()
    assert bbl.count("\\entry{" if style == "biblatex" else "\\bibitem") == count == 29


def test_merge_fills_a_listing_paper_and_keeps_user_state(seeded: Store) -> None:
    listed = next(p for p in seeded.papers() if p.authors_count and p.authors_count > 2)
    actions.set_read(seeded, [listed.id], True, now=NOW)
    actions.set_note(seeded, [listed.id], "mine")
    actions.change_tags(seeded, [listed.id], add=["keep"])
    bib = (
        f"@inproceedings{{cited2025,\n  title = {{{listed.title}}},\n"
        "  author = {Ann Lee and Bo Chen and Cy Dahl},\n  booktitle = {ICLR},\n"
        "  year = {2025},\n  keywords = {new},\n  annote = {theirs},\n"
        "  doi = {10.1000/xyz}\n}\n"
    )
    lines = []
    for r in import_texts(seeded, [("refs.bib", bib)], AS_OF, now=NOW):
        lines += [r.summary(), *r.warnings]
    assert lines == [
        "refs.bib: 1 merged (filled in authors, bibfields, bibkey, doi, entry_type, tags)"
    ]
    paper = seeded.get(listed.id)
    assert paper.authors == ["Ann Lee", "Bo Chen", "Cy Dahl"]  # the names replace "N authors"
    assert paper.bibkey == "cited2025"
    assert (paper.entry_type, paper.bibfields["booktitle"]) == ("inproceedings", "ICLR")
    assert paper.read
    assert paper.notes == "mine"
    assert paper.tags == ["keep", "new"]
    assert paper.doi == "10.1000/xyz"
    assert paper.upvotes == listed.upvotes
    assert paper.sources[:-1] == listed.sources
    # A second record with the same DOI merges by DOI, even under another title;
    # the paper keeps its key, and the report says the other key was not kept.
    again = "@misc{other,\n  title = {Renamed Completely},\n  doi = {10.1000/XYZ}\n}\n"
    report = import_texts(seeded, [("again.bib", again)], AS_OF, now=NOW)[0]
    assert (report.added, report.merged + report.known) == (0, 1)
    assert report.warnings == ["line 1: key other kept as an alias of cited2025"]
    assert seeded.get(listed.id).bibkey_aliases == ["other"]


LDM_DBLP = """@article{DBLP:journals/corr/abs-2112-10752,
  author    = {Robin Rombach and Andreas Blattmann and Bj{\\"{o}}rn Ommer},
  title     = {High-Resolution Image Synthesis with Latent Diffusion Models},
  journal   = {CoRR},
  volume    = {abs/2112.10752},
  year      = {2021},
  eprinttype = {arXiv},
  eprint    = {2112.10752}
}
"""
LDM_ZOTERO = """@inproceedings{rombach2022high,
  title = {High-Resolution Image Synthesis With Latent Diffusion Models},
  booktitle = {Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition},
  author = {Rombach, Robin and Blattmann, Andreas and Ommer, Bj{\\"o}rn},
  year = {2022},
  pages = {10684--10695}
}
"""


def test_a_duplicate_entry_keeps_its_key_as_an_alias(store: Store) -> None:
    """A DBLP copy and a Zotero copy of one paper: one paper, the first key its key,
    the second an alias (documents citing either still compile), said in the report."""
    (report,) = import_texts(store, [("refs.bib", LDM_DBLP + LDM_ZOTERO)], AS_OF, now=NOW)
    (paper,) = store.papers()
    assert paper.bibkey == "DBLP:journals/corr/abs-2112-10752"
    assert paper.bibkey_aliases == ["rombach2022high"]
    assert paper.to_json()["bibkey_aliases"] == ["rombach2022high"]
    assert report.warnings == [
        "line 10: key rombach2022high kept as an alias of DBLP:journals/corr/abs-2112-10752"
    ]
    # Importing the same file again changes nothing and reports nothing.
    (again,) = import_texts(store, [("refs.bib", LDM_DBLP + LDM_ZOTERO)], AS_OF, now=NOW)
    assert again.warnings == []
    assert store.get(paper.id).bibkey_aliases == ["rombach2022high"]
    # Plain export writes the paper once, under its stored key.
    assert list(parse_string(export_papers(store, store.papers())).entries_dict) == [
        "DBLP:journals/corr/abs-2112-10752"
    ]


def test_an_alias_is_taken_like_a_key(store: Store) -> None:
    """Neither an imported key nor a newly made key may equal another paper's alias."""
    store.put([Paper(id="p1", title="Older", bibkey="older2020", bibkey_aliases=["lee2024x"])])
    bib = "@misc{lee2024x,\n  title = {Newer}\n}\n"
    (report,) = import_texts(store, [("refs.bib", bib)], AS_OF, now=NOW)
    assert report.warnings == [
        "line 1: key lee2024x is taken by another paper; stored as lee2024xa"
    ]
    # A merged duplicate cannot take another paper's alias either.
    dup = "@misc{lee2024x,\n  title = {Newer}\n}\n"
    (report,) = import_texts(store, [("dup.bib", dup)], AS_OF, now=NOW)
    assert report.warnings == [
        "line 1: key lee2024x not kept (another paper holds it): the paper is cited as lee2024xa"
    ]
    # A key made on export skips the alias a made-up key would collide with.
    store.put([Paper(id="p2", title="Other", bibkey="other2019", bibkey_aliases=["keyless"])])
    store.put([Paper(id="p3", title="Keyless")])
    export_papers(store, [store.get("p3")])
    assert store.get("p3").bibkey == "keylessa"


def test_merge_by_arxiv_id(store: Store) -> None:
    store.put([Paper(id="p1", title="Something Else Entirely", arxiv_id="2010.11929")])
    load(store, "arxiv.bib")
    assert len(store) == 3
    paper = store.get("p1")
    assert paper.title == "Something Else Entirely"
    assert paper.authors[0] == "Alexey Dosovitskiy"
    assert paper.primary_category == "cs.CV"
    assert paper.bibkey == "dosovitskiy2021imageworth16x16words"


def test_key_held_by_another_paper_gets_a_suffix(store: Store) -> None:
    store.put([Paper(id="p1", title="Older Paper", bibkey="Jumper2021")])
    lines = load(store, "jabref.bib")
    assert "line 3: key Jumper2021 is taken by another paper; stored as Jumper2021a" in lines
    assert store.get("p1").bibkey == "Jumper2021"
    assert by_key(store)["Jumper2021a"].bibfields["journal"] == "Nature"


def test_unusable_key_is_replaced_and_reported(store: Store) -> None:
    bib = "@misc{bad key\\x,\n  title = {Odd Key}\n}\n@misc{ok, title = {Fine}}\n"
    lines = []
    for r in import_texts(store, [("odd.bib", bib)], AS_OF, now=NOW):
        lines += [r.summary(), *r.skipped, *r.warnings]
    assert any("has characters BibTeX cannot use" in line for line in lines), lines
    export_papers(store, store.papers())
    assert sorted(p.bibkey or "" for p in store.papers()) == ["odd", "ok"]


def test_nothing_parsed_aborts_with_one_line(store: Store) -> None:
    with pytest.raises(InputError, match=r"^broken\.bib: no BibTeX entries could be read$"):
        import_texts(store, [("broken.bib", "@article{x, title = {never closed\n")], AS_OF, now=NOW)
    assert len(store) == 0


def test_detection_by_content() -> None:
    assert looks_like_bibtex("% refs\n\n@Article{Key2020,\n  title = {T},\n}\n")
    assert looks_like_bibtex("@string{x = {y}}\n")
    assert looks_like_bibtex("@\narticle\n{x,\n  title = {T}\n}\n")  # as BibTeX reads it
    assert not any(looks_like_bibtex(p.read_text(errors="replace")) for p in SEEDS.glob("*"))
    assert not looks_like_bibtex("Daily Papers\n\nEmail me @ home{x}, please\n")


def test_hostile_text_is_decoded_to_plain_text_and_stays_harmless(tmp_path: Path) -> None:
    bib = (
        "@misc{x,\n  title = {Evil \\input{/etc/passwd} [bold]red[/bold] "
        "\\write18{rm -rf}\x1b[2J},\n"
        "  url = {javascript:alert(1)},\n  howpublished = {\\immediate\\write18{ls}}\n}\n"
    )
    parsed = parse_bibtex(bib)
    (paper,) = [r.paper for r in parsed.records]
    assert paper.links == []  # only http(s), by the link rules
    assert parsed.warnings == ["line 1: dropped link 'javascript:alert(1)': not an http(s) link"]
    assert "\x1b" not in paper.title
    out = render([paper.replace(bibkey="x")])
    assert "\\input{" not in out
    assert "\\write18" not in out
    assert "\\immediate" not in out
    log, _ = compile_bib(out, tmp_path)
    assert_clean(log, "plain")


def test_identifiers_cannot_carry_tex_into_the_output(tmp_path: Path) -> None:
    bib = (
        "@article{x,\n  title = {T},\n  author = {A. Person},\n  journal = {J},\n"
        "  year = {2020},\n  doi = {10.1/{\\input{/etc/passwd}} x},\n"
        "  eprint = {hdl\\relax},\n  eprinttype = {hdl},\n"
        "  url = {https://ex.org/a b{c}}\n}\n"
    )
    parsed = parse_bibtex(bib)
    (paper,) = [r.paper for r in parsed.records]
    assert parsed.warnings == [
        "line 1: dropped link 'https://ex.org/a b{c}': space or control character in the link"
    ]
    out = render([paper.replace(bibkey="x")], Options(style="biblatex"))
    assert "doi = {10.1/%7B%5Cinput%7B/etc/passwd%7D%7D%20x}" in out
    assert "eprint = {hdl%5Crelax}" in out
    assert "\\input" not in out
    assert "\\relax" not in out
    log, _ = compile_bib(out, tmp_path, "biblatex")
    assert_clean(log, "biblatex")


def test_cli_imports_bib_files_directories_and_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "lib.json")
    code = main(["--db", db, "import", str(FIXTURES / "handwritten.bib")])
    out, err = capsys.readouterr()
    assert code == 0, err
    broken = "line 43: @article{broken2020: not a complete BibTeX entry"
    assert f"handwritten.bib: 7 added, 1 skipped ({broken})" in out
    assert "  warning: line 78: key song2021score is taken by another paper" in out
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "a.bib").write_bytes((FIXTURES / "arxiv.bib").read_bytes())
    (folder / "notes.md").write_text("not imported")
    assert main(["--db", db, "import", str(folder)]) == 0
    assert "a.bib: 3 added" in capsys.readouterr().out
    stdin = (FIXTURES / "scholar.bib").read_bytes()
    monkeypatch.setattr("sys.stdin", _Stdin(stdin))
    assert main(["--db", db, "import", "-"]) == 0
    assert "<stdin>: 3 added" in capsys.readouterr().out
    bad = tmp_path / "bad.bib"
    bad.write_text("@article{x, title = {never closed\n")
    assert main(["--db", db, "import", str(bad)]) != 0
    out, err = capsys.readouterr()
    assert err.strip() == "readlist: error: bad.bib: no BibTeX entries could be read"
    assert "Traceback" not in out + err


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


def test_import_listings_reports_progress_and_undo_data(store: Store) -> None:
    outcome = import_listings(store, read_inputs([str(FIXTURES / "dblp.bib")]), AS_OF, now=NOW)
    assert len(outcome.created) == 3
    assert {p.id for p in outcome.after} == set(outcome.created)


def _normal(text: str) -> str:
    """Text as the library holds it (listings and records are cleaned on the way in)."""
    return " ".join(clean(text).split())


_LINE = (
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("&%$#_{}~^\\<>|-`'?!\"  ")),
            st.characters(min_codepoint=0x20, max_codepoint=0x7E),
            # Characters the export writes as their own LaTeX; the others become
            # ASCII on purpose (tests/core/test_latex_letters.py).
            st.deferred(lambda: st.sampled_from(faithful_chars())),
        ),
        min_size=1,
        max_size=40,
    )
    .map(_normal)
    .filter(bool)
)
_WORD = st.builds(
    str.__add__,
    st.sampled_from(list("ABCDEHJKLMNOPRSTVWZÉÖÜŁŠÅ")),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéèñçøåłß'", min_size=1, max_size=8),
)
_NAME = st.one_of(
    st.builds(
        lambda first, von, last: " ".join([first, *von, last]),
        _WORD,
        st.lists(st.sampled_from(["van", "der", "de", "la", "von", "di"]), max_size=2),
        _WORD,
    ),
    st.builds(lambda a, b, first: f"{a} {b}, {first}", _WORD, _WORD, _WORD),
    st.builds(lambda a, b: "{" + f"{a} {b}" + "}", _WORD, _WORD),
)
_TAG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_#.ü", min_size=1, max_size=10)
_VENUE = st.fixed_dictionaries(
    {},
    optional={
        "journal": _LINE,
        "booktitle": _LINE,
        "publisher": _LINE,
        "volume": st.from_regex(r"[1-9][0-9]{0,2}", fullmatch=True),
        "pages": st.from_regex(r"[1-9][0-9]{0,3}(\u2013[1-9][0-9]{0,3})?", fullmatch=True),
        "howpublished": _LINE,
    },
)


# Titles made of words where protected spans and inner-capital words meet and overlap.
_CLASHING = st.lists(
    st.sampled_from(
        [
            "GPT",
            "GPT-4",
            "(GPT)",
            "x-GPT",
            "A",
            "a",
            "Bayes",
            "Bayesian",
            "0A_",
            "@x",
            "&Co",
            "Über",
            "é-B",
            "BERT:",
            "--",
            "{B}",
            "a_b",
            "Co.",
            "\\LaTeX",
            "~",
            "2023",
        ]
    ),
    min_size=1,
    max_size=8,
).map(" ".join)


def _spans(title: str, picks: list[tuple[int, int]]) -> list[str]:
    """Runs of the title's words (as a .bib would brace them), and a stray one."""
    words = title.split()
    return [" ".join(words[i : i + n]) for i, n in picks if i < len(words)] + (
        ["Absent"] if len(picks) == 3 else []
    )


_PAPER = st.builds(
    lambda title, protect, abstract, authors, tags, notes, arxiv, doi, when, kind, venue, ref: (
        Paper(
            id="",
            title=title,
            title_protect=_spans(title, protect),
            abstract=abstract,
            authors=authors,
            tags=list(dict.fromkeys(tags)),
            notes="\n".join(notes),
            arxiv_id=arxiv,
            primary_category="cs.LG" if arxiv else None,
            doi=doi,
            published=when,
            journal_ref=ref if arxiv else None,
            entry_type=kind,
            bibfields=venue,
        )
    ),
    title=st.one_of(_LINE, _CLASHING),
    protect=st.lists(st.tuples(st.integers(0, 6), st.integers(1, 3)), max_size=3),
    abstract=st.one_of(st.just(""), _LINE),
    authors=st.lists(_NAME, max_size=4),
    tags=st.lists(_TAG, max_size=3),
    notes=st.lists(_LINE, max_size=2),
    arxiv=st.one_of(st.none(), st.from_regex(r"2[0-9]0[1-9]\.[0-9]{5}", fullmatch=True)),
    doi=st.one_of(st.none(), st.from_regex(r"10\.[0-9]{4}/[a-z0-9._\-]{1,12}", fullmatch=True)),
    when=st.one_of(st.none(), st.dates().map(lambda d: d.isoformat() if d.year > 999 else None)),
    kind=st.sampled_from([None, "article", "inproceedings", "book", "techreport"]),
    venue=_VENUE,
    ref=st.one_of(st.none(), _LINE),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers=st.lists(_PAPER, min_size=1, max_size=3), style=st.sampled_from(STYLES))
@example(papers=[Paper(id="", title="x", authors=["Ann van der Berg"])], style="bibtex")
@example(papers=[Paper(id="", title="x", notes="cc\n@(alice) and\n@ü")], style="bibtex")
@example(papers=[Paper(id="", title="@x")], style="bibtex")  # {@}x: not a word span
def test_export_import_export_is_byte_identical(papers: list[Paper], style: str) -> None:
    options = Options(style=style, unicode=False)
    first = render([p.replace(bibkey=f"k{i}") for i, p in enumerate(papers)], options)
    back = parse_bibtex(first)
    assert back.failed == []
    second = render([r.paper.replace(bibkey=r.key) for r in back.records], options)
    assert second == first


MACROS = """@string{first = "Deep "}
@string{second = "Learning"}
@string{both = first # second}
@string{lang = {C# for all}}
@article{c1, title = both # " for Everyone", author = {A, B}, year = 2020}
@article{c2, title = lang, author = {A, B}, year = 2021}
@article{percent, title = {100% Done, 5\\% More}, author = {E. Five}, year = 2018,
  url = {https://example.org/a%20b}}
"""


def test_macros_built_from_macros_and_a_percent_in_a_field(store: Store) -> None:
    """@string values are evaluated in order, as BibTeX does; a braced value with a #
    is text; and BibTeX has no comments inside a field, so % is kept, not a cut."""
    import_texts(store, [("m.bib", MACROS)], AS_OF, now=NOW)
    papers = by_key(store)
    assert papers["c1"].title == "Deep Learning for Everyone"
    assert papers["c2"].title == "C# for all"
    assert papers["percent"].title == "100% Done, 5% More"
    assert papers["percent"].links == ["https://example.org/a%20b"]
    bib = export_papers(store, [papers["percent"]], Options())
    assert "100\\% Done, 5\\% More" in bib


def test_a_chain_of_doubling_macros_stops_with_a_warning(store: Store) -> None:
    chain = ['@string{s0 = "ab"}'] + [
        f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, 41)
    ]
    text = "\n".join([*chain, "@article{ok, title = {Fine}, author = {A, B}, year = 2020}"])
    (report,) = import_texts(store, [("bomb.bib", text)], AS_OF, now=NOW)
    assert any("@string s16 expands past 100,000 characters" in w for w in report.warnings)
    assert [p.title for p in store.papers()] == ["Fine"]
