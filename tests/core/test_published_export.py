"""Exporting a preprint that has a published version: `--versions published|preprint|both`
and `[export] versions` (also per `[[export.auto]]`), through the exporter registry.
Every policy compiles with real bibtex (plain, plainnat) and biber with 0 warnings, and
no key changes when a venue is found."""

from __future__ import annotations

from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string

from readlist.bibtex import render
from readlist.cli import main
from readlist.exporters import Options
from readlist.store import Store
from tests.core.bibcheck import assert_clean, compile_bib, parse
from tests.core.published_world import POLICIES, export, looked_up, world
from tests.core.scholarfake import (
    BOOK,
    DISPUTED,
    GRAPHCAST,
    LORA,
    WORKSHOP,
    WORLD,
    Scholars,
    dblp_server,
    populate,
    scholars,
)

__all__ = ["dblp_server", "looked_up", "scholars", "world"]  # fixtures


@pytest.fixture
def lib(looked_up: Path) -> Path:
    """The fixture world, its venues looked up."""
    return looked_up


def types(text: str) -> dict[str, str]:
    """Each entry's type, by key."""
    return {e.key: e.entry_type for e in parse_string(text).entries}


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("style", ["plain", "plainnat", "biblatex"])
def test_every_policy_compiles_clean(lib: Path, tmp_path: Path, policy: str, style: str) -> None:
    fmt = "biblatex" if style == "biblatex" else "bibtex"
    text = export(lib, tmp_path / "refs.bib", "--format", fmt, "--versions", policy)
    work = tmp_path / "tex"
    work.mkdir()
    log, pdf = compile_bib(text, work, style)
    assert_clean(log, style)
    assert pdf.exists()
    bbl = (work / "doc.bbl").read_text()
    venue_shown = "International Conference on Learning Representations" in bbl
    assert venue_shown == (policy != "preprint")
    if style != "plain":  # plain prints no eprint
        assert ("2106.09685" in bbl) == (policy != "published")


def test_published_writes_the_venue_and_no_eprint(lib: Path, tmp_path: Path) -> None:
    text = export(lib, tmp_path / "a.bib", "--versions", "published")
    entries, kinds = parse(text), types(text)
    lora = entries[LORA.bibkey or ""]
    assert kinds[LORA.bibkey or ""] == "inproceedings"
    assert lora["booktitle"] == "International Conference on Learning Representations"
    assert lora["year"] == "2022"
    assert "eprint" not in lora
    assert "month" not in lora
    science = entries[GRAPHCAST.bibkey or ""]
    assert kinds[GRAPHCAST.bibkey or ""] == "article"
    assert (science["journal"], science["volume"], science["pages"]) == (
        "Science",
        "382",
        "1416\u20131421",
    )
    assert science["doi"] == "10.1126/science.adi2336"
    assert "note" not in science  # the journal reference is the venue now
    assert entries[WORKSHOP.bibkey or ""]["booktitle"] == "CVPR Workshops"
    # An unsure match is never exported as a venue: the preprint as it was.
    for decoy in (BOOK, DISPUTED):
        assert kinds[decoy.bibkey or ""] == "misc"
        assert entries[decoy.bibkey or ""]["eprint"] == decoy.arxiv_id


def test_both_adds_the_arxiv_eprint(lib: Path, tmp_path: Path) -> None:
    text = export(lib, tmp_path / "a.bib", "--versions", "both")
    lora = parse(text)[LORA.bibkey or ""]
    assert types(text)[LORA.bibkey or ""] == "inproceedings"
    assert lora["booktitle"] == "International Conference on Learning Representations"
    assert (lora["eprint"], lora["archivePrefix"]) == ("2106.09685", "arXiv")
    # The venue is cited; arXiv's journal reference is not repeated as a note.
    assert "note" not in parse(text)[GRAPHCAST.bibkey or ""]


def test_arxivs_own_doi_is_not_the_venues() -> None:
    venue = {"venue": "ICLR", "type": "inproceedings", "sources": ["dblp"], "year": 2022}
    paper = LORA.replace(doi="10.48550/arXiv.2106.09685", published_version=venue)
    for policy in ("published", "both"):
        entry = parse(render([paper], Options(versions=policy)))[LORA.bibkey or ""]
        assert "doi" not in entry, policy
    preprint = parse(render([paper], Options(versions="preprint")))[LORA.bibkey or ""]
    assert preprint["doi"] == "10.48550/arXiv.2106.09685"


def test_preprint_is_todays_output(lib: Path, tmp_path: Path, scholars: Scholars) -> None:
    plain = tmp_path / "plain.json"
    with Store(plain) as store:
        store.put(list(WORLD))  # the same papers, no venue looked up
    for fmt in ("bibtex", "biblatex"):
        before = export(plain, tmp_path / "before.bib", "--format", fmt)
        after = export(lib, tmp_path / "after.bib", "--format", fmt, "--versions", "preprint")
        assert after == before


def test_keys_are_byte_identical_across_published(
    scholars: Scholars, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate(scholars.s2, scholars.dblp)
    path = tmp_path / "library.json"
    with Store(path) as store:
        store.put([p.replace(bibkey=None) for p in WORLD])  # keys given by the first export
    first = {
        policy: list(parse(export(path, tmp_path / "k.bib", "--versions", policy)))
        for policy in POLICIES
    }
    assert main(["--db", str(path), "published"]) == 0
    for policy in POLICIES:
        assert list(parse(export(path, tmp_path / "k.bib", "--versions", policy))) == first[policy]
    assert first["published"] == first["preprint"] == first["both"]


def test_config_default_and_auto_exports_follow_versions(
    scholars: Scholars, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate(scholars.s2, scholars.dblp)
    auto = tmp_path / "auto.bib"
    scholars.configure()
    config = scholars.home / "config.toml"
    config.write_text(
        config.read_text()
        + '[export]\nversions = "published"\n'
        + f'[[export.auto]]\npath = "{auto}"\nversions = "both"\n'
    )
    path = tmp_path / "library.json"
    with Store(path) as store:
        store.put(list(WORLD))
    assert main(["--db", str(path), "tag", LORA.id, "+x"]) == 0  # an auto-export, pre-venue
    before = parse(auto.read_text())
    assert types(auto.read_text())[LORA.bibkey or ""] == "misc"
    assert main(["--db", str(path), "published"]) == 0
    after = parse(auto.read_text())
    assert list(after) == list(before)  # the keys of a user's paper never change
    assert types(auto.read_text())[LORA.bibkey or ""] == "inproceedings"
    assert after[LORA.bibkey or ""]["eprint"] == "2106.09685"  # this file's own: both
    # [export] versions is the default of `export`; --versions overrides it.
    entries = parse(export(path, tmp_path / "c.bib"))
    assert "eprint" not in entries[LORA.bibkey or ""]
    text = export(path, tmp_path / "c.bib", "--versions", "preprint")
    assert types(text)[LORA.bibkey or ""] == "misc"


def test_a_bad_versions_value_is_a_warning_or_a_usage_error(
    scholars: Scholars, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = scholars.home / "config.toml"
    config.write_text(config.read_text() + '[export]\nversions = "newest"\n')
    path = tmp_path / "library.json"
    with Store(path) as store:
        store.put([LORA])
    capsys.readouterr()
    assert main(["--db", str(path), "export", "-o", str(tmp_path / "x.bib")]) == 0
    assert "[export] versions must be published, preprint, both" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(path), "export", "--versions", "newest"])
    assert exc.value.code == 2
