"""Helpers to read exported BibTeX back, as a real consumer would."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

# pylatexenc knows no \textbraceleft and maps \textasciicircum to a modifier letter;
# teach its decoder what LaTeX prints for them.
_CONTEXT = get_default_latex_context_db()
_CONTEXT.add_context_category(
    "readlist-tests",
    macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")],
    prepend=True,
)


def parse(text: str) -> dict[str, dict[str, str]]:
    """Entries by key, fields LaTeX-decoded, braces dropped."""
    decoder = LatexNodes2Text(
        latex_context=_CONTEXT, math_mode="text", keep_braced_groups=False, strict_latex_spaces=True
    )
    middleware = LatexDecodingMiddleware(decoder=decoder)
    library = parse_string(text, append_middleware=[middleware])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return {e.key: {f.key: f.value for f in e.fields} for e in library.entries}


def plain(text: str) -> str:
    """Text compared "whitespace aside", and up to Unicode canonical equivalence (NFC)."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def compile_bib(bib: str, workdir: Path, style: str = "plain") -> tuple[str, Path]:
    """pdflatex, bibtex, pdflatex twice; returns the bibtex log and the PDF path."""
    if shutil.which("bibtex") is None or shutil.which("pdflatex") is None:
        pytest.fail("bibtex/pdflatex missing: install texlive-latex-base and texlive-binaries")
    (workdir / "refs.bib").write_text(bib, encoding="utf-8")
    (workdir / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{url}\n\\begin{document}\n"
        f"\\nocite{{*}}\n\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n"
    )

    def run(*cmd: str) -> None:
        subprocess.run(cmd, cwd=workdir, capture_output=True, timeout=300, check=False)

    run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
    run("bibtex", "doc")
    run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
    run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
    return (workdir / "doc.blg").read_text(errors="replace"), workdir / "doc.pdf"
