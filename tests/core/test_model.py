"""Paper's stored form and its links."""

from __future__ import annotations

from readlist.model import Paper


def test_optional_fields_are_left_out_of_the_stored_form_while_empty() -> None:
    doc = Paper(id="abc1234", title="T").to_doc()
    assert "categories" not in doc
    assert "resolution" not in doc
    assert "bibfields" not in doc
    assert "title_protect" not in doc


def test_every_field_survives_a_stored_round_trip() -> None:
    paper = Paper(
        id="abc1234",
        title="T",
        authors=["Ada Lovelace"],
        arxiv_id="2511.07399",
        arxiv_version=2,
        primary_category="cs.CV",
        categories=["cs.CV", "cs.LG"],
        doi="10.1/x",
        journal_ref="J. 1",
        arxiv_comment="12 pages",
        published="2025-11-10",
        updated="2025-11-12",
        resolution={"status": "failed", "reason": "timeout"},
        ai_keywords=["video"],
        github="https://github.com/a/b",
        project_page="https://a.example/",
        entry_type="article",
        bibfields={"journal": "Nature"},
        title_protect=["Latent Diffusion Models"],
    )
    again = Paper.from_doc(paper.id, paper.to_doc())
    assert again == paper
    assert again.title_protect is not paper.title_protect  # copied, never shared
    assert again.to_json()["categories"] == ["cs.CV", "cs.LG"]


def test_json_shape_has_every_field_even_when_empty() -> None:
    out = Paper(id="abc1234", title="T").to_json()
    assert out["categories"] == []
    assert out["doi"] is None
    assert out["title_protect"] == []


def test_the_paper_page_is_never_a_code_repository() -> None:
    paper = Paper(
        id="abc1234",
        title="T",
        links=["https://github.com/a/b", "https://proj.example/page"],
    )
    assert paper.page_url() == "https://proj.example/page"
    assert paper.web_links()[-1] == "https://github.com/a/b"
    only_code = Paper(id="abc1234", title="T", links=["https://github.com/a/b"])
    assert only_code.page_url() is None
    resolved = only_code.replace(arxiv_id="2511.07399")
    assert resolved.web_links()[0] == "https://arxiv.org/abs/2511.07399"
    assert resolved.page_url() == "https://arxiv.org/abs/2511.07399"
