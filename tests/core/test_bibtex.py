from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import actions
from readlist.bibtex import Options, render
from readlist.citekeys import base_key
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.model import Paper
from readlist.store import Store
from readlist.texencode import Encoder
from tests.conftest import AS_OF, NOW
from tests.core.bibcheck import assert_clean, compile_bib, faithful_chars, parse, plain


def keyed(paper: Paper, key: str = "k") -> Paper:
    return paper.replace(bibkey=key)


def test_seed_round_trip(seeded: Store) -> None:
    papers = seeded.papers()
    actions.set_note(seeded, [papers[0].id], 'Compare with 50% of {BERT} & "GPT-4" ~ $x^2$ \\o/')
    actions.change_tags(seeded, [papers[0].id, papers[1].id], add=["to_read", "c#"])
    papers = seeded.papers()
    entries = parse(export_papers(seeded, papers))
    assert len(entries) == 254
    for paper in seeded.papers():
        fields = entries[paper.bibkey or ""]
        assert plain(fields["title"]) == plain(paper.title)
        assert plain(fields["abstract"]) == plain(paper.abstract)
        assert plain(fields.get("annote", "")) == plain(paper.notes)
        assert fields.get("keywords", "") == ", ".join(paper.tags)


RESOLVED = [
    Paper(
        id="r1",
        title="StreamDiffusionV2: A Streaming System for Dynamic and Interactive Video Generation",
        authors=["Tianrui Feng", "Jörg Müller", "Jan van der Berg", "María de la Fuente"],
        date="2025-11-10",
        published="2025-11-07",
        arxiv_id="2511.07399",
        arxiv_version=2,
        primary_category="cs.CV",
        doi="10.1145/3000000.3000001",
        journal_ref="Proc. SIGGRAPH 2026, pp. 1-12",
        links=["https://github.com/chenfengxu714/StreamDiffusionV2"],
        github="https://github.com/chenfengxu714/StreamDiffusionV2",
    ),
    Paper(
        id="r2",
        title="Łukasz's Ølympic Ærodynamics ― Part II",
        authors=["Łukasz Kaiser", "Zoë Ødegård", "Ludwig van Beethoven", "{OpenAI Team}"],
        published="2024-02-29",
        arxiv_id="hep-th/9901001",
        primary_category="hep-th",
    ),
]


@pytest.mark.parametrize("style", ["plain", "plainnat", "biblatex"])
def test_seed_export_compiles_without_errors_or_warnings(
    seeded: Store, tmp_path: Path, style: str
) -> None:
    """The seeds and resolved-looking papers, with each of the three ways to cite."""
    seeded.put(RESOLVED)
    options = Options(style="biblatex" if style == "biblatex" else "bibtex")
    blg, pdf = compile_bib(export_papers(seeded, seeded.papers(), options), tmp_path, style)
    assert_clean(blg, style)
    assert pdf.exists()
    assert pdf.read_bytes().startswith(b"%PDF")
    bbl = (tmp_path / "doc.bbl").read_text()
    assert bbl.count("\\entry{" if style == "biblatex" else "\\bibitem") == 256


