"""A title's brace-protected words survive import and export (issue 10 follow-up)."""

from __future__ import annotations

from pathlib import Path

from readlist.bibtex import Options, render
from readlist.bibtex_in import parse_bibtex
from readlist.dedup import merge
from readlist.exporting import export_papers
from readlist.importing import import_texts
from readlist.inputs import read_inputs
from readlist.model import Paper
from readlist.store import Store
from readlist.texencode import Encoder
from tests.conftest import AS_OF, NOW
from tests.core.bibcheck import assert_clean, compile_bib

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bib"
LDM = "rombachHighResolutionImageSynthesis2022"


def _one(title: str) -> Paper:
    records = parse_bibtex("@misc{k, title = {" + title + "}}").records
    assert len(records) == 1
    return records[0].paper


def test_better_bibtex_title_keeps_its_protected_words(store: Store, tmp_path: Path) -> None:
    import_texts(store, read_inputs([str(FIXTURES / "zotero_bbt.bib")]), AS_OF, now=NOW)
    ldm = next(p for p in store.papers() if p.bibkey == LDM)
    assert ldm.title == "High-Resolution Image Synthesis with Latent Diffusion Models"
    assert ldm.title_protect == ["Resolution Image Synthesis", "Latent Diffusion Models"]
    exported = export_papers(store, [ldm], Options())
    assert "title = {High-{Resolution Image Synthesis} with {Latent Diffusion Models}}," in exported
    # The same title without protection, so the test shows what plain does to it.
    bare = ldm.replace(title_protect=[], bibkey="bare")
    log, _pdf = compile_bib(exported + "\n" + render([bare]), tmp_path, "plain")
    assert_clean(log, "plain")
    bbl = " ".join((tmp_path / "doc.bbl").read_text().split())
    assert "High-{Resolution Image Synthesis} with {Latent Diffusion Models}" in bbl
    assert "High-resolution image synthesis with latent diffusion models" in bbl


def test_hand_written_braces_accents_and_commands() -> None:
    paper = _one(r"{A} Study of {Bayesian} Methods, {\"U}ber \emph{Foo} and {L}ambda")
    assert paper.title == "A Study of Bayesian Methods, Über Foo and Lambda"
    # {\"U} is an accent (BibTeX's special character) and \emph{} an argument: no
    # protection; {L}ambda is a word with its braces where they were.
    assert paper.title_protect == ["A", "Bayesian", "{L}ambda"]
    title = Encoder().title(paper.title, paper.title_protect)
    assert title == r"{A} Study of {Bayesian} Methods, {\"U}ber Foo and {L}ambda"


def test_braces_inside_a_word_survive_import_and_export(store: Store, tmp_path: Path) -> None:
    """`{Q}uoted`: the title reads as words, the span keeps where the braces were, and
    bibtex prints what it printed from the original file."""
    raw = r"{Q}uoted words and the {iPhone} and {Q}uoted, Mc{D}onald's {Deep L}earning"
    original = "@article{orig,\n  title = {" + raw + "},\n  author = {Ann Author},\n"
    original += "  journal = {J},\n  year = 2020\n}\n"
    import_texts(store, read_inputs([_file(tmp_path, original)]), AS_OF, now=NOW)
    paper = store.papers()[0]
    assert paper.title == "Quoted words and the iPhone and Quoted, McDonald's Deep Learning"
    assert paper.title_protect == ["{Q}uoted", "Mc{D}onald's", "{Deep L}earning"]
    exported = export_papers(store, [paper], Options())
    assert "title = {" + raw + "}," in exported
    assert _one(raw).title_protect == paper.title_protect  # re-import adds nothing
    log, _pdf = compile_bib(exported.replace("{orig,", "{again,") + original, tmp_path, "plain")
    assert_clean(log, "plain")
    bbl = " ".join((tmp_path / "doc.bbl").read_text().split())
    printed = r"{Q}uoted words and the {iPhone} and {Q}uoted, mc{D}onald's {Deep L}earning"
    assert bbl.count(printed) == 2  # the export and the original file, printed alike


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "in.bib"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_words_export_braces_anyway_are_not_recorded() -> None:
    paper = _one(r"{BERT} and {GPT-4} on {BERT:} Tasks")
    assert paper.title_protect == ["BERT:"]  # {BERT} and {GPT-4} come back by themselves


def test_each_occurrence_braced_once_as_whole_words() -> None:
    enc = Encoder()
    assert enc.title("Bayes and Bayesian Bayes", ["Bayes"]) == "{Bayes} and Bayesian {Bayes}"
    # A span holding an inner-capital word is braced once, as the span.
    assert enc.title("Fine-Tuning BERT Models Well", ["BERT Models"]) == (
        "Fine-Tuning {BERT Models} Well"
    )
    assert enc.title("A BERT Study", ["BERT"]) == "A {BERT} Study"
    # Overlapping spans: the leftmost wins, the other is not nested inside it.
    assert enc.title("Big Latent Diffusion", ["Big Latent", "Latent Diffusion"]) == (
        "{Big Latent} Diffusion"
    )
    # A span the title no longer holds is ignored; inner capitals are still braced.
    assert enc.title("Deep GANs", ["Bayesian"]) == "Deep {GANs}"
    # A word that needs braces wins over a shorter span inside it...
    assert enc.title("(GPT) GPT-4", ["GPT"]) == "({GPT}) {GPT-4}"
    # ...and a span that cuts such a word leaves the rest of it braced.
    assert enc.title("A x-GPT", ["A x"]) == "{A x}-{GPT}"


def test_span_whose_tex_starts_with_a_backslash_is_still_protected() -> None:
    enc = Encoder()
    exported = enc.title("Smith &Co Report", ["&Co"])
    assert exported == r"Smith {{\&Co}} Report"
    assert _one(exported).title_protect == ["&Co"]


def test_merge_fills_spans_only_for_the_same_title() -> None:
    listed = Paper(id="p", title="High-Resolution Image Synthesis")
    imported = listed.replace(title_protect=["Resolution Image Synthesis"])
    assert merge(listed, imported).title_protect == ["Resolution Image Synthesis"]
    other = imported.replace(title="High-resolution image synthesis")
    assert merge(listed, other).title_protect == []
    kept = merge(imported, listed.replace(title_protect=["Image"]))
    assert kept.title_protect == ["Resolution Image Synthesis"]


def test_tex_logos_are_kept_as_words(tmp_path: Path) -> None:
    knuth = next(
        r.paper
        for r in parse_bibtex((FIXTURES / "handwritten.bib").read_text()).records
        if r.key == "knuth1984texbook"
    )
    assert knuth.title == "The TeXbook"  # not "The book"
    assert (
        _one(r"Typesetting with \LaTeX{} and \BibTeX").title == "Typesetting with LaTeX and BibTeX"
    )
    assert Encoder().title(knuth.title) == "The {TeXbook}"
