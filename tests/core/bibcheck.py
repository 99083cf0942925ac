"""Helpers to read exported BibTeX back, as a real consumer would."""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from readlist.latex import LatexEncoder
from readlist.latex import decoder as latex_decoder

# pylatexenc knows no \textbraceleft and maps \textasciicircum to a modifier letter;
# teach its decoder what LaTeX prints for them.
_CONTEXT = get_default_latex_context_db()
_CONTEXT.add_context_category(
    "readlist-tests",
    macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")],
    prepend=True,
)


def _decoder() -> LatexNodes2Text:
    return LatexNodes2Text(
        latex_context=_CONTEXT, math_mode="text", keep_braced_groups=False, strict_latex_spaces=True
    )


def parse(text: str) -> dict[str, dict[str, str]]:
    """Entries by key, fields LaTeX-decoded, braces dropped."""
    middleware = LatexDecodingMiddleware(decoder=_decoder())
    library = parse_string(text, append_middleware=[middleware])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return {e.key: {f.key: f.value for f in e.fields} for e in library.entries}


@functools.cache
def faithful_chars() -> list[str]:
    """Characters the default export writes as LaTeX that means the same character,
    in both styles, read back by pylatexenc and by readlist's import: the alphabet of
    exact round trips. Other characters (Cyrillic, CJK, letters T1 has no accent for)
    are written as the closest ASCII on purpose; tests/core/test_latex_letters.py
    covers them."""
    bibtex, biblatex = LatexEncoder(), LatexEncoder(biber=True)
    pylatexenc, readlist = _decoder(), latex_decoder()
    out = []
    for start, end in ((0xA0, 0x250), (0x370, 0x400), (0x1E00, 0x1F00), (0x2000, 0x2200)):
        for ch in map(chr, range(start, end)):
            if unicodedata.category(ch)[0] in "CMZ":
                continue
            tex = bibtex(ch)
            back = {pylatexenc.latex_to_text(tex), readlist.latex_to_text(tex)}
            back.add(readlist.latex_to_text(biblatex(ch)))  # pylatexenc knows no \\a{d}
            if {unicodedata.normalize("NFC", b) for b in back} == {ch}:
                out.append(ch)
    return out


def plain(text: str) -> str:
    """Text compared "whitespace aside", and up to Unicode canonical equivalence (NFC)."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def compile_bib(
    bib: str,
    workdir: Path,
    style: str = "plain",
    cite: Sequence[str] = ("*",),
    options: str = "",
) -> tuple[str, Path]:
    """Compile a document citing every entry (or the keys in `cite`); returns the
    bibliography log and the PDF.

    `style` is a bibtex style (`plain`, `plainnat` with natbib), or `biblatex` (biber)
    with package `options` (`giveninits=true,style=alphabetic`).
    For biblatex the log returned also holds LaTeX's own warnings, which is where
    biblatex reports problems with the data.
    """
    nocite = "\\nocite{" + ",".join(cite) + "}\n"
    tools = ("biber", "pdflatex") if style == "biblatex" else ("bibtex", "pdflatex")
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: see .ci/run for the TeX packages")
    (workdir / "refs.bib").write_text(bib, encoding="utf-8")
    if style == "biblatex":
        package = ",".join(o for o in ("backend=biber", options) if o)
        preamble = f"\\usepackage[{package}]{{biblatex}}\n\\addbibresource{{refs.bib}}\n"
        body = nocite + "\\printbibliography\n"
    else:
        natbib = "\\usepackage{natbib}\n" if style.endswith("nat") else ""
        preamble = "\\usepackage{url}\n" + natbib
        body = nocite + f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n"
    (workdir / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
        + preamble
        + "\\begin{document}\n"
        + body
        + "\\end{document}\n"
    )

    def run(*cmd: str) -> None:
        subprocess.run(cmd, cwd=workdir, capture_output=True, timeout=300, check=False)

    latex = ("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex")
    run(*latex)
    run("biber", "doc") if style == "biblatex" else run("bibtex", "doc")
    run(*latex)
    run(*latex)
    log = (workdir / "doc.blg").read_text(errors="replace")
    if style == "biblatex":
        latex_log = (workdir / "doc.log").read_text(errors="replace")
        log += "\n" + "\n".join(line for line in latex_log.splitlines() if "Warning" in line)
    return log, workdir / "doc.pdf"


def assert_clean(log: str, style: str) -> None:
    """0 errors and 0 warnings, in the words each tool uses."""
    if style == "biblatex":
        assert "ERROR" not in log, log
        assert "WARN" not in log, log
        assert "Warning" not in log, log
    else:
        assert "error message" not in log, log
        assert "Warning--" not in log, log
        assert "warning" not in log.lower().replace("warning$", ""), log