def test_resolved_paper_entry(store: Store) -> None:
    store.put(RESOLVED)
    bib = export_papers(store, [store.get("r1")])
    assert bib == (
        "@misc{feng2025streamdiffusionv2,\n"
        "  title = {{StreamDiffusionV2}: A Streaming System for Dynamic and Interactive Video"
        " Generation},\n"
        '  author = {Tianrui Feng and J{\\"o}rg M{\\"u}ller and Jan van der Berg'
        " and Mar{\\'{i}}a de la Fuente},\n"
        "  year = 2025,\n"
        "  month = nov,\n"
        "  doi = {10.1145/3000000.3000001},\n"
        "  eprint = {2511.07399},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CV},\n"
        "  url = {https://arxiv.org/abs/2511.07399},\n"
        "  note = {Proc. SIGGRAPH 2026, pp. 1-12}\n"
        "}\n"
    )
    biblatex = export_papers(store, [store.get("r1")], Options(style="biblatex", unicode=True))
    assert "@online{feng2025streamdiffusionv2," in biblatex
    assert "author = {Tianrui Feng and Jörg Müller and Jan van der Berg and María de la" in biblatex
    assert "date = {2025-11-07}" in biblatex
    assert "eprinttype = {arXiv}" in biblatex
    assert "eprintclass = {cs.CV}" in biblatex
    assert "year" not in biblatex
    assert "github" not in biblatex
    # Names survive bibtexparser's own name splitting, particles included.
    library = parse_string(bib, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    names = library.entries[0].fields_dict["author"].value
    assert (names[2].first, names[2].von, names[2].last) == (["Jan"], ["van", "der"], ["Berg"])
    assert (names[3].von, names[3].last) == (["de", "la"], ["Fuente"])


def test_key_uses_the_v1_year_and_an_ascii_surname() -> None:
    paper = Paper(
        id="x",
        title="Stream It",
        authors=["Jörg Müller"],
        date="2026-01-05",
        published="2025-12-30",
    )
    assert base_key(paper) == "muller2025stream"


def test_stored_type_and_venue_are_written() -> None:
    paper = Paper(
        id="x",
        title="Deep Residual Learning",
        authors=["Kaiming He"],
        entry_type="inproceedings",
        bibfields={"booktitle": "CVPR", "pages": "770\u2013778", "year": "2016", "pages_x": "1"},
        bibkey="he2016",
    )
    bib = render([paper])
    assert bib.startswith("@inproceedings{he2016,")
    assert "booktitle = {CVPR},\n  pages = {770--778},\n  year = 2016," in bib
    assert render([paper.replace(entry_type="software")]).startswith("@misc{he2016,")
    assert render([paper.replace(entry_type="software")], Options(style="biblatex")).startswith(
        "@software{he2016,"
    )


_SPECIALS = st.sampled_from(list("&%$#_{}~^\\<>|-`'?!\"  "))
_TEXT = st.text(
    alphabet=st.one_of(
        _SPECIALS,
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() != "")
# Text the default export writes as LaTeX of the same characters (see faithful_chars).
_FAITHFUL = st.text(
    alphabet=st.one_of(
        _SPECIALS,
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.deferred(lambda: st.sampled_from(faithful_chars())),
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, abstract=_TEXT, note=_TEXT)
def test_round_trip_property(title: str, abstract: str, note: str) -> None:
    """--unicode keeps any text; without it the file is ASCII whatever the text."""
    paper = Paper(id="x", title=title, abstract=abstract, notes=note, bibkey="k")
    fields = parse(render([paper], Options(unicode=True)))["k"]
    assert plain(fields["title"]) == plain(title)
    assert plain(fields["abstract"]) == plain(abstract)
    assert plain(fields["annote"]) == plain(note.strip())
    assert render([paper]).isascii()
    assert render([paper], Options(style="biblatex")).isascii()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_FAITHFUL, abstract=_FAITHFUL, note=_FAITHFUL)
def test_latex_round_trip_property(title: str, abstract: str, note: str) -> None:
    paper = Paper(id="x", title=title, abstract=abstract, notes=note, bibkey="k")
    fields = parse(render([paper]))["k"]
    assert plain(fields["title"]) == plain(title)
    assert plain(fields["abstract"]) == plain(abstract)
    assert plain(fields["annote"]) == plain(note.strip())


def test_escaping_and_latex_encoding() -> None:
    enc = Encoder()
    assert enc.text("a & b % c $ d # e _ f") == r"a \& b \% c \$ d \# e \_ f"
    assert enc.text("{x}") == r"\{x\}"
    assert enc.text("a}b{") == r"a\textbraceright{}b\textbraceleft{}"
    assert enc.text("~^\\") == r"\textasciitilde{}{\string^}\textbackslash{}"
    assert enc.text("1--4") == "1-{}-4"
    assert "\\ensuremath{\\Omega}" in enc.text("Ω")
    assert enc.text("ü") == '{\\"u}'
    assert Encoder(unicode=True).text("Ωü & x") == r"Ωü \& x"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "BERT: Pre-training of Deep Bidirectional Transformers",
            "{BERT}: Pre-training of Deep Bidirectional Transformers",
        ),
        ("StreamDiffusionV2: A Streaming System", "{StreamDiffusionV2}: A Streaming System"),
        ("Scaling GPT-4 to 3D Worlds (LLMs)", "Scaling {GPT-4} to {3D} Worlds ({LLMs})"),
        ("A Study of Multi-Group Actor Critic", "A Study of Multi-Group Actor Critic"),
        ("Part II of the Saga", "Part {II} of the Saga"),
    ],
)
def test_title_protects_whole_words(title: str, expected: str) -> None:
    assert Encoder().title(title) == expected


