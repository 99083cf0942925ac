"""LaTeX <-> Unicode. The decoder (BibTeX import): pylatexenc, taught readlist's own
escapes (`\\textbraceleft`) and the TeX logos, and run only on the words that need it.
The encoder (export): ASCII LaTeX that pdflatex typesets under T1, for every letter."""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder
from pylatexenc.latexwalker import LatexMacroNode
from pylatexenc.latexwalker import get_default_latex_context_db as get_walker_context_db
from pylatexenc.macrospec import MacroSpec

MARKS = "\u0300-\u036f"
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
        self._walker_context.add_context_category(
            "readlist",
            macros=[MacroSpec("textcommabelow", "{"), MacroSpec("a", "{{")],
            prepend=True,
        )

    def latex_to_text(self, latex: str, **parse_flags: object) -> str:
        if not _LATEX.search(latex):
            return latex
        if "^^" in latex:  # \\a{^^$}: what a biblatex export writes for \\d (see _opaque)
            latex = _CARETS.sub(_caret, latex)
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


# vntex's (T5) horned letters are Vietnamese files' way to write ư and ơ.
_DECODED = {"Hwithstroke": "Ħ", "hwithstroke": "ħ", "SS": "ẞ"} | {
    "uhorn": "ư",
    "Uhorn": "Ư",
    "ohorn": "ơ",
    "Ohorn": "Ơ",
}


_DOTTED = str.maketrans("ıȷ", "ij")  # an accent on \i is an accent on i


