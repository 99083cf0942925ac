"""LaTeX -> plain text for BibTeX import: pylatexenc, taught readlist's own escapes
(`\\textbraceleft`) and the TeX logos, and run only on the words that need it."""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import get_default_latex_context_db as get_walker_context_db

_LATEX = re.compile(r"[\\{}$~%&#_^`\n]|--|''")
_SPANS = re.compile(r"(?<!\\)[%$]|\\begin|\\verb|\n")
_GAP = re.compile(r"(\s+)")
_OPEN = re.compile(r"(?<!\\)\{")
_CLOSE = re.compile(r"(?<!\\)\}")
_TAKES_NEXT = re.compile(r"(\\[A-Za-z@]*|\\.|[\\^_~])$")


class Decoder(LatexNodes2Text):  # type: ignore[misc]  # pylatexenc is untyped
    """pylatexenc's decoder, run only on the words that need it: it reads a character
    at a time, and an abstract is mostly plain words. Text is cut at spaces outside
    braces and not after a macro (which may take the next word as its argument);
    comments, math and line breaks can span words, so such text is decoded whole."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        # LatexWalker builds this (~20 µs) for every call unless it is given one.
        self._walker_context = get_walker_context_db()

    def latex_to_text(self, latex: str, **parse_flags: object) -> str:
        if not _LATEX.search(latex):
            return latex
        if _SPANS.search(latex):
            return self._whole(latex, **parse_flags)
        parts = _GAP.split(latex)
        out: list[str] = []
        segment: list[str] = []
        depth = 0
        for i in range(0, len(parts), 2):
            word, gap = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
            segment.append(word)
            if "{" in word or "}" in word:
                depth += len(_OPEN.findall(word)) - len(_CLOSE.findall(word))
            takes = ("\\" in word or word[-1:] in "^_~") and _TAKES_NEXT.search(word)
            if gap and (depth != 0 or takes):
                segment.append(gap)
                continue
            text = "".join(segment)
            out += [self._whole(text, **parse_flags) if _LATEX.search(text) else text, gap]
            segment = []
        return "".join(out)

    def _whole(self, latex: str, **parse_flags: object) -> str:
        parse_flags.setdefault("latex_context", self._walker_context)
        return str(super().latex_to_text(latex, **parse_flags))


def decoder() -> Decoder:
    context = get_default_latex_context_db()
    context.add_context_category(
        "readlist",
        macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")]
        # pylatexenc drops these logos, and "The {\\TeX}book" would become "The book".
        + [MacroTextSpec(name, name) for name in ("TeX", "LaTeX", "BibTeX")]
        + [MacroTextSpec("LaTeXe", "LaTeX2e")],
        prepend=True,
    )
    return Decoder(
        latex_context=context, math_mode="text", keep_braced_groups=False, strict_latex_spaces=True
    )
