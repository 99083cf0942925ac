from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import actions
from readlist.bibtex import Encoder, Options, base_key, render
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.model import Paper
from readlist.store import Store
from tests.conftest import AS_OF
from tests.core.bibcheck import compile_bib, parse, plain


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


def test_seed_export_compiles_without_errors_or_warnings(seeded: Store, tmp_path: Path) -> None:
    blg, pdf = compile_bib(export_papers(seeded, seeded.papers()), tmp_path)
    assert "error message" not in blg, blg
    assert "Warning--" not in blg, blg
    assert "warning" not in blg.lower().replace("warning$", ""), blg
    assert pdf.exists()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (tmp_path / "doc.bbl").read_text().count("\\bibitem") == 254


_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("&%$#_{}~^\\<>|-`'?!\"  ")),
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, abstract=_TEXT, note=_TEXT)
def test_round_trip_property(title: str, abstract: str, note: str) -> None:
    paper = Paper(id="x", title=title, abstract=abstract, notes=note, bibkey="k")
    for unicode in (False, True):
        fields = parse(render([paper], Options(unicode=unicode)))["k"]
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
    # No author: a key field instead, no year invented, url verbatim.
    entry = bib.split("@misc{unknown,")[1]
    assert "author" not in entry
    assert "key = {Unknown}" in entry
    assert "year" not in entry
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
