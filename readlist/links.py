"""Links: what counts as one, and its safe spelling.

A link comes from untrusted text and ends up in BibTeX (where TeX reads it), in the
terminal and in a browser. Only absolute http(s) URLs with a host are links; whatever
RFC 3986 does not allow verbatim is percent-encoded (UTF-8), so no backslash, brace,
caret, space or control character survives into a `url` field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from readlist.model import is_code_repo

if TYPE_CHECKING:
    from readlist.model import Paper

# Characters RFC 3986 allows verbatim outside the host (brackets are for IPv6 hosts only).
_VERBATIM = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?@!$&'()*+,;="
)
_HEX = frozenset("0123456789abcdefABCDEF")
_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")
_IPV6 = re.compile(r"\[[0-9a-f:.]+\]")
_MAX_LENGTH = 4096


class BadLink(ValueError):
    """Why a text is not a usable link; the message is the reason, fit for a report."""


def _escaped(part: str, i: int) -> bool:
    """Whether `part[i]` starts an existing `%XX` escape."""
    return part[i + 1 : i + 2] in _HEX and part[i + 2 : i + 3] in _HEX and i + 2 < len(part)


def _encode(part: str) -> str:
    """Percent-encode `part` as RFC 3986 requires, keeping existing `%XX` escapes."""
    out: list[str] = []
    for i, ch in enumerate(part):
        if ch in _VERBATIM or (ch == "%" and _escaped(part, i)):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
    return "".join(out)


def _host(netloc: str) -> str:
    userinfo, _, hostport = netloc.rpartition("@")
    if userinfo:
        raise BadLink("user name or password in the link")
    if hostport.startswith("["):
        host, _, port = hostport.partition("]")
        host += "]"
        port = port.removeprefix(":")
        if not _IPV6.fullmatch(host.lower()):
            raise BadLink("not a valid host")
        if port and not (port.isascii() and port.isdigit()):
            raise BadLink("not a valid port")
        return host.lower() + (f":{port}" if port else "")
    host, colon, port = hostport.partition(":")
    if colon and not (port.isascii() and port.isdigit()):
        raise BadLink("not a valid port")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise BadLink("not a valid host name") from None
    host = host.lower()
    if not _HOST.fullmatch(host):
        raise BadLink("not a valid host name")
    return host + (f":{port}" if colon else "")


def check_url(raw: str) -> str:
    """The link in its safe spelling, or BadLink with the reason it cannot be one."""
    if not raw:
        raise BadLink("empty link")
    if len(raw) > _MAX_LENGTH:
        raise BadLink("link too long")
    if any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in raw):
        raise BadLink("space or control character in the link")
    scheme, sep, _ = raw.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        raise BadLink("not an http(s) link")
    try:
        parts = urlsplit(raw)
    except ValueError as exc:
        raise BadLink(f"not a valid URL ({exc})") from None
    if not parts.netloc:
        raise BadLink("no host in the link")
    host = _host(parts.netloc)
    url = f"{parts.scheme.lower()}://{host}{_encode(parts.path)}"
    if "?" in raw.partition("#")[0]:
        url += "?" + _encode(parts.query)
    if "#" in raw:
        url += "#" + _encode(parts.fragment)
    return url


def clean_url(raw: str) -> str | None:
    """`check_url`, with None for what is not a link."""
    try:
        return check_url(raw)
    except BadLink:
        return None


def url_of(paper: Paper) -> str | None:
    """The paper's own page (see `Paper.page_url`), checked and %-encoded again, so a
    link stored before links were checked cannot smuggle TeX into the `url` field."""
    return next((u for u in map(clean_url, paper.web_links()) if u and not is_code_repo(u)), None)