def _accent(node: LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    """\\d{\\={L}} -> Ḹ: the mark goes on each letter with the marks it already has
    (pylatexenc puts it on each character, so L and its macron each got a dot). An
    accent at the end of a field (`Tilde \\~`) has no argument, and no letter to go on."""
    if node.nodeargd is None:
        return ""
    text = l2tobj.nodelist_to_text(node.nodeargd.argnlist[-1:])
    return _accented(text, _COMBINING[node.macroname])


def _tab_accent(node: LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    """LaTeX's \\a{d}{o} is \\d{o} (the export's biblatex files write it)."""
    if node.nodeargd is None:
        return ""
    name, arg = (l2tobj.nodelist_to_text([n]) if n else "" for n in node.nodeargd.argnlist[-2:])
    return _accented(arg, _COMBINING.get(name.strip(), ""))


def _accented(text: str, mark: str) -> str:
    text = unicodedata.normalize("NFD", text.strip().translate(_DOTTED))
    clusters = re.findall(f"[^{MARKS}][{MARKS}]*", text)
    return unicodedata.normalize("NFC", "".join(c + mark for c in clusters))


def decoder() -> Decoder:
    context = get_default_latex_context_db()
    context.add_context_category(
        "readlist",
        macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")]
        # pylatexenc drops these logos, and "The {\\TeX}book" would become "The book".
        + [MacroTextSpec(name, name) for name in ("TeX", "LaTeX", "BibTeX")]
        + [MacroTextSpec("LaTeXe", "LaTeX2e")]
        # T1's letters that pylatexenc does not know; the encoder writes them.
        + [MacroTextSpec(name, ch) for name, ch in _DECODED.items()]
        + [MacroTextSpec(name, _accent) for name in _COMBINING]
        + [MacroTextSpec("a", _tab_accent)],
        prepend=True,
    )
    return Decoder(
        latex_context=context, math_mode="text", keep_braced_groups=False, strict_latex_spaces=True
    )


# Unicode -> LaTeX for export ---------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# Combining marks -> accent commands that pdflatex has under T1. Marks above a letter
# nest innermost (TeX's \accent stacks on a character, \d and \c build a box around
# whatever they get), so ặ is {\d{\u{a}}}.
_ABOVE = {
    0x300: "`",
    0x301: "'",
    0x302: "^",
    0x303: "~",
    0x304: "=",
    0x306: "u",
    0x307: ".",
    0x308: '"',
    0x30A: "r",
    0x30B: "H",
    0x30C: "v",
}
_BELOW = {0x323: "d", 0x326: "textcommabelow", 0x327: "c", 0x328: "k", 0x331: "b"}
_KEPT = _ABOVE.keys() | _BELOW.keys()
_COMBINING = {name: chr(mark) for mark, name in (_ABOVE | _BELOW).items()}
# Letters with no decomposition that T1 has a glyph or command for.
_LETTERS = {
    "ø": r"\o",
    "Ø": r"\O",
    "ł": r"\l",
    "Ł": r"\L",
    "đ": r"\dj",
    "Đ": r"\DJ",
    "ð": r"\dh",
    "Ð": r"\DH",
    "ß": r"\ss",
    "ẞ": r"\SS",
    "æ": r"\ae",
    "Æ": r"\AE",
    "œ": r"\oe",
    "Œ": r"\OE",
    "þ": r"\th",
    "Þ": r"\TH",
    "ŋ": r"\ng",
    "Ŋ": r"\NG",
    "ĳ": r"\ij",
    "Ĳ": r"\IJ",
    "ı": r"\i",
    "ȷ": r"\j",
    "ħ": r"\hwithstroke",
    "Ħ": r"\Hwithstroke",
    "ƒ": r"\textflorin",
    "ª": r"\textordfeminine",
    "º": r"\textordmasculine",
    "µ": r"\textmu",
}
# The letters LaTeX's own UTF-8 tables set up under T1 (t1enc.dfu, utf8enc.dfu).
# biber decodes an accent on a lone letter to the Unicode letter, and pdflatex stops
# at any other; the biblatex compile in tests/core/test_latex_letters.py fails on a letter
# listed here that LaTeX does not know.
_T1_UNICODE = frozenset(
    chr(c)
    for span in _words(
        "00C0-00D6 00D8-00F6 00F8-0125 0128-0137 0139-013E 0141-0148 014A-0165 0168-017E "
        "0192 01C4-01D4 01E2-01E3 01E6-01EB 01F0 01F4-01F5 0218-021B 0232-0233 0237 "
        "1E02-1E03 1E0D 1E1E-1E21 1E25 1E30-1E31 1E37 1E43 1E45 1E47 1E5B 1E63 1E6D "
        "1E8E-1E91 1E9E 1EF2-1EF3"
    )
    for c in range(int(span[:4], 16), int(span[-4:], 16) + 1)
)
_GREEK_MATH = frozenset(
    _words(
        "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda "
        "mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
        "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega "
        "ensuremath acute grave ddot tilde bar breve check hat dot"
    )
)
# biber keeps these as they are, and at the start of a name its initials then come out
# as a lone "}" that stops LaTeX: biblatex files get the letter T1 draws them from.
_BIBER_PLAIN = {"Ħ": "H", "ħ": "h", "ẞ": "SS"}
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)")
_TRANSLIT_KEEP = re.compile(r"[^A-Za-z0-9 '.,:;!?()/+*=-]")


class LatexEncoder:
    """One character (with any combining marks after it) -> ASCII LaTeX that pdflatex
    typesets under T1: accents stacked from the decomposition, T1's letters, Greek in
    math mode, and for what T1 cannot show the closest ASCII (see the README's Export).

    `biber` writes accents that LaTeX has no Unicode letter for so that biber passes
    them on as they are: biber decodes an accent on a lone letter to Unicode, which
    pdflatex then cannot typeset, and mangles nested accents ({\\d{\\u{a}}} becomes a
    dot before ă). See `_opaque`.
    """

    def __init__(self, biber: bool = False) -> None:
        self._biber = biber
        self._cache: dict[str, str] = {}
        self._encoder: UnicodeToLatexEncoder | None = None
        self._decoder: LatexNodes2Text | None = None

    def __call__(self, cluster: str) -> str:
        latex = self._cache.get(cluster)
        if latex is None:
            latex = self._cache[cluster] = self._encode(unicodedata.normalize("NFC", cluster))
        return latex

    def _encode(self, cluster: str) -> str:
        ch = cluster[0]
        category = unicodedata.category(ch)
        if len(cluster) == 1 and not category.startswith("L"):
            return self._symbol(ch)
        if category.startswith("M"):  # marks with no letter under them
            return ""
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN") or ch.isascii() or cluster in _LETTERS:
            return self._latin(cluster)
        if name.startswith("GREEK"):
            return self._greek(cluster)
        return _transliterate(cluster)

    def _latin(self, cluster: str) -> str:
        if self._biber and cluster in _BIBER_PLAIN:
            return _BIBER_PLAIN[cluster]
        if cluster in _LETTERS:
            return "{" + _LETTERS[cluster] + "}"
        decomposed = unicodedata.normalize("NFD", cluster)
        base, marks = decomposed[0], decomposed[1:]
        if not marks:
            compat = unicodedata.normalize("NFKD", cluster)
            if compat != cluster and compat.isascii():
                return _transliterate(compat)
            if compat != cluster:
                return "".join(self(c) for c in _clusters(compat))
            return _transliterate(cluster)
        letter = _LETTERS.get(base) or unicodedata.normalize("NFKD", base)
        if not (letter.startswith("\\") or (letter.isascii() and letter.isalpha())):
            return _transliterate(cluster)
        above = [_ABOVE[ord(m)] for m in marks if ord(m) in _ABOVE]
        below = [_BELOW[ord(m)] for m in marks if ord(m) in _BELOW]
        commands = above + below
        if not commands:  # only marks T1 lacks (hook above, horn): the letter alone
            return "{" + letter + "}" if letter.startswith("\\") else letter
        shown = unicodedata.normalize("NFC", base + "".join(m for m in marks if ord(m) in _KEPT))
        if self._biber and not (len(commands) == 1 and shown in _T1_UNICODE):
            inner = unicodedata.normalize(
                "NFC", base + "".join(_COMBINING[c] for c in commands[:-1])
            )
            return "{" + _opaque(letter, commands, inner in _T1_UNICODE) + "}"
        return "{" + _stacked(letter, commands) + "}"

    def _greek(self, cluster: str) -> str:
        latex = self._pylatexenc(cluster) if len(cluster) == 1 else None
        if latex is not None and set(_CONTROL_WORD.findall(latex)) <= _GREEK_MATH:
            return latex
        decomposed = unicodedata.normalize("NFD", cluster)
        if len(decomposed) == 1:
            return _transliterate(cluster)
        base = self(decomposed[0])
        if not base.isalpha():  # ώ: the letter in math mode, without its accent
            return base
        above = [_ABOVE[ord(m)] for m in decomposed[1:] if ord(m) in _ABOVE]
        return "{" + _stacked(base, above) + "}" if above else base  # Ά: {\'A}

    def _symbol(self, ch: str) -> str:
        latex = self._pylatexenc(ch)
        return _transliterate(ch) if latex is None else latex

    def _pylatexenc(self, ch: str) -> str | None:
        """pylatexenc's LaTeX for a character, if it means that character (it writes Ħ
        as H with a macron)."""
        if self._encoder is None or self._decoder is None:
            fixes = UnicodeToLatexConversionRule(
                rule_type=RULE_DICT, rule={ord("·"): r"\ensuremath{\cdot}", 0xA0: "~"}
            )
            self._encoder = UnicodeToLatexEncoder(
                non_ascii_only=True,
                replacement_latex_protection="braces-all",
                unknown_char_policy="keep",
                unknown_char_warning=False,
                conversion_rules=[fixes, "defaults"],
            )
            self._decoder = LatexNodes2Text()
        latex = str(self._encoder.unicode_to_latex(ch))
        back = unicodedata.normalize("NFC", self._decoder.latex_to_text(latex))
        return latex if back == ch and latex.isascii() else None


def _stacked(letter: str, commands: list[str]) -> str:
    """\\~{\\^{e}}: each accent on the one inside it; a lone letter under one accent
    symbol is left bare ({\\"u}), as pylatexenc and most .bib files write it."""
    out = letter
    for cmd in commands:
        bare = len(commands) == 1 and not cmd.isalpha() and len(out) == 1 and out not in "ij"
        out = "\\" + cmd + (out if bare else "{" + out + "}")
    return out


def t1_letter(ch: str) -> bool:
    """A letter LaTeX's UTF-8 tables typeset under T1 (what biber may write as it is)."""
    return ch.isascii() or ch in _T1_UNICODE


def _opaque(letter: str, commands: list[str], inner_t1: bool = False) -> str:
    """The same accents in a shape biber's decoder leaves alone: {\\~{\\^{e\\relax}}}.
    biber decodes \\d followed by anything but a letter, so a lettered accent goes
    through LaTeX's \\a (\\a{d} is \\d): {\\a{d}{\\a{u}{a\\relax}}}.

    biber's labels (style=alphabetic) and sort initials keep every letter of a name
    once its macros and symbols are taken out: {\\a{d}{...}}u labelled "d". So the
    outermost \\d, \\c or \\k names its letter in TeX's ^^ notation (^^$ is d, a
    symbol to biber), and the letter under it is written for biber to decode when T1
    has it: Ặ is {\\a{^^$}{\\u{A}}}, labelled Ă."""
    if inner_t1 and len(commands) > 1 and commands[-1] in _CARET:
        return "\\a{" + _CARET[commands[-1]] + "}{" + _stacked(letter, commands[:-1]) + "}"
    out = letter + r"\relax"
    for n, cmd in enumerate(commands):
        name = _CARET.get(cmd, cmd) if n == len(commands) - 1 else cmd
        out = ("\\a{" + name + "}" if cmd.isalpha() else "\\" + cmd) + "{" + out + "}"
    return out


# An accent's letter for \\a in TeX's ^^ notation: a character biber's labels drop.
_CARET = {"d": "^^$", "c": "^^#", "k": "^^+"}
_CARETS = re.compile(r"\^\^([0-9a-f]{2}|[\x00-\x7f])")


def lettered(latex: str) -> str:
    """`latex` with \\a{^^$} written \\a{d} again: for a name biber takes initials from
    as written (not in the extended format), where ^^$ would give one of ^^. What is
    under it is made opaque to biber again ({\\u{a}\\relax}): biber would decode it and
    write \\a{d}ă, and \\d would take half of the UTF-8 letter."""
    for letter, caret in _CARET.items():
        head = "\\a{" + caret + "}{"
        while (at := latex.find(head)) >= 0:
            start = at + len(head)
            end = _closing(latex, start)
            inner = latex[start:end]
            relax = "" if "\\relax" in inner else "\\relax"
            latex = latex[:at] + "\\a{" + letter + "}{" + inner + relax + latex[end:]
    return latex


def _closing(text: str, start: int) -> int:
    """Where the group opened just before `start` closes (its "}")."""
    depth = 1
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)


def _caret(m: re.Match[str]) -> str:
    """TeX's ^^ notation: ^^64 and ^^$ are both d."""
    code = m.group(1)
    if len(code) == 2:
        return chr(int(code, 16))
    return chr(ord(code) + 64 if ord(code) < 64 else ord(code) - 64)


def _clusters(text: str) -> list[str]:
    return re.findall(f".[{MARKS}]*", text, re.S)


def _transliterate(text: str) -> str:
    """ASCII for what T1 has no glyph for (Юрий -> Yuriy, 张 -> Zhang): anyascii's
    transliteration, keeping only characters that need no escaping in TeX; a letter
    it has nothing for (ƹ) is a "?", so a name never loses a letter unseen."""
    ascii = _TRANSLIT_KEEP.sub("", anyascii(text))
    return ascii or ("?" if unicodedata.category(text[0])[0] == "L" else "")


@functools.cache
def math_decoder() -> LatexNodes2Text:
    """pylatexenc for a formula shown as text ($O(n \\log n)$ is O(n log n)): TeX's
    spacing rules would join `log n` into `logn`."""
    return LatexNodes2Text(
        math_mode="text", keep_braced_groups=False, strict_latex_spaces="based-on-source"
    )
