"""The closing note of "Cite what was published": a seed paper, imported from its listing
with the real import, resolved on arXiv and its published version found (all on the
loopback fakes the other tests use), then exported under each policy. The venue, pages
and DOI are the fixture's (a made-up DOI under the 10.5555 test prefix), not a claim
about the real paper.

Run `pytest tests/core/test_published_seed.py -rP` to see the three entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string

from readlist.cli import main
from readlist.store import Store
from tests.conftest import SEEDS
from tests.core.netfake import FakeApis, Rec
from tests.core.scholarfake import Scholars, dblp_info, dblp_server, s2_paper, s2_venue, scholars

__all__ = ["dblp_server", "scholars"]  # fixtures

SEED = SEEDS / "000_8f436e6abbfddf26.txt"
TITLE = "Supervised Learning-enhanced Multi-Group Actor Critic for Live Stream Allocation in Feed"
ARXIV = "2512.21234"
AUTHORS = ["Jingxin Liu", "Xiang Gao", "Yisha Li", "Xin Li", "Haiyang Lu", "Ben Wang"]
VENUE = "ACM SIGKDD Conference on Knowledge Discovery and Data Mining"
DOI = "10.5555/readlist.kdd.2026.1234"


def cli(lib: Path, *argv: str) -> None:
    assert main(["--db", str(lib), *argv]) == 0


def test_a_seed_paper_under_each_policy(
    scholars: Scholars, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arxiv = FakeApis(scholars.s2.server)  # arXiv and the Hub, on the same loopback server
    arxiv.add(Rec(ARXIV, TITLE, AUTHORS, published="2025-12-24", categories=["cs.LG"]))
    kdd = s2_venue(VENUE, "conference", "KDD")
    scholars.s2.papers[ARXIV] = s2_paper(
        ARXIV, TITLE, AUTHORS, 2026, venue=VENUE, place=kdd, doi=DOI, types=["Conference"]
    )
    scholars.dblp.hits.append(
        dblp_info(TITLE, AUTHORS, "KDD", 2026, "conf/kdd/LiuGLLLW26", doi=DOI, pages="2101-2112")
    )
    lib = tmp_path / "library.json"
    cli(lib, "import", str(SEED))
    with Store(lib) as store:
        (seed,) = [p for p in store.papers() if p.title == TITLE]
    cli(lib, "resolve", seed.id)
    cli(lib, "published", seed.id)
    with Store(lib) as store:
        paper = store.get(seed.id)
    assert paper.arxiv_id == ARXIV
    assert paper.published_version is not None
    capsys.readouterr()

    entries: dict[str, str] = {}
    for policy in ("preprint", "published", "both"):
        out = tmp_path / f"{policy}.bib"
        cli(lib, "export", "--ids", seed.id, "-o", str(out), "--versions", policy)
        entries[policy] = out.read_text()
    for policy, text in entries.items():
        print(f"\n--versions {policy}\n{text}", end="")  # shown by pytest -rP

    parsed = {policy: parse_string(text).entries[0] for policy, text in entries.items()}
    assert len({e.key for e in parsed.values()}) == 1  # one key under every policy
    preprint, published, both = parsed["preprint"], parsed["published"], parsed["both"]
    assert preprint.entry_type == "misc"
    assert preprint["eprint"] == ARXIV
    assert "booktitle" not in preprint.fields_dict
    assert published.entry_type == both.entry_type == "inproceedings"
    for entry in (published, both):
        assert entry["booktitle"] == VENUE
        assert entry["year"] == "2026"
        assert entry["doi"] == DOI
        assert entry["pages"] == "2101--2112"
    assert "eprint" not in published.fields_dict
    assert (both["eprint"], both["archivePrefix"]) == (ARXIV, "arXiv")


def test_a_preprint_imported_from_bibtex_with_an_arxiv_eprint_counts(
    scholars: Scholars, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No `resolve`: a .bib entry's `eprint` + `archivePrefix = {arXiv}` makes it a
    preprint, looked up by its exact arXiv id; its own key is kept under every policy."""
    from tests.core.scholarfake import LORA, populate

    populate(scholars.s2, scholars.dblp)
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{hu2021lora,\n  title = {{LoRA}: Low-Rank Adaptation of Large Language Models},\n"
        "  author = {Hu, Edward J. and Shen, Yelong and Wallis, Phillip and Allen-Zhu, Zeyuan"
        " and Li, Yuanzhi and Wang, Shean and Wang, Lu and Chen, Weizhu},\n"
        "  year = {2021},\n  eprint = {2106.09685},\n  archivePrefix = {arXiv},\n}\n"
    )
    lib = tmp_path / "library.json"
    cli(lib, "import", str(bib))
    cli(lib, "published")
    with Store(lib) as store:
        (paper,) = store.papers()
    assert paper.arxiv_id == LORA.arxiv_id
    assert paper.published_version is not None
    assert (
        paper.published_version["venue"] == "International Conference on Learning Representations"
    )
    out = tmp_path / "out.bib"
    cli(lib, "export", "-o", str(out), "--versions", "published")
    (entry,) = parse_string(out.read_text()).entries
    assert (entry.key, entry.entry_type) == ("hu2021lora", "inproceedings")