@pytest.mark.parametrize(
    ("paper", "key"),
    [
        (
            Paper(id="a", title="StreamDiffusionV2: A Streaming System", date="2025-11-10"),
            "streamdiffusionv22025",
        ),
        (
            Paper(id="a", title="The Über Model", date="2024-01-02", authors=["Jörg Müller"]),
            "muller2024uber",
        ),
        (Paper(id="a", title="A Survey", authors=["Lee, Ann"]), "leesurvey"),
        (Paper(id="a", title="中文标题"), "paper"),
        # Letters with no accent to drop are transliterated, never lost.
        (Paper(id="a", title="Øresund", date="2020", authors=["Hans Ørsted"]), "orsted2020oresund"),
        (Paper(id="a", title="Đổi mới", date="2021", authors=["Đặng, Văn"]), "dang2021doi"),
        (Paper(id="a", title="Æsthetics", date="2019", authors=["Łoś, J."]), "los2019aesthetics"),
        (Paper(id="a", title="Łukasz's Lemma", date="2018"), "lukaszs2018"),
        (Paper(id="a", title="Straße", authors=["Ivan Petrović"]), "petrovicstrasse"),
    ],
)
def test_base_key(paper: Paper, key: str) -> None:
    assert base_key(paper) == key
    assert re.fullmatch(r"[a-z0-9]+", key)


def test_fields_of_an_entry(store: Store) -> None:
    paper = Paper(
        id="p1",
        title="Attention Is All You Need",
        abstract="We propose the Transformer.",
        authors=["Ashish Vaswani", "Noam Shazeer"],
        date="2017-06-12",
        arxiv_id="1706.03762",
        tags=["nlp", "classic"],
        notes="Read twice.",
        links=["https://github.com/x/y"],
    )
    no_author = Paper(id="p2", title="Unknown Authors Paper", links=["https://ex.org/a_b%20c#frag"])
    store.put([paper, no_author])
    bib = export_papers(store, [paper, no_author])
    assert "@misc{vaswani2017attention," in bib
    assert "author = {Ashish Vaswani and Noam Shazeer}" in bib
    assert "year = 2017" in bib
    assert "month = jun" in bib
    assert "eprint = {1706.03762}" in bib
    assert "archivePrefix = {arXiv}" in bib
    assert "url = {https://arxiv.org/abs/1706.03762}" in bib
    assert "keywords = {nlp, classic}" in bib
    assert "annote = {Read twice.}" in bib
    # No author: a key field instead, "no date" rather than an invented year, url verbatim.
    entry = bib.split("@misc{unknown,")[1]
    assert "author" not in entry
    assert "key = {Unknown}" in entry
    assert "year = {n.d.}" in entry
    assert "url = {https://ex.org/a_b%20c#frag}" in entry

    biblatex = export_papers(store, [paper], Options(style="biblatex"))
    assert "@online{vaswani2017attention," in biblatex
    assert "eprinttype = {arXiv}" in biblatex
    assert "archivePrefix" not in biblatex
    assert "date = {2017-06}" in biblatex
    assert "month" not in biblatex


def test_keys_are_stable_and_unique(store: Store) -> None:
    first = [
        Paper(id=f"a{i}", title="Diffusion Models Beat GANs", date="2021-05-11") for i in range(3)
    ]
    store.put(first)
    bib1 = export_papers(store, store.papers())
    keys1 = {p.id: p.bibkey for p in store.papers()}
    assert sorted(k or "" for k in keys1.values()) == [
        "diffusion2021",
        "diffusion2021a",
        "diffusion2021b",
    ]
    # Later papers with clashing keys never take an earlier paper's key.
    store.put([Paper(id="b0", title="Diffusion Is All You Need", date="2021-01-01")])
    bib2 = export_papers(store, store.papers())
    keys2 = {p.id: p.bibkey for p in store.papers()}
    assert all(keys2[pid] == key for pid, key in keys1.items())
    assert len(set(keys2.values())) == 4
    assert keys2["b0"] == "diffusion2021c"
    # Re-exporting with nothing changed is byte-identical.
    assert export_papers(store, store.papers()) == bib2
    # The earlier entries are still there, unchanged, under their keys.
    assert bib2.startswith(bib1.rstrip("\n"))
    assert set(re.findall(r"@misc\{(\w+),", bib2)) == set(keys2.values())


def test_keys_survive_reopen_and_reimport(seeded: Store, tmp_path: Path) -> None:
    export_papers(seeded, seeded.papers())
    keys = {p.id: p.bibkey for p in seeded.papers()}
    import_texts(
        seeded,
        [("extra.txt", "StreamDiffusionV2: A Streaming System, again\n\nx\n")],
        AS_OF,
        fmt="listing",
        now=NOW,
    )
    with Store(seeded.path) as again:
        export_papers(again, again.papers())
        assert all(again.get(pid).bibkey == key for pid, key in keys.items())
        all_keys = [p.bibkey for p in again.papers()]
        assert len(set(all_keys)) == len(all_keys) == 255


def test_key_charset_is_safe_for_bibtex_and_biber(seeded: Store) -> None:
    export_papers(seeded, seeded.papers())
    allowed = set(string.ascii_lowercase + string.digits)
    assert all(set(p.bibkey or "!") <= allowed for p in seeded.papers())
