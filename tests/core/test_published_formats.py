"""`--versions published|preprint|both` in the formats that are not BibTeX: CSL-JSON (read
by its real consumer, pandoc --citeproc) and Markdown. A venue found by `readlist
published` is cited as the venue; `both` keeps the arXiv copy; `preprint` is today's
output; and no item's id (its key) changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from readlist.store import Store
from tests.core.pandoc import citeproc
from tests.core.published_world import POLICIES, export, looked_up, world
from tests.core.scholarfake import (
    BOOK,
    GRAPHCAST,
    LORA,
    WORLD,
    Scholars,
    dblp_server,
    scholars,
)

__all__ = ["dblp_server", "looked_up", "scholars", "world"]  # fixtures


@pytest.fixture
def lib(looked_up: Path) -> Path:
    """The fixture world, its venues looked up."""
    return looked_up


ICLR = "International Conference on Learning Representations"


def csl(lib: Path, tmp_path: Path, policy: str) -> dict[str, dict[str, Any]]:
    text = export(lib, tmp_path / f"{policy}.json", "--format", "csl-json", "--versions", policy)
    return {item["id"]: item for item in json.loads(text)}


def test_csl_json_published_cites_the_venue(lib: Path, tmp_path: Path) -> None:
    items = csl(lib, tmp_path, "published")
    lora = items[LORA.bibkey or ""]
    assert lora["type"] == "paper-conference"
    assert lora["container-title"] == ICLR
    assert lora["issued"] == {"date-parts": [[2022]]}
    assert "number" not in lora
    assert "archive" not in lora
    assert "arxiv.org" not in lora.get("URL", "")
    science = items[GRAPHCAST.bibkey or ""]
    assert science["type"] == "article-journal"
    assert (science["container-title"], science["volume"], science["page"]) == (
        "Science",
        "382",
        "1416-1421",
    )
    assert science["DOI"] == "10.1126/science.adi2336"
    assert "note" not in science  # the journal reference is the venue now
    # An unsure match is never cited as a venue: the preprint, as it was.
    book = items[BOOK.bibkey or ""]
    assert (book["type"], book["number"]) == ("article", f"arXiv:{BOOK.arxiv_id}")


def test_csl_json_both_keeps_the_arxiv_copy(lib: Path, tmp_path: Path) -> None:
    lora = csl(lib, tmp_path, "both")[LORA.bibkey or ""]
    assert (lora["type"], lora["container-title"]) == ("paper-conference", ICLR)
    assert (lora["archive"], lora["archive_location"]) == ("arXiv", "arXiv:2106.09685")
    assert lora["URL"] == "https://arxiv.org/abs/2106.09685"


def test_csl_json_preprint_is_todays_output(lib: Path, tmp_path: Path, scholars: Scholars) -> None:
    plain = tmp_path / "plain.json"
    with Store(plain) as store:
        store.put(list(WORLD))  # no venue looked up
    before = export(plain, tmp_path / "before.json", "--format", "csl-json")
    after = export(lib, tmp_path / "after.json", "--format", "csl-json", "--versions", "preprint")
    assert after == before
    assert csl(lib, tmp_path, "preprint")[LORA.bibkey or ""]["type"] == "article"


@pytest.mark.parametrize("policy", POLICIES)
def test_pandoc_citeproc_prints_each_policys_version(
    lib: Path, tmp_path: Path, policy: str
) -> None:
    refs = tmp_path / f"{policy}.json"
    items = json.loads(export(lib, refs, "--format", "csl-json", "--versions", policy))
    keys = [item["id"] for item in items]
    assert keys == [p.bibkey for p in WORLD]  # the keys never depend on the policy
    out, warnings = citeproc(refs, keys)
    assert warnings == ""
    flat = " ".join(out.split())
    assert ("Learning Representations" in flat) == (policy != "preprint")
    assert ("2106.09685" in flat) == (policy != "published")
    assert ("Science 382" in flat) == (policy != "preprint")


def test_markdown_follows_the_policy(lib: Path, tmp_path: Path) -> None:
    def line(policy: str) -> str:
        text = export(lib, tmp_path / "a.md", "--format", "markdown", "--versions", policy)
        (found,) = [row for row in text.splitlines() if LORA.title.split(":")[0] in row]
        return found

    published, both, preprint = line("published"), line("both"), line("preprint")
    assert f"(2022). *{ICLR}*." in published
    assert "arxiv.org" not in published
    assert f"*{ICLR}*" in both
    assert "[arXiv:2106.09685](https://arxiv.org/abs/2106.09685)" in both
    assert ICLR not in preprint
    assert "arXiv:2106.09685" in preprint
    text = export(lib, tmp_path / "g.md", "--format", "markdown", "--versions", "published")
    (science,) = [row for row in text.splitlines() if GRAPHCAST.title[:20] in row]
    assert "*Science*, 382, 1416–1421." in science
    assert "[doi:10.1126/science.adi2336](https://doi.org/10.1126/science.adi2336)" in science


def test_config_versions_is_every_formats_default(
    lib: Path, tmp_path: Path, scholars: Scholars
) -> None:
    config = scholars.home / "config.toml"
    config.write_text(config.read_text() + '[export]\nversions = "preprint"\n')
    items = json.loads(export(lib, tmp_path / "c.json", "--format", "csl-json"))
    assert {i["id"]: i for i in items}[LORA.bibkey or ""]["type"] == "article"
    md = export(lib, tmp_path / "c.md", "--format", "markdown")
    assert ICLR not in md
