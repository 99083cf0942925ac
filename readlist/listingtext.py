"""The text of a listing, as a file or a paste gives it: bytes to text, line ends, the
cleaning every imported field goes through, and an abstract's HTML anchors and links.
readlist.listing reads the listing's structure from it; BibTeX import cleans with it.
"""

from __future__ import annotations

import html
import re
import unicodedata

from readlist.errors import InputError
from readlist.links import BadLink, check_url
from readlist.text import clean as strip_controls

# Anchors are found tag by tag in one pass: a pattern spanning from `<a` to `</a>`
# rescans the rest of the text for every unclosed anchor, which is quadratic.
_A_TAG = re.compile(r"<(/?)a(?:\s[^<>]*)?>", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]+>")
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^]+")
_ODD_CR_RUN = re.compile(r"(?<!\r)\r(?:\r\r)*+(?!\r)")
_ODD_SPACE = re.compile("[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_BINARY = re.compile(rb"[\x01-\x08\x0e-\x1f\x7f]")


# A character UTF-8 encodes in 2 to 4 bytes: cp1252 text almost never holds one.
_UTF8_LETTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode(data: bytes, name: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 by BOM, else cp1252/latin-1.

    Raises InputError for data that is empty or not text at all.
    """
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: broken UTF-16 text ({exc.reason})") from None
    head = data[:65536]
    if b"\x00" in data or len(_BINARY.findall(head)) > max(8, len(head) // 100):
        raise InputError(f"{name}: looks like a binary file, not a text listing")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _UTF8_LETTER.search(data):  # UTF-8 with stray bytes: each is U+FFFD (strays.py)
        return data.decode("utf-8-sig", "replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def line_ends(text: str) -> str:
    """`text` with LF line ends, whether it had LF, CRLF, CR or CR CR ones: the one rule
    for files and pastes, so a paste parses exactly as the same bytes in a file.

    CR CR is CRLF pasted through tmux, which sends each LF as CR. With CR line ends a
    blank line is a run of two CRs; with CR CR ones, of four. So text without LF has
    CR CR line ends when every run of CRs is even and some run is four or longer;
    one odd run (a metadata paragraph's single line ends) means CR ones.
    """
    if "\r" not in text:
        return text
    if "\n" not in text and "\r\r\r\r" in text and _ODD_CR_RUN.search(text) is None:
        text = text.replace("\r\r", "\n")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean(text: str) -> str:
    """Normalise what real pastes contain: line ends (see `line_ends`), BOMs, odd spaces,
    tabs, trailing blanks, and drop control characters, so no imported field can carry
    a terminal escape."""
    text = line_ends(text).replace("\f", "\n")
    text = strip_controls(text)
    if text.isascii():
        text = text.replace("\t", " ")
    else:
        text = _INVISIBLE.sub("", _ODD_SPACE.sub(" ", text))
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n")


def _strip_url(url: str) -> str:
    url = url.rstrip(".,;:!?")
    unbalanced = url.count(")") - url.count("(")  # counted once: this loop stays linear
    while url.endswith(")") and unbalanced > 0:
        url = url[:-1].rstrip(".,;:!?")
        unbalanced -= 1
    return url


def _anchor(tag: str, inner: str, links: list[str], dropped: list[str]) -> str:
    """An anchor's replacement text: its link, or its text when the link is dropped."""
    text = _ANY_TAG.sub("", inner).strip()
    m = _HREF.search(tag)
    if m is None:
        return text
    # Only the attribute's own surrounding spaces go; `&#10;` inside counts as the link.
    href = html.unescape(next(g for g in m.groups() if g is not None).strip())
    try:
        url = check_url(href)
    except BadLink as exc:
        dropped.append(f"dropped link '{short(href)}': {exc}")
        return text
    links.append(url)
    return url + (text[-1] if text[-1:] in ".,;:" else "")


def _replace_anchors(text: str, links: list[str], dropped: list[str]) -> str:
    out: list[str] = []
    pos = 0
    opener: re.Match[str] | None = None
    for m in _A_TAG.finditer(text):
        if not m[1]:
            opener = m  # an earlier opener without a closer stays as text
        elif opener is not None:
            out.append(text[pos : opener.start()])
            out.append(_anchor(opener[0], text[opener.end() : m.start()], links, dropped))
            pos, opener = m.end(), None
    out.append(text[pos:])
    return "".join(out)


def clean_abstract(text: str, dropped: list[str] | None = None) -> tuple[str, list[str]]:
    """Replace HTML anchors by their URL and collect every link, in order, once.

    Links that are not safe http(s) URLs are left out, with a reason in `dropped`.
    """
    links: list[str] = []
    dropped = [] if dropped is None else dropped
    if "<" in text:
        text = _replace_anchors(text, links, dropped)
    for found in _URL.findall(text):
        raw = _strip_url(found)
        try:
            links.append(check_url(raw))
        except BadLink as exc:
            dropped.append(f"dropped link '{short(raw)}': {exc}")
    return " ".join(text.split()), list(dict.fromkeys(link for link in links if link))


def short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
