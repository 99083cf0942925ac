"""A library the non-LaTeX formats must get right: Vietnamese, Polish, Greek and CJK
names, titles full of Markdown, HTML and TeX's specials (all literal text), a DOI as
a .bib wrote it, the entry types readlist maps, a corporate author and BibTeX's
"and others"."""

from __future__ import annotations

from pathlib import Path

from readlist.model import Paper
from readlist.store import Store

HOSTILE_TITLE = (
    "*Not* _emph_ [x](http://e.org) `code` #1 ~~no~~ <script>alert(1)</script> & \\o/ {50%}"
)

PAPERS = [
    Paper(
        id="vi",
        title="Nghiên cứu *mô hình* ngôn_ngữ [x] #1 cho tiếng Việt",
        authors=["Nguyễn Văn An", "Trần Thị Bích Ngọc"],
        arxiv_id="2511.07399",
        published="2025-11-07",
        date="2025-11-10",
        tags=["to_read", "c#"],
        notes="Đọc kỹ phần 3.\n\n# not a heading\n- not a list\n1. not a list either\n"
        "<b>not bold</b> &amp; [not](a link)",
    ),
    Paper(
        id="pl",
        title="Łódź i Kraków: 50% of `code`, #hash and [brackets]",
        authors=["Łukasz Żółć", "Grzegorz Brzęczyszczykiewicz"],
        entry_type="article",
        bibfields={
            "journal": "Przegląd *Elektrotechniczny*",
            "volume": "12",
            "number": "3",
            "pages": "1\u201310",
            "year": "2023",
            "month": "5",
        },
        doi="10.1000/xyz(1)\\_a",  # as a .bib for bibtex styles writes it
    ),
    Paper(
        id="el",
        title="Μάθηση με ενίσχυση [RL] και _υπογράμμιση_",
        authors=["Γιώργος Παπαδόπουλος", "Ελένη Κωνσταντίνου", "others"],
        entry_type="inproceedings",
        bibfields={"booktitle": "Πρακτικά Συνεδρίου ΕΜΠ", "year": "2024", "pages": "5\u20139"},
    ),
    Paper(
        id="ja",
        title="深層学習による画像認識 #2",
        authors=["张伟", "李娜"],
        entry_type="phdthesis",
        bibfields={"school": "東京大学", "year": "2022"},
    ),
    Paper(
        id="co",
        title="GPT-4 Technical Report",
        authors=["{OpenAI Team}"],
        entry_type="techreport",
        bibfields={"institution": "OpenAI", "number": "TR-1", "year": "2023"},
        links=["https://openai.com/research/gpt-4)(draft"],  # parentheses that do not pair
    ),
    Paper(
        id="tx",
        title="BERT and Über-Nets in Łódź",
        authors=["Jörg Müller", "van der Berg, Jr, Anna"],
        entry_type="book",
        bibfields={"publisher": "Springer & Co", "address": "Zürich", "year": "2021"},
        bibkey="existing2021key",
    ),
    Paper(id="ho", title=HOSTILE_TITLE, authors=["A\\B Tester"], date="2024-03-15"),
]
TITLES = {p.id: p.title for p in PAPERS}


def make_library(path: Path) -> Path:
    """The papers, stored through the store's own checks."""
    with Store(path) as store:
        store.put(PAPERS)
    return path
